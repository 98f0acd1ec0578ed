//! EdDSA-Poseidon verification on BabyJubjub, accepting exactly what the spec's
//! `eddsa::verify` accepts (circomlib's `EdDSAPoseidonVerifier`): `A` and `R8` on the curve (no
//! subgroup check, as circomlib), `A` not of small order (the x of `8·A` is not zero, as
//! circomlib), `S < l`, and `B8·S = R8 + (8·A)·hm` with
//! `hm = Poseidon(R8.x, R8.y, A.x, A.y, msg)` taken as a canonical integer.
//!
//! Points arrive in circomlib's coordinates; arkworks' curve (`ark-ed-on-bn254`) is the
//! isomorphic `u² + y² = 1 + d'u²y²` with `u = √168700·x`, a linear map, so the conversion is
//! free. `B8·S` is [`super::fixed_base`]'s (3-bit windows, complete formulas), `(8·A)·hm`
//! [`super::variable_base`]'s (a Montgomery ladder, sound for every `hm`, unable to prove 38
//! of them), the other additions and doublings [`super::edwards`]'s, whose witness survives a
//! hostile key or `R8` off the curve (the curve checks then refuse it).
//! Where `8·A` is the identity (a small-order key, refused; or an empty signature slot) the
//! ladder runs on `B8` instead, as circomlib does, so that the witness stays satisfiable.
//!
//! Constraints, 3,899 a verification (circomlib's verifier: 4,217): the curve checks 8, `S < l`
//! 502, Poseidon 321, `B8·S` 748, `8·A` with its order and the substitute 19, `(8·A)·hm` with
//! `hm`'s bits 2,295, `R8 +` 6.

use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::groups::CurveVar;
use ark_r1cs_std::select::CondSelectGadget;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::eddsa::{circom_to_ark_x_factor, Point, Scalar};
use zkrollup_spec::primitives::Fr;

use super::arith::enforce_equal;
use super::bits::{enforce_bound, to_bits, Bound};
use super::edwards;
use super::fixed_base::mul_base8;
use super::poseidon::poseidon_var;
use super::variable_base;

/// A point in circomlib's coordinates.
#[derive(Clone)]
pub struct PointVar {
    pub x: FpVar<Fr>,
    pub y: FpVar<Fr>,
}

impl PointVar {
    /// Enforces circomlib's curve equation `168700·x² + y² = 1 + 168696·x²·y²` (3 constraints).
    pub fn enforce_on_curve(&self) -> Result<(), SynthesisError> {
        let x2 = self.x.square()?;
        let y2 = self.y.square()?;
        let lhs = &x2 * Fr::from(168700u64) + &y2;
        let rhs = (&x2 * &y2) * Fr::from(168696u64) + Fr::from(1u8);
        lhs.enforce_equal(&rhs)
    }

    fn to_ark(&self) -> EdwardsVar {
        EdwardsVar::new(&self.x * circom_to_ark_x_factor(), self.y.clone())
    }
}

/// Little-endian bits of `s`, enforced to encode an integer below the subgroup order `l`
/// (`l < 2^251`: 251 bits, then a comparison with `l − 1`).
fn subgroup_scalar_bits(s: &FpVar<Fr>) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let bits = to_bits(s, Scalar::MODULUS_BIT_SIZE as usize)?;
    let mut l_minus_1 = Scalar::MODULUS;
    l_minus_1.sub_with_borrow(&1u64.into());
    enforce_bound(&bits, l_minus_1, Bound::AtMost)?;
    Ok(bits)
}

/// Enforces that `(r8, s)` is a valid signature of `msg` under `a`.
pub fn enforce_verify(a: &PointVar, msg: &FpVar<Fr>, r8: &PointVar, s: &FpVar<Fr>) -> Result<(), SynthesisError> {
    let v = verification_sides(a, msg, r8, s)?;
    enforce_equal(&v.small_order_key.into(), &FpVar::zero())?;
    enforce_equal(&v.left.x, &v.right.x)?;
    enforce_equal(&v.left.y, &v.right.y)
}

/// What a verification computes; the signature is valid when `left == right` and the key is
/// not of small order.
pub struct Verification {
    /// `B8·S`.
    pub left: EdwardsVar,
    /// `R8 + (8·A)·hm`.
    pub right: EdwardsVar,
    /// Whether `8·A` is the identity (its x is zero: on the curve, `8·A` cannot be the other
    /// point with x = 0, `(0, -1)`, of order 2, since `8·A` lies in the subgroup of odd order).
    pub small_order_key: Boolean<Fr>,
}

/// The two sides `B8·S` and `R8 + (8·A)·hm` of the verification equation and whether `A` has
/// small order, after enforcing that `A` and `R8` are on the curve and `S < l`. (The block
/// circuit enforces the equality and the key's order only in signature slots that carry a
/// transaction.)
pub fn verification_sides(
    a: &PointVar,
    msg: &FpVar<Fr>,
    r8: &PointVar,
    s: &FpVar<Fr>,
) -> Result<Verification, SynthesisError> {
    a.enforce_on_curve()?;
    r8.enforce_on_curve()?;
    let s_bits = subgroup_scalar_bits(s)?;
    let hm = poseidon_var(&[r8.x.clone(), r8.y.clone(), a.x.clone(), a.y.clone(), msg.clone()])?;

    let left = mul_base8(&s_bits)?;
    let a8 = edwards::double(&edwards::double(&edwards::double(&a.to_ark())?)?)?;
    let small_order_key = a8.x.is_zero()?;
    let b8 = EdwardsVar::constant(Point::base8().to_ark());
    let base = EdwardsVar::conditionally_select(&small_order_key, &b8, &a8)?;
    let right = edwards::add(&r8.to_ark(), &variable_base::mul(&base, &hm)?)?;
    Ok(Verification { left, right, small_order_key })
}

/// The subgroup scalar `s` as a field element of BN254 (its integer value; `l < p`).
pub fn scalar_to_fr(s: &Scalar) -> Fr {
    Fr::from_le_bytes_mod_order(&s.into_bigint().to_bytes_le())
}
