//! Float unpacking of amounts and fees against the spec's decoder.

use crate::support::{alloc, Mode, MODES};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::GR1CSVar;
use zkrollup_circuits::gadgets::packing::*;
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
use zkrollup_spec::primitives::Fr;

fn bits_of(bytes: &[u8]) -> Vec<bool> {
    bytes.iter().flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1 == 1)).collect()
}

fn run(mode: Mode, bytes: &[u8]) -> (bool, Option<Fr>) {
    let (cs, _) = alloc(mode, &[]);
    let bits: Vec<Boolean<Fr>> = bits_of(bytes)
        .into_iter()
        .map(|b| match mode {
            Mode::Constant => Ok(Boolean::constant(b)),
            Mode::Input => Boolean::new_input(cs.clone(), || Ok(b)),
            Mode::Witness => Boolean::new_witness(cs.clone(), || Ok(b)),
        })
        .collect::<Result<_, _>>()
        .unwrap();
    match unpack(&bits, 5) {
        Ok(v) => (zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap(), v.value().ok()),
        Err(_) => (false, None),
    }
}

#[test]
fn agrees_with_the_spec_decoder() {
    let amounts = [0u128, 1, 1000, (1 << 35) - 1, 10u128.pow(30), u128::MAX];
    for v in amounts {
        let p = PackedAmount::closest_packable(v);
        for mode in MODES {
            assert_eq!(run(mode, &p.to_bytes()), (true, Some(Fr::from(p.value()))), "{v} {mode:?}");
        }
    }
    for v in [0u128, 2047, 2049, u128::MAX] {
        let p = PackedFee::closest_packable(v);
        assert_eq!(run(Mode::Witness, &p.to_bytes()), (true, Some(Fr::from(p.value()))));
    }
    // Bytes the spec refuses (value ≥ 2^128) leave the circuit unsatisfiable.
    assert_eq!(PackedAmount::from_bytes(&[0xff; 5]), None);
    assert!(!run(Mode::Witness, &[0xff; 5]).0);
}
