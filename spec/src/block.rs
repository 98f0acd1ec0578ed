//! # 7. Blocks
//!
//! A block applies its inputs in order under one [`BlockContext`], then collects fees; it is
//! valid only if every input is accepted. Its ops' pubdata, padded with Noops to the block's
//! chunk count, is what L1 receives.
//!
//! **Checks**, in order: `block.unsupported_size` (the chunk count has a circuit); each input's
//! own rules, and after each op `block.too_many_chunks`; then fee collection:
//! `block.fee_account_missing` (the fee account exists once the ops are applied),
//! `block.too_many_fee_tokens` (fees in at most [`FEE_TOKENS_PER_BLOCK`] distinct tokens with a
//! non-zero total), `block.fee_balance_overflow`. Fees are credited to the fee account token by
//! token, in increasing token id, after all ops.
//!
//! **Commitment**: one SHA-256 over the header and the pubdata,
//!
//! ```text
//! commitment = sha256( block_number (4) ‖ fee_account (4) ‖ timestamp (8)
//!                      ‖ old_root (32) ‖ new_root (32) ‖ pubdata ‖ onchain_flags )
//! ```
//!
//! with integers big-endian, roots as 32-byte big-endian field elements, and `onchain_flags` one
//! byte per chunk, `1` where an on-chain op starts ([`crate::op`]) and `0` elsewhere. The block
//! circuit's single **public input** is the commitment with its top three bits cleared (253
//! bits). The flags let the contract locate on-chain ops from its calldata while the proof
//! guarantees none is hidden.
//!
//! zkSync Lite chains five SHA-256 calls (number and fee account, old root, new root,
//! timestamp, pubdata). One hash over the same fields binds the same data and, in-circuit, costs
//! about 3 + pubdata/64 compressions instead of 8 + pubdata/64: roughly 150k fewer constraints
//! per block at ~30k constraints per compression.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::checks::{Checker, Checks, InputKind};
use crate::op::Op;
use crate::params::{BLOCK_CHUNK_SIZES, CHUNK_BYTES, FEE_TOKENS_PER_BLOCK};
use crate::primitives::field::fr_to_be_bytes;
use crate::primitives::Fr;
use crate::rules::{Rejection, Rule};
use crate::state::{State, TokenId};
use crate::transition::{apply_priority_op_with, apply_tx_with, BlockContext, PriorityOp};
use crate::tx::Tx;
use ark_ff::PrimeField;

/// One input of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockInput {
    /// A signed L2 transaction.
    Tx(Tx),
    /// A priority operation from L1.
    Priority(PriorityOp),
}

/// The header fields a block is committed with, and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockParams {
    /// The block's number, fee account and timestamp.
    pub context: BlockContext,
    /// The block's chunk count (one of [`BLOCK_CHUNK_SIZES`]).
    pub chunks: usize,
}

/// An applied block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The block's header fields and size.
    pub params: BlockParams,
    /// The ops of the inputs, without padding.
    pub ops: Vec<Op>,
    /// Collected fees, by token (non-zero totals only).
    pub fees: BTreeMap<TokenId, u128>,
    /// The state root before the block.
    pub old_root: Fr,
    /// The state root after the block, fees credited.
    pub new_root: Fr,
}

/// Applies `inputs` as one block. On rejection the state is unchanged.
pub fn apply_block(state: &mut State, params: &BlockParams, inputs: &[BlockInput]) -> Result<Block, Rejection> {
    apply_block_with(state, params, inputs, &Checks::ALL)
}

/// [`apply_block`] with some checks switched off, the inputs' included ([`crate::checks`]: for
/// testing the order).
pub fn apply_block_with(
    state: &mut State,
    params: &BlockParams,
    inputs: &[BlockInput],
    checks: &Checks,
) -> Result<Block, Rejection> {
    let c = &mut Checker::new(InputKind::Block, checks);
    c.check(BLOCK_CHUNK_SIZES.contains(&params.chunks), Rule::BlockUnsupportedSize, || {
        format!("{} chunks; supported: {BLOCK_CHUNK_SIZES:?}", params.chunks)
    })?;
    let old_root = state.root();
    let mut next = state.clone();
    let ctx = &params.context;
    let mut ops = Vec::new();
    let mut fees: BTreeMap<TokenId, u128> = BTreeMap::new();
    let mut used = 0;
    for input in inputs {
        let op = match input {
            BlockInput::Tx(tx) => {
                let applied = apply_tx_with(&mut next, tx, ctx, checks)?;
                if let Some(fee) = applied.fee.filter(|f| f.amount > 0) {
                    // At most 32 fees per block (64 chunks, 2 per tx) of at most 2047·10^31 each: no overflow.
                    *fees.entry(fee.token).or_default() += fee.amount;
                }
                applied.op
            }
            BlockInput::Priority(p) => apply_priority_op_with(&mut next, p, checks)?,
        };
        used += op.chunks();
        c.next_input();
        c.check(used <= params.chunks, Rule::BlockTooManyChunks, || {
            format!("{} needs chunks up to {used}, the block has {}", op.name(), params.chunks)
        })?;
        ops.push(op);
    }
    collect_fees(c, &mut next, ctx, &fees)?;
    let new_root = next.root();
    *state = next;
    Ok(Block { params: *params, ops, fees, old_root, new_root })
}

/// Credits the block's fees to its fee account.
fn collect_fees(
    c: &mut Checker,
    state: &mut State,
    ctx: &BlockContext,
    fees: &BTreeMap<TokenId, u128>,
) -> Result<(), Rejection> {
    let fee_account = ctx.fee_account;
    let account =
        c.found(state.account_mut(fee_account), Rule::BlockFeeAccountMissing, || format!("no account {fee_account}"))?;
    c.check(fees.len() <= FEE_TOKENS_PER_BLOCK, Rule::BlockTooManyFeeTokens, || {
        format!("fees in {} tokens, at most {FEE_TOKENS_PER_BLOCK}", fees.len())
    })?;
    let overflowing = fees.iter().find(|(&token, &amount)| account.balance(token).checked_add(amount).is_none());
    c.check(overflowing.is_none(), Rule::BlockFeeBalanceOverflow, || {
        format!("fee account's token {} balance overflows", overflowing.map_or(0, |(t, _)| *t))
    })?;
    for (&token, &amount) in fees {
        account.set_balance(token, account.balance(token).saturating_add(amount));
    }
    Ok(())
}

impl Block {
    /// The ops' pubdata followed by Noops up to the block's chunk count.
    pub fn pubdata(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.ops.iter().flat_map(Op::to_pubdata).collect();
        while out.len() < self.params.chunks * CHUNK_BYTES {
            out.extend(Op::Noop.to_pubdata());
        }
        out
    }

    /// One byte per chunk: 1 where an on-chain op starts.
    pub fn onchain_flags(&self) -> Vec<u8> {
        onchain_flags(&self.ops, self.params.chunks)
    }

    /// The block commitment (module docs).
    pub fn commitment(&self) -> [u8; 32] {
        commitment(&self.params.context, &self.old_root, &self.new_root, &self.pubdata(), &self.onchain_flags())
    }

    /// The block proof's public input: the commitment's low 253 bits.
    pub fn public_input(&self) -> Fr {
        public_input(&self.commitment())
    }
}

/// The flags of [`Block::onchain_flags`] for `ops` padded to `chunks`.
pub fn onchain_flags(ops: &[Op], chunks: usize) -> Vec<u8> {
    let mut flags = Vec::with_capacity(chunks);
    for op in ops {
        flags.push(op.is_onchain() as u8);
        flags.extend(std::iter::repeat_n(0, op.chunks() - 1));
    }
    flags.resize(chunks, 0);
    flags
}

/// The block commitment (module docs).
pub fn commitment(ctx: &BlockContext, old_root: &Fr, new_root: &Fr, pubdata: &[u8], onchain_flags: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(ctx.block_number.to_be_bytes());
    h.update(ctx.fee_account.to_be_bytes());
    h.update(ctx.timestamp.to_be_bytes());
    h.update(fr_to_be_bytes(old_root));
    h.update(fr_to_be_bytes(new_root));
    h.update(pubdata);
    h.update(onchain_flags);
    h.finalize().into()
}

/// The commitment's low 253 bits as a field element.
pub fn public_input(commitment: &[u8; 32]) -> Fr {
    let mut c = *commitment;
    c[0] &= 0x1f;
    Fr::from_be_bytes_mod_order(&c)
}
