//! Unpacking the decimal floats of pubdata: `mantissa · 10^exponent` from the packed bits,
//! refusing values of 2^128 or more as the spec's decoder does (`codec.amount_too_large`).

use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::bits::{enforce_range, from_bits_be};

/// The value of a packed float given its big-endian bits (`mantissa ‖ exponent`, `exp_bits` of
/// exponent), enforced below 2^128. Cost: one constraint per exponent bit, plus 129 for the
/// range check.
pub fn unpack(bits_be: &[Boolean<Fr>], exp_bits: usize) -> Result<FpVar<Fr>, SynthesisError> {
    let (mantissa, exponent) = bits_be.split_at(bits_be.len() - exp_bits);
    let mut value = from_bits_be(mantissa);
    // 10^exponent = Π over exponent bits e_i (LSB first) of (1 + e_i·(10^(2^i) - 1)).
    let mut power = Fr::from(10u8);
    for e in exponent.iter().rev() {
        let factor = FpVar::from(e.clone()) * (power - Fr::from(1u8)) + Fr::from(1u8);
        value *= factor;
        power = power * power;
    }
    enforce_range(&value, 128)?;
    Ok(value)
}
