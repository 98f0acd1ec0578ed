//! Range checks and comparisons on small integers held in field elements.

use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::arith::{enforce_equal, enforce_product};

/// The little-endian `n`-bit decomposition of `x`, enforcing `x < 2^n` (n + 1 constraints;
/// `n` must be below 253 so that no wrap-around is possible).
pub fn to_bits(x: &FpVar<Fr>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    assert!(n < 253, "wider decompositions can wrap around the modulus");
    decompose(x, n)
}

/// The canonical little-endian bits of `x` (the integer below the modulus), 254 of them:
/// 509 constraints, where ark-r1cs-std's `to_bits_le` spends 640 on the same.
pub fn canonical_bits(x: &FpVar<Fr>) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let bits = decompose(x, Fr::MODULUS_BIT_SIZE as usize)?;
    let mut p_minus_1 = Fr::MODULUS;
    p_minus_1.sub_with_borrow(&1u64.into());
    enforce_bound(&bits, p_minus_1, Bound::AtMost)?;
    Ok(bits)
}

/// The low `n` bits of `x`'s canonical integer, as a field element `lo`, for comparison with a
/// value the caller knows to be below `2^n`: `x = lo + 2^n·hi` with `hi` decomposed into
/// `254 − n` bits and bounded by `⌊p/2^n⌋ − 1`, so that for `lo < 2^n` the integer
/// `lo + 2^n·hi` is below `2^n·⌊p/2^n⌋ ≤ p`: the canonical one, and `lo` its low bits. For
/// `n = 160`, 188 constraints where [`canonical_bits`] spends 509. An `x` whose high part is
/// `⌊p/2^n⌋` itself is refused: for a hash output, with probability `2^−(254−n)`.
pub fn low_part(x: &FpVar<Fr>, n: usize) -> Result<FpVar<Fr>, SynthesisError> {
    let width = Fr::MODULUS_BIT_SIZE as usize - n;
    let high = |v: Fr| {
        let mut b = v.into_bigint();
        b >>= n as u32;
        b
    };
    let mut top = Fr::MODULUS;
    top >>= n as u32;
    top.sub_with_borrow(&1u64.into());
    let hi_value = x.value().ok().map(high);
    let hi = match x {
        FpVar::Constant(v) => FpVar::Constant(Fr::from_bigint(high(*v)).expect("below p")),
        _ => {
            FpVar::new_witness(x.cs(), || hi_value.and_then(Fr::from_bigint).ok_or(SynthesisError::AssignmentMissing))?
        }
    };
    let hi_bits = decompose(&hi, width)?;
    enforce_bound(&hi_bits, top, Bound::AtMost)?;
    Ok(x - &hi * Fr::from(2u8).pow([n as u64]))
}

/// Which side of a constant [`enforce_bound`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    AtMost,
    AtLeast,
}

/// Enforces `Σ bits[i]·2^i ≤ k` (or `≥ k`) for little-endian `bits`: one constraint a bit.
///
/// From the top bit down, `eq` is 1 while the bits seen equal `k`'s. Under `AtMost`, where `k`
/// has a 0 the bit must be 0 while `eq` holds (`eq·b = 0`) and `eq` stays; where `k` has a 1,
/// `eq` becomes `eq·b`. `AtLeast` is the same on the complemented bits and constant.
pub fn enforce_bound(bits: &[Boolean<Fr>], k: impl BigInteger, bound: Bound) -> Result<(), SynthesisError> {
    let k_bits = k.to_bits_le();
    assert!(k_bits[bits.len().min(k_bits.len())..].iter().all(|b| !b), "the bound needs more bits than given");
    let one = FpVar::constant(Fr::from(1u8));
    let mut eq = one.clone();
    for (i, b) in bits.iter().enumerate().rev() {
        let (x, continues) = match bound {
            Bound::AtMost => (FpVar::from(b.clone()), k_bits.get(i) == Some(&true)),
            Bound::AtLeast => (&one - FpVar::from(b.clone()), k_bits.get(i) != Some(&true)),
        };
        if continues {
            eq = &eq * &x;
        } else {
            enforce_product(&eq, &x, &FpVar::zero())?;
        }
    }
    Ok(())
}

/// The `n` little-endian bits of `x` with `Σ bits[i]·2^i = x` in the field (n + 1 constraints).
/// For `n ≥ 254` the integer is one of several congruent to `x`: callers bound it.
pub fn decompose(x: &FpVar<Fr>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    decompose_integer(x, n, x.value().ok().map(|v| v.into_bigint()))
}

/// [`decompose`] into the bits of `integer`, the representative of `x` the caller means.
pub fn decompose_integer(
    x: &FpVar<Fr>,
    n: usize,
    integer: Option<<Fr as PrimeField>::BigInt>,
) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let cs = x.cs();
    let value = integer.map(|v| v.to_bits_le());
    let bits: Vec<Boolean<Fr>> = (0..n)
        .map(|i| {
            if cs.is_none() {
                return Ok(Boolean::constant(value.as_ref().is_some_and(|b| b[i])));
            }
            Boolean::new_witness(cs.clone(), || value.as_ref().map(|b| b[i]).ok_or(SynthesisError::AssignmentMissing))
        })
        .collect::<Result<_, _>>()?;
    enforce_equal(&from_bits(&bits), x)?;
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
