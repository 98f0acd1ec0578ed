//! The state keeper: a mempool ordered by account nonce, instant receipts for transactions that
//! are valid against the current state, and a block builder that packs priority operations
//! and transactions into a block of a chosen size, sealing when full or on a timeout.

use std::collections::{BTreeMap, HashMap, VecDeque};

use zkrollup_spec::op::chunks_of;
use zkrollup_spec::params::{FEE_TOKENS_PER_BLOCK, MAX_ACCOUNT_ID};
use zkrollup_spec::primitives::eddsa::verify;
use zkrollup_spec::primitives::keys::pubkey_hash;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{AccountId, Nonce};
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
}

impl Mempool {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, tx: Tx) -> bool {
        let id = tx.account_id();
        let q = self.by_account.entry(id).or_default();
        if q.is_empty() {
            self.order.push_back(id);
        }
        let fresh = q.insert(tx.nonce(), tx).is_none();
        self.len += fresh as usize;
        fresh
    }

    fn pop(&mut self, id: AccountId, nonce: Nonce) -> Option<Tx> {
        let q = self.by_account.get_mut(&id)?;
        let tx = q.remove(&nonce)?;
        self.len -= 1;
        Some(tx)
    }
}

/// Keeper settings.
#[derive(Clone, Copy, Debug)]
pub struct KeeperConfig {
    pub chunks: usize,
    pub fee_account: AccountId,
    /// Seal a non-empty block once its oldest item has waited this long (seconds).
    pub seal_timeout: u64,
}

pub struct StateKeeper {
    pub config: KeeperConfig,
    executor: Executor,
    pub mempool: Mempool,
    priority: VecDeque<PriorityOp>,
    next_block: u32,
    oldest_pending_since: Option<u64>,
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
    pub fn submit(&mut self, tx: Tx, now: u64) -> Result<Receipt, Rejection> {
        self.check_account_and_key(&tx)?;
        let sig = tx.signature();
        if !verify(&sig.pub_key, tx.signing_message(), &sig.signature) {
            return Err(Rejection::new(Rule::TxBadSignature, tx.name()));
        }
        self.enqueue(tx, now)
    }

    /// [`StateKeeper::submit`] for many transactions, verifying signatures in parallel (the
    /// expensive part), then checking and queueing in order.
    pub fn submit_many(&mut self, txs: Vec<Tx>, now: u64) -> Vec<Result<Receipt, Rejection>> {
        use rayon::prelude::*;
        let verified: Vec<bool> = txs
            .par_iter()
            .map(|tx| {
                let sig = tx.signature();
                verify(&sig.pub_key, tx.signing_message(), &sig.signature)
            })
            .collect();
        txs.into_iter()
            .zip(verified)
            .map(|(tx, ok)| {
                self.check_account_and_key(&tx)?;
                if !ok {
                    return Err(Rejection::new(Rule::TxBadSignature, tx.name()));
                }
                self.enqueue(tx, now)
            })
            .collect()
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

    fn enqueue(&mut self, tx: Tx, now: u64) -> Result<Receipt, Rejection> {
        let id = tx.account_id();
        if tx.nonce() < self.executor.state.nonce(id) {
            return Err(Rejection::new(Rule::TxNonceMismatch, format!("nonce {} already used", tx.nonce())));
        }
        if tx.time().valid_until < now {
            return Err(Rejection::new(Rule::TxExpired, "expired before inclusion"));
        }
        let receipt = Receipt { tx_hash: tx.hash(), account_id: id, nonce: tx.nonce() };
        if !self.mempool.insert(tx) {
            return Err(Rejection::new(Rule::TxNonceMismatch, "a transaction with this nonce is pending"));
        }
        self.oldest_pending_since.get_or_insert(now);
        Ok(receipt)
    }

    /// Whether a block should be sealed now: something waits and the block is full enough, or
    /// the oldest item has waited `seal_timeout`.
    pub fn should_seal(&self, now: u64) -> bool {
        let waiting = !self.mempool.is_empty() || !self.priority.is_empty();
        let pending_chunks = self.mempool.len() * 2 + self.priority.len() * 6;
        waiting
            && (pending_chunks >= self.config.chunks
                || self.oldest_pending_since.is_some_and(|t| now.saturating_sub(t) >= self.config.seal_timeout))
    }

    /// Builds and seals the next block at `timestamp`: priority operations first, then
    /// executable transactions, account by account in arrival order, while they fit.
    pub fn seal(&mut self, timestamp: u64) -> Result<(SealedBlock, Vec<Dropped>), Rejection> {
        let ctx = BlockContext { block_number: self.next_block, fee_account: self.config.fee_account, timestamp };
        let ex = &mut self.executor;
        let chunks = self.config.chunks;
        let mut block = BlockInProgress::start(ex, ctx, chunks);
        let mut dropped = Vec::new();
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
            let accounts: Vec<AccountId> = self.mempool.order.iter().copied().collect();
            for id in accounts {
                let nonce = ex.state.nonce(id);
                let Some(tx) = self.mempool.by_account.get(&id).and_then(|q| q.get(&nonce)).cloned() else { continue };
                let need = chunks_of(tx.tx_type()).expect("known")
                    + if matches!(&tx, Tx::Transfer(t) if ex.state.id_of(&t.to).is_none()) { 3 } else { 0 };
                let (fee_token, fee) = tx.fee();
                let new_fee_token = fee.value() > 0 && !block.fees.contains_key(&fee_token);
                if block.used + need > chunks || (new_fee_token && block.fees.len() == FEE_TOKENS_PER_BLOCK) {
                    continue;
                }
                self.mempool.pop(id, nonce);
                match ex.apply_tx(&tx, &ctx) {
                    Ok((op, fee)) => {
                        block.push(ex, op, Some(fee));
                        progress = true;
                    }
                    Err(rejection) => dropped.push(Dropped { tx_hash: tx.hash(), rejection }),
                }
            }
            self.mempool.order.retain(|id| self.mempool.by_account.get(id).is_some_and(|q| !q.is_empty()));
        }
        let sealed = block.seal(ex)?;
        self.next_block += 1;
        self.oldest_pending_since = (!self.mempool.is_empty() || !self.priority.is_empty()).then_some(timestamp);
        Ok((sealed, dropped))
    }
}
