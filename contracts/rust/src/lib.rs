//! # zkrollup-contracts: the L1 contracts in revm
//!
//! The Solidity sources live in `contracts/src`, compiled by a pinned solc-js
//! (`contracts/compile.mjs`) into committed artifacts (`contracts/artifacts`), so building and
//! testing never need node. This crate embeds the artifacts, runs them in revm over an
//! in-memory database ([`evm::L1Evm`]), and converts keys and proofs to the contracts' layout
//! ([`verifier`]).
//!
//! Work in progress: today the generic Groth16 verifier; the rollup contract follows.

pub mod artifacts;
pub mod evm;
pub mod verifier;
