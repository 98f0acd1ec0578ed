//! The API's subscriptions (WebSocket): a task per subscription that wakes on the node's
//! [`events`](crate::events), reads what changed back through the API's own `get` methods, and
//! notifies the subscriber when the answer moved. A notification is therefore something the
//! `get` method answered, never a second rendering of the state; only the stage of a block (and
//! of its transactions and priority operations) is the one the event announced rather than the
//! one read later, so that a subscriber sees every stage in order even when it reads after the
//! block moved on.
//!
//! Nothing here waits for a subscriber: notifications go into jsonrpsee's bounded queue of the
//! connection with `try_send`, and a full queue ends the subscription with an error notification
//! saying why (behind the notifications already queued, which still arrive). The queue is the
//! connection's, shared by its subscriptions and its answers: when it fills, the subscription
//! that finds it full is the one ended. A subscriber whose task fell behind the chain events (it
//! was not scheduled for thousands of blocks) is ended the same way, rather than sent a history
//! with holes.
//!
//! What a subscription costs the node: a transaction's reads the store at each block sealed
//! while it waits, and ends once the transaction is executed or dropped; an account's reads the
//! account when a transaction of its own is accepted and at each block sealed or executed.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use jsonrpsee::core::{SubscriptionError, SubscriptionResult};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink, TrySendError};
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};
use zkrollup_api::{AccountInfo, AccountRef, BlockStage, RollupApiServer, TxStatus};

use crate::events::ChainEvent;
use crate::rpc::{invalid, stage_status, store_err, Api};
use crate::store::parse_hash;

/// Why a subscription's task stops.
enum End {
    /// The subscriber unsubscribed or hung up, or the subscription ran its course: nothing more
    /// to send.
    Closed,
    /// The node ends it: the reason goes to the subscriber as an error notification.
    Dropped(String),
}

/// What woke a subscription.
enum Wake {
    Chain(ChainEvent),
    /// Transactions of these accounts were accepted; `None`: of accounts this subscription
    /// missed (it fell behind).
    Accepted(Option<Arc<[u32]>>),
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

    /// Ends the subscription for `reason` (a metric label), telling the subscriber `why`.
    fn drop_for(&self, reason: &'static str, why: String) -> End {
        self.api.metrics.subscription_dropped(reason);
        End::Dropped(why)
    }

    /// A store read failed: the subscription cannot go on knowing it misses changes.
    fn unreadable(&self, e: ErrorObjectOwned) -> End {
        self.drop_for("store", format!("dropped: the node cannot read its state: {}", e.message()))
    }

    /// Queues `item`, or ends the subscription if the subscriber's queue is full.
    fn send(&mut self, item: &impl Serialize) -> Result<(), End> {
        let json = serde_json::value::to_raw_value(item).map_err(|e| End::Dropped(format!("encoding: {e}")))?;
        match self.sink.try_send(json) {
            Ok(()) => Ok(()),
            Err(TrySendError::Closed(_)) => Err(End::Closed),
            Err(TrySendError::Full(_)) => Err(self.drop_for(
                "slow",
                format!(
                    "dropped: notifications came faster than this subscriber read them (the node \
                     queues at most {} messages per connection); subscribe again, and read the \
                     current state with the zkr_get methods",
                    self.sink.max_capacity()
                ),
            )),
        }
    }

    /// Waits for the next chain event, or acceptance if `accepted` is given.
    async fn next(
        &self,
        chain: &mut broadcast::Receiver<ChainEvent>,
        accepted: Option<&mut broadcast::Receiver<Arc<[u32]>>>,
    ) -> Result<Wake, End> {
        let acceptance = async {
            match accepted {
                Some(a) => a.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = self.sink.closed() => Err(End::Closed),
            e = chain.recv() => match e {
                Ok(e) => Ok(Wake::Chain(e)),
                Err(RecvError::Lagged(n)) => Err(self.drop_for(
                    "lagged",
                    format!("dropped: the node fell {n} events behind on this subscription; subscribe again"),
                )),
                Err(RecvError::Closed) => Err(End::Closed),
            },
            a = acceptance => match a {
                Ok(accounts) => Ok(Wake::Accepted(Some(accounts))),
                Err(RecvError::Lagged(_)) => Ok(Wake::Accepted(None)),
                Err(RecvError::Closed) => Err(End::Closed),
            },
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

/// Whether a transaction's status is its last: executed, or dropped (sent again, it is a new
/// acceptance, followed by a new subscription).
fn last(status: &TxStatus) -> bool {
    matches!(status, TxStatus::Executed { .. } | TxStatus::Dropped { .. })
}

/// `zkr_subscribeTx`: the transaction now, then each change of its status, until executed or
/// dropped.
pub(crate) async fn tx(api: Api, pending: PendingSubscriptionSink, hash: String) -> SubscriptionResult {
    let Some(key) = parse_hash(&hash) else {
        return refuse(pending, invalid("hash", "expected 32 bytes, 0x-hex")).await;
    };
    // Listening before reading: a change between the read and the first wake is not missed.
    let mut chain = api.events.chain_events();
    let mut info = match RollupApiServer::get_tx(&api, hash).await {
        Ok(Some(info)) => info,
        Ok(None) => return refuse(pending, invalid("hash", "this node accepted no transaction with it")).await,
        Err(e) => return refuse(pending, e).await,
    };
    let Some(mut feed) = Feed::open(&api, pending, "tx").await else { return Ok(()) };
    let run = async {
        feed.send(&info)?;
        while !last(&info.status) {
            let Wake::Chain(event) = feed.next(&mut chain, None).await? else { continue };
            let status = match (in_block(&info.status), event) {
                // In a block: its stages, as announced.
                (Some((block, at)), ChainEvent::Block { number, stage }) if number == block && stage > at => {
                    stage_status(stage, block)
                }
                // Queued: the store says whether the block just sealed took it (a block is
                // announced once its transactions are stored in it) or the mempool let it go.
                (None, ChainEvent::Block { stage: BlockStage::Sealed, .. } | ChainEvent::Dropped) => {
                    match api.store.tx(&key).map_err(|e| feed.unreadable(store_err(e)))? {
                        Some(rec) => rec.status,
                        None => continue,
                    }
                }
                _ => continue,
            };
            if status != info.status {
                info.status = status;
                feed.send(&info)?;
            }
        }
        Err(End::Closed)
    };
    until_end(run).await
}

/// `zkr_subscribeAccount`: the account now (if it exists), then each time it reads differently.
pub(crate) async fn account(api: Api, pending: PendingSubscriptionSink, account: AccountRef) -> SubscriptionResult {
    let (mut chain, mut accepted) = (api.events.chain_events(), api.events.acceptances());
    let mut last: Option<AccountInfo> = match RollupApiServer::get_account(&api, account.clone()).await {
        Ok(a) => a,
        Err(e) => return refuse(pending, e).await,
    };
    let Some(mut feed) = Feed::open(&api, pending, "account").await else { return Ok(()) };
    let run = async {
        if let Some(a) = &last {
            feed.send(a)?;
        }
        loop {
            let read_again = match feed.next(&mut chain, Some(&mut accepted)).await? {
                // Its committed state moves when a block is sealed (an account opens then too)
                // or transactions dropped, its verified state when one is executed.
                Wake::Chain(ChainEvent::Block { stage, .. }) => {
                    matches!(stage, BlockStage::Sealed | BlockStage::Executed)
                }
                Wake::Chain(ChainEvent::Dropped) => true,
                Wake::Chain(ChainEvent::PriorityRead { .. }) => false,
                // Its next nonce moves when a transaction of its own is accepted.
                Wake::Accepted(Some(ids)) => last.as_ref().is_some_and(|a| ids.contains(&a.id)),
                Wake::Accepted(None) => last.is_some(),
            };
            if !read_again {
                continue;
            }
            let now = RollupApiServer::get_account(&api, account.clone()).await.map_err(|e| feed.unreadable(e))?;
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
                if let Some(mut block) =
                    RollupApiServer::get_block(&api, number).await.map_err(|e| feed.unreadable(e))?
                {
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
                    if let Some(mut info) = op(serial_id).await.map_err(|e| feed.unreadable(e))? {
                        (info.block, info.stage) = (None, None);
                        feed.send(&info)?;
                    }
                }
                ChainEvent::Block { number, stage } => {
                    let block = RollupApiServer::get_block(&api, number).await.map_err(|e| feed.unreadable(e))?;
                    for serial_id in block.map(|b| b.priority_ops).unwrap_or_default() {
                        if let Some(mut info) = op(serial_id).await.map_err(|e| feed.unreadable(e))? {
                            (info.block, info.stage) = (Some(number), Some(stage));
                            feed.send(&info)?;
                        }
                    }
                }
                ChainEvent::Dropped => {}
            }
        }
    };
    until_end(run).await
}
