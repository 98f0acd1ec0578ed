//! The state keeper: a mempool ordered by account nonce, instant receipts for transactions that
//! are valid against the current state, and a block builder that packs priority operations
//! and transactions into a block of a chosen size, sealing when full or on a timeout.
//!
//! The mempool is bounded ([`MempoolLimits`]): how far a nonce may run ahead of its account's,
//! and how many transactions one account and everyone may keep waiting. Only transactions that
//! can run in the next block count towards sealing one, and what can never run is evicted, so
//! transactions that cannot execute never make the keeper seal empty blocks (issue 27).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use crate::signature::{pubkey_hash, signing_message, verify};
use zkrollup_spec::op::chunks_of;
use zkrollup_spec::params::{FEE_TOKENS_PER_BLOCK, MAX_ACCOUNT_ID};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{AccountId, Nonce, TokenId};
use zkrollup_spec::transition::{BlockContext, PriorityOp};
use zkrollup_spec::tx::Tx;

use crate::block::{BlockInProgress, SealedBlock};
use crate::executor::Executor;
use crate::state::RefState;

/// Proof that the keeper accepted a transaction into its mempool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub tx_hash: [u8; 32],
    pub account_id: AccountId,
    pub nonce: Nonce,
}

/// A transaction dropped while building a block (it became invalid after acceptance).
#[derive(Clone, Debug)]
pub struct Dropped {
    pub tx_hash: [u8; 32],
    pub rejection: Rejection,
}

/// Pending transactions per account, by nonce, accounts served in order of first arrival.
#[derive(Default)]
pub struct Mempool {
    by_account: HashMap<AccountId, BTreeMap<Nonce, Tx>>,
    order: VecDeque<AccountId>,
    len: usize,
    /// Atomic batches by arrival: their members are in `by_account` too (the nonce rules,
    /// the bounds and eviction see them) but run only together, in one block, or not at all.
    batches: BTreeMap<u64, Vec<(AccountId, Nonce)>>,
    batch_of: HashMap<(AccountId, Nonce), u64>,
    next_batch: u64,
}

impl Mempool {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Queues `tx`; the caller checked that its nonce is not queued yet.
    fn insert(&mut self, tx: Tx) {
        let id = tx.account_id();
        let q = self.by_account.entry(id).or_default();
        if q.is_empty() {
            self.order.push_back(id);
        }
        let replaced = q.insert(tx.nonce(), tx);
        debug_assert!(replaced.is_none(), "a queued nonce is refused before insertion");
        self.len += 1;
    }

    fn pop(&mut self, id: AccountId, nonce: Nonce) -> Option<Tx> {
        let q = self.by_account.get_mut(&id)?;
        let tx = q.remove(&nonce)?;
        self.len -= 1;
        Some(tx)
    }

    fn get(&self, id: AccountId, nonce: Nonce) -> Option<&Tx> {
        self.by_account.get(&id)?.get(&nonce)
    }

    /// Atomic batches waiting.
    pub fn batches(&self) -> usize {
        self.batches.len()
    }

    /// Takes batch `b` out, with whichever of its members are still queued.
    fn remove_batch(&mut self, b: u64) -> Vec<Tx> {
        let members = self.batches.remove(&b).unwrap_or_default();
        members
            .into_iter()
            .filter_map(|(id, nonce)| {
                self.batch_of.remove(&(id, nonce));
                self.pop(id, nonce)
            })
            .collect()
    }

    /// Forgets accounts with nothing queued (they are served in `order`).
    fn tidy_order(&mut self) {
        let by_account = &self.by_account;
        self.order.retain(|id| by_account.get(id).is_some_and(|q| !q.is_empty()));
    }

    /// Whether batch `members` can run now, in state `st` at time `now`: each member's nonce is
    /// its account's next (the account's own, then one more per earlier member), and each is
    /// valid at `now`.
    fn batch_ready(&self, members: &[(AccountId, Nonce)], st: &RefState, now: u64) -> bool {
        let mut next: HashMap<AccountId, Nonce> = HashMap::new();
        members.iter().all(|&(id, nonce)| {
            let n = next.entry(id).or_insert_with(|| st.nonce(id));
            let ok = *n == nonce && self.get(id, nonce).is_some_and(|tx| valid_at(tx, now));
            *n = n.saturating_add(1);
            ok
        })
    }
}

/// How `tx` is dropped when `cause`, a transaction of its batch, was: with the same rule.
fn batch_dropped(tx: &Tx, cause: &Dropped) -> Dropped {
    let detail =
        format!("its batch's transaction 0x{} broke it: {}", hex::encode(cause.tx_hash), cause.rejection.detail);
    Dropped { tx_hash: tx.hash(), rejection: Rejection::new(cause.rejection.rule, detail) }
}

/// Applies a batch's transactions to the block in order, all of them or (the first that fails
/// is returned) none: the state, the witness material and the block go back to where they were.
fn run_atomically(
    ex: &mut Executor,
    block: &mut BlockInProgress,
    txs: &[Tx],
    ctx: &BlockContext,
) -> Result<(), Dropped> {
    let (mark, writes) = (block.mark(), ex.checkpoint());
    for tx in txs {
        match ex.apply_tx(tx, ctx) {
            Ok((op, fee)) => {
                block.tx_hashes.push(tx.hash());
                block.push(ex, op, Some(fee));
            }
            Err(rejection) => {
                ex.revert(writes);
                block.restore(mark);
                return Err(Dropped { tx_hash: tx.hash(), rejection });
            }
        }
    }
    ex.commit();
    Ok(())
}

/// The chunks and fee tokens a batch takes at most in state `st`: a transfer to an address with
/// no account opens one (the first to it).
fn batch_size<'a>(st: &RefState, txs: impl IntoIterator<Item = &'a Tx>) -> (usize, BTreeSet<TokenId>) {
    let (mut chunks, mut tokens, mut opened) = (0, BTreeSet::new(), HashSet::new());
    for tx in txs {
        chunks += chunks_of(tx.tx_type()).expect("known");
        if opens_account(st, tx).is_some_and(|to| opened.insert(to)) {
            chunks += 3;
        }
        let (token, fee) = tx.fee();
        if fee.value() > 0 {
            tokens.insert(token);
        }
    }
    (chunks, tokens)
}

/// The chunks `tx` takes at most in state `st`: a transfer to an address without an account
/// opens one (a TransferToNew, 3 chunks more).
fn chunks_needed(st: &RefState, tx: &Tx) -> usize {
    chunks_of(tx.tx_type()).expect("known") + if opens_account(st, tx).is_some() { 3 } else { 0 }
}

/// The address `tx` would open an account for in state `st`: a transfer's recipient without one.
fn opens_account(st: &RefState, tx: &Tx) -> Option<Address> {
    match tx {
        Tx::Transfer(t) if st.id_of(&t.to).is_none() => Some(t.to),
        _ => None,
    }
}

/// Keeper settings.
#[derive(Clone, Copy, Debug)]
pub struct KeeperConfig {
    pub chunks: usize,
    pub fee_account: AccountId,
    /// Seal a non-empty block once its oldest item has waited this long (seconds).
    pub seal_timeout: u64,
    pub limits: MempoolLimits,
}

/// What the mempool keeps waiting: the operator's policy, not the protocol's. Without bounds, a
/// transaction that cannot run yet (a nonce ahead of its account's) would stay for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MempoolLimits {
    /// How far a nonce may run ahead of its account's: `nonce − account nonce ≤ max_nonce_gap`.
    pub max_nonce_gap: u32,
    /// Transactions one account may keep waiting.
    pub per_account: usize,
    /// Transactions waiting in all.
    pub total: usize,
}

impl Default for MempoolLimits {
    /// A wallet may queue a few dozen transactions ahead; 100,000 waiting transactions take
    /// tens of MB and many full blocks.
    fn default() -> Self {
        MempoolLimits { max_nonce_gap: 64, per_account: 64, total: 100_000 }
    }
}

/// Why the keeper refused a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// It breaks a rule of the protocol against the current state: the spec's rule.
    Rule(Rejection),
    /// It would break a bound of the mempool ([`MempoolLimits`]).
    Bound(Bound),
}

impl Refusal {
    /// The protocol rule, if it is one.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Refusal::Rule(r) => Some(r.rule),
            Refusal::Bound(_) => None,
        }
    }
}

impl From<Rejection> for Refusal {
    fn from(r: Rejection) -> Self {
        Refusal::Rule(r)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Rule(r) => write!(f, "{r}"),
            Refusal::Bound(b) => write!(f, "{b}"),
        }
    }
}

/// A bound of the mempool a transaction would break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Its nonce is too far ahead of its account's.
    NonceGap { nonce: Nonce, account_nonce: Nonce, max_gap: u32 },
    /// Its account keeps as many transactions waiting as it may.
    AccountFull { account: AccountId, max: usize },
    /// The mempool is full.
    PoolFull { max: usize },
    /// A batch's transaction does not carry its account's next nonce (after the ones waiting
    /// and the batch's earlier ones): a batch runs at once, with no gap to wait on.
    BatchNonce { account: AccountId, nonce: Nonce, expected: Nonce },
    /// A batch's transaction, or one it follows, is not valid yet: a batch must be able to run in
    /// the next block, or it would hold its other accounts' transactions meanwhile.
    BatchWouldWait { account: AccountId, nonce: Nonce, valid_from: u64 },
    /// A batch would not fit in one block: `chunks` of the block's `max`, or more fee tokens
    /// than a block collects.
    BatchTooLarge { chunks: usize, max: usize, fee_tokens: usize, max_fee_tokens: usize },
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Bound::NonceGap { nonce, account_nonce, max_gap } => write!(
                f,
                "nonce {nonce} is more than {max_gap} ahead of the account's nonce {account_nonce}: send the ones before it first"
            ),
            Bound::AccountFull { account, max } => {
                write!(f, "account {account} has {max} transactions waiting, the most it may: wait for a block")
            }
            Bound::PoolFull { max } => write!(f, "the mempool holds {max} transactions, the most it may: retry later"),
            Bound::BatchNonce { account, nonce, expected } => write!(
                f,
                "account {account}'s transaction in the batch has nonce {nonce}, not its next, {expected}: a batch's nonces follow the ones waiting, without gaps"
            ),
            Bound::BatchWouldWait { account, nonce, valid_from } => write!(
                f,
                "account {account}'s transaction with nonce {nonce} is valid only from {valid_from}: a batch, and what it follows, must be able to run in the next block"
            ),
            Bound::BatchTooLarge { chunks, max, fee_tokens, max_fee_tokens } => write!(
                f,
                "the batch needs {chunks} chunks and {fee_tokens} fee tokens, and a block has {max} chunks and {max_fee_tokens} fee tokens: split it"
            ),
        }
    }
}

/// Whether `tx`'s signature is valid for its signing message.
pub fn signature_valid(tx: &Tx) -> bool {
    let sig = tx.signature();
    verify(&sig.pub_key, signing_message(tx), &sig.signature)
}

/// Whether `tx` may be in a block of timestamp `now`.
fn valid_at(tx: &Tx, now: u64) -> bool {
    let t = tx.time();
    t.valid_from <= now && now <= t.valid_until
}

pub struct StateKeeper {
    pub config: KeeperConfig,
    executor: Executor,
    pub mempool: Mempool,
    priority: VecDeque<PriorityOp>,
    next_block: u32,
    oldest_pending_since: Option<u64>,
    /// Evicted while queueing, reported as dropped with the next block.
    evicted: Vec<Dropped>,
}

impl StateKeeper {
    pub fn new(state: RefState, config: KeeperConfig, next_block: u32, witnessing: bool) -> Self {
        StateKeeper {
            config,
            executor: Executor::new(state, witnessing),
            mempool: Mempool::default(),
            priority: VecDeque::new(),
            next_block,
            oldest_pending_since: None,
            evicted: Vec::new(),
        }
    }

    pub fn state(&mut self) -> &mut RefState {
        &mut self.executor.state
    }

    /// Queues a priority operation seen on L1 (they are served first, in order).
    pub fn push_priority(&mut self, op: PriorityOp, now: u64) {
        self.priority.push_back(op);
        self.oldest_pending_since.get_or_insert(now);
    }

    /// Checks `tx` against the current state and queues it, in the transition rules' order
    /// (account, key, signature, nonce, expiry). Nonces ahead of the account's are accepted
    /// (they wait for their predecessors); balances are checked when the block is built.
    pub fn submit(&mut self, tx: Tx, now: u64) -> Result<Receipt, Refusal> {
        let signature_ok = signature_valid(&tx);
        self.submit_verified(tx, signature_ok, now)
    }

    /// [`StateKeeper::submit`] with the signature verified by the caller (`signature_ok`):
    /// verification is the expensive part, which a caller runs on many threads.
    pub fn submit_verified(&mut self, tx: Tx, signature_ok: bool, now: u64) -> Result<Receipt, Refusal> {
        self.check_account_and_key(&tx)?;
        if !signature_ok {
            return Err(Rejection::new(Rule::TxBadSignature, tx.name()).into());
        }
        self.enqueue(tx, now)
    }

    /// [`StateKeeper::submit`] for many transactions, verifying signatures in parallel, then
    /// checking and queueing in order.
    pub fn submit_many(&mut self, txs: Vec<Tx>, now: u64) -> Vec<Result<Receipt, Refusal>> {
        use rayon::prelude::*;
        let verified: Vec<bool> = txs.par_iter().map(signature_valid).collect();
        txs.into_iter().zip(verified).map(|(tx, ok)| self.submit_verified(tx, ok, now)).collect()
    }

    /// Queues every transaction or none: on the first refusal, the ones queued before it are
    /// taken out again, and the refusal comes back with its index. Once queued, each runs on
    /// its own (see [`StateKeeper::submit_batch`] for a batch that runs as one).
    pub fn submit_all(&mut self, txs: Vec<(Tx, bool)>, now: u64) -> Result<Vec<Receipt>, (usize, Refusal)> {
        let waiting_since = self.oldest_pending_since;
        let mut queued: Vec<Receipt> = Vec::with_capacity(txs.len());
        for (i, (tx, signature_ok)) in txs.into_iter().enumerate() {
            match self.submit_verified(tx, signature_ok, now) {
                Ok(r) => queued.push(r),
                Err(refusal) => {
                    self.unqueue(&queued, waiting_since);
                    return Err((i, refusal));
                }
            }
        }
        Ok(queued)
    }

    /// Takes queued transactions out again, as if they had never come.
    fn unqueue(&mut self, queued: &[Receipt], waiting_since: Option<u64>) {
        for r in queued {
            self.mempool.pop(r.account_id, r.nonce);
        }
        self.mempool.tidy_order();
        self.oldest_pending_since = waiting_since;
    }

    /// Queues an atomic batch: its transactions run in one block, in their order, or none
    /// runs (if one fails when the block is built, all are dropped with its rule). On top of
    /// [`StateKeeper::submit_all`]'s checks, each transaction must carry its account's next
    /// nonce, so that the batch never waits on a gap, and the batch must fit in one block.
    pub fn submit_batch(&mut self, txs: Vec<(Tx, bool)>, now: u64) -> Result<Vec<Receipt>, (usize, Refusal)> {
        if txs.len() < 2 {
            return self.submit_all(txs, now);
        }
        // The batch's own bounds, measured before queueing, reported after the protocol's rules.
        let mut next: HashMap<AccountId, Nonce> = HashMap::new();
        let mut broken = None;
        for (i, (tx, _)) in txs.iter().enumerate() {
            let id = tx.account_id();
            let expected = match next.get(&id) {
                Some(&n) => n,
                None => {
                    let next = self.next_nonce(id);
                    if let Some(bound) = self.waiting_on(id, next, now) {
                        broken.get_or_insert((i, bound));
                    }
                    next
                }
            };
            next.insert(id, expected.saturating_add(1));
            let (nonce, valid_from) = (tx.nonce(), tx.time().valid_from);
            if nonce != expected {
                broken.get_or_insert((i, Bound::BatchNonce { account: id, nonce, expected }));
            } else if valid_from > now {
                broken.get_or_insert((i, Bound::BatchWouldWait { account: id, nonce, valid_from }));
            }
        }
        let (chunks, fee_tokens) = batch_size(&self.executor.state, txs.iter().map(|(tx, _)| tx));
        if chunks > self.config.chunks || fee_tokens.len() > FEE_TOKENS_PER_BLOCK {
            let bound = Bound::BatchTooLarge {
                chunks,
                max: self.config.chunks,
                fee_tokens: fee_tokens.len(),
                max_fee_tokens: FEE_TOKENS_PER_BLOCK,
            };
            broken.get_or_insert((txs.len() - 1, bound));
        }
        let broken = broken.map(|(i, bound)| (i, Refusal::Bound(bound)));
        let waiting_since = self.oldest_pending_since;
        let members: Vec<(AccountId, Nonce)> = txs.iter().map(|(tx, _)| (tx.account_id(), tx.nonce())).collect();
        let receipts = self.submit_all(txs, now)?;
        if let Some(refusal) = broken {
            self.unqueue(&receipts, waiting_since);
            return Err(refusal);
        }
        let b = self.mempool.next_batch;
        self.mempool.next_batch += 1;
        for &m in &members {
            // Each member took its account's next nonce, which nothing queued held.
            let old = self.mempool.batch_of.insert(m, b);
            debug_assert!(old.is_none(), "a transaction in two batches");
        }
        self.mempool.batches.insert(b, members);
        Ok(receipts)
    }

    /// Whether account `id` has a transaction waiting (below its `next` nonce) that is not valid
    /// at `now`: a batch after it would wait with it, holding every other account of the batch.
    fn waiting_on(&self, id: AccountId, next: Nonce, now: u64) -> Option<Bound> {
        (self.executor.state.nonce(id)..next).find_map(|nonce| {
            let valid_from = self.mempool.get(id, nonce)?.time().valid_from;
            (valid_from > now).then_some(Bound::BatchWouldWait { account: id, nonce, valid_from })
        })
    }

    /// The nonce an account's next new transaction should carry: its own, then past every
    /// consecutive nonce waiting in the mempool.
    pub fn next_nonce(&self, id: AccountId) -> Nonce {
        let mut n = self.executor.state.nonce(id);
        if let Some(q) = self.mempool.by_account.get(&id) {
            while let Some(next) = q.contains_key(&n).then(|| n.checked_add(1)).flatten() {
                n = next;
            }
        }
        n
    }

    /// Priority operations waiting for a block.
    pub fn pending_priority(&self) -> usize {
        self.priority.len()
    }

    fn check_account_and_key(&self, tx: &Tx) -> Result<(), Rejection> {
        let id = tx.account_id();
        let st = &self.executor.state;
        if id > MAX_ACCOUNT_ID {
            return Err(Rejection::new(Rule::TxAccountIdOutOfRange, format!("account {id}")));
        }
        if !st.exists(id) {
            return Err(Rejection::new(Rule::TxAccountMissing, format!("account {id}")));
        }
        let want = match tx {
            Tx::ChangePubKey(c) => c.new_pubkey_hash,
            _ => st.pubkey_hash(id),
        };
        if want.is_zero() || pubkey_hash(&tx.signature().pub_key) != want {
            return Err(Rejection::new(Rule::TxSignerNotAccountKey, format!("account {id}")));
        }
        Ok(())
    }

    /// Queues a checked transaction: the protocol's nonce and expiry rules, then the mempool's
    /// bounds (a full mempool first evicts what can never run).
    fn enqueue(&mut self, tx: Tx, now: u64) -> Result<Receipt, Refusal> {
        let (id, nonce, limits) = (tx.account_id(), tx.nonce(), self.config.limits);
        let account_nonce = self.executor.state.nonce(id);
        if nonce < account_nonce {
            return Err(Rejection::new(Rule::TxNonceMismatch, format!("nonce {nonce} already used")).into());
        }
        if tx.time().valid_until < now {
            return Err(Rejection::new(Rule::TxExpired, "expired before inclusion").into());
        }
        if nonce - account_nonce > limits.max_nonce_gap {
            // A gap no block can close soon: it would wait, uncounted, taking a slot.
            return Err(Refusal::Bound(Bound::NonceGap { nonce, account_nonce, max_gap: limits.max_nonce_gap }));
        }
        let queued = self.mempool.by_account.get(&id);
        if queued.is_some_and(|q| q.contains_key(&nonce)) {
            return Err(Rejection::new(Rule::TxNonceMismatch, "a transaction with this nonce is pending").into());
        }
        if queued.is_some_and(|q| q.len() >= limits.per_account) {
            return Err(Refusal::Bound(Bound::AccountFull { account: id, max: limits.per_account }));
        }
        if self.mempool.len() >= limits.total {
            let evicted = self.evict(now);
            self.evicted.extend(evicted);
            if self.mempool.len() >= limits.total {
                return Err(Refusal::Bound(Bound::PoolFull { max: limits.total }));
            }
        }
        let receipt = Receipt { tx_hash: tx.hash(), account_id: id, nonce };
        self.mempool.insert(tx);
        self.oldest_pending_since.get_or_insert(now);
        Ok(receipt)
    }

    /// Removes what can never run: transactions whose nonce the account has passed and those
    /// expired at `now`, and the rest of any batch one of them was in. Each comes back as
    /// dropped, with the rule it now breaks.
    fn evict(&mut self, now: u64) -> Vec<Dropped> {
        let mut out = Vec::new();
        let mut broken: Vec<(u64, usize)> = Vec::new();
        let batch_of = &self.mempool.batch_of;
        for (&id, q) in self.mempool.by_account.iter_mut() {
            let account_nonce = self.executor.state.nonce(id);
            q.retain(|&nonce, tx| {
                let rejection = if nonce < account_nonce {
                    Rejection::new(Rule::TxNonceMismatch, format!("nonce {nonce} was used by another transaction"))
                } else if tx.time().valid_until < now {
                    Rejection::new(Rule::TxExpired, "expired in the mempool")
                } else {
                    return true;
                };
                if let Some(&b) = batch_of.get(&(id, nonce)) {
                    broken.push((b, out.len()));
                }
                out.push(Dropped { tx_hash: tx.hash(), rejection });
                false
            });
        }
        self.mempool.len -= out.len();
        for (b, i) in broken {
            let cause = out[i].clone();
            for tx in self.mempool.remove_batch(b) {
                out.push(batch_dropped(&tx, &cause));
            }
        }
        // A batch that follows a transaction no longer waiting (dropped from a block) waits on a
        // gap only its account could fill, holding the batch's other accounts: it goes too.
        let st = &self.executor.state;
        let gapped: Vec<(u64, Rejection)> = (self.mempool.batches.iter())
            .filter_map(|(&b, members)| {
                members.iter().find_map(|&(id, n)| {
                    let gap = n > st.nonce(id) && self.mempool.get(id, n - 1).is_none();
                    gap.then(|| {
                        (
                            b,
                            Rejection::new(
                                Rule::TxNonceMismatch,
                                format!("account {id}'s nonce {} before its batch's is no longer waiting", n - 1),
                            ),
                        )
                    })
                })
            })
            .collect();
        for (b, rejection) in gapped {
            for tx in self.mempool.remove_batch(b) {
                out.push(Dropped { tx_hash: tx.hash(), rejection: rejection.clone() });
            }
        }
        self.mempool.tidy_order();
        out
    }

    /// Transactions that can run in a block at `now`: per account, the run of consecutive
    /// nonces from the account's own, each valid at `now`, up to a batch's member; and every
    /// batch that can run as it stands. The rest wait for a predecessor or their time, and do
    /// not count towards sealing.
    pub fn executable(&self, now: u64) -> usize {
        let (st, pool) = (&self.executor.state, &self.mempool);
        let run = |id: AccountId, q: &BTreeMap<Nonce, Tx>| {
            let mut next = Some(st.nonce(id));
            std::iter::from_fn(|| {
                let n = next?;
                next = n.checked_add(1);
                q.get(&n).filter(|tx| valid_at(tx, now) && !pool.batch_of.contains_key(&(id, n)))
            })
            .count()
        };
        let singles: usize = pool.by_account.iter().map(|(&id, q)| run(id, q)).sum();
        let batches: usize = pool.batches.values().filter(|m| pool.batch_ready(m, st, now)).map(Vec::len).sum();
        singles + batches
    }

    /// Whether a block should be sealed now: something can run and the block is full enough,
    /// or the oldest item has waited `seal_timeout`. Transactions that cannot run yet (a nonce
    /// gap, a time not come) never cause a seal, so they cannot make the keeper seal empty
    /// blocks.
    pub fn should_seal(&self, now: u64) -> bool {
        let executable = self.executable(now);
        let pending_chunks = executable * 2 + self.priority.len() * 6;
        self.can_seal_with(executable)
            && (pending_chunks >= self.config.chunks
                || self.oldest_pending_since.is_some_and(|t| now.saturating_sub(t) >= self.config.seal_timeout))
    }

    /// Whether a block can be sealed at `now` at all: something can run, and the block can
    /// credit its fees (its fee account exists, or its first priority operation is the deposit
    /// that opens it; a block without one breaks `block.fee_account_missing`, and sealing it
    /// would fail after the mempool and state had moved).
    pub fn can_seal(&self, now: u64) -> bool {
        self.can_seal_with(self.executable(now))
    }

    fn can_seal_with(&self, executable: usize) -> bool {
        let st = &self.executor.state;
        let fee_account = self.config.fee_account;
        let fee_account_ready = st.exists(fee_account)
            || matches!(self.priority.front(), Some(PriorityOp::Deposit(d))
                if st.id_of(&d.to).is_none() && st.next_account_id() == fee_account);
        (executable > 0 || !self.priority.is_empty()) && fee_account_ready
    }

    /// Builds and seals the next block at `timestamp`: priority operations first, then
    /// executable transactions, account by account in arrival order, while they fit. When
    /// nothing could go in (every candidate was dropped), the block has no ops and does not
    /// count: the next one keeps its number, and the caller has only the drops to record.
    pub fn seal(&mut self, timestamp: u64) -> Result<(SealedBlock, Vec<Dropped>), Rejection> {
        let ctx = BlockContext { block_number: self.next_block, fee_account: self.config.fee_account, timestamp };
        let mut dropped = std::mem::take(&mut self.evicted);
        dropped.extend(self.evict(timestamp));
        let ex = &mut self.executor;
        let chunks = self.config.chunks;
        let mut block = BlockInProgress::start(ex, ctx, chunks);
        while let Some(p) = self.priority.front() {
            let need = match p {
                PriorityOp::Deposit(_) => chunks_of(zkrollup_spec::op::op_code::DEPOSIT),
                PriorityOp::FullExit(_) => chunks_of(zkrollup_spec::op::op_code::FULL_EXIT),
            }
            .expect("known ops");
            if block.used + need > chunks {
                break;
            }
            // L1 validated the request; a rejection here means a full tree or an overflow that
            // L1 rules out, and the request cannot be skipped: stop the block.
            let op = ex.apply_priority(p)?;
            self.priority.pop_front();
            block.push(ex, op, None);
        }
        let mut progress = true;
        while progress && block.used + 2 <= chunks {
            progress = false;
            // Batches first: one needs room for all its members, which singles would take.
            let batches: Vec<u64> = self.mempool.batches.keys().copied().collect();
            for b in batches {
                let members = &self.mempool.batches[&b];
                if !self.mempool.batch_ready(members, &ex.state, timestamp) {
                    continue;
                }
                let txs: Vec<Tx> = members.iter().filter_map(|&(id, n)| self.mempool.get(id, n).cloned()).collect();
                let (need, fee_tokens) = batch_size(&ex.state, &txs);
                let new_fee_tokens = fee_tokens.iter().filter(|t| !block.fees.contains_key(t)).count();
                if block.used + need > chunks || block.fees.len() + new_fee_tokens > FEE_TOKENS_PER_BLOCK {
                    continue;
                }
                self.mempool.remove_batch(b);
                match run_atomically(ex, &mut block, &txs, &ctx) {
                    Ok(()) => progress = true,
                    Err(cause) => {
                        dropped.extend(
                            txs.iter().filter(|tx| tx.hash() != cause.tx_hash).map(|tx| batch_dropped(tx, &cause)),
                        );
                        dropped.push(cause);
                    }
                }
            }
            let accounts: Vec<AccountId> = self.mempool.order.iter().copied().collect();
            for id in accounts {
                let nonce = ex.state.nonce(id);
                let Some(tx) = self.mempool.get(id, nonce).cloned() else { continue };
                // Not valid yet: it waits for its time (expired ones were evicted above). A
                // batch's member runs with its batch, below.
                if !valid_at(&tx, timestamp) || self.mempool.batch_of.contains_key(&(id, nonce)) {
                    continue;
                }
                let (fee_token, fee) = tx.fee();
                let new_fee_token = fee.value() > 0 && !block.fees.contains_key(&fee_token);
                if block.used + chunks_needed(&ex.state, &tx) > chunks
                    || (new_fee_token && block.fees.len() == FEE_TOKENS_PER_BLOCK)
                {
                    continue;
                }
                self.mempool.pop(id, nonce);
                match ex.apply_tx(&tx, &ctx) {
                    Ok((op, fee)) => {
                        block.tx_hashes.push(tx.hash());
                        block.push(ex, op, Some(fee));
                        progress = true;
                    }
                    Err(rejection) => dropped.push(Dropped { tx_hash: tx.hash(), rejection }),
                }
            }
            self.mempool.tidy_order();
        }
        let sealed = block.seal(ex)?;
        if !sealed.ops.is_empty() {
            self.next_block += 1;
        }
        self.oldest_pending_since = (!self.mempool.is_empty() || !self.priority.is_empty()).then_some(timestamp);
        Ok((sealed, dropped))
    }
}
