//! EdDSA-Poseidon: signatures, circomlib's values, small-order and torsion keys.

use ark_ff::{BigInteger, PrimeField, Zero};
use zkrollup_spec::primitives::eddsa::*;
use zkrollup_spec::primitives::Fr;

#[test]
fn small_order_keys_verify_nothing() {
    let points = small_order_points();
    let distinct: std::collections::HashSet<_> = points.iter().collect();
    assert_eq!(distinct.len(), 8, "eight distinct points");
    assert_eq!(points[0], Point::identity());
    assert_eq!(points[4], Point { x: Fr::zero(), y: -Fr::from(1u8) });
    for (k, p) in points.iter().enumerate() {
        assert!(p.is_on_curve() && p.has_small_order(), "point {k}");
        // The forgery: S chosen freely, R8 = B8·S; B8·S = R8 + (8·A)·hm holds for any message.
        let s = Scalar::from(1234567u64 + k as u64);
        let r8 = Point::base8().mul_integer(&s.into_bigint().0);
        let msg = Fr::from(99u8);
        let forged = Signature { r8, s };
        let right = r8.add(&p.mul_integer(&[8]).mul_integer(&challenge(&r8, &PublicKey(*p), msg).into_bigint().0));
        assert_eq!(Point::base8().mul_integer(&s.into_bigint().0), right, "the forgery holds for point {k}");
        assert!(!verify(&PublicKey(*p), msg, &forged), "refused under point {k}");
    }
    assert!(!PrivateKey([5; 32]).public_key().0.has_small_order());
}

#[test]
fn an_unreduced_s_at_or_above_l_never_verifies() {
    let key = PrivateKey([3; 32]);
    let msg = Fr::from(42u8);
    let sig = key.sign(msg);
    let s = sig.s.into_bigint();
    assert!(verify_unreduced(&key.public_key(), msg, &sig.r8, &s));
    let mut s_plus_l = s;
    s_plus_l.add_with_carry(&Scalar::MODULUS);
    assert!(!verify_unreduced(&key.public_key(), msg, &sig.r8, &s_plus_l));
    assert!(!verify_unreduced(&key.public_key(), msg, &sig.r8, &Scalar::MODULUS));
}

#[test]
fn base8_generates_the_prime_subgroup() {
    assert!(Point::base8().is_on_curve());
    let b8 = Point::base8();
    assert!(b8.is_on_curve() && !b8.has_small_order());
    assert_eq!(b8.mul_integer(&Scalar::MODULUS.0), Point::identity(), "B8 has order l");
}

#[test]
fn sign_then_verify_and_tamper() {
    let key = PrivateKey([7u8; 32]);
    let pk = key.public_key();
    let msg = Fr::from(123456789u64);
    let sig = key.sign(msg);
    assert!(verify(&pk, msg, &sig));
    assert!(!verify(&pk, msg + Fr::from(1u8), &sig));
    let mut bad = sig;
    bad.s += Scalar::from(1u8);
    assert!(!verify(&pk, msg, &bad));
    let other = PrivateKey([8u8; 32]).public_key();
    assert!(!verify(&other, msg, &sig));
    let off_curve = Point { x: Fr::from(1u8), y: Fr::from(1u8) };
    assert!(!verify(&pk, msg, &Signature { r8: off_curve, s: sig.s }));
}
