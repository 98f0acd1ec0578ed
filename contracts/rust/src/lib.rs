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
//! (the vectors' proof convention) and `TestToken.sol`.
//!
//! On top of the harness, the L1 driver: [`rollup::RollupOnL1`] drives the deployed rollup with
//! the spec's types, and [`dual_l1::DualL1`] runs every call on the spec's L1 and on the contract
//! side by side, recording any disagreement (an L1 backend for the conformance crate's
//! operator). Data flows: spec types → calldata → revm → receipts, logs and reverts → spec
//! verdicts and events ([`events`]); and back: a mined transaction's calldata → the spec's call
//! ([`calldata`], for auditing a real chain).

pub mod artifacts;
pub mod calldata;
pub mod dual_l1;
pub mod events;
pub mod evm;
pub mod rollup;
pub mod verifier;
