//! # zkrollup-contracts: the L1 contracts in revm
//!
//! The Solidity sources live in `contracts/src`, compiled by a pinned solc-js
//! (`contracts/compile.mjs`) into committed artifacts (`contracts/artifacts`), so building and
//! testing never need node. This crate embeds the artifacts, runs them in revm over an
//! in-memory database ([`evm::L1Evm`]), and converts keys and proofs to the contracts' layout
//! ([`verifier`]).
//!
//! Contracts: `Rollup.sol` (the spec's `l1` module in Solidity; reverts carry rule ids),
//! `Groth16Verifier.sol` (one public input, verifying key as immutables), `SymbolicVerifier.sol`
//! (the vectors' proof convention) and `TestToken.sol`. The root crate drives them with the
//! spec's types (`zkrollup::l1_contract`) and beside the spec (`zkrollup::dual_l1`).

pub mod artifacts;
pub mod evm;
pub mod verifier;
