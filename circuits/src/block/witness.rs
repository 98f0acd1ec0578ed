//! The block circuit's witness, and how it is built.
//!
//! [`build`] executes a block's inputs **without checking any rule**: each op writes what it
//! would write if it were valid (balances wrap, missing accounts are written as empty ones),
//! and every leaf write is taken from the reference state ([`RefState::write_leaf`], the
//! reference's per-chunk witness material). For a valid block this is the honest witness; for
//! an invalid one it is the honest *attempt*, and the circuit must refuse it. Only inputs the
//! circuit cannot even represent (a 4-byte account id, more chunks than the block has) are
//! refused here, with the spec's rule id.

use std::collections::BTreeMap;

use zkrollup_reference::state::{Change, LeafWrite, RefState};
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::op::*;
use zkrollup_spec::params::{BLOCK_CHUNK_SIZES, FEE_TOKENS_PER_BLOCK, MAX_ACCOUNT_ID};
use zkrollup_spec::primitives::eddsa::Point;
use zkrollup_spec::primitives::{Address, Fr};
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{AccountId, TokenId};
use zkrollup_spec::transition::{BlockContext, PriorityOp};
use zkrollup_spec::tx::Tx;

use super::layout::MAX_OP_BYTES;
use crate::gadgets::eddsa::scalar_to_fr;

/// One account leaf as a chunk reads it, with the paths that prove it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafWitness {
    pub account_id: AccountId,
    pub token: TokenId,
    pub nonce: u32,
    pub pubkey_hash: Fr,
    pub address: Fr,
    pub balance: Fr,
    pub balance_siblings: Vec<[Fr; 3]>,
    pub account_siblings: Vec<[Fr; 3]>,
}

impl LeafWitness {
    /// The leaf before `w`.
    pub fn before(w: &LeafWrite) -> Self {
        Self::of(w, &w.before)
    }

    /// The leaf after `w` (valid against the root after `w` until the next write).
    pub fn after(w: &LeafWrite) -> Self {
        Self::of(w, &w.after)
    }

    fn of(w: &LeafWrite, s: &zkrollup_reference::state::LeafState) -> Self {
        LeafWitness {
            account_id: w.account_id,
            token: w.token,
            nonce: s.nonce,
            pubkey_hash: s.pubkey_hash.to_fr(),
            address: s.address.to_fr(),
            balance: Fr::from(s.balance),
            balance_siblings: w.balance_path.siblings.clone(),
            account_siblings: w.account_path.siblings.clone(),
        }
    }

    fn blank() -> Self {
        let z = Fr::from(0u8);
        LeafWitness {
            account_id: 0,
            token: 0,
            nonce: 0,
            pubkey_hash: z,
            address: z,
            balance: z,
            balance_siblings: vec![[z; 3]; zkrollup_spec::params::BALANCE_TREE_DEPTH],
            account_siblings: vec![[z; 3]; zkrollup_spec::params::ACCOUNT_TREE_DEPTH],
        }
    }
}

/// What a transaction's signature check needs beyond pubdata: the key, the signature, the
/// nonce and the validity window. Non-transactions carry the identity point and zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxAuth {
    pub a: (Fr, Fr),
    pub r8: (Fr, Fr),
    pub s: Fr,
    pub nonce: u32,
    pub valid_from: u64,
    pub valid_until: u64,
}

impl TxAuth {
    pub fn none() -> Self {
        let id = Point::identity();
        TxAuth { a: (id.x, id.y), r8: (id.x, id.y), s: Fr::from(0u8), nonce: 0, valid_from: 0, valid_until: 0 }
    }

    pub fn of(tx: &Tx) -> Self {
        let sig = tx.signature();
        TxAuth {
            a: (sig.pub_key.0.x, sig.pub_key.0.y),
            r8: (sig.signature.r8.x, sig.signature.r8.y),
            s: scalar_to_fr(&sig.signature.s),
            nonce: tx.nonce(),
            valid_from: tx.time().valid_from,
            valid_until: tx.time().valid_until,
        }
    }
}

/// One chunk: its op (whole, as every chunk of an op carries it), its position in the op, and
/// the leaf it updates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkWitness {
    /// The op's pubdata, zero-padded to [`MAX_OP_BYTES`].
    pub op_bytes: Vec<u8>,
    pub chunk_index: usize,
    pub auth: TxAuth,
    /// Transfer to an existing account: the recipient address the sender signed.
    pub recipient_address: Address,
    /// Deposit: whether it opens a new account.
    pub opens_account: bool,
    /// Which fee slot the op's fee is added to.
    pub fee_slot: usize,
    pub leaf: LeafWitness,
}

impl ChunkWitness {
    /// A padding Noop chunk re-proving `leaf` unchanged.
    fn noop(leaf: LeafWitness) -> Self {
        ChunkWitness {
            op_bytes: vec![0; MAX_OP_BYTES],
            chunk_index: 0,
            auth: TxAuth::none(),
            recipient_address: Address::ZERO,
            opens_account: false,
            fee_slot: 0,
            leaf,
        }
    }
}

/// Everything the block circuit is given besides its public input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockWitness {
    pub context: BlockContext,
    /// The account tree root and id counter before the block (the old state root is their hash).
    pub tree_root: Fr,
    pub next_account_id: u32,
    pub chunks: Vec<ChunkWitness>,
    pub fee_tokens: [TokenId; FEE_TOKENS_PER_BLOCK],
    pub fees: FeeWitness,
}

/// The fee slots' witness: the fee account's leaf as the first slot reads it, whose account
/// path serves every slot (only the account's balance tree changes between them), and the
/// balance each later slot reads, with its path in that tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeWitness {
    pub leaf: LeafWitness,
    pub later: [BalanceWitness; FEE_TOKENS_PER_BLOCK - 1],
}

/// A balance and its path in its account's balance tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceWitness {
    pub balance: Fr,
    pub siblings: Vec<[Fr; 3]>,
}

impl FeeWitness {
    /// The balance slot `s` reads and its path.
    pub fn balance(&self, s: usize) -> (Fr, &[[Fr; 3]]) {
        match s.checked_sub(1) {
            None => (self.leaf.balance, &self.leaf.balance_siblings),
            Some(i) => (self.later[i].balance, &self.later[i].siblings),
        }
    }

    fn of(leaves: [LeafWitness; FEE_TOKENS_PER_BLOCK]) -> Self {
        let later = core::array::from_fn(|i| BalanceWitness {
            balance: leaves[i + 1].balance,
            siblings: leaves[i + 1].balance_siblings.clone(),
        });
        let [leaf, ..] = leaves;
        FeeWitness { leaf, later }
    }
}

/// A witness whose shape is not the circuit's: the circuit's parameters (its chunk count, the
/// fee slots, the op width, the tree depths) fix every dimension, and a witness of another
/// shape would synthesise another circuit (one fee slot short, a block that burns fees).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the witness does not fit the {chunks}-chunk block circuit: {detail}")]
pub struct ShapeError {
    pub chunks: usize,
    pub detail: String,
}

impl LeafWitness {
    fn check_shape(&self) -> Result<(), String> {
        use zkrollup_spec::params::{ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH};
        let (b, a) = (self.balance_siblings.len(), self.account_siblings.len());
        if b != BALANCE_TREE_DEPTH || a != ACCOUNT_TREE_DEPTH {
            return Err(format!(
                "paths of {b} and {a} levels, the trees have {BALANCE_TREE_DEPTH} and {ACCOUNT_TREE_DEPTH}"
            ));
        }
        Ok(())
    }
}

impl BlockWitness {
    /// Checks that the witness has the shape of the `chunks`-chunk circuit: `chunks` chunks (a
    /// size of [`BLOCK_CHUNK_SIZES`]), each op [`MAX_OP_BYTES`] wide with its chunk index within
    /// an op and a fee slot that exists, and every Merkle path as long as its tree is deep.
    pub fn check_shape(&self, chunks: usize) -> Result<(), ShapeError> {
        let err = |detail: String| Err(ShapeError { chunks, detail });
        if !BLOCK_CHUNK_SIZES.contains(&chunks) {
            return err(format!("circuits exist for {BLOCK_CHUNK_SIZES:?} chunks"));
        }
        if self.chunks.len() != chunks {
            return err(format!("{} chunks given", self.chunks.len()));
        }
        for (i, c) in self.chunks.iter().enumerate() {
            let fail = |d: String| err(format!("chunk {i}: {d}"));
            if c.op_bytes.len() != MAX_OP_BYTES {
                return fail(format!("op of {} bytes, not {MAX_OP_BYTES}", c.op_bytes.len()));
            }
            if c.chunk_index >= super::layout::MAX_OP_CHUNKS {
                return fail(format!(
                    "chunk index {} (ops span at most {})",
                    c.chunk_index,
                    super::layout::MAX_OP_CHUNKS
                ));
            }
            if c.fee_slot >= FEE_TOKENS_PER_BLOCK {
                return fail(format!("fee slot {} of {FEE_TOKENS_PER_BLOCK}", c.fee_slot));
            }
            if let Err(d) = c.leaf.check_shape() {
                return fail(d);
            }
        }
        if let Err(d) = self.fees.leaf.check_shape() {
            return err(format!("fee slot 0: {d}"));
        }
        for (s, b) in self.fees.later.iter().enumerate() {
            if b.siblings.len() != zkrollup_spec::params::BALANCE_TREE_DEPTH {
                return err(format!(
                    "fee slot {}: a balance path of {} levels, the tree has {}",
                    s + 1,
                    b.siblings.len(),
                    zkrollup_spec::params::BALANCE_TREE_DEPTH
                ));
            }
        }
        Ok(())
    }

    /// A witness of the right shape with placeholder values, for key generation.
    pub fn blank(chunks: usize) -> Self {
        let chunk = ChunkWitness::noop(LeafWitness::blank());
        BlockWitness {
            context: BlockContext { block_number: 0, fee_account: 0, timestamp: 0 },
            tree_root: Fr::from(0u8),
            next_account_id: 0,
            chunks: vec![chunk; chunks],
            fee_tokens: [0; FEE_TOKENS_PER_BLOCK],
            fees: FeeWitness::of(core::array::from_fn(|_| LeafWitness::blank())),
        }
    }

    /// The ops the witness carries, decoded from their pubdata (Noops of padding excluded).
    pub fn pubdata(&self) -> Vec<u8> {
        self.chunks.iter().flat_map(|c| c.op_bytes[c.chunk_index * 8..c.chunk_index * 8 + 8].to_vec()).collect()
    }
}

/// Why no witness could be built: the input cannot be represented in the circuit at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unrepresentable(pub Rejection);

fn unrepresentable<T>(rule: Rule, detail: impl Into<String>) -> Result<T, Unrepresentable> {
    Err(Unrepresentable(Rejection::new(rule, detail)))
}

/// An executed op: its pubdata, leaf writes in chunk order, and what its chunks carry. What
/// [`execute`] makes of an input; the soundness tests also make their own (an operator's
/// choice of writes) and [`assemble`] them.
#[derive(Clone, Debug)]
pub struct Executed {
    pub op: Op,
    /// The leaf writes of the op's first chunks, in chunk order (the rest re-prove a leaf).
    pub writes: Vec<LeafWrite>,
    pub auth: TxAuth,
    pub recipient_address: Address,
    pub opens_account: bool,
    /// The fee (token, amount) the op pays into the block's fee slots.
    pub fee: Option<(TokenId, u128)>,
}

/// The id a new account would get, kept within 24 bits: when the tree is full the attempt
/// writes slot `next mod 2^24` and the circuit refuses it (`*.account_tree_full`).
fn next_id(state: &RefState) -> AccountId {
    state.next_account_id() & MAX_ACCOUNT_ID
}

/// Sets a balance, keeping the rest of the account.
fn change(state: &RefState, id: AccountId, token: TokenId, balance: u128) -> Change {
    Change { nonce: state.nonce(id), pubkey_hash: state.pubkey_hash(id), address: state.address(id), token, balance }
}

/// The signer's write: nonce + 1 and `debit` taken from `token` (both wrapping).
fn debit_signer(state: &mut RefState, id: AccountId, token: TokenId, debit: u128) -> LeafWrite {
    let mut c = change(state, id, token, state.balance(id, token).wrapping_sub(debit));
    c.nonce = c.nonce.wrapping_add(1);
    state.write_leaf(id, c)
}

fn signer_id(tx: &Tx) -> Result<AccountId, Unrepresentable> {
    let id = tx.account_id();
    if id > MAX_ACCOUNT_ID {
        return unrepresentable(Rule::TxAccountIdOutOfRange, format!("account id {id} needs more than 3 bytes"));
    }
    Ok(id)
}

fn execute_tx(state: &mut RefState, tx: &Tx) -> Result<Executed, Unrepresentable> {
    let from = signer_id(tx)?;
    let auth = TxAuth::of(tx);
    let mut out = Executed {
        op: Op::Noop,
        writes: vec![],
        auth,
        recipient_address: Address::ZERO,
        opens_account: false,
        fee: None,
    };
    match tx {
        Tx::Transfer(t) => {
            let (amount, fee) = (t.amount.value(), t.fee.value());
            out.writes.push(debit_signer(state, from, t.token, amount.wrapping_add(fee)));
            match state.id_of(&t.to) {
                Some(to) => {
                    let c = change(state, to, t.token, state.balance(to, t.token).wrapping_add(amount));
                    out.writes.push(state.write_leaf(to, c));
                    out.recipient_address = t.to;
                    out.op = Op::Transfer(TransferOp { from, token: t.token, to, amount: t.amount, fee: t.fee });
                }
                None => {
                    let to = next_id(state);
                    if !state.is_full() {
                        state.open(t.to);
                    }
                    let mut c = change(state, to, t.token, state.balance(to, t.token).wrapping_add(amount));
                    c.address = t.to;
                    out.writes.push(state.write_leaf(to, c));
                    out.op = Op::TransferToNew(TransferToNewOp {
                        from,
                        token: t.token,
                        amount: t.amount,
                        to_address: t.to,
                        to,
                        fee: t.fee,
                    });
                }
            }
            out.fee = Some((t.token, fee));
        }
        Tx::Withdraw(t) => {
            let fee = t.fee.value();
            out.writes.push(debit_signer(state, from, t.token, t.amount.wrapping_add(fee)));
            out.op =
                Op::Withdraw(WithdrawOp { account_id: from, token: t.token, amount: t.amount, fee: t.fee, to: t.to });
            out.fee = Some((t.token, fee));
        }
        Tx::ChangePubKey(t) => {
            let fee = t.fee.value();
            let owner = state.address(from);
            let mut c = change(state, from, t.fee_token, state.balance(from, t.fee_token).wrapping_sub(fee));
            c.nonce = c.nonce.wrapping_add(1);
            c.pubkey_hash = t.new_pubkey_hash;
            out.writes.push(state.write_leaf(from, c));
            out.op = Op::ChangePubKey(ChangePubKeyOp {
                account_id: from,
                new_pubkey_hash: t.new_pubkey_hash,
                owner,
                nonce: t.nonce,
                fee_token: t.fee_token,
                fee: t.fee,
            });
            out.fee = Some((t.fee_token, fee));
        }
        Tx::ForcedExit(t) => {
            let fee = t.fee.value();
            out.writes.push(debit_signer(state, from, t.token, fee));
            // A missing target is attempted at the next free slot, which does not exist yet.
            let target = state.id_of(&t.target).unwrap_or_else(|| next_id(state));
            let amount = state.balance(target, t.token);
            let mut c = change(state, target, t.token, 0);
            c.address = state.address(target);
            out.writes.push(state.write_leaf(target, c));
            out.op = Op::ForcedExit(ForcedExitOp {
                initiator: from,
                target,
                token: t.token,
                fee: t.fee,
                amount,
                target_address: t.target,
            });
            out.fee = Some((t.token, fee));
        }
    }
    Ok(out)
}

fn execute_priority(state: &mut RefState, p: &PriorityOp) -> Result<Executed, Unrepresentable> {
    let mut out = Executed {
        op: Op::Noop,
        writes: vec![],
        auth: TxAuth::none(),
        recipient_address: Address::ZERO,
        opens_account: false,
        fee: None,
    };
    match p {
        PriorityOp::Deposit(d) => {
            let (id, opens) = match state.id_of(&d.to) {
                Some(id) => (id, false),
                None => (next_id(state), true),
            };
            if opens && !state.is_full() {
                state.open(d.to);
            }
            let mut c = change(state, id, d.token, state.balance(id, d.token).wrapping_add(d.amount));
            c.address = d.to;
            out.writes.push(state.write_leaf(id, c));
            out.opens_account = opens;
            out.op = Op::Deposit(DepositOp { account_id: id, token: d.token, amount: d.amount, address: d.to });
        }
        PriorityOp::FullExit(f) => {
            if f.account_id > MAX_ACCOUNT_ID {
                return unrepresentable(Rule::FullExitAccountIdOutOfRange, format!("account id {}", f.account_id));
            }
            let id = f.account_id;
            let owned = state.exists(id) && !f.owner.is_zero() && state.address(id) == f.owner;
            let amount = if owned { state.balance(id, f.token) } else { 0 };
            let c = change(state, id, f.token, state.balance(id, f.token) - amount);
            out.writes.push(state.write_leaf(id, c));
            out.op = Op::FullExit(FullExitOp { account_id: id, owner: f.owner, token: f.token, amount });
        }
    }
    Ok(out)
}

/// Builds the witness of `inputs` applied as one block of `chunks` chunks to `state` (which
/// is left in the post-block state, or a scrap state if the block is invalid).
pub fn build(
    state: &mut RefState,
    context: &BlockContext,
    chunks: usize,
    inputs: &[BlockInput],
) -> Result<BlockWitness, Unrepresentable> {
    if !BLOCK_CHUNK_SIZES.contains(&chunks) {
        return unrepresentable(
            Rule::BlockUnsupportedSize,
            format!("{chunks} chunks; circuits exist for {BLOCK_CHUNK_SIZES:?}"),
        );
    }
    let start = BlockStart::of(state);
    let mut executed = Vec::new();
    let mut used = 0;
    for input in inputs {
        let e = execute(state, input)?;
        used += e.op.chunks();
        if used > chunks {
            return unrepresentable(
                Rule::BlockTooManyChunks,
                format!("{} needs chunks up to {used} of {chunks}", e.op.name()),
            );
        }
        executed.push(e);
    }
    assemble(state, context, chunks, start, &executed)
}

/// Executes one input on `state` without checks (module docs).
pub fn execute(state: &mut RefState, input: &BlockInput) -> Result<Executed, Unrepresentable> {
    match input {
        BlockInput::Tx(tx) => execute_tx(state, tx),
        BlockInput::Priority(p) => execute_priority(state, p),
    }
}

/// What the witness needs of the state a block starts from.
#[derive(Clone, Debug)]
pub struct BlockStart {
    tree_root: Fr,
    next_account_id: u32,
    /// The leaf an idle chunk re-proves before any op has written one.
    idle: LeafWitness,
}

impl BlockStart {
    pub fn of(state: &mut RefState) -> Self {
        BlockStart {
            tree_root: state.account_tree_root(),
            next_account_id: state.next_account_id(),
            idle: LeafWitness::before(&state.read_leaf(0, 0)),
        }
    }
}

/// The witness of the ops `executed` on the state `start` describes, `state` being the state
/// after them: chunks in op order, Noops up to `chunks`, and the fee slots credited to the fee
/// account (written on `state`).
pub fn assemble(
    state: &mut RefState,
    context: &BlockContext,
    chunks: usize,
    start: BlockStart,
    executed: &[Executed],
) -> Result<BlockWitness, Unrepresentable> {
    let used: usize = executed.iter().map(|e| e.op.chunks()).sum();
    if used > chunks {
        return unrepresentable(Rule::BlockTooManyChunks, format!("the ops need {used} chunks of {chunks}"));
    }
    let BlockStart { tree_root, next_account_id, mut idle } = start;

    // Fee slots: the distinct tokens with a non-zero total, ascending. An honest attempt with
    // more tokens than slots puts the excess in the last slot, whose token then differs.
    let mut totals: BTreeMap<TokenId, u128> = BTreeMap::new();
    for (token, fee) in executed.iter().filter_map(|e| e.fee) {
        if fee > 0 {
            let t = totals.entry(token).or_default();
            *t = t.wrapping_add(fee);
        }
    }
    let tokens: Vec<TokenId> = totals.keys().copied().collect();
    let slot_of = |token: TokenId| tokens.iter().position(|t| *t == token).unwrap_or(0).min(FEE_TOKENS_PER_BLOCK - 1);

    let mut chunk_witnesses = Vec::with_capacity(chunks);
    for e in executed {
        let mut op_bytes = e.op.to_pubdata();
        op_bytes.resize(MAX_OP_BYTES, 0);
        let fee_slot = match e.fee {
            Some((t, f)) if f > 0 => slot_of(t),
            _ => 0,
        };
        for k in 0..e.op.chunks() {
            let leaf = match e.writes.get(k) {
                Some(w) => {
                    idle = LeafWitness::after(w);
                    LeafWitness::before(w)
                }
                None => idle.clone(),
            };
            chunk_witnesses.push(ChunkWitness {
                op_bytes: op_bytes.clone(),
                chunk_index: k,
                auth: e.auth,
                recipient_address: e.recipient_address,
                opens_account: e.opens_account,
                fee_slot,
                leaf,
            });
        }
    }
    while chunk_witnesses.len() < chunks {
        chunk_witnesses.push(ChunkWitness::noop(idle.clone()));
    }

    let fee_account = context.fee_account & MAX_ACCOUNT_ID;
    let slots: [(TokenId, u128); FEE_TOKENS_PER_BLOCK] = core::array::from_fn(|s| match tokens.get(s) {
        Some(&t) if s + 1 < FEE_TOKENS_PER_BLOCK => (t, totals[&t]),
        // The last slot takes every remaining token's fees (more than one only in an invalid
        // block, which the circuit refuses).
        Some(&t) => (t, tokens[s..].iter().fold(0u128, |acc, t| acc.wrapping_add(totals[t]))),
        None => (0, 0),
    });
    let fee_tokens = slots.map(|(token, _)| token);
    let fee_leaves = slots.map(|(token, amount)| {
        let c = change(state, fee_account, token, state.balance(fee_account, token).wrapping_add(amount));
        LeafWitness::before(&state.write_leaf(fee_account, c))
    });
    let fees = FeeWitness::of(fee_leaves);
    Ok(BlockWitness { context: *context, tree_root, next_account_id, chunks: chunk_witnesses, fee_tokens, fees })
}
