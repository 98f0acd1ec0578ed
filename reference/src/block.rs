//! Blocks: applying ordered inputs as one block, fee collection, pubdata and commitment, and
//! the per-chunk witness material the circuit consumes.

use std::collections::BTreeMap;

use ark_ff::PrimeField;
use sha2::{Digest, Sha256};
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::op::Op;
use zkrollup_spec::params::{BLOCK_CHUNK_SIZES, CHUNK_BYTES, FEE_TOKENS_PER_BLOCK};
use zkrollup_spec::primitives::field::fr_to_be_bytes;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::TokenId;
use zkrollup_spec::transition::{BlockContext, Fee};

use crate::executor::Executor;
use crate::state::LeafWrite;

/// An op with the leaf writes it made, in chunk order (chunk `i` performs write `i`).
#[derive(Clone, Debug)]
pub struct OpWitness {
    pub op: Op,
    pub writes: Vec<LeafWrite>,
}

/// A block as the operator seals it.
#[derive(Clone, Debug)]
pub struct SealedBlock {
    pub context: BlockContext,
    pub chunks: usize,
    pub ops: Vec<Op>,
    pub fees: BTreeMap<TokenId, u128>,
    pub old_root: Fr,
    pub new_root: Fr,
    /// Witness material, when the executor was witnessing: per op, then the fee-account writes.
    pub op_witnesses: Vec<OpWitness>,
    pub fee_writes: Vec<LeafWrite>,
    /// The hashes of the block's transactions, in block order (priority ops have none).
    pub tx_hashes: Vec<[u8; 32]>,
}

impl SealedBlock {
    pub fn used_chunks(&self) -> usize {
        self.ops.iter().map(Op::chunks).sum()
    }

    /// Ops' pubdata, then Noop chunks (op code 0, zero padding) up to the block size.
    pub fn pubdata(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.chunks * CHUNK_BYTES);
        for op in &self.ops {
            out.extend(op.to_pubdata());
        }
        out.resize(self.chunks * CHUNK_BYTES, 0);
        out
    }

    /// A byte per chunk, 1 where an on-chain op begins.
    pub fn onchain_flags(&self) -> Vec<u8> {
        let mut flags = vec![0u8; self.chunks];
        let mut at = 0;
        for op in &self.ops {
            flags[at] = op.is_onchain() as u8;
            at += op.chunks();
        }
        flags
    }

    /// `sha256(number ‖ fee account ‖ timestamp ‖ old root ‖ new root ‖ pubdata ‖ flags)`.
    pub fn commitment(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.context.block_number.to_be_bytes());
        h.update(self.context.fee_account.to_be_bytes());
        h.update(self.context.timestamp.to_be_bytes());
        h.update(fr_to_be_bytes(&self.old_root));
        h.update(fr_to_be_bytes(&self.new_root));
        h.update(self.pubdata());
        h.update(self.onchain_flags());
        h.finalize().into()
    }

    /// The commitment's low 253 bits.
    pub fn public_input(&self) -> Fr {
        let mut c = self.commitment();
        c[0] &= 0x1f;
        Fr::from_be_bytes_mod_order(&c)
    }
}

/// Collects fees into the fee account (after the ops of a block).
pub(crate) fn collect_fees(
    ex: &mut Executor,
    ctx: &BlockContext,
    fees: &BTreeMap<TokenId, u128>,
) -> Result<Vec<LeafWrite>, Rejection> {
    let acc = ctx.fee_account;
    if !ex.state.exists(acc) {
        return Err(Rejection::new(Rule::BlockFeeAccountMissing, format!("account {acc}")));
    }
    if fees.len() > FEE_TOKENS_PER_BLOCK {
        return Err(Rejection::new(Rule::BlockTooManyFeeTokens, format!("{} tokens", fees.len())));
    }
    let mut credited = Vec::new();
    for (&token, &amount) in fees {
        let Some(sum) = ex.state.balance(acc, token).checked_add(amount) else {
            return Err(Rejection::new(Rule::BlockFeeBalanceOverflow, format!("token {token}")));
        };
        credited.push((token, sum));
    }
    let before = ex.take_writes();
    debug_assert!(before.is_empty(), "op writes were taken");
    for (token, sum) in credited {
        let c = crate::state::Change {
            nonce: ex.state.nonce(acc),
            pubkey_hash: ex.state.pubkey_hash(acc),
            address: ex.state.address(acc),
            token,
            balance: sum,
        };
        ex.write(acc, c);
    }
    Ok(ex.take_writes())
}

/// Applies `inputs` as one block, all or nothing (the executor's state is restored from a copy
/// on rejection: this entry point verifies given blocks; the block builder never aborts).
pub fn apply_block(
    ex: &mut Executor,
    ctx: &BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<SealedBlock, Rejection> {
    if !BLOCK_CHUNK_SIZES.contains(&chunks) {
        return Err(Rejection::new(Rule::BlockUnsupportedSize, format!("{chunks} chunks")));
    }
    let saved = ex.state.clone();
    let result = apply_inputs(ex, ctx, chunks, inputs);
    if result.is_err() {
        ex.state = saved;
        ex.take_writes();
    }
    result
}

fn apply_inputs(
    ex: &mut Executor,
    ctx: &BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<SealedBlock, Rejection> {
    let mut block = BlockInProgress::start(ex, *ctx, chunks);
    for input in inputs {
        let (op, fee) = match input {
            BlockInput::Tx(tx) => {
                block.tx_hashes.push(tx.hash());
                ex.apply_tx(tx, ctx).map(|(op, fee)| (op, Some(fee)))?
            }
            BlockInput::Priority(p) => (ex.apply_priority(p)?, None),
        };
        block.push(ex, op, fee);
        if block.used > chunks {
            return Err(Rejection::new(Rule::BlockTooManyChunks, format!("{} > {chunks}", block.used)));
        }
    }
    block.seal(ex)
}

/// A block in progress as it was at one point (see [`BlockInProgress::mark`]).
pub(crate) struct BlockMark {
    ops: usize,
    op_witnesses: usize,
    tx_hashes: usize,
    used: usize,
    fees: BTreeMap<TokenId, u128>,
}

/// A block being filled: its ops (with their witness material), collected fees and chunks
/// used. Shared by [`apply_block`] and the state keeper's block builder.
pub(crate) struct BlockInProgress {
    context: BlockContext,
    chunks: usize,
    old_root: Fr,
    ops: Vec<Op>,
    op_witnesses: Vec<OpWitness>,
    pub(crate) fees: BTreeMap<TokenId, u128>,
    pub(crate) used: usize,
    pub(crate) tx_hashes: Vec<[u8; 32]>,
}

impl BlockInProgress {
    pub(crate) fn start(ex: &mut Executor, context: BlockContext, chunks: usize) -> Self {
        let old_root = ex.state.root();
        BlockInProgress {
            context,
            chunks,
            old_root,
            ops: Vec::new(),
            op_witnesses: Vec::new(),
            fees: BTreeMap::new(),
            used: 0,
            tx_hashes: Vec::new(),
        }
    }

    /// Records an applied op, its fee, and the leaf writes the executor made for it.
    pub(crate) fn push(&mut self, ex: &mut Executor, op: Op, fee: Option<Fee>) {
        if let Some(fee) = fee.filter(|f| f.amount > 0) {
            *self.fees.entry(fee.token).or_default() += fee.amount;
        }
        self.used += op.chunks();
        if ex.is_witnessing() {
            self.op_witnesses.push(OpWitness { op: op.clone(), writes: ex.take_writes() });
        }
        self.ops.push(op);
    }

    /// What [`BlockInProgress::restore`] goes back to: the block as it is now.
    pub(crate) fn mark(&self) -> BlockMark {
        BlockMark {
            ops: self.ops.len(),
            op_witnesses: self.op_witnesses.len(),
            tx_hashes: self.tx_hashes.len(),
            used: self.used,
            fees: self.fees.clone(),
        }
    }

    /// Forgets the ops pushed since `mark` (their writes were reverted).
    pub(crate) fn restore(&mut self, mark: BlockMark) {
        self.ops.truncate(mark.ops);
        self.op_witnesses.truncate(mark.op_witnesses);
        self.tx_hashes.truncate(mark.tx_hashes);
        self.used = mark.used;
        self.fees = mark.fees;
    }

    /// Collects the fees and closes the block.
    pub(crate) fn seal(self, ex: &mut Executor) -> Result<SealedBlock, Rejection> {
        let fee_writes = collect_fees(ex, &self.context, &self.fees)?;
        Ok(SealedBlock {
            context: self.context,
            chunks: self.chunks,
            ops: self.ops,
            fees: self.fees,
            old_root: self.old_root,
            new_root: ex.state.root(),
            op_witnesses: self.op_witnesses,
            fee_writes,
            tx_hashes: self.tx_hashes,
        })
    }
}
