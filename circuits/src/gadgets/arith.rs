//! Field arithmetic the curve and comparison gadgets share: a product and an equality enforced
//! even where all their terms are constants, and a quotient whose witness is zero for a zero
//! divisor.
//!
//! ark-r1cs-std's `mul_equals` and `enforce_equal` check nothing when every term is a constant
//! (constants are taken to be consistent); gadgets tested with constant inputs must then refuse
//! at synthesis what a variable would leave unsatisfied, or the constant tests prove nothing.

use ark_ff::{Field, Zero};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

/// Enforces `a·b = c` (1 constraint; constants that break it are refused at synthesis).
pub fn enforce_product(a: &FpVar<Fr>, b: &FpVar<Fr>, c: &FpVar<Fr>) -> Result<(), SynthesisError> {
    match (a, b, c) {
        (FpVar::Constant(a), FpVar::Constant(b), FpVar::Constant(c)) if *a * b != *c => {
            Err(SynthesisError::Unsatisfiable)
        }
        _ => a.mul_equals(b, c),
    }
}

/// Enforces `a = b` (at most 1 constraint; constants that differ are refused at synthesis).
pub fn enforce_equal(a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<(), SynthesisError> {
    match (a, b) {
        (FpVar::Constant(a), FpVar::Constant(b)) if a != b => Err(SynthesisError::Unsatisfiable),
        _ => a.enforce_equal(b),
    }
}

/// `q` with `q·d = n` enforced (1 constraint). Its witness is `n/d`, or zero where `d` is zero,
/// never an error: the constraint decides, so that a hostile witness gets a verdict.
pub fn divide(n: &FpVar<Fr>, d: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let cs = n.cs().or(d.cs());
    let value = || Ok(n.value()? * d.value()?.inverse().unwrap_or(Fr::zero()));
    let q = if cs.is_none() { FpVar::Constant(value()?) } else { FpVar::new_witness(cs, value)? };
    enforce_product(&q, d, n)?;
    Ok(q)
}
