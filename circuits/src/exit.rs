//! The exit circuit (exodus mode): proves the spec's [`check_exit`] relation for a claim
//! `(root, account_id, owner, token, amount)` whose SHA-256 (truncated to 253 bits) is the single
//! public input, exactly as the contract recomputes it from the call.
//!
//! Private witness: the account's nonce and pubkey hash, the id counter committed in the root,
//! the balance path (8 levels) and the account path (12 levels).
//!
//! [`check_exit`]: zkrollup_spec::exit::check_exit

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkrollup_spec::exit::{ExitClaim, ExitWitness};
use zkrollup_spec::params::{ACCOUNT_ID_BITS, ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH};
use zkrollup_spec::primitives::Fr;

use crate::gadgets::bits::{be_bytes, canonical_bits, is_le, to_bits};
use crate::gadgets::commitment::truncated_sha256;
use crate::gadgets::merkle::{roots_from, SiblingsVar};
use crate::gadgets::poseidon::poseidon_var;

/// The exit circuit. `witness` is `None` for key generation (shapes only).
#[derive(Clone)]
pub struct ExitCircuit {
    pub claim: ExitClaim,
    pub witness: Option<ExitWitness>,
}

impl ExitCircuit {
    /// The circuit with placeholder values, for key generation.
    pub fn blank() -> Self {
        let claim = ExitClaim {
            root: Fr::from(0u8),
            account_id: 0,
            owner: zkrollup_spec::primitives::Address::ZERO,
            token: 0,
            amount: 0,
        };
        ExitCircuit { claim, witness: None }
    }

    /// The public input: the claim's truncated SHA-256.
    pub fn public_input(&self) -> Fr {
        self.claim.public_input()
    }
}

fn witness<T>(v: Option<T>) -> impl FnOnce() -> Result<T, SynthesisError> {
    move || v.ok_or(SynthesisError::AssignmentMissing)
}

/// The siblings of a `levels`-level path as witnesses; a path of another length is refused
/// (never truncated, never read past its end).
pub(crate) fn siblings_var(
    cs: &ConstraintSystemRef<Fr>,
    levels: usize,
    values: Option<&[[Fr; 3]]>,
) -> Result<Vec<SiblingsVar>, SynthesisError> {
    if values.is_some_and(|v| v.len() != levels) {
        return Err(SynthesisError::Unsatisfiable);
    }
    (0..levels)
        .map(|h| {
            let s = |i: usize| FpVar::new_witness(cs.clone(), witness(values.map(|v| v[h][i])));
            Ok([s(0)?, s(1)?, s(2)?])
        })
        .collect()
}

impl ConstraintSynthesizer<Fr> for ExitCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let known = self.witness.is_some();
        let c = known.then_some(&self.claim);
        let w = self.witness.as_ref();
        let public = FpVar::new_input(cs.clone(), witness(c.map(|c| c.public_input())))?;

        // The claim, as witnesses with their bit decompositions (which range-check them).
        let root = FpVar::new_witness(cs.clone(), witness(c.map(|c| c.root)))?;
        let account_id = FpVar::new_witness(cs.clone(), witness(c.map(|c| Fr::from(c.account_id))))?;
        let owner = FpVar::new_witness(cs.clone(), witness(c.map(|c| c.owner.to_fr())))?;
        let token = FpVar::new_witness(cs.clone(), witness(c.map(|c| Fr::from(c.token))))?;
        let amount = FpVar::new_witness(cs.clone(), witness(c.map(|c| Fr::from(c.amount))))?;
        let root_bits = canonical_bits(&root)?;
        let id_bits = to_bits(&account_id, ACCOUNT_ID_BITS as usize)?;
        let owner_bits = to_bits(&owner, 160)?;
        let token_bits = to_bits(&token, 16)?;
        let amount_bits = to_bits(&amount, 128)?;

        // Public input = sha256(root ‖ account_id ‖ owner ‖ token ‖ amount), low 253 bits.
        let mut bytes = be_bytes(&root_bits, 256);
        bytes.extend(be_bytes(&id_bits, 32));
        bytes.extend(be_bytes(&owner_bits, 160));
        bytes.extend(be_bytes(&token_bits, 16));
        bytes.extend(be_bytes(&amount_bits, 128));
        truncated_sha256(&bytes)?.enforce_equal(&public)?;

        // The account leaf holds `amount` at `token` and is owned by `owner`.
        let nonce = FpVar::new_witness(cs.clone(), witness(w.map(|w| Fr::from(w.nonce))))?;
        let pkh = FpVar::new_witness(cs.clone(), witness(w.map(|w| w.pubkey_hash.to_fr())))?;
        let next_id = FpVar::new_witness(cs.clone(), witness(w.map(|w| Fr::from(w.next_account_id))))?;
        to_bits(&nonce, 32)?;
        to_bits(&pkh, 160)?;
        let balance_siblings = w.map(|w| w.balance_proof.siblings.as_slice());
        let account_siblings = w.map(|w| w.account_proof.siblings.as_slice());
        let bal_sib = siblings_var(&cs, BALANCE_TREE_DEPTH, balance_siblings)?;
        let acc_sib = siblings_var(&cs, ACCOUNT_TREE_DEPTH, account_siblings)?;
        let balance_root = roots_from(&[&amount], &token_bits, &bal_sib)?.remove(0);
        let leaf = poseidon_var(&[nonce, pkh, owner, balance_root])?;
        let account_root = roots_from(&[&leaf], &id_bits, &acc_sib)?.remove(0);
        poseidon_var(&[account_root, next_id.clone()])?.enforce_equal(&root)?;

        // The account exists: account_id < next_account_id (both below 2^25).
        to_bits(&next_id, ACCOUNT_ID_BITS as usize + 1)?;
        is_le(&(account_id + FpVar::constant(Fr::from(1u8))), &next_id, ACCOUNT_ID_BITS as usize + 1)?
            .enforce_equal(&Boolean::TRUE)?;
        Ok(())
    }
}
