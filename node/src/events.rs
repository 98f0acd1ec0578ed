//! What changed in the node, for the API's subscriptions ([`crate::subscriptions`]): the stages
//! announce it here once it is durable, the subscriptions read the new state from the store
//! and the sequencer (never from the event), so an event says only *what* to look at again.
//!
//! Two broadcast channels, by rate:
//! - [`ChainEvent`]s (a block reached a stage, a priority request was read, the mempool let
//!   transactions go) are few, and each matters: a receiver that fell behind is told how many
//!   it lost, and its subscription ends rather than skip some;
//! - acceptances come at the API's full rate, one event per group of submissions the sequencer
//!   makes durable, naming the accounts whose next nonce moved: a subscriber follows only its
//!   account's, and one that fell behind reads its account again, which loses nothing.
//!
//! Block events are announced in the order the blocks reached their stages: a stage's store
//! write and its announcement happen under one lock ([`Events::announce`]), so the L1 sender,
//! which reads the sealed blocks from the store, cannot announce a block committed before the
//! sequencer has announced it sealed.

use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;
use zkrollup_api::BlockStage;

/// A block, priority request or mempool event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainEvent {
    /// Block `number` reached `stage` (sealed by the sequencer, or settled on L1).
    Block { number: u32, stage: BlockStage },
    /// The node read priority request `serial_id` from L1 (and queued it).
    PriorityRead { serial_id: u64 },
    /// Transactions left the mempool, dropped, without a block.
    Dropped,
}

/// How many chain events a subscriber may fall behind by before it is dropped: far more blocks
/// than a subscriber reading at all can miss (a block makes four events).
const CHAIN_BACKLOG: usize = 4096;
/// Acceptance events kept for a subscriber that is behind; one further behind re-reads.
const ACCEPTED_BACKLOG: usize = 256;

/// The node's event channels; clones share them.
#[derive(Clone)]
pub struct Events {
    chain: broadcast::Sender<ChainEvent>,
    accepted: broadcast::Sender<Arc<[u32]>>,
    /// Held across a stage's store write and its announcement.
    order: Arc<Mutex<()>>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            chain: broadcast::channel(CHAIN_BACKLOG).0,
            accepted: broadcast::channel(ACCEPTED_BACKLOG).0,
            order: Arc::default(),
        }
    }
}

impl Events {
    /// Runs the store write `write` and, if it succeeded, announces `e`, as one step with
    /// respect to every other announcement.
    pub fn announce<T, E>(&self, e: ChainEvent, write: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let _order = self.order.lock().unwrap_or_else(|p| p.into_inner());
        let out = write()?;
        let _ = self.chain.send(e); // no receiver: no subscriber
        Ok(out)
    }

    /// Announces `e`, whose write is the caller's alone (no other stage's event depends on it).
    pub fn chain(&self, e: ChainEvent) {
        let _order = self.order.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self.chain.send(e);
    }

    /// Announces that transactions from `accounts` were accepted (durably).
    pub fn accepted(&self, accounts: Vec<u32>) {
        let _ = self.accepted.send(accounts.into());
    }

    /// A receiver of the chain events from now on.
    pub fn chain_events(&self) -> broadcast::Receiver<ChainEvent> {
        self.chain.subscribe()
    }

    /// A receiver of acceptances from now on.
    pub fn acceptances(&self) -> broadcast::Receiver<Arc<[u32]>> {
        self.accepted.subscribe()
    }
}
