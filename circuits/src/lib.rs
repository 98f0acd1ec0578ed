//! # zkrollup-circuits: the block and exit circuits
//!
//! R1CS circuits over BN254's scalar field (arkworks), proven with Groth16. They prove what the
//! spec says, no more and no less: a valid block has a proof, an invalid one has none.
//!
//! Data flows: a block's inputs and the pre-state → [`block::build`] (executes them on the
//! reference's state without checks, collecting per-chunk leaf witnesses) → [`block::BlockCircuit`]
//! (header, one universal chunk gadget per chunk, a signature slot per two chunks, fee slots,
//! the SHA-256 commitment as the single public input) → [`block::check`] (satisfaction and the
//! first failing rule) or [`groth16::prove`] with keys from [`keys`] → [`export`] (snarkjs JSON)
//! or the Solidity verifier (`zkrollup-contracts`).
//!
//! - [`gadgets`]: Poseidon, arity-4 Merkle paths, EdDSA-Poseidon on BabyJubjub, float unpacking,
//!   range checks, the SHA-256 commitment; each tested against the spec's native function.
//! - [`block`]: the block circuit and its witness; [`exit`]: the exit circuit (exodus mode).
//! - [`groth16`]: the insecure development setup, proving, verifying; [`keys`]: keys on disk.
//! - [`satisfaction`]: whether an assignment satisfies the constraints, checked sequentially
//!   on the system as synthesised.

pub mod block;
pub mod exit;
pub mod export;
pub mod gadgets;
pub mod groth16;
pub mod keys;
pub mod satisfaction;
