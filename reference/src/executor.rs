//! The transition rules, written for speed and independently of the spec's `transition`
//! module: every check is made before anything is written (no state copies), in the spec's
//! order, with the spec's rule ids. Agreement with the spec is established by the conformance
//! vectors and the differential tests, not by sharing code.

use crate::signature::{pubkey_hash, signing_message, verify};
use zkrollup_spec::op::*;
use zkrollup_spec::params::MAX_ACCOUNT_ID;
use zkrollup_spec::primitives::PubKeyHash;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{AccountId, TokenId};
use zkrollup_spec::transition::{BlockContext, DepositRequest, Fee, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKey, ForcedExit, Transfer, Tx, Withdraw};

use crate::state::{Change, LeafWrite, RefState};

fn reject<T>(rule: Rule, detail: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(rule, detail))
}

/// Applies inputs to a [`RefState`], batched or recording witness material.
pub struct Executor {
    pub state: RefState,
    writes: Option<Vec<LeafWrite>>,
}

impl Executor {
    /// `witnessing`: record a [`LeafWrite`] per leaf touched (slower: paths are rehashed at once).
    pub fn new(state: RefState, witnessing: bool) -> Self {
        Executor { state, writes: witnessing.then(Vec::new) }
    }

    pub fn is_witnessing(&self) -> bool {
        self.writes.is_some()
    }

    /// The leaf writes recorded since the last call.
    pub fn take_writes(&mut self) -> Vec<LeafWrite> {
        self.writes.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Starts an atomic run (a batch of transactions): [`Executor::revert`] undoes every write
    /// from here, [`Executor::commit`] keeps them. Returns the mark `revert` takes.
    pub fn checkpoint(&mut self) -> usize {
        self.state.checkpoint();
        self.writes.as_ref().map_or(0, Vec::len)
    }

    pub fn commit(&mut self) {
        self.state.commit();
    }

    /// Undoes the writes since the checkpoint that returned `mark`, and their witness material.
    pub fn revert(&mut self, mark: usize) {
        self.state.revert();
        if let Some(w) = &mut self.writes {
            w.truncate(mark);
        }
    }

    pub(crate) fn write(&mut self, id: AccountId, c: Change) {
        match &mut self.writes {
            Some(w) => w.push(self.state.write_leaf(id, c)),
            None => self.state.write(id, c),
        }
    }

    fn touch(&mut self, id: AccountId, token: TokenId) {
        if let Some(w) = &mut self.writes {
            w.push(self.state.read_leaf(id, token));
        }
    }

    /// The account's current fields with `token`'s balance replaced.
    fn change(&self, id: AccountId, token: TokenId, balance: u128) -> Change {
        Change {
            nonce: self.state.nonce(id),
            pubkey_hash: self.state.pubkey_hash(id),
            address: self.state.address(id),
            token,
            balance,
        }
    }

    /// Applies a signed transaction; on rejection nothing was written.
    pub fn apply_tx(&mut self, tx: &Tx, ctx: &BlockContext) -> Result<(Op, Fee), Rejection> {
        match tx {
            Tx::Transfer(t) => self.transfer(tx, t, ctx),
            Tx::Withdraw(t) => self.withdraw(tx, t, ctx),
            Tx::ChangePubKey(t) => self.change_pubkey(tx, t, ctx),
            Tx::ForcedExit(t) => self.forced_exit(tx, t, ctx),
        }
    }

    /// Applies a priority operation; on rejection nothing was written.
    pub fn apply_priority(&mut self, p: &PriorityOp) -> Result<Op, Rejection> {
        match p {
            PriorityOp::Deposit(d) => self.deposit(d),
            PriorityOp::FullExit(f) => self.full_exit(f),
        }
    }

    fn envelope(&self, tx: &Tx, key: Option<PubKeyHash>, ctx: &BlockContext) -> Result<AccountId, Rejection> {
        let id = tx.account_id();
        if id > MAX_ACCOUNT_ID {
            return reject(Rule::TxAccountIdOutOfRange, format!("account {id}"));
        }
        if !self.state.exists(id) {
            return reject(Rule::TxAccountMissing, format!("account {id}"));
        }
        let want = key.unwrap_or_else(|| self.state.pubkey_hash(id));
        let sig = tx.signature();
        if want.is_zero() || pubkey_hash(&sig.pub_key) != want {
            return reject(Rule::TxSignerNotAccountKey, format!("account {id} expects key {want}"));
        }
        if !verify(&sig.pub_key, signing_message(tx), &sig.signature) {
            return reject(Rule::TxBadSignature, tx.name());
        }
        let nonce = self.state.nonce(id);
        if tx.nonce() != nonce {
            return reject(Rule::TxNonceMismatch, format!("{} != {nonce}", tx.nonce()));
        }
        if nonce == u32::MAX {
            return reject(Rule::TxNonceOverflow, "nonce at 2^32 - 1");
        }
        let window = tx.time();
        if ctx.timestamp < window.valid_from {
            return reject(Rule::TxNotYetValid, format!("{} < {}", ctx.timestamp, window.valid_from));
        }
        if ctx.timestamp > window.valid_until {
            return reject(Rule::TxExpired, format!("{} > {}", ctx.timestamp, window.valid_until));
        }
        Ok(id)
    }

    fn transfer(&mut self, tx: &Tx, t: &Transfer, ctx: &BlockContext) -> Result<(Op, Fee), Rejection> {
        let from = self.envelope(tx, None, ctx)?;
        if t.to.is_zero() {
            return reject(Rule::TransferToZeroAddress, "to 0x0");
        }
        let to = self.state.id_of(&t.to);
        if to.is_none() && self.state.is_full() {
            return reject(Rule::TransferAccountTreeFull, "no id left");
        }
        let (amount, fee) = (t.amount.value(), t.fee.value());
        let have = self.state.balance(from, t.token);
        let total = match amount.checked_add(fee) {
            Some(x) if x <= have => x,
            _ => return reject(Rule::TransferInsufficientBalance, format!("{have} < {amount} + {fee}")),
        };
        let left = have - total;
        let receiver_had = match to {
            Some(id) if id == from => left,
            Some(id) => self.state.balance(id, t.token),
            None => 0,
        };
        let Some(receiver_has) = receiver_had.checked_add(amount) else {
            return reject(Rule::TransferRecipientBalanceOverflow, "recipient balance overflows");
        };
        let mut c = self.change(from, t.token, left);
        c.nonce += 1;
        self.write(from, c);
        let fee = Fee { token: t.token, amount: fee };
        match to {
            Some(id) => {
                let c = self.change(id, t.token, receiver_has);
                self.write(id, c);
                Ok((Op::Transfer(TransferOp { from, token: t.token, to: id, amount: t.amount, fee: t.fee }), fee))
            }
            None => {
                let id = self.state.open(t.to);
                let mut c = self.change(id, t.token, receiver_has);
                c.address = t.to;
                self.write(id, c);
                let op =
                    TransferToNewOp { from, token: t.token, amount: t.amount, to_address: t.to, to: id, fee: t.fee };
                Ok((Op::TransferToNew(op), fee))
            }
        }
    }

    fn withdraw(&mut self, tx: &Tx, t: &Withdraw, ctx: &BlockContext) -> Result<(Op, Fee), Rejection> {
        let id = self.envelope(tx, None, ctx)?;
        let fee = t.fee.value();
        let have = self.state.balance(id, t.token);
        let total = match t.amount.checked_add(fee) {
            Some(x) if x <= have => x,
            _ => return reject(Rule::WithdrawInsufficientBalance, format!("{have} < {} + {fee}", t.amount)),
        };
        let mut c = self.change(id, t.token, have - total);
        c.nonce += 1;
        self.write(id, c);
        let op = WithdrawOp { account_id: id, token: t.token, amount: t.amount, fee: t.fee, to: t.to };
        Ok((Op::Withdraw(op), Fee { token: t.token, amount: fee }))
    }

    fn change_pubkey(&mut self, tx: &Tx, t: &ChangePubKey, ctx: &BlockContext) -> Result<(Op, Fee), Rejection> {
        let id = self.envelope(tx, Some(t.new_pubkey_hash), ctx)?;
        let fee = t.fee.value();
        let have = self.state.balance(id, t.fee_token);
        if have < fee {
            return reject(Rule::ChangePubKeyInsufficientFeeBalance, format!("{have} < {fee}"));
        }
        let mut c = self.change(id, t.fee_token, have - fee);
        c.nonce += 1;
        c.pubkey_hash = t.new_pubkey_hash;
        let owner = c.address;
        self.write(id, c);
        let op = ChangePubKeyOp {
            account_id: id,
            new_pubkey_hash: t.new_pubkey_hash,
            owner,
            nonce: t.nonce,
            fee_token: t.fee_token,
            fee: t.fee,
        };
        Ok((Op::ChangePubKey(op), Fee { token: t.fee_token, amount: fee }))
    }

    fn forced_exit(&mut self, tx: &Tx, t: &ForcedExit, ctx: &BlockContext) -> Result<(Op, Fee), Rejection> {
        let initiator = self.envelope(tx, None, ctx)?;
        let Some(target) = self.state.id_of(&t.target) else {
            return reject(Rule::ForcedExitTargetMissing, format!("{}", t.target));
        };
        if !self.state.pubkey_hash(target).is_zero() {
            return reject(Rule::ForcedExitTargetHasKey, format!("account {target}"));
        }
        let fee = t.fee.value();
        let have = self.state.balance(initiator, t.token);
        if have < fee {
            return reject(Rule::ForcedExitInsufficientFeeBalance, format!("{have} < {fee}"));
        }
        let mut c = self.change(initiator, t.token, have - fee);
        c.nonce += 1;
        self.write(initiator, c);
        let amount = self.state.balance(target, t.token);
        let c = self.change(target, t.token, 0);
        self.write(target, c);
        let op = ForcedExitOp { initiator, target, token: t.token, fee: t.fee, amount, target_address: t.target };
        Ok((Op::ForcedExit(op), Fee { token: t.token, amount: fee }))
    }

    fn deposit(&mut self, d: &DepositRequest) -> Result<Op, Rejection> {
        if d.to.is_zero() {
            return reject(Rule::DepositZeroAddress, "to 0x0");
        }
        let existing = self.state.id_of(&d.to);
        let had = match existing {
            Some(id) => self.state.balance(id, d.token),
            None if self.state.is_full() => return reject(Rule::DepositAccountTreeFull, "no id left"),
            None => 0,
        };
        let Some(has) = had.checked_add(d.amount) else {
            return reject(Rule::DepositBalanceOverflow, "balance overflows");
        };
        let id = existing.unwrap_or_else(|| self.state.open(d.to));
        let mut c = self.change(id, d.token, has);
        c.address = d.to;
        self.write(id, c);
        Ok(Op::Deposit(DepositOp { account_id: id, token: d.token, amount: d.amount, address: d.to }))
    }

    fn full_exit(&mut self, f: &FullExitRequest) -> Result<Op, Rejection> {
        if f.account_id > MAX_ACCOUNT_ID {
            return reject(Rule::FullExitAccountIdOutOfRange, format!("account {}", f.account_id));
        }
        let owned =
            self.state.exists(f.account_id) && self.state.address(f.account_id) == f.owner && !f.owner.is_zero();
        let amount = if owned { self.state.balance(f.account_id, f.token) } else { 0 };
        if owned && amount > 0 {
            let c = self.change(f.account_id, f.token, 0);
            self.write(f.account_id, c);
        } else {
            self.touch(f.account_id, f.token);
        }
        Ok(Op::FullExit(FullExitOp { account_id: f.account_id, owner: f.owner, token: f.token, amount }))
    }
}
