//! The witness stage: a block's inputs, read back from the store, executed on the witness
//! state (the state after the last block it built) by the circuit's own builder, into a proving
//! job. The keeper and the circuit's builder execute the block independently: their roots must
//! agree, or the node stops rather than prove something else.

use zkrollup_circuits::block::{self as block_circuit, BlockCircuit};
use zkrollup_conformance::wire::convert;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{Block, BlockInput, BlockParams};
use zkrollup_spec::transition::BlockContext;

use crate::prover::ProofJob;
use crate::store::{state_of, Store};

/// Block `n` as the spec sees it (header, ops, roots; fees are not kept) and its inputs in
/// block order; `None` if it is not sealed.
pub fn block_of(store: &Store, n: u32) -> Result<Option<(Block, Vec<BlockInput>)>, String> {
    let Some((rec, priority, txs)) = store.block_inputs(n).map_err(|e| e.to_string())? else { return Ok(None) };
    let mut inputs = Vec::new();
    for p in &priority {
        inputs.push(BlockInput::Priority(convert::priority_of(p).map_err(|e| e.to_string())?));
    }
    for t in &txs {
        inputs.push(BlockInput::Tx(convert::tx_of(t).map_err(|e| e.to_string())?));
    }
    let ops = rec.ops.iter().map(convert::op_of).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    let context = BlockContext { block_number: n, fee_account: rec.fee_account, timestamp: rec.info.timestamp };
    let block = Block {
        params: BlockParams { context, chunks: rec.info.chunks as usize },
        ops,
        fees: Default::default(),
        old_root: convert::fr_of(&rec.old_root).map_err(|e| e.to_string())?,
        new_root: convert::fr_of(&rec.info.new_root).map_err(|e| e.to_string())?,
    };
    Ok(Some((block, inputs)))
}

/// The witness state and the block it stands after.
pub struct WitnessBuilder {
    state: RefState,
    /// The block `state` is after; `None` when it must be reloaded from the store.
    after: Option<u32>,
}

impl Default for WitnessBuilder {
    fn default() -> Self {
        WitnessBuilder { state: RefState::new(), after: None }
    }
}

impl WitnessBuilder {
    /// The proving job of block `n`; `None` if it is not sealed yet.
    pub fn job(&mut self, store: &Store, n: u32) -> Result<Option<ProofJob>, String> {
        let Some((block, inputs)) = block_of(store, n)? else { return Ok(None) };
        if self.after != Some(n - 1) {
            self.state = state_after(store, n - 1)?;
        }
        self.after = None; // until the build succeeds, the state is scrap
        let p = &block.params;
        let witness =
            block_circuit::build(&mut self.state, &p.context, p.chunks, &inputs).map_err(|e| e.to_string())?;
        let root = self.state.root();
        if root != block.new_root {
            return Err(format!(
                "block {n}: the circuit's builder reaches root {root}, the keeper sealed {}",
                block.new_root
            ));
        }
        self.after = Some(n);
        let circuit = BlockCircuit::new(p.chunks, witness).map_err(|e| e.to_string())?;
        Ok(Some(ProofJob { block: n, public_input: block.public_input(), circuit }))
    }
}

/// The state after block `n`, from the accounts' versions in the store (no block replayed).
fn state_after(store: &Store, n: u32) -> Result<RefState, String> {
    let next_id = match n {
        0 => 0,
        n => store.block(n).map_err(|e| e.to_string())?.ok_or(format!("no block {n}"))?.next_account_id,
    };
    let accounts = store.accounts_at(n).map_err(|e| e.to_string())?;
    state_of(&accounts, next_id).map_err(|e| e.to_string())
}
