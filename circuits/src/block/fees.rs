//! The fee slots: the block's fees credited to the fee account after its ops, a token a slot.
//!
//! Every slot writes the same account, and only its balance tree changes, so the slots share one
//! account-tree path: the fee account's leaf is checked against the root once, each slot moves
//! the balance tree's root along its own balance path, and the leaf with the last balance root
//! gives the new root through the same account path. Four slots pay for one account path
//! (7,296 constraints) instead of four.

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkrollup_spec::params::{ACCOUNT_ID_BITS, ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rule;

use super::checks::{Checks, Tag};
use super::chunk::Running;
use super::witness::FeeWitness;
use crate::exit::siblings_var;
use crate::gadgets::bits::to_bits;
use crate::gadgets::merkle::roots_from;
use crate::gadgets::poseidon::poseidon_var;

/// Each slot's (token, amount credited).
pub type Credited = Vec<(FpVar<Fr>, FpVar<Fr>)>;

/// Credits `running.fees[s]` of token `tokens[s]` (whose bits are `token_bits[s]`) to
/// `fee_account`, moving `running.tree_root`; returns each slot's (token, amount).
pub fn credit(
    cs: &ConstraintSystemRef<Fr>,
    checks: &mut Checks,
    running: &mut Running,
    fee_account: &FpVar<Fr>,
    tokens: &[FpVar<Fr>],
    token_bits: &[Vec<Boolean<Fr>>],
    w: &FeeWitness,
) -> Result<Credited, SynthesisError> {
    let wit = |v: Fr| FpVar::new_witness(cs.clone(), || Ok(v));
    let first = &w.leaf;
    let account = wit(Fr::from(first.account_id))?;
    let account_bits = to_bits(&account, ACCOUNT_ID_BITS as usize)?;
    checks.equal(Tag::Witness("circuit.leaf_choice"), &account, fee_account)?;
    let nonce = wit(Fr::from(first.nonce))?;
    let pkh = wit(first.pubkey_hash)?;
    let address = wit(first.address)?;
    let account_siblings = siblings_var(cs, ACCOUNT_TREE_DEPTH, Some(&first.account_siblings))?;

    let mut balance_roots: Option<(FpVar<Fr>, FpVar<Fr>)> = None; // (before the slots, now)
    let mut fees = Vec::with_capacity(tokens.len());
    for (s, (token, token_bits)) in tokens.iter().zip(token_bits).enumerate() {
        let (balance, siblings) = w.balance(s);
        let balance = wit(balance)?;
        let siblings = siblings_var(cs, BALANCE_TREE_DEPTH, Some(siblings))?;
        let amount = running.fees[s].clone();
        let credited = &balance + &amount;
        checks.range(Tag::Rule(Rule::BlockFeeBalanceOverflow), &credited, 128)?;
        let roots = roots_from(&[&balance, &credited], token_bits, &siblings)?;
        balance_roots = Some(match balance_roots {
            None => (roots[0].clone(), roots[1].clone()),
            Some((first, now)) => {
                checks.equal(Tag::Witness("circuit.state_path"), &roots[0], &now)?;
                (first, roots[1].clone())
            }
        });
        fees.push((token.clone(), amount));
    }
    let (before, after) = balance_roots.expect("at least one fee slot");
    let leaf_before = poseidon_var(&[nonce.clone(), pkh.clone(), address.clone(), before])?;
    let leaf_after = poseidon_var(&[nonce, pkh, address, after])?;
    let roots = roots_from(&[&leaf_before, &leaf_after], &account_bits, &account_siblings)?;
    checks.equal(Tag::Witness("circuit.state_path"), &roots[0], &running.tree_root)?;
    running.tree_root = roots[1].clone();
    Ok(fees)
}
