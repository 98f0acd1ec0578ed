//! # 6. Transition rules
//!
//! How one input changes the state. An input is a signed L2 [`Tx`] or a [`PriorityOp`] requested
//! on L1. Applying it either succeeds, changing the state and yielding the [`Op`] the block
//! records (and for a transaction, the fee the block collects), or fails with the first rule it
//! breaks, leaving the state untouched.
//!
//! Checks run in the order written here, which [`crate::checks`] states as data and the code
//! below follows through a [`Checker`]; implementations must report the same first failure.
//!
//! **Every signed transaction** (the signing account is the fee payer):
//! 1. `tx.account_id_out_of_range`, 2. `tx.account_missing`,
//! 3. `tx.signer_not_account_key` (the signer's key hashes to the account's pubkey hash; for
//!    ChangePubKey, to the new one), 4. `tx.bad_signature`, 5. `tx.nonce_mismatch`,
//! 6. `tx.nonce_overflow`, 7. `tx.not_yet_valid`, 8. `tx.expired`.
//!
//! Then come the checks of its kind below. An accepted transaction raises the signer's nonce by one.
//!
//! Fees are not credited at once: the block gathers them and credits its fee account at the end
//! ([`crate::block`]), as its circuit does.

use crate::checks::{Checker, Checks, InputKind};
use crate::op::*;
use crate::params::MAX_ACCOUNT_ID;
use crate::primitives::eddsa::verify;
use crate::primitives::keys::pubkey_hash;
use crate::primitives::{Address, PubKeyHash};
use crate::rules::{Rejection, Rule};
use crate::state::{Account, AccountId, State, TokenId};
use crate::tx::*;

/// What a block's inputs are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// The block's number (it enters only the block commitment).
    pub block_number: u32,
    /// The account the block credits its fees to.
    pub fee_account: AccountId,
    /// The block's timestamp (L1 seconds); transactions must be valid at it.
    pub timestamp: u64,
}

/// A deposit requested on L1: `amount` of `token`, moved into the contract by `from`, credited
/// to the L2 account of `to` (opened if new).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DepositRequest {
    /// The depositor's L1 address (refunded if the request is cancelled in exodus mode).
    pub from: Address,
    /// The L1 address whose L2 account is credited.
    pub to: Address,
    /// The token deposited.
    pub token: TokenId,
    /// The amount, in the token's smallest unit.
    pub amount: u128,
}

/// A full exit requested on L1 by `owner`: withdraw the whole `token` balance of `account_id`,
/// if `owner` owns it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FullExitRequest {
    /// The account to exit.
    pub account_id: AccountId,
    /// The requester; the exit pays out only if this is the account's address.
    pub owner: Address,
    /// The token to exit.
    pub token: TokenId,
}

/// A priority operation: requested on L1, which the operator must include in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PriorityOp {
    /// A deposit.
    Deposit(DepositRequest),
    /// A full exit.
    FullExit(FullExitRequest),
}

/// A fee to be collected by the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fee {
    /// The token the fee is paid in.
    pub token: TokenId,
    /// The fee's value (unpacked), in the token's smallest unit.
    pub amount: u128,
}

/// An accepted input: the op recorded and the fee owed to the block (zero for priority ops).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The op the block records.
    pub op: Op,
    /// The fee the block collects; `Some` for every transaction, possibly zero.
    pub fee: Option<Fee>,
}

impl InputKind {
    /// The kind of a signed transaction.
    pub fn of_tx(tx: &Tx) -> InputKind {
        match tx {
            Tx::Transfer(_) => InputKind::Transfer,
            Tx::Withdraw(_) => InputKind::Withdraw,
            Tx::ChangePubKey(_) => InputKind::ChangePubKey,
            Tx::ForcedExit(_) => InputKind::ForcedExit,
        }
    }

    /// The kind of a priority operation.
    pub fn of_priority(op: &PriorityOp) -> InputKind {
        match op {
            PriorityOp::Deposit(_) => InputKind::Deposit,
            PriorityOp::FullExit(_) => InputKind::FullExit,
        }
    }
}

/// Applies a signed transaction. On rejection the state is unchanged.
pub fn apply_tx(state: &mut State, tx: &Tx, ctx: &BlockContext) -> Result<Applied, Rejection> {
    apply_tx_with(state, tx, ctx, &Checks::ALL)
}

/// [`apply_tx`] with some checks switched off ([`crate::checks`]: for testing the order).
pub fn apply_tx_with(state: &mut State, tx: &Tx, ctx: &BlockContext, checks: &Checks) -> Result<Applied, Rejection> {
    let mut next = state.clone();
    let c = &mut Checker::new(InputKind::of_tx(tx), checks);
    let applied = match tx {
        Tx::Transfer(t) => transfer(c, &mut next, tx, t, ctx)?,
        Tx::Withdraw(t) => withdraw(c, &mut next, tx, t, ctx)?,
        Tx::ChangePubKey(t) => change_pubkey(c, &mut next, tx, t, ctx)?,
        Tx::ForcedExit(t) => forced_exit(c, &mut next, tx, t, ctx)?,
    };
    *state = next;
    Ok(applied)
}

/// Applies a priority operation. On rejection the state is unchanged.
pub fn apply_priority_op(state: &mut State, op: &PriorityOp) -> Result<Op, Rejection> {
    apply_priority_op_with(state, op, &Checks::ALL)
}

/// [`apply_priority_op`] with some checks switched off ([`crate::checks`]).
pub fn apply_priority_op_with(state: &mut State, op: &PriorityOp, checks: &Checks) -> Result<Op, Rejection> {
    let mut next = state.clone();
    let c = &mut Checker::new(InputKind::of_priority(op), checks);
    let op = match op {
        PriorityOp::Deposit(d) => deposit(c, &mut next, d)?,
        PriorityOp::FullExit(f) => full_exit(c, &mut next, f)?,
    };
    *state = next;
    Ok(op)
}

/// The envelope checks 1–8, then raises the nonce. `expected_key` is the pubkey hash the
/// signer must have: the account's, or for ChangePubKey the new one.
fn check_envelope(
    c: &mut Checker,
    state: &mut State,
    tx: &Tx,
    expected_key: Option<PubKeyHash>,
    ctx: &BlockContext,
) -> Result<(), Rejection> {
    let id = tx.account_id();
    c.check(id <= MAX_ACCOUNT_ID, Rule::TxAccountIdOutOfRange, || format!("account id {id}"))?;
    let account = c.found(state.account(id), Rule::TxAccountMissing, || format!("no account {id}"))?;
    let sig = tx.signature();
    let signer = pubkey_hash(&sig.pub_key);
    let expected = expected_key.unwrap_or(account.pubkey_hash);
    c.check(!expected.is_zero() && signer == expected, Rule::TxSignerNotAccountKey, || {
        format!("signer key hashes to {signer}, expected {expected}")
    })?;
    c.check(verify(&sig.pub_key, tx.signing_message(), &sig.signature), Rule::TxBadSignature, || {
        format!("{} signature does not verify", tx.name())
    })?;
    c.check(tx.nonce() == account.nonce, Rule::TxNonceMismatch, || {
        format!("tx nonce {}, account nonce {}", tx.nonce(), account.nonce)
    })?;
    c.check(account.nonce < u32::MAX, Rule::TxNonceOverflow, || "account nonce is 2^32 - 1".into())?;
    let time = tx.time();
    c.check(ctx.timestamp >= time.valid_from, Rule::TxNotYetValid, || {
        format!("block time {} before valid_from {}", ctx.timestamp, time.valid_from)
    })?;
    c.check(ctx.timestamp <= time.valid_until, Rule::TxExpired, || {
        format!("block time {} after valid_until {}", ctx.timestamp, time.valid_until)
    })?;
    let a = state.account_mut(id).expect("checked above");
    // Switched off (for testing the order), the overflow check lets the nonce wrap.
    a.nonce = a.nonce.wrapping_add(1);
    Ok(())
}

fn account_mut(state: &mut State, id: AccountId) -> &mut Account {
    state.account_mut(id).expect("existence checked by the caller")
}

/// Debits `amount` (`None`: more than 2^128 - 1) of `token` from `id`, failing with `rule` when
/// the balance is short. (With the check switched off, the balance stops at zero.)
fn debit(
    c: &mut Checker,
    state: &mut State,
    id: AccountId,
    token: TokenId,
    amount: Option<u128>,
    rule: Rule,
) -> Result<(), Rejection> {
    let a = account_mut(state, id);
    let have = a.balance(token);
    c.check(amount.is_some_and(|v| have >= v), rule, || match amount {
        Some(v) => format!("account {id} has {have} of token {token}, needs {v}"),
        None => "amount + fee exceeds 2^128".into(),
    })?;
    a.set_balance(token, have.saturating_sub(amount.unwrap_or(u128::MAX)));
    Ok(())
}

/// Credits `amount` of `token` to `id`, failing with `rule` on overflow. (With the check
/// switched off, the balance stops at 2^128 - 1.)
fn credit(
    c: &mut Checker,
    state: &mut State,
    id: AccountId,
    token: TokenId,
    amount: u128,
    rule: Rule,
) -> Result<(), Rejection> {
    let a = account_mut(state, id);
    let have = a.balance(token);
    c.check(have.checked_add(amount).is_some(), rule, || {
        format!("account {id}: {have} + {amount} of token {token} overflows")
    })?;
    a.set_balance(token, have.saturating_add(amount));
    Ok(())
}

/// **Transfer**: `transfer.to_zero_address`; if the recipient address has no account, it gets
/// the next id (`transfer.account_tree_full`) and the op is a TransferToNew;
/// `transfer.insufficient_balance` (amount + fee); `transfer.recipient_balance_overflow`.
/// The sender is debited before the recipient is credited, so a self-transfer only pays the fee.
fn transfer(
    c: &mut Checker,
    state: &mut State,
    tx: &Tx,
    t: &Transfer,
    ctx: &BlockContext,
) -> Result<Applied, Rejection> {
    check_envelope(c, state, tx, None, ctx)?;
    c.check(!t.to.is_zero(), Rule::TransferToZeroAddress, || "recipient is the zero address".into())?;
    let existing = state.id_of(&t.to);
    if existing.is_none() {
        c.check(!state.is_full(), Rule::TransferAccountTreeFull, || "no account id left".into())?;
    }
    let (amount, fee) = (t.amount.value(), t.fee.value());
    debit(c, state, t.account_id, t.token, amount.checked_add(fee), Rule::TransferInsufficientBalance)?;
    let to = match existing {
        Some(id) => id,
        None => {
            c.guard(!t.to.is_zero(), Rule::TransferToZeroAddress, || "no account opens for the zero address".into())?;
            c.guard(!state.is_full(), Rule::TransferAccountTreeFull, || "no account id left".into())?;
            state.open_account(t.to)
        }
    };
    credit(c, state, to, t.token, amount, Rule::TransferRecipientBalanceOverflow)?;
    let op = match existing {
        Some(_) => Op::Transfer(TransferOp { from: t.account_id, token: t.token, to, amount: t.amount, fee: t.fee }),
        None => Op::TransferToNew(TransferToNewOp {
            from: t.account_id,
            token: t.token,
            amount: t.amount,
            to_address: t.to,
            to,
            fee: t.fee,
        }),
    };
    Ok(Applied { op, fee: Some(Fee { token: t.token, amount: fee }) })
}

/// **Withdraw**: `withdraw.insufficient_balance` (amount + fee). The amount leaves L2; the
/// contract credits it to `to`'s pending balance when the block is executed.
fn withdraw(
    c: &mut Checker,
    state: &mut State,
    tx: &Tx,
    t: &Withdraw,
    ctx: &BlockContext,
) -> Result<Applied, Rejection> {
    check_envelope(c, state, tx, None, ctx)?;
    let fee = t.fee.value();
    debit(c, state, t.account_id, t.token, t.amount.checked_add(fee), Rule::WithdrawInsufficientBalance)?;
    let op =
        Op::Withdraw(WithdrawOp { account_id: t.account_id, token: t.token, amount: t.amount, fee: t.fee, to: t.to });
    Ok(Applied { op, fee: Some(Fee { token: t.token, amount: fee }) })
}

/// **ChangePubKey**: signed by the new key (envelope check 3 against `new_pubkey_hash`);
/// `change_pubkey.insufficient_fee_balance`. Sets the account's pubkey hash. The L1 owner's
/// authorisation is the contract's to check (`l1.change_pubkey_unauthorised`).
fn change_pubkey(
    c: &mut Checker,
    state: &mut State,
    tx: &Tx,
    t: &ChangePubKey,
    ctx: &BlockContext,
) -> Result<Applied, Rejection> {
    check_envelope(c, state, tx, Some(t.new_pubkey_hash), ctx)?;
    let fee = t.fee.value();
    debit(c, state, t.account_id, t.fee_token, Some(fee), Rule::ChangePubKeyInsufficientFeeBalance)?;
    let a = account_mut(state, t.account_id);
    a.pubkey_hash = t.new_pubkey_hash;
    let op = Op::ChangePubKey(ChangePubKeyOp {
        account_id: t.account_id,
        new_pubkey_hash: t.new_pubkey_hash,
        owner: a.address,
        nonce: t.nonce,
        fee_token: t.fee_token,
        fee: t.fee,
    });
    Ok(Applied { op, fee: Some(Fee { token: t.fee_token, amount: fee }) })
}

/// **ForcedExit**: `forced_exit.target_missing`, `forced_exit.target_has_key`,
/// `forced_exit.insufficient_fee_balance` (the initiator pays the fee in the exited token).
/// The target's whole balance of the token (possibly zero) goes to the target's own L1 address.
fn forced_exit(
    c: &mut Checker,
    state: &mut State,
    tx: &Tx,
    t: &ForcedExit,
    ctx: &BlockContext,
) -> Result<Applied, Rejection> {
    check_envelope(c, state, tx, None, ctx)?;
    let target =
        c.found(state.id_of(&t.target), Rule::ForcedExitTargetMissing, || format!("no account for {}", t.target))?;
    let target_key = state.account(target).expect("found by id_of").pubkey_hash;
    c.check(target_key.is_zero(), Rule::ForcedExitTargetHasKey, || format!("account {target} has key {target_key}"))?;
    let fee = t.fee.value();
    debit(c, state, t.account_id, t.token, Some(fee), Rule::ForcedExitInsufficientFeeBalance)?;
    let ta = account_mut(state, target);
    let amount = ta.balance(t.token);
    ta.set_balance(t.token, 0);
    let op = Op::ForcedExit(ForcedExitOp {
        initiator: t.account_id,
        target,
        token: t.token,
        fee: t.fee,
        amount,
        target_address: t.target,
    });
    Ok(Applied { op, fee: Some(Fee { token: t.token, amount: fee }) })
}

/// **Deposit**: `deposit.zero_address`; a new address gets the next id
/// (`deposit.account_tree_full`); `deposit.balance_overflow`.
fn deposit(c: &mut Checker, state: &mut State, d: &DepositRequest) -> Result<Op, Rejection> {
    c.check(!d.to.is_zero(), Rule::DepositZeroAddress, || "deposit to the zero address".into())?;
    let id = match state.id_of(&d.to) {
        Some(id) => id,
        None => {
            c.check(!state.is_full(), Rule::DepositAccountTreeFull, || "no account id left".into())?;
            c.guard(!d.to.is_zero(), Rule::DepositZeroAddress, || "no account opens for the zero address".into())?;
            c.guard(!state.is_full(), Rule::DepositAccountTreeFull, || "no account id left".into())?;
            state.open_account(d.to)
        }
    };
    credit(c, state, id, d.token, d.amount, Rule::DepositBalanceOverflow)?;
    Ok(Op::Deposit(DepositOp { account_id: id, token: d.token, amount: d.amount, address: d.to }))
}

/// **FullExit**: `full_exit.account_id_out_of_range`. If the account exists and `owner` owns
/// it, its whole balance of the token is withdrawn; otherwise the op still executes, with amount
/// zero, so that the priority queue always advances. The zero address owns no account: an
/// account whose address is zero (a state may hold one with a balance) pays a FullExit by the
/// zero owner nothing, as it pays anyone else (the circuit cannot tell such an account from an
/// empty slot, and no L1 caller is the zero address).
fn full_exit(c: &mut Checker, state: &mut State, f: &FullExitRequest) -> Result<Op, Rejection> {
    c.check(f.account_id <= MAX_ACCOUNT_ID, Rule::FullExitAccountIdOutOfRange, || {
        format!("account id {}", f.account_id)
    })?;
    let amount = match state.account_mut(f.account_id) {
        Some(a) if a.address == f.owner && !f.owner.is_zero() => {
            let amount = a.balance(f.token);
            a.set_balance(f.token, 0);
            amount
        }
        _ => 0,
    };
    Ok(Op::FullExit(FullExitOp { account_id: f.account_id, owner: f.owner, token: f.token, amount }))
}
