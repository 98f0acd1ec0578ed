//! The conformance vectors as the spec's only oracle: every committed vector through the spec.
//! cargo-mutants runs just this test against mutants of the spec (`.cargo/mutants.toml`), so a
//! mutant that survives is a deviation the whole suite lets through.

use zkrollup_conformance::harness::spec_impl::SpecImplementation;
use zkrollup_conformance::suite;

#[test]
fn every_vector_passes_on_the_spec() {
    suite::run_everything(&mut SpecImplementation);
}
