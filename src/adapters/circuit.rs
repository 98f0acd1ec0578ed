//! The adapter for the block circuit: for a block vector it builds the witness (executing the
//! inputs without checks on the reference's state), synthesises the circuit and reports what
//! the *circuit* computed: satisfied or not, and if not, the rule of the first failing
//! rule-tagged constraint; if satisfied, its roots, pubdata, flags, commitment and public input,
//! the ops decoded from its pubdata and the fees of its fee slots. Nothing in the outcome is
//! taken from the spec.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

use zkrollup_circuits::block::{self, fr_to_u128, BlockCircuit, Tag, Unrepresentable};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::op::{chunks_of, Op};
use zkrollup_spec::params::{BLOCK_CHUNK_SIZES, CHUNK_BYTES};
use zkrollup_spec::rules::Rule;
use zkrollup_spec::state::State;
use zkrollup_spec::transition::BlockContext;

use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::wire::convert::*;
use zkrollup_conformance::wire::{self as w, Kind, Outcome, VectorInput, Verdict};

pub struct CircuitImplementation;

impl Implementation for CircuitImplementation {
    fn name(&self) -> String {
        "circuit".into()
    }

    fn supports(&self, kind: Kind) -> bool {
        kind == Kind::Block
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        match input {
            VectorInput::Block(b) => run_block(b),
            other => Err(format!("the circuit adapter does not take {} vectors", other.kind().as_str())),
        }
    }
}

/// A block through the block circuit: the witness builder's refusal (an input the circuit cannot
/// represent), or the circuit's verdict.
pub type Checked = Result<block::Verdict, Unrepresentable>;

/// `inputs` applied as one block of `chunks` chunks to `pre`, through the block circuit: built
/// and checked once per process for each block (the circuit is deterministic, so a verdict kept
/// is the verdict recomputed). The contract adapter takes every block vector through this
/// adapter first, and the soundness test (one test binary with the suites, tests/conformance/)
/// asks it of the same blocks: one synthesis serves all three (issue 26).
pub fn checked(pre: &State, ctx: &BlockContext, chunks: usize, inputs: &[BlockInput]) -> Result<Checked, String> {
    let key = format!("{pre:?}|{ctx:?}|{chunks}|{inputs:?}");
    if let Some(c) = CHECKED.lock().map_err(|e| e.to_string())?.get(&key) {
        return Ok(c.clone());
    }
    let checked = match block::build(&mut RefState::from_spec(pre), ctx, chunks, inputs) {
        Err(e) => Err(e),
        Ok(witness) => Ok(block::check(&BlockCircuit::new(chunks, witness).map_err(|e| e.to_string())?)
            .map_err(|e| format!("synthesis: {e}"))?),
    };
    CHECKED.lock().map_err(|e| e.to_string())?.insert(key, checked.clone());
    Ok(checked)
}

static CHECKED: LazyLock<Mutex<HashMap<String, Checked>>> = LazyLock::new(Default::default);

/// Computes the circuit's answers to `inputs` on `threads` threads, ahead of the calls that
/// read them (block synthesis is single-threaded; the suite runs vectors one by one).
pub fn answer_ahead(inputs: &[&VectorInput], threads: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                while let Some(input) = inputs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let _ = CircuitImplementation.run(input);
                }
            });
        }
    });
}

/// Splits pubdata into ops, dropping the padding Noops.
fn ops_of(pubdata: &[u8]) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    let mut at = 0;
    while at < pubdata.len() {
        let chunks = chunks_of(pubdata[at])
            .ok_or_else(|| format!("unknown op code {} in the circuit's pubdata", pubdata[at]))?;
        let end = (at + chunks * CHUNK_BYTES).min(pubdata.len());
        let op = Op::from_pubdata(&pubdata[at..end]).map_err(|e| format!("circuit pubdata: {e}"))?;
        if op != Op::Noop {
            ops.push(op);
        }
        at = end;
    }
    Ok(ops)
}

/// For a block whose ops overflow its `chunks`: the spec checks each input before counting its
/// chunks, so an input that breaks a rule at or before the overflowing one reports first. The
/// circuit of the largest size computes those rules: the first input-level failure among the
/// ops starting within `chunks` (an op starting later comes after the overflow).
fn first_rule_within(
    pre: &zkrollup_spec::state::State,
    ctx: &zkrollup_spec::transition::BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<Option<Rule>, String> {
    let largest = *BLOCK_CHUNK_SIZES.iter().max().expect("block sizes");
    if chunks >= largest {
        return Ok(None);
    }
    let Ok(v) = checked(pre, ctx, largest, inputs)? else { return Ok(None) };
    Ok(v.failures.iter().find_map(|(position, tag)| match tag {
        Tag::Rule(r) if *position <= chunks && !zkrollup_spec::checks::BLOCK.contains(r) => Some(*r),
        _ => None,
    }))
}

/// For a block with an input the circuit cannot represent (a 4-byte account id): the spec
/// refuses a block at its first failing input, which may come before that one. The circuit of
/// the same size computes the rules of the inputs before it (they fit: the builder counts
/// chunks input by input).
fn first_rule_before(
    pre: &zkrollup_spec::state::State,
    ctx: &zkrollup_spec::transition::BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<Option<Rule>, String> {
    let build = |n: usize| block::build(&mut RefState::from_spec(pre), ctx, chunks, &inputs[..n]);
    let Some(unrepresentable) = (1..=inputs.len()).find(|&n| build(n).is_err()) else { return Ok(None) };
    let v = checked(pre, ctx, chunks, &inputs[..unrepresentable - 1])?.map_err(|e| e.to_string())?;
    Ok(v.failures.iter().find_map(|(_, tag)| match tag {
        Tag::Rule(r) if !zkrollup_spec::checks::BLOCK.contains(r) => Some(*r),
        _ => None,
    }))
}

fn run_block(b: &w::BlockInputJson) -> Result<Outcome, String> {
    let pre = state_of(&b.pre_state).map_err(|e| e.to_string())?;
    let ctx = context_of(&b.context).map_err(|e| e.to_string())?;
    let inputs: Vec<BlockInput> = b.inputs.iter().map(input_of).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let v = match checked(&pre, &ctx, b.chunks as usize, &inputs)? {
        Ok(v) => v,
        Err(e) => {
            let pre_root = RefState::from_spec(&pre).root();
            let rule = match e.0.rule {
                Rule::BlockTooManyChunks => first_rule_within(&pre, &ctx, b.chunks as usize, &inputs)?,
                Rule::BlockUnsupportedSize => None,
                _ => first_rule_before(&pre, &ctx, b.chunks as usize, &inputs)?,
            };
            let verdict = match rule {
                Some(r) => Verdict::Rejected { rule: r.id().into() },
                None => Verdict::rejected(&e.0),
            };
            return Ok(Outcome::Block(w::BlockOutcome { pre_root: fr_dec(&pre_root), verdict }));
        }
    };
    let verdict = if v.satisfied {
        let mut fees: BTreeMap<u16, u128> = BTreeMap::new();
        for (token, amount) in &v.fees {
            let (t, a) = (fr_to_u128(token).ok_or("fee token")?, fr_to_u128(amount).ok_or("fee amount")?);
            if a > 0 {
                *fees.entry(t as u16).or_default() += a;
            }
        }
        Verdict::Accepted(w::BlockAccepted {
            ops: ops_of(&v.pubdata)?.iter().map(op).collect(),
            fees: fees.iter().map(|(&token, &v)| w::FeeJson { token, amount: dec(v) }).collect(),
            post_root: fr_dec(&v.new_root),
            pubdata: hex_of(&v.pubdata),
            onchain_flags: hex_of(&v.onchain_flags),
            commitment: hex_of(&v.commitment),
            public_input: fr_dec(&v.public_input),
        })
    } else {
        Verdict::Rejected { rule: v.failure.map_or("circuit.unsatisfied", |t| t.id()).to_string() }
    };
    Ok(Outcome::Block(w::BlockOutcome { pre_root: fr_dec(&v.old_root), verdict }))
}
