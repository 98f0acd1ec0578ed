//! The API's subscriptions (WebSocket): a task per subscription that wakes on the node's
//! [`events`](crate::events), reads what changed back through the API's own `get` methods, and
//! notifies the subscriber when the answer moved. A notification is therefore always something
//! the `get` method answered, never a second rendering of the state.
//!
//! Nothing here waits for a subscriber: notifications go into jsonrpsee's bounded queue of the
//! connection with `try_send`, and a full queue ends the subscription with an error notification
//! saying why (behind the notifications already queued, which still arrive). A subscriber that
//! does not read thus costs the node one queue, not a growing backlog. A subscriber whose task
//! fell behind the chain events (it was not scheduled for thousands of blocks) is ended the same
//! way, rather than sent a history with holes.
//!
//! Block stages are reported as the events announce them, not as read later: a subscriber sees
//! a block (and its transactions and priority operations) at every stage in order, even when it
//! reads after the block moved on.

use std::convert::Infallible;
use std::future::Future;

use jsonrpsee::core::{SubscriptionError, SubscriptionResult};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink, TrySendError};
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use zkrollup_api::{AccountRef, BlockStage, RollupApiServer, TxInfo, TxStatus};

use crate::events::ChainEvent;
use crate::rpc::{invalid, stage_status, store_err, Api};
use crate::store::parse_hash;

/// Why a subscription's task stops.
enum End {
    /// The subscriber unsubscribed or hung up: nothing more to send.
    Closed,
    /// The node ends it: the reason goes to the subscriber as an error notification.
    Dropped(String),
}

/// What woke a subscription.
enum Wake {
    Chain(ChainEvent),
    /// Transactions accepted or dropped.
    Moved,
}

/// Runs a subscription's loop until it ends, and ends it as jsonrpsee sends that.
async fn until_end(run: impl Future<Output = Result<Infallible, End>>) -> SubscriptionResult {
    match run.await {
        Ok(never) => match never {},
        Err(End::Closed) => Ok(()),
        Err(End::Dropped(why)) => Err(SubscriptionError::from(why)),
    }
}

/// Refuses a subscription with `e`.
async fn refuse(pending: PendingSubscriptionSink, e: ErrorObjectOwned) -> SubscriptionResult {
    pending.reject(e).await;
    Ok(())
}

/// A store read failed: the subscription cannot go on knowing it misses changes.
fn unreadable(e: ErrorObjectOwned) -> End {
    End::Dropped(format!("the node cannot read its state: {}", e.message()))
}

/// An open subscription of one kind (`tx`, `account`, `block`, `priority_op`), counted in the
/// metrics while it is open.
struct Feed {
    sink: SubscriptionSink,
    api: Api,
    kind: &'static str,
}

impl Feed {
    /// Accepts the subscription; `None` if the subscriber left meanwhile.
    async fn open(api: &Api, pending: PendingSubscriptionSink, kind: &'static str) -> Option<Feed> {
        let sink = pending.accept().await.ok()?;
        api.metrics.subscriptions(kind, 1);
        Some(Feed { sink, api: api.clone(), kind })
    }

    /// Queues `item`, or ends the subscription if the subscriber's queue is full.
    fn send(&mut self, item: &impl Serialize) -> Result<(), End> {
        let json = serde_json::value::to_raw_value(item).map_err(|e| End::Dropped(format!("encoding: {e}")))?;
        match self.sink.try_send(json) {
            Ok(()) => Ok(()),
            Err(TrySendError::Closed(_)) => Err(End::Closed),
            Err(TrySendError::Full(_)) => {
                self.api.metrics.subscription_dropped("slow");
                Err(End::Dropped(format!(
                    "dropped: notifications came faster than this subscriber read them (the node \
                     queues at most {} messages per connection); subscribe again, and read the \
                     current state with the zkr_get methods",
                    self.sink.max_capacity()
                )))
            }
        }
    }

    /// Waits for the next event (`moves` too if given).
    async fn next(
        &self,
        chain: &mut broadcast::Receiver<ChainEvent>,
        moves: Option<&mut watch::Receiver<u64>>,
    ) -> Result<Wake, End> {
        let moved = async {
            match moves {
                Some(m) => m.changed().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = self.sink.closed() => Err(End::Closed),
            e = chain.recv() => match e {
                Ok(e) => Ok(Wake::Chain(e)),
                Err(RecvError::Lagged(n)) => {
                    self.api.metrics.subscription_dropped("lagged");
                    Err(End::Dropped(format!("dropped: the node fell {n} events behind on this subscription; subscribe again")))
                }
                Err(RecvError::Closed) => Err(End::Closed),
            },
            m = moved => m.map(|()| Wake::Moved).map_err(|_| End::Closed),
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.api.metrics.subscriptions(self.kind, -1);
    }
}

/// The block a status is in, and the stage it reports.
fn in_block(status: &TxStatus) -> Option<(u32, BlockStage)> {
    match *status {
        TxStatus::InBlock { block } => Some((block, BlockStage::Sealed)),
        TxStatus::Committed { block } => Some((block, BlockStage::Committed)),
        TxStatus::Proven { block } => Some((block, BlockStage::Proven)),
        TxStatus::Executed { block } => Some((block, BlockStage::Executed)),
        TxStatus::Queued | TxStatus::Dropped { .. } => None,
    }
}

/// `zkr_subscribeTx`: the transaction now, then each change of its status.
pub(crate) async fn tx(api: Api, pending: PendingSubscriptionSink, hash: String) -> SubscriptionResult {
    // Listening before reading: a change between the read and the first wake is not missed.
    let (mut chain, mut moves) = (api.events.chain_events(), api.events.moves());
    let mut info: TxInfo = match RollupApiServer::get_tx(&api, hash).await {
        Ok(Some(info)) => info,
        Ok(None) => return refuse(pending, invalid("hash", "this node accepted no transaction with it")).await,
        Err(e) => return refuse(pending, e).await,
    };
    let key = parse_hash(&info.hash).expect("the node's own hash");
    let Some(mut feed) = Feed::open(&api, pending, "tx").await else { return Ok(()) };
    let run = async {
        feed.send(&info)?;
        loop {
            let wake = feed.next(&mut chain, Some(&mut moves)).await?;
            let status = match (in_block(&info.status), wake) {
                // In a block: its stages, as announced.
                (Some((block, at)), Wake::Chain(ChainEvent::Block { number, stage }))
                    if number == block && stage > at =>
                {
                    stage_status(stage, block)
                }
                (Some(_), _) => continue,
                // Queued or dropped: the store says whether a block took it (a block is
                // announced once its transactions are stored in it) or the mempool let it go.
                (None, _) => match api.store.tx(&key).map_err(|e| unreadable(store_err(e)))? {
                    Some(rec) => rec.status,
                    None => continue,
                },
            };
            if status != info.status {
                info.status = status;
                feed.send(&info)?;
            }
        }
    };
    until_end(run).await
}

/// `zkr_subscribeAccount`: the account now (if it exists), then each time it reads differently.
pub(crate) async fn account(api: Api, pending: PendingSubscriptionSink, account: AccountRef) -> SubscriptionResult {
    let (mut chain, mut moves) = (api.events.chain_events(), api.events.moves());
    let mut last = match RollupApiServer::get_account(&api, account.clone()).await {
        Ok(a) => a,
        Err(e) => return refuse(pending, e).await,
    };
    let Some(mut feed) = Feed::open(&api, pending, "account").await else { return Ok(()) };
    let run = async {
        if let Some(a) = &last {
            feed.send(a)?;
        }
        loop {
            feed.next(&mut chain, Some(&mut moves)).await?;
            let now = RollupApiServer::get_account(&api, account.clone()).await.map_err(unreadable)?;
            if now != last {
                if let Some(a) = &now {
                    feed.send(a)?;
                }
                last = now;
            }
        }
    };
    until_end(run).await
}

/// `zkr_subscribeBlocks`: each block at each stage.
pub(crate) async fn blocks(api: Api, pending: PendingSubscriptionSink) -> SubscriptionResult {
    let mut chain = api.events.chain_events();
    let Some(mut feed) = Feed::open(&api, pending, "block").await else { return Ok(()) };
    let run = async {
        loop {
            if let Wake::Chain(ChainEvent::Block { number, stage }) = feed.next(&mut chain, None).await? {
                if let Some(mut block) = RollupApiServer::get_block(&api, number).await.map_err(unreadable)? {
                    block.stage = stage;
                    feed.send(&block)?;
                }
            }
        }
    };
    until_end(run).await
}

/// `zkr_subscribePriorityOps`: each priority request when read, then at each stage of its block.
pub(crate) async fn priority_ops(api: Api, pending: PendingSubscriptionSink) -> SubscriptionResult {
    let mut chain = api.events.chain_events();
    let Some(mut feed) = Feed::open(&api, pending, "priority_op").await else { return Ok(()) };
    let op = |serial_id| RollupApiServer::get_priority_op(&api, serial_id);
    let run = async {
        loop {
            let Wake::Chain(event) = feed.next(&mut chain, None).await? else { continue };
            match event {
                ChainEvent::PriorityRead { serial_id } => {
                    if let Some(mut info) = op(serial_id).await.map_err(unreadable)? {
                        (info.block, info.stage) = (None, None);
                        feed.send(&info)?;
                    }
                }
                ChainEvent::Block { number, stage } => {
                    let Some(block) = RollupApiServer::get_block(&api, number).await.map_err(unreadable)? else {
                        continue;
                    };
                    for serial_id in block.priority_ops {
                        if let Some(mut info) = op(serial_id).await.map_err(unreadable)? {
                            (info.block, info.stage) = (Some(number), Some(stage));
                            feed.send(&info)?;
                        }
                    }
                }
            }
        }
    };
    until_end(run).await
}
