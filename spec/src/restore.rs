//! # 10. The state restored from L1
//!
//! Everything needed to rebuild the L2 state is on L1: each committed block's pubdata, fee
//! account and new state root travel in its `commitBlock` calldata (data availability). When the
//! operator is gone, an owner rebuilds the state of the last executed block from the chain
//! alone and proves an exodus exit against it ([`crate::exit`]); no one's cooperation is needed.
//!
//! A block restores by applying its ops, decoded from its pubdata ([`crate::op`]), in order, to
//! the state of its parent, then crediting its fees, exactly as [`crate::block`] applied the
//! transactions that made them:
//!
//! - **Deposit**: opens account `account_id` for `address` if it is new (it must then be the
//!   next id), and credits `amount` of `token`.
//! - **Transfer** / **TransferToNew**: debits `amount + fee` from `from` and raises its nonce;
//!   credits `amount` to `to` (for TransferToNew, first opened for `to_address` as the next id).
//! - **Withdraw**: debits `amount + fee` from `account_id`, raises its nonce.
//! - **ChangePubKey**: the account's nonce must be the op's `nonce`; debits `fee` of `fee_token`,
//!   sets the pubkey hash, raises the nonce.
//! - **ForcedExit**: debits `fee` from `initiator` and raises its nonce; `target`'s whole `token`
//!   balance (the op's `amount`) goes to zero.
//! - **FullExit**: `account_id`'s `token` balance falls by `amount` (its whole balance, or zero
//!   when the request's owner did not own the account).
//! - **Noop**: nothing.
//!
//! Fees, gathered per token over the block, are credited to the block's fee account at its end.
//! Pubdata carries no signatures: a restore trusts that the block was proven. It still checks
//! that every op fits the state it lands on (no balance below zero, ids in order) and that the
//! result has the block's committed root, so that data that does not restore is found, never
//! silently turned into a different state.

use std::collections::BTreeMap;

use crate::l1::CommitBlock;
use crate::op::{decode_pubdata, Op};
use crate::primitives::Address;
use crate::state::{Account, AccountId, State, TokenId};

/// Applies the committed `block` to `state` (its parent's state). On an error `state` is left
/// as it was; the error says which op did not fit, or that the root differs.
pub fn apply_committed(state: &mut State, block: &CommitBlock) -> Result<(), String> {
    let n = block.block_number;
    let ops = decode_pubdata(&block.pubdata).map_err(|e| format!("block {n}: pubdata: {e}"))?;
    let mut next = state.clone();
    let mut fees: BTreeMap<TokenId, u128> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let fee = apply_op(&mut next, op).map_err(|e| format!("block {n}, op {i} ({}): {e}", op.name()))?;
        if let Some((token, amount)) = fee.filter(|f| f.1 > 0) {
            *fees.entry(token).or_default() += amount;
        }
    }
    for (token, amount) in fees {
        credit(&mut next, block.fee_account, token, amount).map_err(|e| format!("block {n}: fees: {e}"))?;
    }
    if next.root() != block.new_state_root {
        return Err(format!(
            "block {n}: the ops restore root {}, the block committed {}",
            next.root(),
            block.new_state_root
        ));
    }
    *state = next;
    Ok(())
}

/// Restores the state after `blocks`, the committed blocks from block 1 on, in order.
pub fn restore<'a>(blocks: impl IntoIterator<Item = &'a CommitBlock>) -> Result<State, String> {
    let mut state = State::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if block.block_number as usize != i + 1 {
            return Err(format!("block {} where block {} comes next", block.block_number, i + 1));
        }
        apply_committed(&mut state, block)?;
    }
    Ok(state)
}

fn account(state: &mut State, id: AccountId) -> Result<&mut Account, String> {
    state.account_mut(id).ok_or_else(|| format!("no account {id}"))
}

fn debit(state: &mut State, id: AccountId, token: TokenId, amount: u128) -> Result<(), String> {
    let a = account(state, id)?;
    let have = a.balance(token);
    let left =
        have.checked_sub(amount).ok_or_else(|| format!("account {id} has {have} of token {token}, pays {amount}"))?;
    a.set_balance(token, left);
    Ok(())
}

fn credit(state: &mut State, id: AccountId, token: TokenId, amount: u128) -> Result<(), String> {
    let a = account(state, id)?;
    let have = a.balance(token);
    a.set_balance(token, have.checked_add(amount).ok_or_else(|| format!("account {id}'s token {token} overflows"))?);
    Ok(())
}

fn raise_nonce(state: &mut State, id: AccountId) -> Result<(), String> {
    let a = account(state, id)?;
    a.nonce = a.nonce.checked_add(1).ok_or_else(|| format!("account {id}'s nonce overflows"))?;
    Ok(())
}

/// The account of `address`, opened as `id` if new: `id` must then be the next id.
fn opened(state: &mut State, id: AccountId, address: Address) -> Result<(), String> {
    match state.id_of(&address) {
        Some(existing) if existing == id => Ok(()),
        Some(existing) => Err(format!("{address} owns account {existing}, not {id}")),
        None if address.is_zero() || state.next_account_id() != id || state.is_full() => {
            Err(format!("account {id} for {address} opened where account {} comes next", state.next_account_id()))
        }
        None => {
            state.open_account(address);
            Ok(())
        }
    }
}

/// Applies one op; returns the fee it owes the block.
fn apply_op(state: &mut State, op: &Op) -> Result<Option<(TokenId, u128)>, String> {
    let sent = |state: &mut State, from, token, amount: u128, fee: u128| -> Result<_, String> {
        let total = amount.checked_add(fee).ok_or("amount + fee overflows")?;
        debit(state, from, token, total)?;
        raise_nonce(state, from)?;
        Ok(Some((token, fee)))
    };
    match op {
        Op::Noop => Ok(None),
        Op::Deposit(d) => {
            opened(state, d.account_id, d.address)?;
            credit(state, d.account_id, d.token, d.amount)?;
            Ok(None)
        }
        Op::Transfer(t) => {
            let fee = sent(state, t.from, t.token, t.amount.value(), t.fee.value())?;
            credit(state, t.to, t.token, t.amount.value())?;
            Ok(fee)
        }
        Op::TransferToNew(t) => {
            let fee = sent(state, t.from, t.token, t.amount.value(), t.fee.value())?;
            opened(state, t.to, t.to_address)?;
            credit(state, t.to, t.token, t.amount.value())?;
            Ok(fee)
        }
        Op::Withdraw(w) => sent(state, w.account_id, w.token, w.amount, w.fee.value()),
        Op::ChangePubKey(c) => {
            let a = account(state, c.account_id)?;
            if a.nonce != c.nonce || a.address != c.owner {
                return Err(format!("account {} has nonce {} and owner {}", c.account_id, a.nonce, a.address));
            }
            a.pubkey_hash = c.new_pubkey_hash;
            sent(state, c.account_id, c.fee_token, 0, c.fee.value())
        }
        Op::ForcedExit(f) => {
            let fee = sent(state, f.initiator, f.token, 0, f.fee.value())?;
            let target = account(state, f.target)?;
            if target.address != f.target_address || target.balance(f.token) != f.amount {
                return Err(format!(
                    "account {} is not {} holding {} of token {}",
                    f.target, f.target_address, f.amount, f.token
                ));
            }
            target.set_balance(f.token, 0);
            Ok(fee)
        }
        Op::FullExit(f) => {
            debit(state, f.account_id, f.token, f.amount)?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{apply_block, BlockInput, BlockParams};
    use crate::l1::commit_info;
    use crate::testkit::{self, user};
    use crate::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
    use crate::tx::ChangePubKeyAuth;

    /// Blocks made by the transition rules from signed transactions, restored from their
    /// pubdata alone: the same state, account by account, after each block; and pubdata that
    /// was tampered with does not restore.
    #[test]
    fn blocks_restore_from_their_pubdata_to_the_state_their_transactions_made() {
        let (u0, u1, u2) = (user(0), user(1), user(2));
        let deposit = |u: &testkit::User, token, amount| {
            BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: u.address, to: u.address, token, amount }))
        };
        let tx = BlockInput::Tx;
        let blocks = [
            vec![deposit(&u0, 0, 1_000_000), deposit(&u1, 0, 500_000), deposit(&u1, 1, 7_000)],
            vec![
                tx(testkit::change_pubkey(&u0, 0, 0, 0, 0, ChangePubKeyAuth::Onchain)),
                tx(testkit::change_pubkey(&u1, 1, 0, 30, 0, ChangePubKeyAuth::Onchain)),
                tx(testkit::transfer(&u0, 0, u1.address, 0, 10_000, 20, 1)),
            ],
            vec![
                tx(testkit::transfer(&u1, 1, u2.address, 0, 40_000, 10, 1)),
                tx(testkit::withdraw(&u0, 0, u0.address, 0, 5_000, 3, 2)),
                tx(testkit::forced_exit(&u1, 1, u2.address, 0, 2, 2)),
            ],
            vec![
                BlockInput::Priority(PriorityOp::FullExit(FullExitRequest {
                    account_id: 1,
                    owner: u1.address,
                    token: 1,
                })),
                BlockInput::Priority(PriorityOp::FullExit(FullExitRequest {
                    account_id: 0,
                    owner: u2.address,
                    token: 0,
                })),
            ],
        ];
        let (mut made, mut restored, mut committed) = (State::new(), State::new(), Vec::new());
        for (i, inputs) in blocks.iter().enumerate() {
            let context = BlockContext { block_number: i as u32 + 1, fee_account: 1, timestamp: 1_000 };
            let block = apply_block(&mut made, &BlockParams { context, chunks: 32 }, inputs).unwrap();
            let commit = commit_info(&block, inputs);
            apply_committed(&mut restored, &commit).unwrap();
            assert_eq!(restored, made, "after block {}", i + 1);
            committed.push(commit);
        }
        assert_eq!(restore(&committed).unwrap(), made);
        assert!(made.account(1).unwrap().balance(0) > 0 && made.account(2).unwrap().nonce == 0);

        // Each op's bytes changed in turn (its last byte before padding is an amount, an
        // address or a fee): no tampered block restores to its committed root.
        let mut state = restore(&committed[..2]).unwrap();
        let third = &committed[2];
        for at in [8, 20, 40, 60] {
            let mut bad = third.clone();
            bad.pubdata[at] ^= 1;
            let before = state.clone();
            assert!(apply_committed(&mut state, &bad).is_err(), "byte {at} changed");
            assert_eq!(state, before, "a failed restore leaves the state");
        }
        let skipped = restore([&committed[0], &committed[2]]).unwrap_err();
        assert!(skipped.contains("block 3 where block 2 comes next"), "{skipped}");
    }
}
