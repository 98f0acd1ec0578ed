//! Poseidon over BN254 with circomlib's parameters (x^5 S-box, 8 full rounds, circomlib's
//! partial rounds and constants), computed by the `light-poseidon` crate, whose output matches
//! circomlib's `Poseidon(n)` template and circomlibjs' `poseidon`.
//!
//! Widths used by the protocol: t=3 (pubkey hash), t=4 (signing messages), t=5 (tree nodes and
//! account leaves), t=6 (the EdDSA challenge).

use std::cell::RefCell;

use light_poseidon::{Poseidon, PoseidonHasher};

use super::Fr;

/// The largest number of inputs circomlib's parameters (and light-poseidon) support.
pub const MAX_INPUTS: usize = 12;

thread_local! {
    // Building the round constants costs far more than a hash, so keep one hasher per width.
    static HASHERS: RefCell<Vec<Option<Poseidon<Fr>>>> = RefCell::new((0..=MAX_INPUTS).map(|_| None).collect());
}

/// `Poseidon(inputs)`, as circomlib computes it. The number of inputs (1 to 12) is fixed by the
/// caller's code, never by data, so any other count is a bug and panics.
pub fn poseidon(inputs: &[Fr]) -> Fr {
    assert!((1..=MAX_INPUTS).contains(&inputs.len()), "Poseidon takes 1 to {MAX_INPUTS} inputs, got {}", inputs.len());
    HASHERS.with(|cell| {
        let mut hashers = cell.borrow_mut();
        let h = hashers[inputs.len()].get_or_insert_with(|| {
            Poseidon::<Fr>::new_circom(inputs.len()).expect("width supported by light-poseidon")
        });
        h.hash(inputs).expect("input count checked above")
    })
}
