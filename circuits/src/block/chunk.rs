//! The universal chunk gadget: one chunk of any op, selected by the op's kind and the chunk's
//! index within it, performing at most one leaf update.
//!
//! Every chunk witnesses its whole op (pubdata bits and the transaction's signature data) and
//! proves it equal to the previous chunk's unless it starts a new op; it then does the part its
//! position asks for:
//!
//! | op | chunk 0 | chunk 1 |
//! |---|---|---|
//! | Deposit | credit the account (opening it if new) | |
//! | Transfer, TransferToNew | signer: debit amount + fee, nonce + 1 | credit the recipient (TransferToNew: open it) |
//! | Withdraw | signer: debit amount + fee, nonce + 1 | |
//! | ChangePubKey | signer: debit fee, nonce + 1, set the pubkey hash | |
//! | ForcedExit | signer: debit fee, nonce + 1 | zero the keyless target's balance |
//! | FullExit | withdraw the whole balance if the owner matches | |
//!
//! Other chunks re-prove some leaf unchanged. Noops pad the block's end: no other op follows
//! one (`codec.op_after_noop`). Signatures are checked in signature slots shared
//! by two chunks ([`super::circuit`]), fees are accumulated into the block's fee slots.
//!
//! State invariant the gadget relies on: every leaf at or beyond the id counter is the empty
//! account (nothing is written there except when opening the account at the counter), so a
//! non-zero address or pubkey hash in a leaf implies the account exists.
//! And every leaf's pubkey hash is below 2^160 (written only from 20 pubdata bytes), which the
//! signature slots' comparison of a key's hash with it relies on ([`crate::gadgets::bits::low_part`]).

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkrollup_spec::params::{ACCOUNT_ID_BITS, ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH, FEE_TOKENS_PER_BLOCK};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rule;

use super::checks::{Checks, Tag};
use super::layout::{kind_of, layout, Field, Kind, KINDS, MAX_OP_BYTES, MAX_OP_CHUNKS};
use super::witness::{ChunkWitness, LeafWitness};
use crate::exit::siblings_var;
use crate::gadgets::bits::{from_bits, from_bits_be, is_le, to_bits};
use crate::gadgets::eddsa::PointVar;
use crate::gadgets::merkle::roots_from;
use crate::gadgets::packing::unpack;
use crate::gadgets::poseidon::poseidon_var;

/// What flows from chunk to chunk.
pub struct Running {
    pub tree_root: FpVar<Fr>,
    pub next_id: FpVar<Fr>,
    /// Fees gathered per fee slot.
    pub fees: Vec<FpVar<Fr>>,
}

/// The previous chunk's op, for the continuity constraints.
pub struct OpCarry {
    values: Vec<FpVar<Fr>>,
    index: FpVar<Fr>,
    last: FpVar<Fr>,
    noop: FpVar<Fr>,
}

/// What a chunk asks of its signature slot (meaningful where `signer` is 1).
#[derive(Clone)]
pub struct SigRequest {
    pub signer: FpVar<Fr>,
    pub values: Vec<FpVar<Fr>>,
}

/// Indices into [`SigRequest::values`].
pub mod sig {
    pub const AX: usize = 0;
    pub const AY: usize = 1;
    pub const RX: usize = 2;
    pub const RY: usize = 3;
    pub const S: usize = 4;
    pub const E0: usize = 5;
    pub const E1: usize = 6;
    pub const E2: usize = 7;
    pub const PKH: usize = 8;
    pub const VALID_FROM: usize = 9;
    pub const VALID_UNTIL: usize = 10;
    pub const COUNT: usize = 11;
}

pub struct ChunkOut {
    /// The chunk's 8 pubdata bytes as bits, most significant first in each byte.
    pub pubdata_bits: Vec<Boolean<Fr>>,
    pub onchain_flag: Boolean<Fr>,
    pub sig: SigRequest,
    pub carry: OpCarry,
}

fn fp(b: &Boolean<Fr>) -> FpVar<Fr> {
    FpVar::from(b.clone())
}

fn pow2(n: u32) -> Fr {
    let mut x = Fr::from(1u8);
    for _ in 0..n {
        x += x;
    }
    x
}

/// Enforces `a · b = 0`, recorded under `tag` (one constraint).
pub fn product_zero(checks: &mut Checks, tag: Tag, a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<(), SynthesisError> {
    let held = a.value().ok().zip(b.value().ok()).map(|(a, b)| a * b == Fr::from(0u8));
    checks.note(tag, held);
    a.mul_equals(b, &FpVar::zero())
}

/// A leaf update: proves `leaf` (with `balance`) against `root` and returns the root after
/// the leaf takes `(nonce, pkh, address, balance)'`. `account` and `token` must be range-checked
/// by the caller (their bits are taken here).
pub struct LeafVars {
    pub account: FpVar<Fr>,
    pub account_bits: Vec<Boolean<Fr>>,
    pub token_bits: Vec<Boolean<Fr>>,
    pub nonce: FpVar<Fr>,
    pub pkh: FpVar<Fr>,
    pub address: FpVar<Fr>,
    pub balance: FpVar<Fr>,
    bal_sib: Vec<[FpVar<Fr>; 3]>,
    acc_sib: Vec<[FpVar<Fr>; 3]>,
}

impl LeafVars {
    /// Allocates the leaf; `token` is given when the caller already holds it as a variable.
    pub fn alloc(
        cs: &ConstraintSystemRef<Fr>,
        w: &LeafWitness,
        token: Option<(&FpVar<Fr>, &[Boolean<Fr>])>,
    ) -> Result<(LeafVars, FpVar<Fr>), SynthesisError> {
        let wit = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
        let account = wit(Fr::from(w.account_id))?;
        let account_bits = to_bits(&account, ACCOUNT_ID_BITS as usize)?;
        let (token, token_bits) = match token {
            Some((t, b)) => (t.clone(), b.to_vec()),
            None => {
                let t = wit(Fr::from(w.token))?;
                let b = to_bits(&t, 16)?;
                (t, b)
            }
        };
        let leaf = LeafVars {
            account,
            account_bits,
            token_bits,
            nonce: wit(Fr::from(w.nonce))?,
            pkh: wit(w.pubkey_hash)?,
            address: wit(w.address)?,
            balance: wit(w.balance)?,
            bal_sib: siblings_var(cs, BALANCE_TREE_DEPTH, Some(&w.balance_siblings))?,
            acc_sib: siblings_var(cs, ACCOUNT_TREE_DEPTH, Some(&w.account_siblings))?,
        };
        Ok((leaf, token))
    }

    /// Checks the leaf against `running.tree_root` and moves the root to the leaf's new value.
    pub fn update(
        &self,
        checks: &mut Checks,
        running: &mut Running,
        nonce: &FpVar<Fr>,
        pkh: &FpVar<Fr>,
        address: &FpVar<Fr>,
        balance: &FpVar<Fr>,
    ) -> Result<(), SynthesisError> {
        let br = roots_from(&[&self.balance, balance], &self.token_bits, &self.bal_sib)?;
        let before = poseidon_var(&[self.nonce.clone(), self.pkh.clone(), self.address.clone(), br[0].clone()])?;
        let after = poseidon_var(&[nonce.clone(), pkh.clone(), address.clone(), br[1].clone()])?;
        let roots = roots_from(&[&before, &after], &self.account_bits, &self.acc_sib)?;
        checks.equal(Tag::Witness("circuit.state_path"), &roots[0], &running.tree_root)?;
        running.tree_root = roots[1].clone();
        Ok(())
    }
}

/// `Σ over kinds of sel[kind] · field(kind)`, grouping kinds that share a field (one product
/// per distinct field).
fn select(
    sel: &[FpVar<Fr>],
    field_of: impl Fn(Kind) -> Option<Field>,
    read: &impl Fn(Field) -> FpVar<Fr>,
) -> Result<FpVar<Fr>, SynthesisError> {
    let mut groups: Vec<(Field, FpVar<Fr>)> = Vec::new();
    for (i, k) in KINDS.iter().enumerate() {
        if let Some(f) = field_of(*k) {
            match groups.iter_mut().find(|(g, _)| *g == f) {
                Some((_, s)) => *s += &sel[i],
                None => groups.push((f, sel[i].clone())),
            }
        }
    }
    let mut acc = FpVar::zero();
    for (f, s) in groups {
        acc += s * read(f);
    }
    Ok(acc)
}

/// Synthesises chunk `i` of the block.
#[allow(clippy::too_many_arguments)]
pub fn chunk(
    cs: &ConstraintSystemRef<Fr>,
    w: &ChunkWitness,
    i: usize,
    blocks_chunks: usize,
    prev: Option<&OpCarry>,
    running: &mut Running,
    fee_tokens: &[FpVar<Fr>],
    checks: &mut Checks,
) -> Result<ChunkOut, SynthesisError> {
    let bit = |b: bool| Boolean::new_witness(cs.clone(), || Ok(b));
    let wit = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
    checks.position = i.saturating_sub(w.chunk_index);
    let kind = kind_of(w.op_bytes[0]);
    let k_index = w.chunk_index;
    let region = |what: &'static str| move || format!("chunk {i} ({kind:?} chunk {k_index}): {what}");
    checks.region(cs, region("op bits, position, kind"));

    // The op's pubdata, most significant bit of each byte first.
    let op_bits: Vec<Boolean<Fr>> =
        (0..MAX_OP_BYTES * 8).map(|j| bit((w.op_bytes[j / 8] >> (7 - j % 8)) & 1 == 1)).collect::<Result<_, _>>()?;
    let read = |f: Field| from_bits_be(&op_bits[f.at * 8..(f.at + f.len) * 8]);

    // Position in the op (one-hot) and the op's kind (one-hot, tied to the op code).
    let c: Vec<Boolean<Fr>> = (0..MAX_OP_CHUNKS).map(|j| bit(k_index == j)).collect::<Result<_, _>>()?;
    let c_fp: Vec<FpVar<Fr>> = c.iter().map(fp).collect();
    let one = FpVar::one();
    checks.equal(Tag::Witness("circuit.chunk_index"), &c_fp.iter().sum(), &one)?;
    let index: FpVar<Fr> = c_fp.iter().enumerate().map(|(j, c)| c * Fr::from(j as u64)).sum();
    let sel: Vec<Boolean<Fr>> = KINDS.iter().map(|k| bit(kind == Some(*k))).collect::<Result<_, _>>()?;
    let sel_fp: Vec<FpVar<Fr>> = sel.iter().map(fp).collect();
    checks.equal(Tag::Rule(Rule::CodecUnknownOp), &sel_fp.iter().sum(), &one)?;
    let code: FpVar<Fr> = KINDS.iter().zip(&sel_fp).map(|(k, s)| s * Fr::from(layout(*k).code)).sum();
    checks.equal(Tag::Rule(Rule::CodecUnknownOp), &read(Field { at: 0, len: 1 }), &code)?;
    let is = |k: Kind| sel_fp[KINDS.iter().position(|x| *x == k).expect("listed")].clone();
    let is_b = |k: Kind| sel[KINDS.iter().position(|x| *x == k).expect("listed")].clone();

    // The op ends at its last chunk and never runs past it; padding is zero.
    let mut last = FpVar::zero();
    for (t, k) in KINDS.iter().enumerate() {
        let l = layout(*k);
        last += fp(&(&sel[t] & &c[l.chunks - 1]));
        let beyond: FpVar<Fr> = c_fp[l.chunks..].iter().sum();
        product_zero(checks, Tag::Witness("circuit.op_length"), &sel_fp[t], &beyond)?;
        // The op's padding is zero, and so are the bits past its last chunk (not pubdata, but a
        // one-chunk op never repeats them to a next chunk, so only this pins them).
        let padding: FpVar<Fr> = op_bits[l.used * 8..].iter().map(fp).sum();
        product_zero(checks, Tag::Rule(Rule::CodecNonzeroPadding), &sel_fp[t], &padding)?;
    }

    // Transaction data every chunk of the op carries.
    checks.region(cs, region("transaction data, continuity"));
    let auth = &w.auth;
    let ax = wit(auth.a.0)?;
    let ay = wit(auth.a.1)?;
    let rx = wit(auth.r8.0)?;
    let ry = wit(auth.r8.1)?;
    let s = wit(auth.s)?;
    let tx_nonce = wit(Fr::from(auth.nonce))?;
    let valid_from = wit(Fr::from(auth.valid_from))?;
    let valid_until = wit(Fr::from(auth.valid_until))?;
    let recipient = wit(w.recipient_address.to_fr())?;
    let opens_w = bit(w.opens_account)?;
    let slot: Vec<Boolean<Fr>> = (0..FEE_TOKENS_PER_BLOCK).map(|j| bit(w.fee_slot == j)).collect::<Result<_, _>>()?;
    let slot_fp: Vec<FpVar<Fr>> = slot.iter().map(fp).collect();
    checks.equal(Tag::Witness("circuit.fee_slot"), &slot_fp.iter().sum(), &one)?;
    let slot_index = slot_index_of(&slot_fp);

    // Continuity: a chunk that does not start an op repeats its op.
    let carried = vec![
        from_bits(&op_bits[..224]),
        from_bits(&op_bits[224..]),
        ax.clone(),
        ay.clone(),
        rx.clone(),
        ry.clone(),
        s.clone(),
        tx_nonce.clone(),
        valid_from.clone(),
        valid_until.clone(),
        recipient.clone(),
        fp(&opens_w),
        slot_index,
    ];
    let not_first = &one - &c_fp[0];
    match prev {
        None => checks.equal(Tag::Witness("circuit.chunk_index"), &c_fp[0], &one)?,
        Some(p) => {
            checks.equal(Tag::Witness("circuit.chunk_index"), &c_fp[0], &p.last)?;
            product_zero(checks, Tag::Witness("circuit.chunk_index"), &not_first, &(&index - &p.index - &one))?;
            for (v, pv) in carried.iter().zip(&p.values) {
                product_zero(checks, Tag::Witness("circuit.op_continuity"), &not_first, &(v - pv))?;
            }
            // Noops pad the end only: after a Noop, only Noops.
            product_zero(checks, Tag::Rule(Rule::CodecOpAfterNoop), &p.noop, &(&one - is(Kind::Noop)))?;
        }
    }
    if i + 1 == blocks_chunks {
        checks.equal(Tag::Witness("circuit.op_length"), &last, &one)?;
    }

    // This chunk's pubdata: chunk `index` of the op.
    checks.region(cs, region("pubdata, on-chain flag"));
    let mut chosen = FpVar::zero();
    for (j, cj) in c_fp.iter().enumerate() {
        chosen += cj * from_bits_be(&op_bits[j * 64..(j + 1) * 64]);
    }
    let at = k_index.min(MAX_OP_CHUNKS - 1) * 8;
    let pubdata_bits: Vec<Boolean<Fr>> =
        (0..64).map(|j| bit((w.op_bytes[at + j / 8] >> (7 - j % 8)) & 1 == 1)).collect::<Result<_, _>>()?;
    checks.equal(Tag::Witness("circuit.pubdata"), &from_bits_be(&pubdata_bits), &chosen)?;
    let onchain: FpVar<Fr> = KINDS.iter().filter(|k| layout(**k).is_onchain).map(|k| is(*k)).sum();
    let onchain_flag = bit(k_index == 0 && kind.is_some_and(|k| layout(k).is_onchain))?;
    checks.equal(Tag::Witness("circuit.onchain_flag"), &fp(&onchain_flag), &(&c_fp[0] * &onchain))?;

    // Roles of this chunk.
    let is_tx: FpVar<Fr> = KINDS.iter().filter(|k| layout(**k).is_tx).map(|k| is(*k)).sum();
    let signer = &c_fp[0] * &is_tx;
    let dep0 = fp(&(&is_b(Kind::Deposit) & &c[0]));
    let exit0 = fp(&(&is_b(Kind::FullExit) & &c[0]));
    let cpk0 = fp(&(&is_b(Kind::ChangePubKey) & &c[0]));
    let ttn1 = fp(&(&is_b(Kind::TransferToNew) & &c[1]));
    let tr1 = fp(&(&is_b(Kind::Transfer) & &c[1]));
    let fe1 = fp(&(&is_b(Kind::ForcedExit) & &c[1]));
    let noop0 = fp(&(&is_b(Kind::Noop) & &c[0]));
    let active = &c_fp[0] - &noop0 + &ttn1 + &tr1 + &fe1;

    // Transaction data of ops that are not transactions, the recipient address of ops that
    // are not Transfers, the opening flag of ops that are not Deposits, and the fee slot of
    // zero fees are fixed, so that no witness value is free.
    let unused = Tag::Witness("circuit.unused_witness");
    let not_tx = &one - &is_tx;
    for (x, default) in
        [(&ax, 0u8), (&ay, 1), (&rx, 0), (&ry, 1), (&s, 0), (&tx_nonce, 0), (&valid_from, 0), (&valid_until, 0)]
    {
        product_zero(checks, unused, &not_tx, &(x - FpVar::constant(Fr::from(default))))?;
    }
    product_zero(checks, unused, &(&one - is(Kind::Transfer)), &recipient)?;
    product_zero(checks, unused, &(&one - is(Kind::Deposit)), &fp(&opens_w))?;

    // Op fields.
    checks.region(cs, region("op fields, unpacking"));
    let account_field = read(layout(Kind::Transfer).account);
    let token = select(&sel_fp, |k| layout(k).token, &read)?;
    let full_amount = select(&sel_fp, |k| layout(k).full_amount, &read)?;
    let packed_amount = select(&sel_fp, |k| layout(k).packed_amount, &read)?;
    let packed_fee = select(&sel_fp, |k| layout(k).packed_fee, &read)?;
    let address = select(&sel_fp, |k| layout(k).address, &read)?;
    let new_pkh = read(layout(Kind::ChangePubKey).pubkey_hash.expect("ChangePubKey has one"));
    let op_nonce = read(layout(Kind::ChangePubKey).nonce.expect("ChangePubKey has one"));
    let second = |k: Kind| read(layout(k).second_account.expect("has a second account"));
    let amount_bits = to_bits(&packed_amount, 40)?;
    let fee_bits = to_bits(&packed_fee, 16)?;
    let be = |bits: &[Boolean<Fr>]| bits.iter().rev().cloned().collect::<Vec<_>>();
    let amount = unpack(&be(&amount_bits), 5)? + &full_amount;
    let fee = unpack(&be(&fee_bits), 5)?;

    // The leaf this chunk updates.
    checks.region(cs, region("leaf, existence, addresses"));
    let (leaf, leaf_token) = LeafVars::alloc(cs, &w.leaf, None)?;
    let expected_account = &c_fp[0] * &account_field
        + &ttn1 * second(Kind::TransferToNew)
        + &tr1 * second(Kind::Transfer)
        + &fe1 * second(Kind::ForcedExit);
    product_zero(checks, Tag::Witness("circuit.leaf_choice"), &active, &(&leaf.account - &expected_account))?;
    product_zero(checks, Tag::Witness("circuit.leaf_choice"), &active, &(&leaf_token - &token))?;

    // Who must exist, who is opened, and the addresses credited.
    let lt = is_le(&(&leaf.account + &one), &running.next_id, ACCOUNT_ID_BITS as usize + 1)?;
    let dep_open = &dep0 * fp(&opens_w);
    let opens = &dep_open + &ttn1;
    let must_exist = &signer + &tr1 + &fe1 + &dep0 - &dep_open;
    let exist_tag = match (kind, k_index) {
        (Some(k), 0) if layout(k).is_tx => Tag::Rule(Rule::TxAccountMissing),
        (Some(Kind::ForcedExit), 1) => Tag::Rule(Rule::ForcedExitTargetMissing),
        _ => Tag::Witness("circuit.account_exists"),
    };
    product_zero(checks, exist_tag, &must_exist, &(&one - fp(&lt)))?;
    let tree_full_tag = match kind {
        Some(Kind::TransferToNew) => Tag::Rule(Rule::TransferAccountTreeFull),
        _ => Tag::Rule(Rule::DepositAccountTreeFull),
    };
    product_zero(checks, tree_full_tag, &opens, &(&leaf.account - &running.next_id))?;
    let credited = &dep0 + &ttn1 + &fe1;
    let expected_address = &credited * &address + &tr1 * &recipient;
    let by_address = &credited + &tr1;
    let zero_tag = match kind {
        Some(Kind::Deposit) => Tag::Rule(Rule::DepositZeroAddress),
        Some(Kind::ForcedExit) => Tag::Rule(Rule::ForcedExitTargetMissing),
        _ => Tag::Rule(Rule::TransferToZeroAddress),
    };
    product_zero(checks, zero_tag, &by_address, &fp(&expected_address.is_zero()?))?;
    let opened_address = &opens * &expected_address;
    // The leaf holds the expected address, or is empty when being opened.
    product_zero(
        checks,
        Tag::Witness("circuit.address"),
        &by_address,
        &(&leaf.address - &expected_address + &opened_address),
    )?;
    product_zero(checks, Tag::Rule(Rule::ForcedExitTargetHasKey), &fe1, &leaf.pkh)?;

    // Balance.
    checks.region(cs, region("balance, amounts"));
    let moved = (is(Kind::TransferToNew) + is(Kind::Transfer) + is(Kind::Withdraw)) * &amount;
    let debit = &signer * (&fee + &moved);
    let credit = (&dep0 + &ttn1 + &tr1) * &amount;
    let exit = (&exit0 + &fe1) * &amount;
    let balance = &leaf.balance + &credit - &debit - &exit;
    let balance_tag = match (kind, k_index) {
        (Some(Kind::Transfer | Kind::TransferToNew), 0) => Tag::Rule(Rule::TransferInsufficientBalance),
        (Some(Kind::Withdraw), 0) => Tag::Rule(Rule::WithdrawInsufficientBalance),
        (Some(Kind::ChangePubKey), 0) => Tag::Rule(Rule::ChangePubKeyInsufficientFeeBalance),
        (Some(Kind::ForcedExit), 0) => Tag::Rule(Rule::ForcedExitInsufficientFeeBalance),
        (Some(Kind::Deposit), 0) => Tag::Rule(Rule::DepositBalanceOverflow),
        (Some(Kind::Transfer | Kind::TransferToNew), 1) => Tag::Rule(Rule::TransferRecipientBalanceOverflow),
        _ => Tag::Witness("circuit.balance"),
    };
    checks.range(balance_tag, &balance, 128)?;
    // FullExit withdraws the whole balance if the owner (non-zero) owns the account, else 0.
    let owned = &leaf.address.is_eq(&address)? & &!address.is_zero()?;
    let owed = fp(&owned) * &leaf.balance;
    product_zero(checks, Tag::Witness("circuit.full_exit_amount"), &exit0, &(&amount - &owed))?;
    product_zero(checks, Tag::Witness("circuit.forced_exit_amount"), &fe1, &(&amount - &leaf.balance))?;

    // Nonce and key.
    checks.region(cs, region("nonce, key, leaf update"));
    product_zero(checks, Tag::Rule(Rule::TxNonceMismatch), &signer, &(&tx_nonce - &leaf.nonce))?;
    product_zero(checks, Tag::Witness("circuit.pubdata_nonce"), &cpk0, &(&op_nonce - &tx_nonce))?;
    product_zero(checks, Tag::Witness("circuit.pubdata_owner"), &cpk0, &(&address - &leaf.address))?;
    let nonce = &leaf.nonce + &signer;
    let nonce_tag = if k_index == 0 && kind.is_some_and(|k| layout(k).is_tx) {
        Tag::Rule(Rule::TxNonceOverflow)
    } else {
        Tag::Witness("circuit.nonce")
    };
    checks.range(nonce_tag, &nonce, 32)?;
    let pkh = &leaf.pkh + &cpk0 * (&new_pkh - &leaf.pkh);
    let new_address = &leaf.address + &opened_address;
    leaf.update(checks, running, &nonce, &pkh, &new_address, &balance)?;
    running.next_id += &opens;

    checks.region(cs, region("fee slot, signing message"));
    // Fees go to the op's fee slot, whose token must be the fee's. Ops without a fee use slot 0.
    let fee_paid = &signer * &fee;
    product_zero(checks, unused, &fp(&fee.is_zero()?), &slot_index_of(&slot_fp))?;
    let mut slot_token = FpVar::zero();
    for (sj, tj) in slot_fp.iter().zip(fee_tokens) {
        slot_token += sj * tj;
    }
    let position = checks.position;
    checks.position = blocks_chunks;
    product_zero(checks, Tag::Rule(Rule::BlockTooManyFeeTokens), &fee_paid, &(&slot_token - &token))?;
    checks.position = position;
    for (acc, sj) in running.fees.iter_mut().zip(&slot_fp) {
        *acc += sj * &fee_paid;
    }

    // The signing message's parts (module docs of `zkrollup_spec::tx`), per transaction kind.
    let p = pow2;
    let common = &packed_fee * p(32) + &tx_nonce;
    let head = |ty: u8, acc_shift: u32, tok_shift: u32, ty_shift: u32| {
        FpVar::constant(Fr::from(ty) * p(ty_shift)) + &account_field * p(acc_shift) + &token * p(tok_shift)
    };
    let e0 = &common
        + (is(Kind::Transfer) + is(Kind::TransferToNew)) * (head(5, 104, 88, 136) + &packed_amount * p(48))
        + is(Kind::Withdraw) * (head(3, 192, 176, 224) + &full_amount * p(48))
        + is(Kind::ChangePubKey) * head(7, 64, 48, 96)
        + is(Kind::ForcedExit) * head(8, 64, 48, 96);
    let e1 = is(Kind::Transfer) * &recipient
        + (is(Kind::TransferToNew) + is(Kind::Withdraw) + is(Kind::ForcedExit)) * &address
        + is(Kind::ChangePubKey) * &new_pkh;
    let e2 = &valid_from * p(64) + &valid_until;
    let sig = SigRequest { signer, values: vec![ax, ay, rx, ry, s, e0, e1, e2, pkh, valid_from, valid_until] };
    debug_assert_eq!(sig.values.len(), sig::COUNT);
    let carry = OpCarry { values: carried, index, last, noop: is(Kind::Noop) };
    Ok(ChunkOut { pubdata_bits, onchain_flag, sig, carry })
}

fn slot_index_of(slot: &[FpVar<Fr>]) -> FpVar<Fr> {
    slot.iter().enumerate().map(|(j, s)| s * Fr::from(j as u64)).sum()
}

/// `PointVar` from two slot values.
pub fn point(x: &FpVar<Fr>, y: &FpVar<Fr>) -> PointVar {
    PointVar { x: x.clone(), y: y.clone() }
}
