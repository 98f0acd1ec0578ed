//! # 5. Operations and pubdata
//!
//! An operation is what a block records: a transaction or priority request after the state has
//! resolved it (ids looked up, amounts fixed). Its pubdata is the op code followed by the fields
//! below, big-endian, zero-padded to whole 8-byte chunks. Every field is needed by the L1
//! contract or for data availability (rebuilding the state from L1 alone); nothing else goes in.
//!
//! | op | code | chunks | layout (bytes) |
//! |---|---|---|---|
//! | Noop | 0 | 1 | op |
//! | Deposit | 1 | 6 | op ‖ account 3 ‖ token 2 ‖ amount 16 ‖ address 20 |
//! | TransferToNew | 2 | 5 | op ‖ from 3 ‖ token 2 ‖ amount 5 (packed) ‖ to address 20 ‖ to 3 ‖ fee 2 (packed) |
//! | Withdraw | 3 | 6 | op ‖ account 3 ‖ token 2 ‖ amount 16 ‖ fee 2 ‖ to address 20 |
//! | Transfer | 5 | 2 | op ‖ from 3 ‖ token 2 ‖ to 3 ‖ amount 5 ‖ fee 2 |
//! | FullExit | 6 | 6 | op ‖ account 3 ‖ owner 20 ‖ token 2 ‖ amount 16 |
//! | ChangePubKey | 7 | 7 | op ‖ account 3 ‖ new pubkey hash 20 ‖ owner address 20 ‖ nonce 4 ‖ fee token 2 ‖ fee 2 |
//! | ForcedExit | 8 | 6 | op ‖ initiator 3 ‖ target 3 ‖ token 2 ‖ fee 2 ‖ amount 16 ‖ target address 20 |
//!
//! *On-chain* ops are those the contract must act on: Deposit and FullExit (matched against the
//! priority queue), Withdraw, FullExit and ForcedExit (paid out at execution), ChangePubKey
//! (its L1 authorisation checked at commit).

use crate::params::CHUNK_BYTES;
use crate::primitives::bytes::Reader;
use crate::primitives::packing::{PackedAmount, PackedFee};
use crate::primitives::{Address, PubKeyHash};
use crate::rules::{Rejection, Rule};
use crate::state::{AccountId, Nonce, TokenId};

/// Op codes (the first pubdata byte of each op).
pub mod op_code {
    /// [`Op::Noop`](super::Op::Noop): block padding.
    pub const NOOP: u8 = 0;
    /// [`Op::Deposit`](super::Op::Deposit).
    pub const DEPOSIT: u8 = 1;
    /// [`Op::TransferToNew`](super::Op::TransferToNew).
    pub const TRANSFER_TO_NEW: u8 = 2;
    /// [`Op::Withdraw`](super::Op::Withdraw).
    pub const WITHDRAW: u8 = 3;
    /// [`Op::Transfer`](super::Op::Transfer) (4 is unused).
    pub const TRANSFER: u8 = 5;
    /// [`Op::FullExit`](super::Op::FullExit).
    pub const FULL_EXIT: u8 = 6;
    /// [`Op::ChangePubKey`](super::Op::ChangePubKey).
    pub const CHANGE_PUBKEY: u8 = 7;
    /// [`Op::ForcedExit`](super::Op::ForcedExit).
    pub const FORCED_EXIT: u8 = 8;
}

/// A deposit credited: `amount` of `token` to account `account_id`, owned by `address`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DepositOp {
    /// The credited account (newly opened if `address` had none).
    pub account_id: AccountId,
    /// The token deposited.
    pub token: TokenId,
    /// The amount credited, in the token's smallest unit (the request's amount, unrounded).
    pub amount: u128,
    /// The recipient's L1 address (the request's `to`), the owner of `account_id`.
    pub address: Address,
}

/// A transfer to an address that had no account: it opens account `to` for `to_address`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TransferToNewOp {
    /// The sender (and fee payer).
    pub from: AccountId,
    /// The token transferred; the fee is paid in it too.
    pub token: TokenId,
    /// The amount the recipient receives.
    pub amount: PackedAmount,
    /// The recipient's address, recorded so the new account's owner is available on L1.
    pub to_address: Address,
    /// The id opened for the recipient (the state's `next_account_id` before the op).
    pub to: AccountId,
    /// The fee, debited from `from` on top of `amount`.
    pub fee: PackedFee,
}

/// A withdrawal from L2: `amount` leaves `account_id` and is paid to `to` on L1 at execution.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WithdrawOp {
    /// The account withdrawn from (and fee payer).
    pub account_id: AccountId,
    /// The token withdrawn; the fee is paid in it too.
    pub token: TokenId,
    /// The amount paid out on L1, in the token's smallest unit (not packed).
    pub amount: u128,
    /// The fee, debited on top of `amount`.
    pub fee: PackedFee,
    /// The L1 address credited with `amount`.
    pub to: Address,
}

/// A transfer between existing accounts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TransferOp {
    /// The sender (and fee payer).
    pub from: AccountId,
    /// The token transferred; the fee is paid in it too.
    pub token: TokenId,
    /// The recipient (may equal `from`: a self-transfer only pays the fee).
    pub to: AccountId,
    /// The amount the recipient receives.
    pub amount: PackedAmount,
    /// The fee, debited from `from` on top of `amount`.
    pub fee: PackedFee,
}

/// A full exit requested on L1, executed: the account's whole balance of `token` is paid to
/// `owner` on L1.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FullExitOp {
    /// The account the request names.
    pub account_id: AccountId,
    /// The L1 address that requested the exit (and is paid, if it owns the account).
    pub owner: Address,
    /// The token exited.
    pub token: TokenId,
    /// The balance withdrawn: the whole balance if `owner` owns the account, else zero.
    pub amount: u128,
}

/// An account's L2 key set or replaced.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChangePubKeyOp {
    /// The account whose key changes (and fee payer).
    pub account_id: AccountId,
    /// The hash of the account's new L2 key.
    pub new_pubkey_hash: PubKeyHash,
    /// The account's L1 address: who must have authorised the change.
    pub owner: Address,
    /// The transaction's nonce (the account's before the change), which the authorisation signs.
    pub nonce: Nonce,
    /// The token the fee is paid in.
    pub fee_token: TokenId,
    /// The fee.
    pub fee: PackedFee,
}

/// A forced exit: a keyless account's whole balance of `token` paid to its own L1 address, at the
/// request (and fee) of another account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ForcedExitOp {
    /// The account that signed the ForcedExit and pays the fee.
    pub initiator: AccountId,
    /// The exited account (it has no L2 key).
    pub target: AccountId,
    /// The token exited; the initiator's fee is paid in it too.
    pub token: TokenId,
    /// The initiator's fee.
    pub fee: PackedFee,
    /// The target's whole balance of `token`, paid out on L1 (possibly zero).
    pub amount: u128,
    /// The target's L1 address, who receives `amount`.
    pub target_address: Address,
}

/// An operation in a block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Padding: fills the block's unused chunks.
    Noop,
    /// A deposit (priority op).
    Deposit(DepositOp),
    /// A transfer that opened the recipient's account.
    TransferToNew(TransferToNewOp),
    /// A withdrawal to L1.
    Withdraw(WithdrawOp),
    /// A transfer between existing accounts.
    Transfer(TransferOp),
    /// A full exit (priority op).
    FullExit(FullExitOp),
    /// A key change.
    ChangePubKey(ChangePubKeyOp),
    /// A forced exit of a keyless account.
    ForcedExit(ForcedExitOp),
}

/// Chunks an op with this code occupies, or `None` for an unknown code.
pub fn chunks_of(code: u8) -> Option<usize> {
    Some(match code {
        op_code::NOOP => 1,
        op_code::DEPOSIT => 6,
        op_code::TRANSFER_TO_NEW => 5,
        op_code::WITHDRAW => 6,
        op_code::TRANSFER => 2,
        op_code::FULL_EXIT => 6,
        op_code::CHANGE_PUBKEY => 7,
        op_code::FORCED_EXIT => 6,
        _ => return None,
    })
}

fn put_id(out: &mut Vec<u8>, id: AccountId) {
    out.extend_from_slice(&id.to_be_bytes()[1..]);
}

impl Op {
    /// The op code ([`op_code`]), the first byte of its pubdata.
    pub fn code(&self) -> u8 {
        match self {
            Op::Noop => op_code::NOOP,
            Op::Deposit(_) => op_code::DEPOSIT,
            Op::TransferToNew(_) => op_code::TRANSFER_TO_NEW,
            Op::Withdraw(_) => op_code::WITHDRAW,
            Op::Transfer(_) => op_code::TRANSFER,
            Op::FullExit(_) => op_code::FULL_EXIT,
            Op::ChangePubKey(_) => op_code::CHANGE_PUBKEY,
            Op::ForcedExit(_) => op_code::FORCED_EXIT,
        }
    }

    /// The variant's name, for messages and coverage reports.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Noop => "Noop",
            Op::Deposit(_) => "Deposit",
            Op::TransferToNew(_) => "TransferToNew",
            Op::Withdraw(_) => "Withdraw",
            Op::Transfer(_) => "Transfer",
            Op::FullExit(_) => "FullExit",
            Op::ChangePubKey(_) => "ChangePubKey",
            Op::ForcedExit(_) => "ForcedExit",
        }
    }

    /// The chunks the op occupies in a block ([`chunks_of`] its code).
    pub fn chunks(&self) -> usize {
        chunks_of(self.code()).expect("every Op has a known code")
    }

    /// Whether the contract must act on this op (see the module docs).
    pub fn is_onchain(&self) -> bool {
        is_onchain_code(self.code())
    }

    /// The op's pubdata: `chunks() · 8` bytes.
    pub fn to_pubdata(&self) -> Vec<u8> {
        let mut out = vec![self.code()];
        match self {
            Op::Noop => {}
            Op::Deposit(o) => {
                put_id(&mut out, o.account_id);
                out.extend_from_slice(&o.token.to_be_bytes());
                out.extend_from_slice(&o.amount.to_be_bytes());
                out.extend_from_slice(&o.address.0);
            }
            Op::TransferToNew(o) => {
                put_id(&mut out, o.from);
                out.extend_from_slice(&o.token.to_be_bytes());
                out.extend(o.amount.to_bytes());
                out.extend_from_slice(&o.to_address.0);
                put_id(&mut out, o.to);
                out.extend(o.fee.to_bytes());
            }
            Op::Withdraw(o) => {
                put_id(&mut out, o.account_id);
                out.extend_from_slice(&o.token.to_be_bytes());
                out.extend_from_slice(&o.amount.to_be_bytes());
                out.extend(o.fee.to_bytes());
                out.extend_from_slice(&o.to.0);
            }
            Op::Transfer(o) => {
                put_id(&mut out, o.from);
                out.extend_from_slice(&o.token.to_be_bytes());
                put_id(&mut out, o.to);
                out.extend(o.amount.to_bytes());
                out.extend(o.fee.to_bytes());
            }
            Op::FullExit(o) => {
                put_id(&mut out, o.account_id);
                out.extend_from_slice(&o.owner.0);
                out.extend_from_slice(&o.token.to_be_bytes());
                out.extend_from_slice(&o.amount.to_be_bytes());
            }
            Op::ChangePubKey(o) => {
                put_id(&mut out, o.account_id);
                out.extend_from_slice(&o.new_pubkey_hash.0);
                out.extend_from_slice(&o.owner.0);
                out.extend_from_slice(&o.nonce.to_be_bytes());
                out.extend_from_slice(&o.fee_token.to_be_bytes());
                out.extend(o.fee.to_bytes());
            }
            Op::ForcedExit(o) => {
                put_id(&mut out, o.initiator);
                put_id(&mut out, o.target);
                out.extend_from_slice(&o.token.to_be_bytes());
                out.extend(o.fee.to_bytes());
                out.extend_from_slice(&o.amount.to_be_bytes());
                out.extend_from_slice(&o.target_address.0);
            }
        }
        out.resize(self.chunks() * CHUNK_BYTES, 0);
        out
    }

    /// Decodes exactly one op from `bytes` (its whole chunks, padding included).
    pub fn from_pubdata(bytes: &[u8]) -> Result<Op, Rejection> {
        let mut r = Reader::new(bytes, "op pubdata");
        let code = r.u8()?;
        let chunks = chunks_of(code).ok_or_else(|| Rejection::new(Rule::CodecUnknownOp, format!("op code {code}")))?;
        let id = |r: &mut Reader| -> Result<AccountId, Rejection> { Ok(r.uint(3)? as AccountId) };
        let amount = |r: &mut Reader| -> Result<PackedAmount, Rejection> {
            PackedAmount::from_bytes(r.take(PackedAmount::BYTES)?)
                .ok_or_else(|| Rejection::new(Rule::CodecAmountTooLarge, "packed amount"))
        };
        let fee = |r: &mut Reader| -> Result<PackedFee, Rejection> {
            PackedFee::from_bytes(r.take(PackedFee::BYTES)?)
                .ok_or_else(|| Rejection::new(Rule::CodecAmountTooLarge, "packed fee"))
        };
        let op = match code {
            op_code::NOOP => Op::Noop,
            op_code::DEPOSIT => Op::Deposit(DepositOp {
                account_id: id(&mut r)?,
                token: r.u16()?,
                amount: r.u128()?,
                address: r.address()?,
            }),
            op_code::TRANSFER_TO_NEW => Op::TransferToNew(TransferToNewOp {
                from: id(&mut r)?,
                token: r.u16()?,
                amount: amount(&mut r)?,
                to_address: r.address()?,
                to: id(&mut r)?,
                fee: fee(&mut r)?,
            }),
            op_code::WITHDRAW => Op::Withdraw(WithdrawOp {
                account_id: id(&mut r)?,
                token: r.u16()?,
                amount: r.u128()?,
                fee: fee(&mut r)?,
                to: r.address()?,
            }),
            op_code::TRANSFER => Op::Transfer(TransferOp {
                from: id(&mut r)?,
                token: r.u16()?,
                to: id(&mut r)?,
                amount: amount(&mut r)?,
                fee: fee(&mut r)?,
            }),
            op_code::FULL_EXIT => Op::FullExit(FullExitOp {
                account_id: id(&mut r)?,
                owner: r.address()?,
                token: r.u16()?,
                amount: r.u128()?,
            }),
            op_code::CHANGE_PUBKEY => Op::ChangePubKey(ChangePubKeyOp {
                account_id: id(&mut r)?,
                new_pubkey_hash: r.pubkey_hash()?,
                owner: r.address()?,
                nonce: r.u32()?,
                fee_token: r.u16()?,
                fee: fee(&mut r)?,
            }),
            op_code::FORCED_EXIT => Op::ForcedExit(ForcedExitOp {
                initiator: id(&mut r)?,
                target: id(&mut r)?,
                token: r.u16()?,
                fee: fee(&mut r)?,
                amount: r.u128()?,
                target_address: r.address()?,
            }),
            _ => unreachable!("chunks_of accepted the code"),
        };
        let used = r.position();
        let padding = r.take(chunks * CHUNK_BYTES - used)?;
        if padding.iter().any(|b| *b != 0) {
            return Err(Rejection::new(Rule::CodecNonzeroPadding, format!("{} padding after byte {used}", op.name())));
        }
        r.finish()?;
        Ok(op)
    }
}

/// Whether ops with this code are on-chain ops.
pub fn is_onchain_code(code: u8) -> bool {
    matches!(
        code,
        op_code::DEPOSIT | op_code::WITHDRAW | op_code::FULL_EXIT | op_code::CHANGE_PUBKEY | op_code::FORCED_EXIT
    )
}

/// Splits a block's pubdata into ops, each starting at a chunk boundary. Noops pad a block at
/// its end only (`codec.op_after_noop`): the block circuit proves exactly the pubdata a block
/// of inputs produces (its ops, then Noops), and a padding Noop between ops would be a second
/// encoding of the same block.
///
/// Read order: `codec.bad_length` for the whole pubdata, then op by op: `codec.unknown_op` (its
/// code), `codec.truncated` (its chunks past the end), the op's own decoding
/// ([`Op::from_pubdata`]), and last `codec.op_after_noop` (a decoded op after a Noop).
pub fn decode_pubdata(pubdata: &[u8]) -> Result<Vec<Op>, Rejection> {
    if !pubdata.len().is_multiple_of(CHUNK_BYTES) {
        return Err(Rejection::new(Rule::CodecBadLength, format!("{} bytes is not whole chunks", pubdata.len())));
    }
    let mut ops = Vec::new();
    let mut at = 0;
    while at < pubdata.len() {
        let code = pubdata[at];
        let chunks = chunks_of(code)
            .ok_or_else(|| Rejection::new(Rule::CodecUnknownOp, format!("op code {code} at byte {at}")))?;
        let end = at + chunks * CHUNK_BYTES;
        if end > pubdata.len() {
            return Err(Rejection::new(
                Rule::CodecTruncated,
                format!("op code {code} at byte {at} needs {chunks} chunks, pubdata ends at {}", pubdata.len()),
            ));
        }
        let op = Op::from_pubdata(&pubdata[at..end])?;
        if matches!(ops.last(), Some(Op::Noop)) && !matches!(op, Op::Noop) {
            return Err(Rejection::new(Rule::CodecOpAfterNoop, format!("{} at byte {at} follows a Noop", op.name())));
        }
        ops.push(op);
        at = end;
    }
    Ok(ops)
}
