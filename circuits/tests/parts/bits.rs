//! Range checks and comparisons on bits, in every allocation mode.

use crate::support::{alloc, Mode, MODES};
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
