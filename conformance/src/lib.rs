//! # zkrollup-conformance: the conformance suite and its harness
//!
//! Everything an implementation of the protocol is checked with, and nothing heavier: this crate
//! depends on the spec and the reference only (no revm, no Groth16), so an outside implementer
//! and the fuzz targets build it quickly.
//!
//! - [`wire`]: the JSON format of the vectors (a compatibility contract, apart from the spec's
//!   own types) and conversions to and from the spec's types.
//! - [`expected`]: the spec's outcome of a vector input.
//! - [`vectors`]: the case builders, generation (each vector's expected outcome is
//!   [`expected::outcome`] of its input), reading and writing the committed suite, `check` and
//!   `coverage`.
//! - [`harness`]: the [`harness::Implementation`] trait, the `spec`, `reference` and `exec:`
//!   adapters, and the runner that compares outcomes and reports the first difference.
//! - [`operator`]: a scripted operator over any L1 backend, used by the L1 vectors, the demo and
//!   the differential tests.
//! - [`suite`]: running the whole committed suite through an adapter, for tests.
//! - [`fuzzing`]: the bodies of the cargo-fuzz targets in `fuzz/`, replayed by `cargo test`.
//!
//! Data flows one way: case builders → wire inputs → [`expected::outcome`] → vector files; then
//! vector files → any adapter → outcomes → the runner's comparison with the expected ones. No
//! generation step reads an adapter, and no adapter reads another's internals.
#![warn(missing_docs)]

pub mod expected;
pub mod fuzzing;
pub mod harness;
pub mod operator;
pub mod suite;
pub mod vectors;
pub mod wire;

/// The committed suite's root folder (`conformance-vectors/` at the top of the repository).
pub fn committed_suite_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors")
}
