//! The adapter for the reference implementation (transition and block vectors; primitives,
//! codec and L1 vectors are the spec's and the contract's business).

use zkrollup_reference::block::apply_block;
use zkrollup_reference::executor::Executor;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::BlockInput;

use super::Implementation;
use crate::wire::convert::*;
use crate::wire::{self as w, Kind, Outcome, VectorInput, Verdict};

/// The reference implementation (`zkrollup-reference`) as an adapter, for transition and block vectors.
pub struct ReferenceImplementation;

impl Implementation for ReferenceImplementation {
    fn name(&self) -> String {
        "reference".into()
    }

    fn supports(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Transition | Kind::Block)
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        run_reference(input).map_err(|e| e.to_string())
    }
}

/// The reference's outcome for a transition or block input.
pub fn run_reference(input: &VectorInput) -> Result<Outcome, WireError> {
    match input {
        VectorInput::Transition(t) => {
            let pre = state_of(&t.pre_state)?;
            let ctx = context_of(&t.context)?;
            let mut ex = Executor::new(RefState::from_spec(&pre), false);
            let pre_root = ex.state.root();
            let result = match input_of(&t.input)? {
                BlockInput::Tx(tx) => ex.apply_tx(&tx, &ctx).map(|(o, f)| (o, Some(f))),
                BlockInput::Priority(p) => ex.apply_priority(&p).map(|o| (o, None)),
            };
            let verdict = match result {
                Ok((o, f)) => Verdict::Accepted(w::TransitionAccepted {
                    pubdata: hex_of(&o.to_pubdata()),
                    op: op(&o),
                    fee: f.as_ref().map(fee),
                    post_root: fr_dec(&ex.state.root()),
                    changed_accounts: changed_accounts(&pre, &ex.state.to_spec()),
                }),
                Err(e) => Verdict::rejected(&e),
            };
            Ok(Outcome::Transition(w::TransitionOutcome { pre_root: fr_dec(&pre_root), verdict }))
        }
        VectorInput::Block(b) => {
            let pre = state_of(&b.pre_state)?;
            let ctx = context_of(&b.context)?;
            let inputs: Vec<BlockInput> = b.inputs.iter().map(input_of).collect::<Result<_, _>>()?;
            let mut ex = Executor::new(RefState::from_spec(&pre), false);
            let pre_root = ex.state.root();
            let verdict = match apply_block(&mut ex, &ctx, b.chunks as usize, &inputs) {
                Ok(s) => Verdict::Accepted(w::BlockAccepted {
                    ops: s.ops.iter().map(op).collect(),
                    fees: s.fees.iter().map(|(&token, &v)| w::FeeJson { token, amount: dec(v) }).collect(),
                    post_root: fr_dec(&s.new_root),
                    pubdata: hex_of(&s.pubdata()),
                    onchain_flags: hex_of(&s.onchain_flags()),
                    commitment: hex_of(&s.commitment()),
                    public_input: fr_dec(&s.public_input()),
                }),
                Err(e) => Verdict::rejected(&e),
            };
            Ok(Outcome::Block(w::BlockOutcome { pre_root: fr_dec(&pre_root), verdict }))
        }
        other => Err(WireError(format!("the reference does not take {} vectors", other.kind().as_str()))),
    }
}
