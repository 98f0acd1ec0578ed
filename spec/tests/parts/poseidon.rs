//! Poseidon against circomlib's values.

use zkrollup_spec::primitives::field::fr_from_decimal;
use zkrollup_spec::primitives::poseidon::*;
use zkrollup_spec::primitives::Fr;

#[test]
fn circomlib_published_value() {
    // circomlib's test suite: poseidon([1, 2]).
    let want = fr_from_decimal("7853200120776062878684798364095072458815029376092732009249414926327459813530").unwrap();
    assert_eq!(poseidon(&[Fr::from(1u8), Fr::from(2u8)]), want);
}

#[test]
#[should_panic(expected = "Poseidon takes 1 to 12 inputs")]
fn zero_inputs_is_a_bug() {
    poseidon(&[]);
}
