//! `k·P` for a field element `k` (its canonical integer) and a point `P` of the prime-order
//! subgroup: 2,295 constraints with the bits of `k`, where a strict decomposition (640) and
//! arkworks' double-and-add (`scalar_mul_le`, 3,305) spend 3,945.
//!
//! **The ladder.** With signed digits `cᵢ = 2bᵢ − 1 ∈ {−1, 1}`, every step is one
//! `acc ← 2·acc + cᵢ·P` in Montgomery form ([`MontgomeryVar::double_and_add`], 5 constraints;
//! choosing `±P` negates `v`, 1 more). From `acc = 2P`, the steps over bits 253..1 of an integer
//! `k'` leave `(k' − b₀ + 2^253 + 1)·P`, and adding `−P` when `b₀ = 0` (complete Edwards
//! formulas) gives `(k' + 2^253)·P`.
//!
//! **The offset.** So the ladder runs on `k' = k + C` with `C = 6l − 2^253`, a multiple of `l`
//! minus the ladder's offset: `(k' + 2^253)·P = k·P`. `k'` is decomposed into 254 bits and
//! bounded to `[C, C + p)`, the one integer of that width congruent to `k + C` modulo `p`
//! (`C + p < 2^254`), so `k'` is exactly the canonical integer of `k` plus `C`: no bit of it is
//! free, as with a strict decomposition of `k` (this costs 763, that 640; the ladder saves far
//! more).
//!
//! **Where a step is exceptional.** After `j` steps `acc = vⱼ·P` with `v₀ = 2` and
//! `vⱼ₊₁ = 2vⱼ ± 1`, so `2^j < vⱼ < 3·2^j`. A step is exceptional when `acc = ±P`, when
//! `2·acc ± P` is the identity, or when `acc` is: `vⱼ ≡ ±1` or `0`, or `2vⱼ ± 1 ≡ 0 (mod l)`.
//! These depend on `k` alone, never on `P`, which an attacker may choose (unlike an offset
//! point added to `acc`), as `P` has order `l` (the caller sees to it). While `3·2^j < l/2`
//! (the steps `j ≤ 248`) none holds over the integers; in the last four,
//! `vⱼ ≈ (k + 2^253 + C)/2^(253−j)` meets one only for `k` within 8 of a multiple of `l`: 38
//! values (`tests/parts/scalar_mul.rs` walks the ladder over the integers modulo `l` for every
//! `k` within 80 of `0, l, …, 7l`). For every one of them the first exceptional step is
//! `2·acc ± P = O` or `acc = ∓P`, where a constraint `(λ₁ + λ₂)·0 = 2v` or `λ₁·0 = 2v` has no
//! solution: no witness satisfies those `k`, and the case that would free a slope (`acc = ±P`
//! with the step adding that same point) is never reached. So the ladder is sound for every
//! `k`, and incomplete for those 38: a signature whose Poseidon `hm` is one of them
//! (probability about 2^-248, and nobody can aim for it) could not be proven.

use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::groups::CurveVar;
use ark_r1cs_std::select::CondSelectGadget;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::eddsa::{circom_to_ark_x_factor, Scalar};
use zkrollup_spec::primitives::Fr;

use super::bits::{decompose_integer, enforce_bound, Bound};
use super::edwards;
use super::montgomery::MontgomeryVar;

type BigInt = <Fr as PrimeField>::BigInt;

/// Bits of `k'`: one more than the modulus has, so that `[C, C + p)` fits.
const BITS: usize = 254;

/// `C = 6l − 2^253` and `C + p − 1`, the bounds of `k'`.
pub fn offset_bounds() -> (BigInt, BigInt) {
    let mut c = BigInt::zero();
    for _ in 0..6 {
        c.add_with_carry(&Scalar::MODULUS);
    }
    let borrow = c.sub_with_borrow(&(BigInt::one() << 253u32));
    assert!(!borrow, "6l > 2^253");
    let mut top = c;
    top.add_with_carry(&Fr::MODULUS);
    top.sub_with_borrow(&BigInt::one());
    (c, top)
}

/// `k·p` for `p` of order `l` (not the identity; the caller substitutes a fixed point where it
/// cannot promise one, and discards the result).
pub fn mul(p: &EdwardsVar, k: &FpVar<Fr>) -> Result<EdwardsVar, SynthesisError> {
    let (c, top) = offset_bounds();
    let k_shifted = k + Fr::from_bigint(c).expect("C < p");
    let integer = k.value().ok().map(|k| {
        let mut sum = k.into_bigint();
        sum.add_with_carry(&c);
        sum
    });
    let bits = decompose_integer(&k_shifted, BITS, integer)?;
    enforce_bound(&bits, c, Bound::AtLeast)?;
    enforce_bound(&bits, top, Bound::AtMost)?;

    let x_circom = &p.x * circom_to_ark_x_factor().inverse().expect("√168700 is not zero");
    let base = MontgomeryVar::from_edwards(&x_circom, &p.y)?;
    let mut acc = base.double()?;
    for bit in bits[1..].iter().rev() {
        let sign = FpVar::from(bit.clone()).double()? - Fr::from(1u8);
        let t = MontgomeryVar { u: base.u.clone(), v: &base.v * &sign };
        acc = acc.double_and_add(&t)?;
    }
    let (x, y) = acc.to_edwards()?;
    let acc = EdwardsVar::new(x * circom_to_ark_x_factor(), y);
    let correction = EdwardsVar::conditionally_select(&bits[0], &EdwardsVar::zero(), &p.negate()?)?;
    edwards::add(&acc, &correction)
}
