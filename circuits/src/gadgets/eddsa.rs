//! EdDSA-Poseidon verification on BabyJubjub, accepting exactly what the spec's
//! `eddsa::verify` accepts (circomlib's `EdDSAPoseidonVerifier`): `A` and `R8` on the curve (no
//! subgroup check, as circomlib), `A` not of small order (the x of `8·A` is not zero, as
//! circomlib), `S < l`, and `B8·S = R8 + (8·A)·hm` with
//! `hm = Poseidon(R8.x, R8.y, A.x, A.y, msg)` taken as a canonical integer.
//!
//! Points arrive in circomlib's coordinates; arkworks' curve (`ark-ed-on-bn254`) is the
//! isomorphic `u² + y² = 1 + d'u²y²` with `u = √168700·x`, a linear map, so the conversion is
//! free. Scalar multiplications are arkworks': fixed-base with 2-bit lookups for `B8·S`,
//! double-and-add for `(8·A)·hm`.

use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ed_on_bn254::{EdwardsAffine, EdwardsProjective};
use ark_ff::AdditiveGroup;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::convert::ToBitsGadget;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::groups::CurveVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::eddsa::{circom_to_ark_x_factor, Point, Scalar};
use zkrollup_spec::primitives::Fr;

use super::poseidon::poseidon_var;

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

/// `B8·2^i` for every bit of a subgroup scalar, as arkworks points.
fn base8_multiples() -> &'static [EdwardsProjective] {
    use std::sync::OnceLock;
    static M: OnceLock<Vec<EdwardsProjective>> = OnceLock::new();
    M.get_or_init(|| {
        let b8 = Point::base8();
        let mut p: EdwardsProjective = EdwardsAffine::new_unchecked(b8.x * circom_to_ark_x_factor(), b8.y).into();
        let mut out = Vec::with_capacity(Scalar::MODULUS_BIT_SIZE as usize);
        for _ in 0..Scalar::MODULUS_BIT_SIZE {
            out.push(p);
            p = p.double();
        }
        out
    })
}

/// Little-endian bits of `s`, enforced to encode an integer below the subgroup order `l`.
fn subgroup_scalar_bits(s: &FpVar<Fr>) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    let bits = s.to_bits_le()?; // canonical: the integer below the BN254 modulus
    let n = Scalar::MODULUS_BIT_SIZE as usize;
    for b in &bits[n..] {
        b.enforce_equal(&Boolean::FALSE)?;
    }
    let mut l_minus_1 = Scalar::MODULUS;
    l_minus_1.sub_with_borrow(&1u64.into());
    Boolean::enforce_smaller_or_equal_than_le(&bits[..n], l_minus_1)?;
    Ok(bits[..n].to_vec())
}

/// Enforces that `(r8, s)` is a valid signature of `msg` under `a`.
pub fn enforce_verify(a: &PointVar, msg: &FpVar<Fr>, r8: &PointVar, s: &FpVar<Fr>) -> Result<(), SynthesisError> {
    let v = verification_sides(a, msg, r8, s)?;
    v.small_order_key.enforce_equal(&Boolean::FALSE)?;
    v.left.enforce_equal(&v.right)
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
    let hm_bits = hm.to_bits_le()?;

    let mut left = EdwardsVar::zero();
    left.precomputed_base_scalar_mul_le(s_bits.iter().zip(base8_multiples()))?;
    let a8 = a.to_ark().double()?.double()?.double()?;
    let small_order_key = a8.x.is_zero()?;
    let right = r8.to_ark() + a8.scalar_mul_le(hm_bits.iter())?;
    Ok(Verification { left, right, small_order_key })
}

/// The subgroup scalar `s` as a field element of BN254 (its integer value; `l < p`).
pub fn scalar_to_fr(s: &Scalar) -> Fr {
    Fr::from_le_bytes_mod_order(&s.into_bigint().to_bytes_le())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{alloc, Mode, MODES};
    use zkrollup_spec::primitives::eddsa::{verify, PrivateKey, PublicKey, Signature};

    /// Whether the circuit accepts `(a, msg, sig)` with every value allocated in `mode`; `s` is
    /// given as an integer that may exceed `l`.
    fn circuit_accepts(mode: Mode, a: &Point, msg: Fr, r8: &Point, s: Fr) -> bool {
        let (cs, v) = alloc(mode, &[a.x, a.y, msg, r8.x, r8.y, s]);
        let pa = PointVar { x: v[0].clone(), y: v[1].clone() };
        let pr = PointVar { x: v[3].clone(), y: v[4].clone() };
        match enforce_verify(&pa, &v[2], &pr, &v[5]) {
            Ok(()) => crate::satisfaction::is_satisfied(&cs).unwrap(),
            Err(_) => false, // constants that contradict a constraint fail at synthesis
        }
    }

    #[test]
    fn accepts_what_the_spec_accepts_and_nothing_else() {
        let key = PrivateKey([9u8; 32]);
        let pk = key.public_key();
        let msg = Fr::from(123456u64);
        let sig = key.sign(msg);
        let s = scalar_to_fr(&sig.s);
        for mode in MODES {
            assert!(circuit_accepts(mode, &pk.0, msg, &sig.r8, s), "{mode:?}");
        }
        let mode = Mode::Witness;
        assert!(!circuit_accepts(mode, &pk.0, msg + Fr::from(1u8), &sig.r8, s), "another message");
        assert!(!circuit_accepts(mode, &pk.0, msg, &sig.r8, s + Fr::from(1u8)), "another S");
        let other = PrivateKey([8u8; 32]).public_key();
        assert!(!circuit_accepts(mode, &other.0, msg, &sig.r8, s), "another key");
        // S + l is the same point multiple but not a canonical scalar: the spec's decoder and
        // the circuit both refuse it.
        let l = Fr::from_le_bytes_mod_order(&Scalar::MODULUS.to_bytes_le());
        assert!(!circuit_accepts(mode, &pk.0, msg, &sig.r8, s + l), "S + l");
        let off = Point { x: Fr::from(1u8), y: Fr::from(1u8) };
        assert!(!verify(&PublicKey(pk.0), msg, &Signature { r8: off, s: sig.s }));
        assert!(!circuit_accepts(mode, &pk.0, msg, &off, s), "R8 off the curve");
    }

    #[test]
    fn small_order_keys_are_refused_in_every_mode() {
        use zkrollup_spec::primitives::eddsa::small_order_points;
        let s = Scalar::from(4242u64);
        let r8 = Point::base8().mul_integer(&s.into_bigint().0);
        for (k, p) in small_order_points().iter().enumerate() {
            assert!(!verify(&PublicKey(*p), Fr::from(5u8), &Signature { r8, s }), "the spec refuses point {k}");
            // Not as constants: arkworks' constant point arithmetic asserts subgroup membership
            // (a panic at synthesis, not a verdict); keys are never constants in the circuits.
            for mode in MODES.into_iter().filter(|m| *m != Mode::Constant) {
                assert!(!circuit_accepts(mode, p, Fr::from(5u8), &r8, scalar_to_fr(&s)), "point {k}, {mode:?}");
            }
        }
    }

    #[test]
    fn keys_with_a_torsion_component_verify_as_in_the_spec() {
        // A' = k·B8 + T with T = (0, -1) of order 2. Since 8·T = 0, the signature
        // S = r + hm'·8k with hm' = Poseidon(R8, A', msg) satisfies B8·S = R8 + (8·A')·hm':
        // circomlib and the spec accept it, so the circuit must too.
        use zkrollup_spec::primitives::eddsa::challenge;
        let k = Scalar::from(12345u64);
        let t = Point { x: Fr::from(0u8), y: -Fr::from(1u8) };
        assert!(t.is_on_curve());
        let a = Point::base8().mul_integer(&k.into_bigint().0).add(&t);
        let r = Scalar::from(999u64);
        let r8 = Point::base8().mul_integer(&r.into_bigint().0);
        let msg = Fr::from(77u8);
        let hm = challenge(&r8, &PublicKey(a), msg);
        let hm_l = Scalar::from_le_bytes_mod_order(&hm.into_bigint().to_bytes_le());
        let s = r + hm_l * k * Scalar::from(8u8);
        assert!(verify(&PublicKey(a), msg, &Signature { r8, s }), "the spec accepts");
        assert!(circuit_accepts(Mode::Witness, &a, msg, &r8, scalar_to_fr(&s)), "the circuit accepts");
        assert!(!circuit_accepts(Mode::Witness, &a, msg + Fr::from(1u8), &r8, scalar_to_fr(&s)));
    }

    #[test]
    fn constraint_count() {
        let key = PrivateKey([9u8; 32]);
        let msg = Fr::from(1u8);
        let sig = key.sign(msg);
        let pk = key.public_key();
        let n = crate::gadgets::test_support::count(|cs| {
            let (_, v) = crate::gadgets::test_support::alloc_in(
                &cs,
                Mode::Witness,
                &[pk.0.x, pk.0.y, msg, sig.r8.x, sig.r8.y, scalar_to_fr(&sig.s)],
            );
            enforce_verify(
                &PointVar { x: v[0].clone(), y: v[1].clone() },
                &v[2],
                &PointVar { x: v[3].clone(), y: v[4].clone() },
                &v[5],
            )
        });
        eprintln!("EdDSA-Poseidon verification: {n} constraints");
        assert!(n < 7_000, "{n}");
    }
}
