//! The sequencer: the one thread that owns the state keeper and writes the store.
//!
//! Requests arrive on a channel. The thread takes whatever is waiting (up to [`MAX_GROUP`]),
//! checks every submission against the keeper, writes all the accepted ones in one durable
//! store transaction (group commit: one fsync for the group, not one per transaction), and only
//! then answers them and runs the reads that came with them. Then it seals a block if the
//! keeper says so (full, or the oldest item waited `seal_timeout`), a withdrawal was accepted
//! (its owner waits for L1), or someone asked.
//!
//! A store failure stops the sequencer: the keeper may hold what the store lacks, so it answers
//! every later request "unavailable", and a restart recovers from the store.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use tokio::sync::oneshot;
use zkrollup_api::{BlockInfo, BlockStage, TxJson, TxKind, TxStatus};
use zkrollup_conformance::wire::convert;
use zkrollup_reference::keeper::{signature_valid, KeeperConfig, Receipt, Refusal, StateKeeper};
use zkrollup_spec::op::Op;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::genesis_root;
use zkrollup_spec::transition::PriorityOp;
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::ChangePubKeyAuth;
use zkrollup_spec::tx::Tx;

use crate::config::required_fee;
use crate::events::{ChainEvent, Events};
use crate::store::{hash_hex, state_of, BlockRecord, PriorityRecord, SealWrite, Store, StoreError, TxRecord};

/// The most requests one group takes: a bound on the latency a group adds to its first.
pub const MAX_GROUP: usize = 4096;

/// How long the sequencer waits for a request before checking the seal timeout.
const TICK: Duration = Duration::from_millis(100);

/// Why a submission was not accepted.
#[derive(Debug)]
pub enum SubmitError {
    /// The keeper refused transaction `index` (in a batch: nothing was accepted).
    Refused { index: usize, refusal: Refusal },
    /// Transaction `index` pays less than the node's price table asks (or in a token it does
    /// not take); nothing was accepted.
    Fee { index: usize, message: String },
    /// The node could not make it durable; nothing was accepted.
    Unavailable(String),
}

/// The keeper's side, as a read sees it.
pub struct Core {
    pub keeper: StateKeeper,
    /// The last sealed block (0: none).
    pub last_sealed: u32,
    /// Priority operations pushed and not yet in a block, by serial id.
    pending_serials: VecDeque<u64>,
    /// The serial id the next priority operation must carry.
    pub next_serial: u64,
    next_seq: u64,
    /// The last block's timestamp: block timestamps never go back, whatever the clock does.
    last_timestamp: u64,
}

type ReadFn = Box<dyn FnOnce(&mut Core) + Send>;

enum Request {
    Submit {
        txs: Vec<(Tx, TxJson, bool)>,
        batch: bool,
        reply: oneshot::Sender<Result<Vec<Receipt>, SubmitError>>,
    },
    Priority {
        rec: PriorityRecord,
        op: PriorityOp,
        reply: oneshot::Sender<Result<bool, String>>,
    },
    Seal {
        reply: oneshot::Sender<Result<Option<u32>, String>>,
    },
    Read(ReadFn),
    /// Serve what came before, then end the thread.
    Stop,
}

/// The seconds since the Unix epoch: block timestamps and transaction validity.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A cheap handle to the sequencer thread.
#[derive(Clone)]
pub struct SequencerHandle {
    tx: Sender<Request>,
}

const STOPPED: &str = "the sequencer has stopped";

impl SequencerHandle {
    /// Submits transactions (each with its wire form and whether its signature verified), all
    /// or none; `batch`: as an atomic batch, which runs in one block or not at all.
    pub async fn submit(&self, txs: Vec<(Tx, TxJson, bool)>, batch: bool) -> Result<Vec<Receipt>, SubmitError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Request::Submit { txs, batch, reply }).map_err(|_| SubmitError::Unavailable(STOPPED.into()))?;
        rx.await.map_err(|_| SubmitError::Unavailable(STOPPED.into()))?
    }

    /// Hands a priority operation from L1 to the keeper, once per serial id (serial ids must
    /// come in order); whether it was new.
    pub async fn priority(&self, serial_id: u64, op: PriorityOp) -> Result<bool, String> {
        self.send_priority(serial_id, op)?.await.map_err(|_| STOPPED.to_string())?
    }

    fn send_priority(&self, serial_id: u64, op: PriorityOp) -> Result<oneshot::Receiver<Result<bool, String>>, String> {
        let rec = PriorityRecord { serial_id, op: convert::priority(&op), block: None };
        let (reply, rx) = oneshot::channel();
        self.tx.send(Request::Priority { rec, op, reply }).map_err(|_| STOPPED.to_string())?;
        Ok(rx)
    }

    /// [`SequencerHandle::priority`] from a thread outside the async runtime (the L1 watcher).
    pub fn priority_blocking(&self, serial_id: u64, op: PriorityOp) -> Result<bool, String> {
        self.send_priority(serial_id, op)?.blocking_recv().map_err(|_| STOPPED.to_string())?
    }

    /// Seals a block now if anything can go in one; its number.
    pub async fn seal(&self) -> Result<Option<u32>, String> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Request::Seal { reply }).map_err(|_| STOPPED.to_string())?;
        rx.await.map_err(|_| STOPPED.to_string())?
    }

    /// Asks the thread to end after the requests sent before.
    pub fn stop(&self) {
        let _ = self.tx.send(Request::Stop);
    }

    /// Runs `f` on the keeper's side after the pending writes are durable.
    pub async fn read<T: Send + 'static>(&self, f: impl FnOnce(&mut Core) -> T + Send + 'static) -> Result<T, String> {
        let (reply, rx) = oneshot::channel();
        let run: ReadFn = Box::new(move |core| {
            let _ = reply.send(f(core));
        });
        self.tx.send(Request::Read(run)).map_err(|_| STOPPED.to_string())?;
        rx.await.map_err(|_| STOPPED.to_string())
    }
}

/// Rebuilds the keeper from the store (the committed accounts, checked against the last
/// block's root; the waiting priority operations and transactions, re-checked) and starts the
/// sequencer thread.
pub fn start(
    store: std::sync::Arc<Store>,
    config: KeeperConfig,
    domain: L1Domain,
    fees: BTreeMap<u16, u128>,
    events: Events,
) -> Result<(SequencerHandle, std::thread::JoinHandle<()>), StoreError> {
    let core = restore(&store, config)?;
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("sequencer".into())
        .spawn(move || {
            Sequencer { core, store, domain, fees, events, poisoned: None, withdrawal_waiting: false }.run(rx)
        })
        .expect("spawning a thread");
    Ok((SequencerHandle { tx }, thread))
}

fn damaged(what: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Damaged { what, detail: detail.to_string() }
}

fn restore(store: &Store, config: KeeperConfig) -> Result<Core, StoreError> {
    let loaded = store.load()?;
    let (next_id, want_root, last_sealed, last_timestamp) = match &loaded.last_block {
        Some(b) => (
            b.next_account_id,
            convert::fr_of(&b.info.new_root).map_err(|e| damaged("blocks", e))?,
            b.info.number,
            b.info.timestamp,
        ),
        None => (0, genesis_root(), 0, 0),
    };
    let mut state = state_of(&loaded.accounts, next_id)?;
    let root = state.root();
    if root != want_root {
        return Err(damaged(
            "accounts",
            format!("their root {root} is not block {last_sealed}'s state root {want_root}"),
        ));
    }
    state.take_changed();
    let now = unix_now();
    let mut keeper = StateKeeper::new(state, config, last_sealed + 1, false);
    let mut pending_serials = VecDeque::new();
    for p in &loaded.pending_priority {
        keeper.push_priority(convert::priority_of(&p.op).map_err(|e| damaged("priority", e))?, now);
        pending_serials.push_back(p.serial_id);
    }
    // Re-checked in their order (signatures in parallel), each batch as one: its members are
    // consecutive.
    let checked: Vec<(Tx, bool)> = {
        use rayon::prelude::*;
        let check = |rec: &TxRecord| {
            let tx = convert::tx_of(&rec.tx).map_err(|e| damaged("txs", e))?;
            let ok = signature_valid(&tx);
            Ok((tx, ok))
        };
        loaded.queued.par_iter().map(check).collect::<Result<_, StoreError>>()?
    };
    let mut dropped = Vec::new();
    let mut rest = checked.into_iter();
    for group in loaded.queued.chunk_by(|a, b| a.batch.is_some() && a.batch == b.batch) {
        let txs: Vec<(Tx, bool)> = rest.by_ref().take(group.len()).collect();
        let hashes: Vec<[u8; 32]> = txs.iter().map(|(tx, _)| tx.hash()).collect();
        if let Err((_, refusal)) = keeper.submit_batch(txs, now) {
            dropped.extend(hashes.into_iter().map(|h| (h, dropped_status(&refusal))));
        }
    }
    if !dropped.is_empty() {
        store.drop_queued(&dropped)?;
    }
    Ok(Core {
        keeper,
        last_sealed,
        pending_serials,
        next_serial: loaded.next_serial,
        next_seq: loaded.next_seq,
        last_timestamp,
    })
}

/// What the sequencer answers once a store write failed.
fn store_failed(e: StoreError) -> String {
    format!("the store failed; restart the node: {e}")
}

enum AuthError {
    Refused(Refusal),
    Store(StoreError),
}

fn dropped_status(refusal: &Refusal) -> TxStatus {
    match refusal {
        Refusal::Rule(r) => TxStatus::Dropped { rule: r.rule.id().to_string(), message: r.detail.clone() },
        Refusal::Bound(b) => TxStatus::Dropped { rule: "mempool.bound".into(), message: b.to_string() },
    }
}

struct Sequencer {
    core: Core,
    store: std::sync::Arc<Store>,
    /// The deployment L1 authorisations of ChangePubKey name.
    domain: L1Domain,
    /// The price table (`NodeConfig::fee_per_chunk`).
    fees: BTreeMap<u16, u128>,
    /// Where what changed is announced, once durable.
    events: Events,
    /// Set when a store write failed: every later request is answered with it.
    poisoned: Option<String>,
    /// A withdrawal was accepted: seal at once (its owner waits for L1).
    withdrawal_waiting: bool,
}

impl Sequencer {
    fn run(mut self, rx: Receiver<Request>) {
        loop {
            let first = match rx.recv_timeout(TICK) {
                Ok(r) => Some(r),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let mut group: Vec<Request> = first.into_iter().collect();
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(r) => group.push(r),
                    Err(_) => break,
                }
            }
            let stop = group.iter().any(|r| matches!(r, Request::Stop));
            self.serve(group);
            if stop {
                return;
            }
        }
    }

    fn serve(&mut self, group: Vec<Request>) {
        let now = unix_now();
        let mut answers = Vec::new();
        let mut reads = Vec::new();
        let mut seals = Vec::new();
        let mut accepted: Vec<([u8; 32], TxRecord)> = Vec::new();
        for req in group {
            match req {
                Request::Submit { txs, batch, reply } => {
                    if let Some(p) = &self.poisoned {
                        let _ = reply.send(Err(SubmitError::Unavailable(p.clone())));
                        continue;
                    }
                    let result = self.submit(txs, batch, now, &mut accepted);
                    answers.push((reply, result));
                }
                Request::Priority { rec, op, reply } => {
                    let _ = reply.send(self.priority(rec, op, now));
                }
                Request::Seal { reply } => seals.push(reply),
                Request::Read(f) => reads.push(f),
                Request::Stop => {}
            }
        }
        if !accepted.is_empty() {
            match self.store.accept(&accepted, self.core.next_seq) {
                Ok(()) => {
                    // The accounts whose transactions the receipts about to be sent name.
                    let receipts = answers.iter().filter_map(|(_, r)| r.as_ref().ok()).flatten();
                    self.events.accepted(receipts.map(|r| r.account_id).collect());
                }
                Err(e) => self.poisoned = Some(store_failed(e)),
            }
            crate::kill_points::reached("accept.durable");
        }
        for (reply, result) in answers {
            let result = match &self.poisoned {
                Some(p) => Err(SubmitError::Unavailable(p.clone())),
                None => result,
            };
            let _ = reply.send(result);
        }
        for f in reads {
            f(&mut self.core);
        }
        let forced = !seals.is_empty() || std::mem::take(&mut self.withdrawal_waiting);
        let sealed = if self.poisoned.is_none() && (forced || self.core.keeper.should_seal(now)) {
            self.seal(now)
        } else {
            Ok(None)
        };
        let sealed = sealed.inspect_err(|e| self.poisoned = Some(e.clone()));
        for reply in seals {
            let _ = reply.send(match &self.poisoned {
                Some(p) => Err(p.clone()),
                None => sealed.clone(),
            });
        }
    }

    fn submit(
        &mut self,
        txs: Vec<(Tx, TxJson, bool)>,
        batch: bool,
        now: u64,
        accepted: &mut Vec<([u8; 32], TxRecord)>,
    ) -> Result<Vec<Receipt>, SubmitError> {
        for (index, (tx, _, _)) in txs.iter().enumerate() {
            self.check_fee(tx).map_err(|message| SubmitError::Fee { index, message })?;
            self.check_auth(tx).map_err(|e| match e {
                AuthError::Refused(refusal) => SubmitError::Refused { index, refusal },
                AuthError::Store(e) => SubmitError::Unavailable(e.to_string()),
            })?;
        }
        let keeper = &mut self.core.keeper;
        let withdraws = txs.iter().any(|(tx, _, _)| matches!(tx, Tx::Withdraw(_)));
        let (checked, jsons): (Vec<(Tx, bool)>, Vec<TxJson>) =
            txs.into_iter().map(|(tx, json, ok)| ((tx, ok), json)).unzip();
        let submitted = if batch { keeper.submit_batch(checked, now) } else { keeper.submit_all(checked, now) };
        let receipts = submitted.map_err(|(index, refusal)| SubmitError::Refused { index, refusal })?;
        self.withdrawal_waiting |= withdraws;
        let batch = (batch && receipts.len() > 1).then_some(self.core.next_seq);
        for (r, tx) in receipts.iter().zip(jsons) {
            accepted.push((r.tx_hash, TxRecord { seq: self.core.next_seq, tx, status: TxStatus::Queued, batch }));
            self.core.next_seq += 1;
        }
        Ok(receipts)
    }

    /// The fee against the price table: a block's proof and L1 gas are the operator's cost, and a
    /// free transaction (a withdrawal seals a block at once) would let anyone spend it.
    fn check_fee(&mut self, tx: &Tx) -> Result<(), String> {
        let kind = match tx {
            Tx::Transfer(t) if self.core.keeper.state().id_of(&t.to).is_none() => TxKind::TransferToNew,
            Tx::Transfer(_) => TxKind::Transfer,
            Tx::Withdraw(_) => TxKind::Withdraw,
            Tx::ForcedExit(_) => TxKind::ForcedExit,
            Tx::ChangePubKey(_) => TxKind::ChangePubKey,
        };
        let (token, fee) = tx.fee();
        let required = required_fee(&self.fees, kind, token)?;
        if fee.value() < required {
            return Err(format!(
                "a fee of {} in token {token} is below the {required} this node asks for a {kind:?} (zkr_estimateFee)",
                fee.value()
            ));
        }
        Ok(())
    }

    /// A ChangePubKey's L1 authorisation, checked now rather than at commit: a block holding an
    /// unauthorised one could never be committed (the contract checks it), and would stop the
    /// rollup. Its owner (the account's address) must have signed it (EIP-191, EIP-712) or
    /// recorded it on L1 (a fact the watcher has seen).
    fn check_auth(&mut self, tx: &Tx) -> Result<(), AuthError> {
        let Tx::ChangePubKey(c) = tx else { return Ok(()) };
        let state = self.core.keeper.state();
        if !state.exists(c.account_id) {
            return Ok(()); // the keeper refuses it with the account rule
        }
        let owner = state.address(c.account_id);
        let authorised = match &c.auth {
            ChangePubKeyAuth::Onchain => {
                self.store.auth_fact(&owner, c.nonce).map_err(AuthError::Store)? == Some(c.new_pubkey_hash)
            }
            auth => auth.signer(&self.domain, &c.new_pubkey_hash, c.nonce, c.account_id) == Some(owner),
        };
        if authorised {
            return Ok(());
        }
        let detail = match c.auth {
            ChangePubKeyAuth::Onchain => format!("no fact of {owner} for nonce {} on L1 (yet)", c.nonce),
            _ => format!("not signed by the account's owner {owner}"),
        };
        Err(AuthError::Refused(Refusal::Rule(Rejection::new(Rule::L1ChangePubKeyUnauthorised, detail))))
    }

    fn priority(&mut self, rec: PriorityRecord, op: PriorityOp, now: u64) -> Result<bool, String> {
        let expected = self.core.next_serial;
        if rec.serial_id < expected {
            return Ok(false);
        }
        if rec.serial_id > expected {
            return Err(format!("priority operation {} arrived before {expected}", rec.serial_id));
        }
        if let Some(p) = &self.poisoned {
            return Err(p.clone());
        }
        if let Err(e) = self.store.add_priority(&rec) {
            let msg = store_failed(e);
            self.poisoned = Some(msg.clone());
            return Err(msg);
        }
        self.core.keeper.push_priority(op, now);
        self.core.pending_serials.push_back(rec.serial_id);
        self.core.next_serial += 1;
        self.events.chain(ChainEvent::PriorityRead { serial_id: rec.serial_id });
        Ok(true)
    }

    /// Seals a block if anything can go in one, and stores it with its effects.
    fn seal(&mut self, now: u64) -> Result<Option<u32>, String> {
        let core = &mut self.core;
        let now = now.max(core.last_timestamp);
        if !core.keeper.can_seal(now) {
            // Nothing can run, or the fee account cannot exist yet: wait.
            return Ok(None);
        }
        let (block, dropped) = core.keeper.seal(now).map_err(|r| format!("sealing failed: {r}"))?;
        let dropped: Vec<_> =
            dropped.iter().map(|d| (d.tx_hash, dropped_status(&Refusal::Rule(d.rejection.clone())))).collect();
        if block.ops.is_empty() {
            // Everything that could have gone in was dropped: no block, only the drops.
            self.events.announce(ChainEvent::Dropped, || self.store.drop_queued(&dropped)).map_err(store_failed)?;
            return Ok(None);
        }
        let number = block.context.block_number;
        let priority_count = block.ops.iter().filter(|op| matches!(op, Op::Deposit(_) | Op::FullExit(_))).count();
        let priority_ops: Vec<u64> = core.pending_serials.drain(..priority_count).collect();
        let state = core.keeper.state();
        let accounts: Vec<_> = state
            .take_changed()
            .into_iter()
            .filter_map(|id| state.account(id).map(|a| convert::account(id, &a.to_spec())))
            .collect();
        let record = BlockRecord {
            info: BlockInfo {
                number,
                chunks: block.chunks as u16,
                timestamp: block.context.timestamp,
                new_root: convert::fr_dec(&block.new_root),
                txs: block.tx_hashes.iter().map(hash_hex).collect(),
                priority_ops,
                stage: BlockStage::Sealed,
            },
            old_root: convert::fr_dec(&block.old_root),
            fee_account: block.context.fee_account,
            next_account_id: state.next_account_id(),
            ops: block.ops.iter().map(convert::op).collect(),
        };
        let write = SealWrite { block: &record, accounts: &accounts, dropped: &dropped };
        let sealed = ChainEvent::Block { number, stage: BlockStage::Sealed };
        self.events.announce(sealed, || self.store.seal(&write)).map_err(store_failed)?;
        crate::kill_points::reached("seal.durable");
        let info = &record.info;
        tracing::info!(
            block = number,
            txs = info.txs.len(),
            priority_ops = info.priority_ops.len(),
            dropped = dropped.len(),
            root = %short_root(&info.new_root),
            "sealed"
        );
        core.last_sealed = number;
        core.last_timestamp = now;
        Ok(Some(number))
    }
}

/// A root's first and last digits, enough to tell blocks apart in a log line.
pub(crate) fn short_root(decimal: &str) -> String {
    match decimal.len() {
        0..=12 => decimal.to_string(),
        n => format!("{}…{}", &decimal[..6], &decimal[n - 6..]),
    }
}
