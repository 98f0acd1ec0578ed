//! # zkrollup: the command line, and the adapters that need the heavy parts
//!
//! The conformance suite itself (wire format, generation, runner, the spec, reference and
//! `exec:` adapters) is the `zkrollup-conformance` crate, which builds without revm or
//! Groth16. This crate adds the two adapters that need them, and the CLI (`src/main.rs`) that
//! names every adapter:
//!
//! - [`adapters::circuit`]: block vectors through the block circuit (witness built from the
//!   reference state, satisfaction checked, the public input read back).
//! - [`adapters::contract`]: L1 and block vectors through the Solidity rollup contract in revm.
//!
//! - [`fuzzing`]: the fuzz targets that compare the circuit and the contract with the spec.
//!
//! Data flows: vector files → [`by_name`] → an adapter → outcomes → the conformance runner.

pub mod adapters;
pub mod fuzzing;

use zkrollup_conformance::harness::{self, Implementation};

/// The names `--impl` accepts.
pub const IMPLEMENTATIONS: &str = "spec, reference, circuit, contract, exec:<command>";

/// Builds the implementation named on the command line.
pub fn by_name(name: &str) -> Result<Box<dyn Implementation>, String> {
    if let Some(built) = harness::by_name(name) {
        return built;
    }
    match name {
        "circuit" => Ok(Box::new(adapters::circuit::CircuitImplementation)),
        "contract" => Ok(Box::new(adapters::contract::ContractImplementation)),
        other => Err(format!("unknown implementation {other:?}; available: {IMPLEMENTATIONS}")),
    }
}
