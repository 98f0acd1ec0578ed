//! # zkrollup-spec: the executable specification
//!
//! The zkrollup protocol, written to be read and run. Every other part of the project (the
//! reference node, the circuits, the L1 contracts, the conformance vectors) is defined as
//! *agrees with this crate*. Correctness and clarity come first; nothing here is optimised.
//!
//! Read the modules in order; each builds only on those before it:
//!
//! 1. [`params`]: protocol constants.
//! 2. [`primitives`]: the field, Poseidon, EdDSA-Poseidon on BabyJubjub, key derivation, packing.
//! 3. [`state`]: accounts and the arity-4 sparse Merkle trees that commit to them.
//! 4. [`tx`]: signed L2 transactions, their bytes and signing messages, and ChangePubKey's L1
//!    authorisations.
//! 5. [`op`]: operations as they appear in a block, and their pubdata.
//! 6. [`transition`]: the rules applying a transaction or priority operation to the state, in
//!    the order [`checks`] states as data.
//! 7. [`block`]: blocks, fee collection, the commitment and the public input.
//! 8. [`l1`]: the L1 contract's rules as a pure state machine.
//! 9. [`exit`]: what an exodus exit proof states.
//! 10. [`restore`]: the state rebuilt from what blocks commit on L1, for exits without the operator.
//!
//! [`rendered`] puts the rules, every check order and every L1 call on one Markdown page
//! (`spec/RULES.md`) for readers without a Rust build.
//!
//! Data flows as the system does: a user signs a [`tx::Tx`]; [`transition::apply_tx`] checks it
//! against the [`state::State`] and yields an [`op::Op`]; [`block::Block`] gathers ops, collects
//! fees and commits to pubdata; [`l1::L1`] accepts the block's commitment, proof and on-chain
//! ops, and pays out withdrawals.
//!
//! Every rejection carries a [`rules::Rule`] with a stable id; the full table:
#![doc = include_str!(concat!(env!("OUT_DIR"), "/rules.md"))]
// The spec favours plain data over compact layouts: transactions are stored inline in enums.
#![allow(clippy::large_enum_variant)]
#![warn(missing_docs)]

pub mod checks;
pub mod params;
pub mod rules;

pub mod block;
pub mod exit;
pub mod l1;
pub mod op;
pub mod primitives;
pub mod rendered;
pub mod restore;
pub mod state;
pub mod testkit;
pub mod transition;
pub mod tx;
