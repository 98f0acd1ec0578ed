//! The committed conformance suite through the adapters that need the circuits and revm: every
//! block vector through the block circuit, every L1 and block vector through the Solidity
//! contract, and every contract-enforced rule reverted on chain; and [`soundness`]: the block
//! circuit refuses exactly what the spec refuses, over every transition and block vector.
//!
//! One binary, so that the block vectors are synthesised once for the suite and the soundness
//! check ([`zkrollup::adapters::circuit::checked`]).

mod soundness;

use std::collections::BTreeSet;

use zkrollup::adapters::{circuit::CircuitImplementation, contract::ContractImplementation};
use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::suite;
use zkrollup_conformance::vectors;
use zkrollup_conformance::wire::{Kind, Outcome, Verdict};

/// Both adapters take every block vector through the block circuit (the contract adapter
/// commits and proves what the circuit answered): its answers are computed once, on every core,
/// before either test reads them.
fn circuit_answers_ahead() {
    static AHEAD: std::sync::Once = std::sync::Once::new();
    AHEAD.call_once(|| {
        let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).expect("the committed suite reads");
        let blocks: Vec<_> =
            files.iter().flat_map(|f| &f.vectors).map(|v| &v.input).filter(|i| i.kind() == Kind::Block).collect();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        zkrollup::adapters::circuit::answer_ahead(&blocks, threads);
    });
}

#[test]
fn every_block_vector_passes_on_the_circuit() {
    circuit_answers_ahead();
    suite::run_everything(&mut CircuitImplementation);
}

#[test]
fn every_l1_vector_passes_on_the_contract() {
    circuit_answers_ahead();
    suite::run_everything(&mut ContractImplementation);
}

/// Every rule the spec gives the contract to enforce is shown by a vector in which the Solidity
/// contract reverts with that rule id (the vectors agree with the spec, checked above; this
/// checks that each rule is reached on chain).
#[test]
fn the_contract_reverts_with_every_contract_rule() {
    use zkrollup_spec::rules::{Enforcer, Rule};
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).expect("the committed suite reads");
    let vectors: Vec<_> = files.into_iter().flat_map(|f| f.vectors).collect();
    let mut contract = ContractImplementation;
    let mut seen = BTreeSet::new();
    for v in vectors.iter().filter(|v| v.input.kind() == Kind::L1) {
        if let Outcome::L1(o) = contract.run(&v.input).unwrap() {
            for r in o.results {
                if let Verdict::Rejected { rule } = r {
                    seen.insert(rule);
                }
            }
        }
    }
    for rule in Rule::ALL.iter().filter(|r| r.enforcer() == Enforcer::Contract) {
        assert!(seen.contains(rule.id()), "no vector makes the contract revert with {}", rule.id());
    }
}
