//! Soundness of the block circuit against the spec, over every transition vector (applied as a
//! one-input block) and every block vector:
//!
//! - the spec accepts ⇒ the circuit is satisfied and its public input is the spec's;
//! - the spec refuses with rule R ⇒ the honest-attempt witness does not satisfy the circuit and
//!   the circuit's first failing check is tagged R (or the input cannot be represented in the
//!   circuit at all, and the witness builder names R).
//!
//! Then, for every rule the spec marks as enforced by the circuit, at least one vector must have
//! been refused by the circuit under that rule.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use zkrollup::adapters::circuit::checked;
use zkrollup_circuits::block::{self, Tag};
use zkrollup_conformance::vectors;
use zkrollup_conformance::wire::convert::*;
use zkrollup_conformance::wire::VectorInput;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::rules::{Enforcer, Rule};
use zkrollup_spec::state::State;
use zkrollup_spec::transition::BlockContext;

/// How the circuit side refused (or accepted) a case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    None,
    Circuit(&'static str),
    Unrepresentable(&'static str),
}

fn run(
    name: &str,
    rules: &[String],
    pre: &State,
    ctx: BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<Refusal, String> {
    let mut spec_state = pre.clone();
    let spec = apply_block(&mut spec_state, &BlockParams { context: ctx, chunks }, inputs);
    let v = match checked(pre, &ctx, chunks, inputs)? {
        Ok(v) => v,
        Err(e) => {
            return match spec {
                Err(s) if s.rule == e.0.rule => Ok(Refusal::Unrepresentable(e.0.rule.id())),
                // A check-order vector also breaks a rule the circuit cannot represent.
                Err(_) if rules.iter().any(|r| r == e.0.rule.id()) => Ok(Refusal::Unrepresentable(e.0.rule.id())),
                // The spec stops at an earlier input than the one the circuit cannot represent:
                // the inputs before that one fit, and the circuit must refuse them under the
                // spec's rule (the spec refuses that prefix as it refuses the whole).
                Err(s) => {
                    let fits =
                        |n: usize| block::build(&mut RefState::from_spec(pre), &ctx, chunks, &inputs[..n]).is_ok();
                    match (1..=inputs.len()).find(|&n| !fits(n)) {
                        Some(n) if n > 1 => match run(name, rules, pre, ctx, chunks, &inputs[..n - 1])? {
                            Refusal::Circuit(r) if r == s.rule.id() => Ok(Refusal::Circuit(r)),
                            other => Err(format!(
                                "{name}: the inputs before the unrepresentable one give {other:?}, spec says {}",
                                s.rule.id()
                            )),
                        },
                        _ => Err(format!("{name}: witness builder refused ({}), spec says {}", e.0, s.rule.id())),
                    }
                }
                other => Err(format!("{name}: witness builder refused ({}), spec says {other:?}", e.0)),
            };
        }
    };
    match spec {
        Ok(b) if v.satisfied && v.public_input == b.public_input() => Ok(Refusal::None),
        Ok(_) if v.satisfied => Err(format!("{name}: satisfied with another public input")),
        Ok(_) => Err(format!("{name}: valid block refused by the circuit ({:?})", v.failure)),
        Err(e) if v.satisfied => Err(format!("{name}: the circuit accepts a block the spec refuses ({})", e.rule.id())),
        Err(e) => match v.failure {
            Some(Tag::Rule(r)) if r == e.rule => Ok(Refusal::Circuit(r.id())),
            // A check-order vector breaks two rules: which one reports first is the spec's and
            // the harness's business; the circuit must refuse, and refuse under the spec's rule too.
            _ if name.contains("/order/") && v.failures.iter().any(|(_, t)| *t == Tag::Rule(e.rule)) => {
                Ok(Refusal::Circuit(e.rule.id()))
            }
            other => {
                Err(format!("{name}: refused, but the circuit names {other:?} where the spec names {}", e.rule.id()))
            }
        },
    }
}

/// One check-order vector in this many runs by default.
const ORDER_STRIDE: usize = 5;

/// The cases: every transition vector as a block of 8 chunks, every block vector as it is.
/// A case: name, the rules it exercises, pre-state, context, chunks, inputs.
type Case = (String, Vec<String>, State, BlockContext, usize, Vec<BlockInput>);

fn cases() -> Vec<Case> {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).unwrap();
    let mut out = Vec::new();
    // Check-order vectors (two rules broken) are many and alike: every `ORDER_STRIDE`-th by
    // default, all of them with ZKROLLUP_ORDER_VECTORS=all.
    let all_order = std::env::var("ZKROLLUP_ORDER_VECTORS").is_ok_and(|v| v == "all");
    let mut order_seen = 0usize;
    for v in files.iter().flat_map(|f| &f.vectors) {
        if v.name.contains("/order/") {
            order_seen += 1;
            if !all_order && order_seen % ORDER_STRIDE != 1 {
                continue;
            }
        }
        match &v.input {
            VectorInput::Transition(t) => out.push((
                v.name.clone(),
                v.rules.clone(),
                state_of(&t.pre_state).unwrap(),
                context_of(&t.context).unwrap(),
                8,
                vec![input_of(&t.input).unwrap()],
            )),
            VectorInput::Block(b) => out.push((
                v.name.clone(),
                v.rules.clone(),
                state_of(&b.pre_state).unwrap(),
                context_of(&b.context).unwrap(),
                b.chunks as usize,
                b.inputs.iter().map(|i| input_of(i).unwrap()).collect(),
            )),
            _ => {}
        }
    }
    out
}

#[test]
fn the_circuit_refuses_exactly_what_the_spec_refuses_and_names_the_rule() {
    // The block vectors' verdicts are the suite's answers, computed once for both.
    crate::circuit_answers_ahead();
    let cases = cases();
    assert!(cases.len() > 100, "the suite has transition and block vectors");
    let results = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get()).min(4) {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some((name, rules, pre, ctx, chunks, inputs)) = cases.get(i) else { break };
                let r = run(name, rules, pre, *ctx, *chunks, inputs);
                results.lock().unwrap().push((name.clone(), r));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let failures: Vec<&String> = results.iter().filter_map(|(_, r)| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{} of {} cases disagree:\n{:#?}", failures.len(), results.len(), failures);

    let mut by_circuit: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_builder: BTreeSet<&str> = BTreeSet::new();
    for (_, r) in &results {
        match r.as_ref().unwrap() {
            Refusal::Circuit(id) => *by_circuit.entry(id).or_default() += 1,
            Refusal::Unrepresentable(id) => {
                by_builder.insert(id);
            }
            Refusal::None => {}
        }
    }
    let accepted = results.iter().filter(|(_, r)| r.as_ref().unwrap() == &Refusal::None).count();
    eprintln!("{} cases: {accepted} accepted, refusals by the circuit per rule: {by_circuit:?}", results.len());
    eprintln!("refused before the circuit (not representable): {by_builder:?}");
    assert!(accepted >= 40, "enough valid blocks are checked");

    // Rules that no input can reach the circuit with: their inputs have no representation.
    let unrepresentable = [
        Rule::TxAccountIdOutOfRange,
        Rule::FullExitAccountIdOutOfRange,
        Rule::BlockUnsupportedSize,
        Rule::BlockTooManyChunks,
    ];
    for rule in Rule::ALL.iter().filter(|r| r.enforcer() == Enforcer::Circuit) {
        if unrepresentable.contains(rule) {
            assert!(by_builder.contains(rule.id()), "{}: no vector reaches the witness builder's refusal", rule.id());
        } else {
            assert!(by_circuit.contains_key(rule.id()), "{}: no vector shows the circuit refusing it", rule.id());
        }
    }
}
