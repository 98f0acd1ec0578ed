//! # zkrollup: the harness
//!
//! The root crate holds what ties the four implementations of the protocol together:
//!
//! - [`wire`]: the JSON format of the conformance vectors (a compatibility contract, apart from
//!   the spec's internal types), and conversions to and from the spec's types.
//! - [`vectors`]: the generator (every vector's expected outcome comes from running its input
//!   through the spec), reading and writing the committed suite, `check` and `coverage`.
//! - [`fuzzing`]: the bodies of the cargo-fuzz targets in `fuzz/`, replayed by `cargo test`.
//! - [`harness`]: the [`harness::Implementation`] trait, its adapters (`spec`, `reference`,
//!   `circuit`, `contract`, `exec:`) and the runner that compares outcomes and reports the first
//!   difference.
//! - [`l1_contract`]: the Solidity rollup contract in revm, driven with the spec's types;
//!   [`dual_l1`] runs it beside the spec's L1 and records any disagreement.
//!
//! Data flows: case builders → inputs → spec adapter → expected outcomes → JSON files; then
//! JSON files → any adapter → outcomes → compared with the expected ones.

pub mod dual_l1;
pub mod fuzzing;
pub mod harness;
pub mod l1_contract;
pub mod vectors;
pub mod wire;
