//! # zkrollup-circuits: the block and exit circuits
//!
//! R1CS circuits over BN254's scalar field (arkworks), proven with Groth16. They prove what the
//! spec says, no more and no less: a valid block has a proof, an invalid one has none.
//!
//! - [`gadgets`]: Poseidon, arity-4 Merkle paths, and (to come) EdDSA-Poseidon on
//!   BabyJubjub, float unpacking, range checks, the SHA-256 commitment.
//!
//! Work in progress: the chunk and block circuits, the exit circuit, keys and export follow.

pub mod block;
pub mod exit;
pub mod export;
pub mod gadgets;
pub mod groth16;
pub mod keys;
