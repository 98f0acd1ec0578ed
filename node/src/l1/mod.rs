//! The node's one way to the L1: the [`L1`] boundary. The L1 sender and the L1 watcher use
//! nothing else, so the chain behind it is either
//!
//! - [`embedded`]: the embedded revm chain in this process ([`EmbeddedL1`] on an
//!   [`EmbeddedChain`]), or
//! - [`json_rpc`]: any Ethereum node over JSON-RPC, through alloy ([`JsonRpcL1`]).

pub mod embedded;
pub mod json_rpc;

pub use embedded::{EmbeddedChain, EmbeddedL1};
pub use json_rpc::JsonRpcL1;

use zkrollup_spec::l1::{CommitBlock, Event, StoredBlock};

/// A failed L1 call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum L1Error {
    /// The contract reverted with one of the spec's rules.
    #[error("the contract refused it: {rule}")]
    Rejected { rule: String },
    /// The chain could not be reached or answered something else.
    #[error("L1: {0}")]
    Other(String),
}

/// What the node asks of the L1, as the validator of the rollup contract.
pub trait L1: Send {
    /// The block the contract starts from (block 0).
    fn genesis(&self) -> StoredBlock;
    /// Commits `block` on `parent`; the block as the contract stored it.
    fn commit(&mut self, parent: &StoredBlock, block: &CommitBlock) -> Result<StoredBlock, L1Error>;
    /// Proves a committed block.
    fn prove(&mut self, block: &StoredBlock, proof: &[u8]) -> Result<(), L1Error>;
    /// Executes a proven block, with the pubdata of the ops it pays out.
    fn execute(&mut self, block: &StoredBlock, pending_ops: &[Vec<u8>]) -> Result<(), L1Error>;
    /// The rollup's events from `cursor` on, and the cursor after them.
    fn events(&mut self, cursor: u64) -> Result<(Vec<Event>, u64), L1Error>;
}
