//! The bodies of the fuzz targets that need the heavy parts (the circuit, the contract in
//! revm): fuzzer bytes become a vector input (`zkrollup_conformance::fuzzing` makes it), the
//! spec and the other implementation answer it through their conformance adapters, and any
//! difference is a finding (a panic naming the first differing JSON path and the input).
//! `fuzz/` builds them under its `heavy` feature, so that the decoder targets keep building
//! without revm or Groth16; `cargo test` replays their committed corpora.

use zkrollup_conformance::fuzzing::{block_vector, commit_vector};
use zkrollup_conformance::harness::runner::first_difference;
use zkrollup_conformance::harness::spec_impl::SpecImplementation;
use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::wire::VectorInput;

use crate::adapters::circuit::CircuitImplementation;
use crate::adapters::contract::ContractImplementation;

fn agree(input: &VectorInput, other: &mut dyn Implementation) {
    let spec = SpecImplementation.run(input).expect("the spec answers every input it is given");
    let theirs = other.run(input).unwrap_or_else(|e| panic!("{} could not answer: {e}\n{input:?}", other.name()));
    let (a, b) = (serde_json::to_value(&spec).expect("json"), serde_json::to_value(&theirs).expect("json"));
    if let Some(d) = first_difference(&a, &b, "$") {
        panic!("spec and {} differ: {d:?}\ninput: {}", other.name(), serde_json::to_string(input).unwrap_or_default());
    }
}

/// A fuzzer-chosen block (the fixture's state, up to two inputs, 16 chunks): the circuit
/// accepts it exactly when the spec does, with the same public input, and names the spec's
/// rule when it refuses (witness building, synthesis and the satisfaction check included).
pub fn circuit_vs_spec(data: &[u8]) {
    agree(&VectorInput::Block(block_vector(data)), &mut CircuitImplementation);
}

/// A fuzzer-made `commitBlock` (pubdata and on-chain op offsets) after a few priority requests:
/// the contract in revm and the spec's L1 reach the same verdicts, rule ids and stored blocks.
pub fn contract_vs_spec(data: &[u8]) {
    agree(&VectorInput::L1(commit_vector(data)), &mut ContractImplementation);
}
