//! # zkrollup-reference: the operator's implementation
//!
//! What an operator runs: fast, and in agreement with the executable specification on every
//! input, valid or not (established by the conformance vectors and differential tests; the
//! transition rules here are written independently of the spec's).
//!
//! Data flows: signed transactions enter the [`keeper::StateKeeper`], which checks them
//! against the current [`state::RefState`] and answers with a receipt; priority operations
//! arrive from L1. On sealing, the keeper packs them into a block through the
//! [`executor::Executor`], collects fees, and yields a [`block::SealedBlock`]: ops, roots,
//! pubdata, commitment, and (when witnessing) per-chunk [`state::LeafWrite`]s, the leaf values
//! and Merkle paths the circuit proves.
//!
//! - [`tree`]: arity-4 Merkle trees that store internal nodes; batched, parallel rehashing.
//! - [`state`]: accounts, balance trees, the account tree, the address index.
//! - [`executor`]: the transition rules.
//! - [`block`]: block application, fee collection, commitment, witness material.
//! - [`keeper`]: mempool, receipts, block building and sealing.
//! - [`signature`]: EdDSA-Poseidon verification, the spec's verdict without its affine detours.

pub mod block;
pub mod executor;
pub mod keeper;
pub mod poseidon;
pub mod signature;
pub mod state;
pub mod tree;
