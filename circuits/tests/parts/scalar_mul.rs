//! The two scalar multiplications of a signature check against the spec's (arkworks')
//! `mul_integer`, at the scalars where their tricks could break, in every allocation mode; the
//! ladder's offset against a value computed outside this code; and the bounds that pin the
//! ladder's scalar refusing the other integers congruent to it.

use crate::support::{alloc, count, Mode, MODES};
use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ed_on_bn254::EdwardsAffine;
use ark_ff::{AdditiveGroup, BigInteger, PrimeField, UniformRand, Zero};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::ConstraintSystem;
use zkrollup_circuits::gadgets::bits::{decompose_integer, enforce_bound, Bound};
use zkrollup_circuits::gadgets::fixed_base::mul_base8;
use zkrollup_circuits::gadgets::variable_base::{self, offset_bounds};
use zkrollup_circuits::satisfaction::is_satisfied;
use zkrollup_spec::primitives::eddsa::{circom_to_ark_x_factor, Point, Scalar};
use zkrollup_spec::primitives::field::fr_from_decimal;
use zkrollup_spec::primitives::Fr;

fn ark(p: &Point) -> EdwardsAffine {
    EdwardsAffine::new_unchecked(p.x * circom_to_ark_x_factor(), p.y)
}

fn circom(x_ark: Fr, y: Fr) -> Point {
    Point { x: x_ark / circom_to_ark_x_factor(), y }
}

/// Scalars where windows, signs, offsets and bounds turn: 2, l + 65, 2^251 − 1, 2^253, p − 1,
/// and random ones (not those next to a multiple of `l`, where the ladder is incomplete, below).
fn scalars() -> Vec<Fr> {
    let l = Fr::from_le_bytes_mod_order(&Scalar::MODULUS.to_bytes_le());
    let two = Fr::from(2u8);
    let mut out = vec![two, l + Fr::from(65u8), two.pow_u64(251) - Fr::from(1u8), two.pow_u64(253), -Fr::from(1u8)];
    let mut rng = ark_std::test_rng();
    out.extend((0..4).map(|_| Fr::rand(&mut rng)));
    out
}

trait PowU64 {
    fn pow_u64(self, e: u64) -> Self;
}

impl PowU64 for Fr {
    fn pow_u64(self, e: u64) -> Self {
        ark_ff::Field::pow(&self, [e])
    }
}

#[test]
fn the_ladder_agrees_with_the_spec_on_every_kind_of_scalar() {
    let p = Point::base8().mul_integer(&[123_456_789]);
    for k in scalars() {
        let expected = p.mul_integer(&k.into_bigint().0);
        for mode in MODES {
            let (cs, v) = alloc(mode, &[ark(&p).x, ark(&p).y, k]);
            let got = variable_base::mul(&EdwardsVar::new(v[0].clone(), v[1].clone()), &v[2]).expect("synthesis");
            let got = circom(got.x.value().unwrap(), got.y.value().unwrap());
            assert_eq!(got, expected, "{k} in {mode:?}");
            assert!(is_satisfied(&cs).unwrap(), "{k} in {mode:?}");
        }
    }
}

#[test]
fn windows_of_the_base_agree_with_the_spec_for_every_length() {
    for k in scalars().into_iter().filter(|k| k.into_bigint().num_bits() <= 253) {
        for len in [1usize, 2, 3, 4, 5, 251, 253] {
            let mut bits = k.into_bigint().to_bits_le();
            bits.truncate(len);
            let value = Fr::from_le_bytes_mod_order(&ark_ff::BigInt::<4>::from_bits_le(&bits).to_bytes_le());
            let expected = Point::base8().mul_integer(&value.into_bigint().0);
            for mode in MODES {
                let cs = ConstraintSystem::<Fr>::new_ref();
                let vars: Vec<Boolean<Fr>> = bits
                    .iter()
                    .map(|b| match mode {
                        Mode::Constant => Boolean::constant(*b),
                        Mode::Input => Boolean::new_input(cs.clone(), || Ok(*b)).unwrap(),
                        Mode::Witness => Boolean::new_witness(cs.clone(), || Ok(*b)).unwrap(),
                    })
                    .collect();
                let got = mul_base8(&vars).unwrap();
                assert_eq!(circom(got.x.value().unwrap(), got.y.value().unwrap()), expected, "{len} bits in {mode:?}");
                assert!(is_satisfied(&cs).unwrap());
            }
        }
    }
}

#[test]
fn the_offset_is_the_one_computed_outside_this_code() {
    // Python: l = 2736…3041; p = 2188…5617; C = 6*l - 2**253; (C, C + p - 1); C + p <= 2**254
    // and (C + 2**253) % l == 0.
    let (c, top) = offset_bounds();
    assert_eq!(c.to_string(), "1942170999214931988738431182856967834802135749746333050269095964701543033254");
    assert_eq!(top.to_string(), "23830413871054207210984836928114242923350500150162367393967300151277351528870");
    assert!(top.num_bits() <= 254);
}

/// The ladder's scalar `k + C` written as another integer congruent modulo `p`: each is
/// refused by the bound on its side.
#[test]
fn the_other_integers_congruent_to_the_ladders_scalar_are_refused() {
    let (c, top) = offset_bounds();
    let p = Fr::MODULUS;
    // k = p − 1: k + C is above p, so its reduction (k + C − p) is below C.
    let k = -Fr::from(1u8);
    let mut reduced = k.into_bigint();
    reduced.add_with_carry(&c);
    reduced.sub_with_borrow(&p);
    // k = 0: k + C + p is below 2^254, above the top.
    let mut raised = c;
    raised.add_with_carry(&p);
    for (k, integer, bound, what) in
        [(k, reduced, Bound::AtLeast, "k + C − p"), (Fr::from(0u8), raised, Bound::AtMost, "k + C + p")]
    {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let x = FpVar::new_witness(cs.clone(), || Ok(k + Fr::from_bigint(c).unwrap())).unwrap();
        let bits = decompose_integer(&x, 254, Some(integer)).unwrap();
        assert!(is_satisfied(&cs).unwrap(), "{what}: the decomposition itself holds");
        enforce_bound(&bits, if bound == Bound::AtLeast { c } else { top }, bound).unwrap();
        assert!(!is_satisfied(&cs).unwrap(), "{what} is refused");
    }
}

#[test]
fn bounds_agree_with_integer_comparison() {
    let k = ark_ff::BigInt::<4>::from(0b1011_0110u64);
    for x in 0u64..256 {
        for bound in [Bound::AtMost, Bound::AtLeast] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let v = FpVar::new_witness(cs.clone(), || Ok(Fr::from(x))).unwrap();
            let bits = decompose_integer(&v, 8, Some(Fr::from(x).into_bigint())).unwrap();
            enforce_bound(&bits, k, bound).unwrap();
            let holds = if bound == Bound::AtMost { x <= 0b1011_0110 } else { x >= 0b1011_0110 };
            assert_eq!(is_satisfied(&cs).unwrap(), holds, "{x} {bound:?}");
            assert!(cs.num_constraints() <= 9 + 8, "at most a constraint a bit");
        }
    }
}

#[test]
fn constraint_counts() {
    let p = ark(&Point::base8().mul_integer(&[77]));
    let k = fr_from_decimal("12345678901234567890123456789").unwrap();
    let ladder = count(|cs| {
        let x = FpVar::new_witness(cs.clone(), || Ok(p.x))?;
        let y = FpVar::new_witness(cs.clone(), || Ok(p.y))?;
        let k = FpVar::new_witness(cs.clone(), || Ok(k))?;
        variable_base::mul(&EdwardsVar::new(x, y), &k).map(|_| ())
    });
    let windows = count(|cs| {
        let bits =
            (0..251).map(|i| Boolean::new_witness(cs.clone(), || Ok(i % 3 == 0))).collect::<Result<Vec<_>, _>>()?;
        mul_base8(&bits).map(|_| ())
    });
    eprintln!("k·P: {ladder} constraints; s·B8 for 251 bits: {windows}");
    assert_eq!((ladder, windows - 251), (2_295, 748), "less the bits' own booleanity");
}

/// The first exceptional step of the ladder on `k`, computed apart from the gadget over the
/// integers modulo `l`: `Some(true)` where `acc = t` (the slope constraint `λ·0 = 0` would let a
/// prover pick `λ`), `Some(false)` where the step has no solution at all (`acc = −t`, or
/// `2·acc + t` or `acc` the identity).
fn first_exception(k: Fr) -> Option<bool> {
    let (c, _) = offset_bounds();
    let mut shifted = k.into_bigint();
    shifted.add_with_carry(&c);
    let bits = shifted.to_bits_le();
    let mut v = Scalar::from(2u8);
    for b in bits[1..254].iter().rev() {
        let t = if *b { Scalar::from(1u8) } else { -Scalar::from(1u8) };
        if v == t {
            return Some(true);
        }
        if v == -t || v.is_zero() || v.double() + t == Scalar::from(0u8) {
            return Some(false);
        }
        v = v.double() + t;
    }
    None
}

/// The ladder's incompleteness, measured: the scalars it cannot multiply all lie within 8 of a
/// multiple of `l`; they are exactly those where an independent walk of the ladder over the
/// integers modulo `l` meets an exceptional step, and none of them reaches the free-slope case
/// (so no witness at all satisfies them); an honest witness never gives a wrong point.
#[test]
fn the_ladder_refuses_only_scalars_next_to_a_multiple_of_l() {
    let p = Point::base8().mul_integer(&[987_654_321]);
    let l = Fr::from_le_bytes_mod_order(&Scalar::MODULUS.to_bytes_le());
    let mut refused = 0;
    for n in 0u64..8 {
        for d in -80i64..=80 {
            let shift = if d < 0 { -Fr::from(d.unsigned_abs()) } else { Fr::from(d as u64) };
            let k = l * Fr::from(n) + shift;
            let (cs, v) = alloc(Mode::Witness, &[ark(&p).x, ark(&p).y, k]);
            let got = variable_base::mul(&EdwardsVar::new(v[0].clone(), v[1].clone()), &v[2]).expect("synthesis");
            let right = circom(got.x.value().unwrap(), got.y.value().unwrap()) == p.mul_integer(&k.into_bigint().0);
            let satisfied = is_satisfied(&cs).unwrap();
            assert_eq!(satisfied, first_exception(k).is_none(), "{n}·l + {d}");
            assert_ne!(first_exception(k), Some(true), "{n}·l + {d} reaches a free slope");
            if satisfied {
                assert!(right, "{n}·l + {d}: a wrong point");
            } else {
                assert!(d.abs() <= 8, "{n}·l + {d} refused");
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 38);
    let mut rng = ark_std::test_rng();
    assert!((0..10_000).all(|_| first_exception(Fr::rand(&mut rng)).is_none()), "random scalars are complete");
}
