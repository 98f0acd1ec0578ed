//! Range checks and comparisons on small integers held in field elements.

use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

/// The little-endian `n`-bit decomposition of `x`, enforcing `x < 2^n` (n + 1 constraints;
/// `n` must be below 253 so that no wrap-around is possible).
pub fn to_bits(x: &FpVar<Fr>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    assert!(n < 253, "wider decompositions can wrap around the modulus");
    let cs = x.cs();
    let value = x.value().ok().map(|v| v.into_bigint().to_bits_le());
    let bits: Vec<Boolean<Fr>> = (0..n)
        .map(|i| {
            if cs.is_none() {
                return Ok(Boolean::constant(value.as_ref().is_some_and(|b| b[i])));
            }
            Boolean::new_witness(cs.clone(), || value.as_ref().map(|b| b[i]).ok_or(SynthesisError::AssignmentMissing))
        })
        .collect::<Result<_, _>>()?;
    from_bits(&bits).enforce_equal(x)?;
    Ok(bits)
}

/// `Σ bits[i]·2^i` (linear, free). Built as one linear combination: accumulating with `+=`
/// chains one symbolic combination per bit, which the constraint system's inlining expands
/// quadratically.
pub fn from_bits(bits: &[Boolean<Fr>]) -> FpVar<Fr> {
    let mut coeff = Fr::from(1u8);
    bits.iter()
        .map(|b| {
            let term = FpVar::from(b.clone()) * coeff;
            coeff += coeff;
            term
        })
        .sum()
}

/// `Σ bits[i]·2^i` for big-endian bits.
pub fn from_bits_be(bits: &[Boolean<Fr>]) -> FpVar<Fr> {
    let le: Vec<_> = bits.iter().rev().cloned().collect();
    from_bits(&le)
}

/// Big-endian bytes of the integer whose little-endian bits are `bits`, zero-extended to `n`
/// bits (`n` a multiple of 8, at least `bits.len()`). Free: bytes are views of the bits.
pub fn be_bytes(bits: &[Boolean<Fr>], n: usize) -> Vec<ark_r1cs_std::uint8::UInt8<Fr>> {
    let mut le = bits.to_vec();
    le.resize(n, Boolean::FALSE);
    le.chunks(8).rev().map(ark_r1cs_std::uint8::UInt8::from_bits_le).collect()
}

/// Enforces `x < 2^n`.
pub fn enforce_range(x: &FpVar<Fr>, n: usize) -> Result<(), SynthesisError> {
    to_bits(x, n).map(|_| ())
}

/// `a ≤ b` for values known to be below `2^n` (n + 2 constraints): `b - a + 2^n` has bit `n`
/// set exactly when `a ≤ b`.
pub fn is_le(a: &FpVar<Fr>, b: &FpVar<Fr>, n: usize) -> Result<Boolean<Fr>, SynthesisError> {
    let shifted = b - a + FpVar::constant(Fr::from(2u8).pow([n as u64]));
    let bits = to_bits(&shifted, n + 1)?;
    Ok(bits[n].clone())
}
