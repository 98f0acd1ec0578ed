//! What changed in the node, for the API's subscriptions ([`crate::subscriptions`]): the stages
//! announce it here after it is durable, the subscriptions read the new state from the store
//! and the sequencer (never from the event), so an event says only *what* to look at again.
//!
//! Two channels, by rate:
//! - [`ChainEvent`]s (a block reached a stage, a priority request was read) are few, and each
//!   matters: a broadcast channel, which tells a receiver that fell behind how many it lost;
//! - accepted transactions come at the API's full rate and only mean "the committed state or
//!   the mempool moved" (so do transactions dropped from the mempool): a counter in a watch
//!   channel, so a subscriber woken late reads the state once for all it slept through.

use tokio::sync::{broadcast, watch};
use zkrollup_api::BlockStage;

/// A block or priority request event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainEvent {
    /// Block `number` reached `stage` (sealed by the sequencer, or settled on L1).
    Block { number: u32, stage: BlockStage },
    /// The node read priority request `serial_id` from L1 (and queued it).
    PriorityRead { serial_id: u64 },
}

/// How many chain events a subscriber may fall behind by before it is dropped: far more blocks
/// than a subscriber reading at all can miss (a block makes four events).
const CHAIN_BACKLOG: usize = 4096;

/// The node's event channels; clones share them.
#[derive(Clone)]
pub struct Events {
    chain: broadcast::Sender<ChainEvent>,
    moved: watch::Sender<u64>,
}

impl Default for Events {
    fn default() -> Self {
        Events { chain: broadcast::channel(CHAIN_BACKLOG).0, moved: watch::channel(0).0 }
    }
}

impl Events {
    /// Announces `e` (to no one, if nothing subscribes).
    pub fn chain(&self, e: ChainEvent) {
        let _ = self.chain.send(e);
    }

    /// Announces that transactions were accepted, or dropped from the mempool.
    pub fn moved(&self) {
        self.moved.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver of the chain events from now on.
    pub fn chain_events(&self) -> broadcast::Receiver<ChainEvent> {
        self.chain.subscribe()
    }

    /// A receiver of [`Events::moved`] from now on.
    pub fn moves(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }
}
