//! EdDSA-Poseidon verification against the spec's: the same signatures accepted, small-order keys refused.

use crate::support::{alloc, Mode, MODES};
use ark_ff::{BigInteger, PrimeField};
use zkrollup_circuits::gadgets::eddsa::*;
use zkrollup_spec::primitives::eddsa::{verify, PrivateKey, PublicKey, Signature};
use zkrollup_spec::primitives::eddsa::{Point, Scalar};
use zkrollup_spec::primitives::Fr;

/// Whether the circuit accepts `(a, msg, sig)` with every value allocated in `mode`; `s` is
/// given as an integer that may exceed `l`.
fn circuit_accepts(mode: Mode, a: &Point, msg: Fr, r8: &Point, s: Fr) -> bool {
    let (cs, v) = alloc(mode, &[a.x, a.y, msg, r8.x, r8.y, s]);
    let pa = PointVar { x: v[0].clone(), y: v[1].clone() };
    let pr = PointVar { x: v[3].clone(), y: v[4].clone() };
    match enforce_verify(&pa, &v[2], &pr, &v[5]) {
        Ok(()) => zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(),
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
    for mode in MODES {
        assert!(!circuit_accepts(mode, &pk.0, msg, &sig.r8, s + l), "S + l in {mode:?}");
    }
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
        for mode in MODES {
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
    let n = crate::support::count(|cs| {
        let (_, v) = crate::support::alloc_in(
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
    // The sides 3,899, the key's order and the equation 3 (docs in gadgets/eddsa.rs); it was
    // 6,304 with arkworks' scalar multiplications. circomlib's verifier: 4,217.
    assert_eq!(n, 3_902);
}

/// Keys and `R8` off the curve, chosen so that an addition or doubling divides by zero before
/// the curve check refuses them (a key of arkworks coordinates (2, 1) keeps y = 1 through its
/// doublings; `R8` then zeroes a denominator of `R8 + …`): a verdict, never a panic or an error.
#[test]
fn hostile_points_get_a_verdict_not_a_crash() {
    use ark_ec::twisted_edwards::TECurveConfig;
    use zkrollup_spec::primitives::eddsa::circom_to_ark_x_factor;
    let factor = circom_to_ark_x_factor();
    let d = ark_ed_on_bn254::EdwardsConfig::COEFF_D;
    let a = Point { x: Fr::from(2u8) / factor, y: Fr::from(1u8) };
    let x8 = Fr::from(3280u32) / Fr::from(3281u32); // the x of 8·(2, 1) in arkworks' coordinates
    let doubling_divides_by_zero =
        [Point { x: Fr::from(0u8), y: Fr::from(0u8) }, Point { x: Fr::from(1u8) / factor, y: Fr::from(1u8) }];
    let mut cases: Vec<(Point, Point)> = doubling_divides_by_zero.iter().map(|p| (*p, Point::base8())).collect();
    for y in 1u64..20 {
        for sign in [Fr::from(1u8), -Fr::from(1u8)] {
            let x_ark = sign / (d * x8 * Fr::from(y));
            cases.push((a, Point { x: x_ark / factor, y: Fr::from(y) }));
        }
    }
    for (key, r8) in cases {
        for mode in [Mode::Input, Mode::Witness] {
            let verdict = std::panic::catch_unwind(|| {
                let (cs, v) = alloc(mode, &[key.x, key.y, Fr::from(3u8), r8.x, r8.y, Fr::from(5u8)]);
                let key = PointVar { x: v[0].clone(), y: v[1].clone() };
                let r8 = PointVar { x: v[3].clone(), y: v[4].clone() };
                enforce_verify(&key, &v[2], &r8, &v[5]).map(|()| zkrollup_circuits::satisfaction::is_satisfied(&cs))
            });
            assert!(matches!(verdict, Ok(Ok(Ok(false)))), "{key:?}, {r8:?} in {mode:?}: {verdict:?}");
        }
    }
}
