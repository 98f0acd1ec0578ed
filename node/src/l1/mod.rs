//! The node's one way to the L1: the [`L1`] boundary. The L1 sender and the L1 watcher use
//! nothing else, so the chain behind it is either
//!
//! - [`embedded`]: the embedded revm chain in this process ([`EmbeddedL1`] on an
//!   [`EmbeddedChain`]), or
//! - [`json_rpc`]: any Ethereum node over JSON-RPC, through alloy ([`JsonRpcL1`]): the
//!   development chain (`zkrollup l1`, crate `zkrollup-devchain`), anvil, or a real network.
//!
//! [`audit`] replays what the rollup received on a JSON-RPC chain on the spec's L1.
//! [`in_flight`] is the sender's record of its transaction in flight, kept in the store before
//! the transaction is sent. [`wallet`] holds what a wallet, rather than the node, does on the L1 (deposits, full-exit
//! requests), for the tests and tools.

pub mod audit;
pub mod embedded;
pub mod in_flight;
pub mod json_rpc;
pub mod wallet;

pub use embedded::{EmbeddedChain, EmbeddedL1};
pub use json_rpc::JsonRpcL1;

use zkrollup_spec::l1::{CommitBlock, Event, StoredBlock};

/// Where the L1 watcher stands: the next L1 block to read, and the hash the block before it
/// had when it was read (`None` before the first read, and on the embedded chain, whose
/// history never changes). A watcher that finds another hash there knows that the chain
/// reorganised below its confirmations, and that what it read from there may be gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct L1Cursor {
    pub next: u64,
    pub last_hash: Option<[u8; 32]>,
}

/// A failed L1 call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum L1Error {
    /// The contract reverted with one of the spec's rules.
    #[error("the contract refused it: {rule}")]
    Rejected { rule: String },
    /// The chain's history changed below the watcher's cursor: a reorganisation deeper than
    /// the confirmations waited for. A request the node read from those blocks may be gone
    /// from the L1 (and one the new branch holds would be missed), so it reads no further.
    #[error(
        "the L1 reorganised below the confirmations waited for: block {block} was {was}, is now {now}; a \
         request read from the lost blocks may be gone, so the node reads no further: its priority operations \
         must be reconciled with the L1's by hand (more --l1-confirmations prevents this)"
    )]
    Reorg { block: u64, was: String, now: String },
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
    /// The rollup's events from `cursor` on, and the cursor after them; [`L1Error::Reorg`] if
    /// the block before the cursor is not the one read.
    fn events(&mut self, cursor: L1Cursor) -> Result<(Vec<Event>, L1Cursor), L1Error>;
    /// How long the watcher waits before it reads again when nothing was new.
    fn poll_interval(&self) -> std::time::Duration;
    /// A second connection to the same L1 and contract (the watcher's, so that it reads on
    /// while the sender waits for a receipt).
    fn connection(&self) -> Result<Box<dyn L1>, L1Error>;
    /// Where to record each transaction before sending it (the node's store). The embedded
    /// chain executes a call at once, so nothing of its is ever in flight.
    fn record_in(&mut self, _journal: std::sync::Arc<dyn in_flight::Journal>) {}
}
