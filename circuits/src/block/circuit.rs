//! The block circuit of `N` chunks: header, `N` chunk gadgets, `N/2` signature slots, the fee
//! slots, and the commitment, whose low 253 bits are the single public input.
//!
//! **Signature slots.** Every transaction spans at least two chunks, so of two consecutive
//! chunks at most one starts a transaction: slot `k` verifies the transaction (if any) starting
//! at chunk `2k` or `2k + 1`. One EdDSA verification per two chunks is one per Transfer.

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::uint8::UInt8;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkrollup_spec::params::{ACCOUNT_ID_BITS, FEE_TOKENS_PER_BLOCK};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rule;

use super::checks::{Checks, Tag};
use super::chunk::{chunk, point, product_zero, sig, ChunkOut, Running, SigRequest};
use super::fees;
use super::witness::{BlockWitness, ShapeError};
use crate::gadgets::bits::{be_bytes, canonical_bits, is_le, low_part, to_bits};
use crate::gadgets::commitment::{sha256, truncate_253};
use crate::gadgets::eddsa::verification_sides;
use crate::gadgets::poseidon::poseidon_var;

/// The block circuit of a given number of chunks, with a witness of its shape.
#[derive(Clone)]
pub struct BlockCircuit {
    chunks: usize,
    witness: BlockWitness,
}

/// The circuit's own values after synthesis (what the adapter reports).
pub struct Synthesized {
    pub public_input: FpVar<Fr>,
    pub old_root: FpVar<Fr>,
    pub new_root: FpVar<Fr>,
    pub commitment: Vec<UInt8<Fr>>,
    pub pubdata: Vec<UInt8<Fr>>,
    pub onchain_flags: Vec<UInt8<Fr>>,
    /// Per fee slot: token and amount credited.
    pub fees: fees::Credited,
    pub checks: Checks,
}

impl BlockCircuit {
    /// The `chunks`-chunk circuit with `witness`, which must have its shape.
    pub fn new(chunks: usize, witness: BlockWitness) -> Result<Self, ShapeError> {
        witness.check_shape(chunks)?;
        Ok(BlockCircuit { chunks, witness })
    }

    /// The circuit of `chunks` chunks with placeholder values, for key generation.
    pub fn blank(chunks: usize) -> Self {
        BlockCircuit { chunks, witness: BlockWitness::blank(chunks) }
    }

    pub fn witness(&self) -> &BlockWitness {
        &self.witness
    }

    /// An empty block (all Noops) on a state holding just the fee account: a satisfiable
    /// instance of the shape.
    pub fn blank_checked(chunks: usize) -> Self {
        let account = zkrollup_spec::state::Account::new(zkrollup_spec::primitives::Address([1; 20]));
        let spec = zkrollup_spec::state::State::from_accounts(vec![account]).expect("one account");
        let mut state = zkrollup_reference::state::RefState::from_spec(&spec);
        let ctx = zkrollup_spec::transition::BlockContext { block_number: 1, fee_account: 0, timestamp: 0 };
        let witness = super::witness::build(&mut state, &ctx, chunks, &[]).expect("an empty block is representable");
        BlockCircuit { chunks, witness }
    }

    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Generates the constraints and returns the circuit's values.
    pub fn synthesize(&self, cs: ConstraintSystemRef<Fr>) -> Result<Synthesized, SynthesisError> {
        let w = &self.witness;
        let n = self.chunks; // `new` checked the witness's shape against it
        let mut checks = Checks::default();
        let wit = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
        let ctx = &w.context;

        // Header.
        checks.region(&cs, || "header".into());
        let block_number = wit(Fr::from(ctx.block_number))?;
        let fee_account = wit(Fr::from(ctx.fee_account))?;
        let timestamp = wit(Fr::from(ctx.timestamp))?;
        let number_bits = to_bits(&block_number, 32)?;
        let fee_account_bits = to_bits(&fee_account, 32)?;
        let timestamp_bits = to_bits(&timestamp, 64)?;

        // The state before: Poseidon(account tree root, id counter).
        let tree_root = wit(w.tree_root)?;
        let next_id = wit(Fr::from(w.next_account_id))?;
        checks.range(Tag::Witness("circuit.next_id"), &next_id, ACCOUNT_ID_BITS as usize + 1)?;
        let old_root = poseidon_var(&[tree_root.clone(), next_id.clone()])?;

        let mut fee_tokens = Vec::with_capacity(FEE_TOKENS_PER_BLOCK);
        let mut fee_token_bits = Vec::with_capacity(FEE_TOKENS_PER_BLOCK);
        for &t in &w.fee_tokens {
            let v = wit(Fr::from(t))?;
            fee_token_bits.push(to_bits(&v, 16)?);
            fee_tokens.push(v);
        }

        // Chunks.
        let mut running = Running { tree_root, next_id, fees: vec![FpVar::zero(); FEE_TOKENS_PER_BLOCK] };
        let mut outs: Vec<ChunkOut> = Vec::with_capacity(n);
        for (i, cw) in w.chunks.iter().enumerate() {
            let prev = outs.last().map(|o| &o.carry);
            let out = chunk(&cs, cw, i, n, prev, &mut running, &fee_tokens, &mut checks)?;
            outs.push(out);
            if i % 2 == 1 {
                checks.region(&cs, || format!("signature slot {}", i / 2));
                let position = if w.chunks[i].chunk_index == 0 { i } else { i - 1 };
                checks.position = position;
                signature_slot(&outs[i - 1].sig, &outs[i].sig, &timestamp, &mut checks)?;
            }
        }

        // Fees, credited to the fee account after the ops.
        checks.position = n;
        checks.region(&cs, || "fee slots".into());
        let exists = is_le(&(&fee_account + FpVar::one()), &running.next_id, 33)?;
        checks.holds(Tag::Rule(Rule::BlockFeeAccountMissing), &exists)?;
        let fees = fees::credit(&cs, &mut checks, &mut running, &fee_account, &fee_tokens, &fee_token_bits, &w.fees)?;
        let new_root = poseidon_var(&[running.tree_root.clone(), running.next_id.clone()])?;

        checks.region(&cs, || "commitment".into());
        // Commitment: sha256(number ‖ fee account ‖ timestamp ‖ old root ‖ new root ‖ pubdata ‖ flags).
        let mut bytes = be_bytes(&number_bits, 32);
        bytes.extend(be_bytes(&fee_account_bits, 32));
        bytes.extend(be_bytes(&timestamp_bits, 64));
        bytes.extend(be_bytes(&canonical_bits(&old_root)?, 256));
        bytes.extend(be_bytes(&canonical_bits(&new_root)?, 256));
        let pubdata: Vec<UInt8<Fr>> = outs
            .iter()
            .flat_map(|o| {
                o.pubdata_bits.chunks(8).map(|b| UInt8::from_bits_le(&b.iter().rev().cloned().collect::<Vec<_>>()))
            })
            .collect();
        let onchain_flags: Vec<UInt8<Fr>> = outs
            .iter()
            .map(|o| {
                let mut le = vec![o.onchain_flag.clone()];
                le.resize(8, Boolean::FALSE);
                UInt8::from_bits_le(&le)
            })
            .collect();
        bytes.extend(pubdata.iter().cloned());
        bytes.extend(onchain_flags.iter().cloned());
        let commitment = sha256(&bytes)?;
        let truncated = truncate_253(&commitment)?;
        let public_input = FpVar::new_input(cs.clone(), || truncated.value())?;
        truncated.enforce_equal(&public_input)?;
        Ok(Synthesized { public_input, old_root, new_root, commitment, pubdata, onchain_flags, fees, checks })
    }
}

/// Slot for chunks `2k` and `2k + 1`: verifies the signature, key, and validity window of the
/// transaction starting at one of them, if any.
fn signature_slot(
    even: &SigRequest,
    odd: &SigRequest,
    timestamp: &FpVar<Fr>,
    checks: &mut Checks,
) -> Result<(), SynthesisError> {
    let cs = timestamp.cs().or(even.signer.cs());
    product_zero(checks, Tag::Witness("circuit.signature_slot"), &even.signer, &odd.signer)?;
    let enabled_value = even.signer.value().ok().zip(odd.signer.value().ok()).map(|(a, b)| a + b == Fr::from(1u8));
    let enabled = Boolean::new_witness(cs, || enabled_value.ok_or(SynthesisError::AssignmentMissing))?;
    FpVar::from(enabled.clone()).enforce_equal(&(&even.signer + &odd.signer))?;
    let pick = |j: usize| &even.values[j] + &odd.signer * (&odd.values[j] - &even.values[j]);
    let v: Vec<FpVar<Fr>> = (0..sig::COUNT).map(pick).collect();
    let en = FpVar::from(enabled.clone());

    // The signer's key hashes to the expected pubkey hash (low 160 bits of Poseidon(A)).
    // Compared with the leaf's pubkey hash, below 2^160 in every leaf (written only from 20
    // pubdata bytes), so the low part is exact.
    let key_hash = low_part(&poseidon_var(&[v[sig::AX].clone(), v[sig::AY].clone()])?, 160)?;
    product_zero(checks, Tag::Rule(Rule::TxSignerNotAccountKey), &en, &v[sig::PKH].is_zero()?.into())?;
    product_zero(checks, Tag::Rule(Rule::TxSignerNotAccountKey), &en, &(&key_hash - &v[sig::PKH]))?;

    let msg = poseidon_var(&[v[sig::E0].clone(), v[sig::E1].clone(), v[sig::E2].clone()])?;
    let a = point(&v[sig::AX], &v[sig::AY]);
    let r8 = point(&v[sig::RX], &v[sig::RY]);
    let verification = verification_sides(&a, &msg, &r8, &v[sig::S])?;
    product_zero(checks, Tag::Rule(Rule::TxBadSignature), &en, &verification.small_order_key.clone().into())?;
    let (left, right) = (&verification.left, &verification.right);
    // Compare coordinates: `value()` of an off-curve point (a forged key) would panic.
    let coords = |p: &ark_ed_on_bn254::constraints::EdwardsVar| p.x.value().ok().zip(p.y.value().ok());
    let held = match (enabled.value(), coords(left), coords(right)) {
        (Ok(e), Some(l), Some(r)) => Some(!e || l == r),
        _ => None,
    };
    checks.note(Tag::Rule(Rule::TxBadSignature), held);
    left.conditional_enforce_equal(right, &enabled)?;

    checks.range(Tag::Witness("circuit.validity_window"), &v[sig::VALID_FROM], 64)?;
    checks.range(Tag::Witness("circuit.validity_window"), &v[sig::VALID_UNTIL], 64)?;
    let started = is_le(&v[sig::VALID_FROM], timestamp, 64)?;
    let not_expired = is_le(timestamp, &v[sig::VALID_UNTIL], 64)?;
    product_zero(checks, Tag::Rule(Rule::TxNotYetValid), &en, &(FpVar::one() - FpVar::from(started)))?;
    product_zero(checks, Tag::Rule(Rule::TxExpired), &en, &(FpVar::one() - FpVar::from(not_expired)))?;
    Ok(())
}

impl ConstraintSynthesizer<Fr> for BlockCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.synthesize(cs).map(|_| ())
    }
}
