//! Range checks and comparisons on bits, in every allocation mode.

use crate::support::{alloc, Mode, MODES};
use ark_ff::Field;
use ark_r1cs_std::GR1CSVar;
use zkrollup_circuits::gadgets::bits::*;
use zkrollup_spec::primitives::Fr;

#[test]
fn ranges_and_comparisons() {
    for mode in MODES {
        let (cs, v) = alloc(mode, &[Fr::from(255u16), Fr::from(256u16), Fr::from(7u8)]);
        to_bits(&v[0], 8).unwrap();
        assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
        assert!(is_le(&v[2], &v[0], 9).unwrap().value().unwrap());
        assert!(!is_le(&v[1], &v[0], 9).unwrap().value().unwrap());
        assert!(is_le(&v[0], &v[0], 9).unwrap().value().unwrap());
        assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(), "{mode:?}");
    }
    let (cs, v) = alloc(Mode::Witness, &[Fr::from(256u16)]);
    to_bits(&v[0], 8).unwrap();
    assert!(!zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(), "256 does not fit 8 bits");
    let (cs, v) = alloc(Mode::Witness, &[-Fr::from(1u8)]);
    to_bits(&v[0], 252).unwrap();
    assert!(!zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(), "p - 1 does not fit 252 bits");
}

/// `low_part`: the low 160 bits of the canonical integer, in every mode, 188 constraints; the
/// one high part it cannot represent (`⌊p/2^160⌋`) refused.
#[test]
fn low_parts_of_field_elements() {
    use ark_ff::{BigInteger, PrimeField, UniformRand};
    let mut rng = ark_std::test_rng();
    let mut top = Fr::MODULUS;
    top >>= 160;
    let two160 = Fr::from(2u8).pow([160u64]);
    let highest = Fr::from_bigint(top).unwrap() * two160 - Fr::from(1u8); // high part ⌊p/2^160⌋ − 1
    for x in (0..8).map(|_| Fr::rand(&mut rng)).chain([Fr::from(0u8), highest]) {
        let mut low = x.into_bigint().to_bits_le();
        low.truncate(160);
        let expected = Fr::from_bigint(<Fr as PrimeField>::BigInt::from_bits_le(&low)).unwrap();
        for mode in MODES {
            let (cs, v) = alloc(mode, &[x]);
            assert_eq!(low_part(&v[0], 160).unwrap().value().unwrap(), expected, "{x} in {mode:?}");
            assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
            if mode == Mode::Witness {
                assert_eq!(cs.num_constraints(), 188);
            }
        }
    }
    let x = highest + Fr::from(1u8); // p − 1 has this high part too
    let (cs, v) = alloc(Mode::Witness, &[x]);
    let _low = low_part(&v[0], 160).unwrap();
    assert!(!zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(), "the high part ⌊p/2^160⌋");
    let (_, v) = alloc(Mode::Constant, &[x]);
    assert!(low_part(&v[0], 160).is_err(), "as a constant too");
}
