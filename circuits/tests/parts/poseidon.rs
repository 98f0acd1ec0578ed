//! The Poseidon gadget against the spec's Poseidon, in every allocation mode, and its cost.

use crate::support::{alloc, count, NewWitness, MODES};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::GR1CSVar;
use zkrollup_circuits::gadgets::poseidon::*;
use zkrollup_spec::primitives::poseidon::poseidon;
use zkrollup_spec::primitives::Fr;

#[test]
fn agrees_with_the_spec_in_every_allocation_mode() {
    for n in [1usize, 2, 4, 5, 12] {
        let xs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 * 7919 + 3)).collect();
        for mode in MODES {
            let (cs, vars) = alloc(mode, &xs);
            let h = poseidon_var(&vars).unwrap();
            assert_eq!(h.value().unwrap(), poseidon(&xs), "n={n} {mode:?}");
            assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
        }
    }
}

#[test]
fn constraint_counts() {
    // 3 per S-box: t=3 has 8·3 + 57, t=5 8·5 + 60, t=6 8·6 + 60; the first S-box of the
    // capacity element acts on a constant and is free. These equal circom 2 --O2 counts.
    for (n, want) in [(2usize, 240usize), (4, 297), (5, 321)] {
        let xs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 + 1)).collect();
        let c = count(|cs| {
            let (_, vars) = crate::support::alloc_in(&cs, crate::support::Mode::Witness, &xs);
            poseidon_var(&vars).map(|_| ())
        });
        assert_eq!(c, want, "Poseidon({n})");
    }
}

#[test]
fn a_wrong_claimed_output_is_unsatisfiable() {
    let xs = [Fr::from(1u8), Fr::from(2u8)];
    let (cs, vars) = alloc(crate::support::Mode::Witness, &xs);
    let h = poseidon_var(&vars).unwrap();
    let claimed = FpVar::new_witness_helper(&cs, poseidon(&xs) + Fr::from(1u8));
    use ark_r1cs_std::eq::EqGadget;
    h.enforce_equal(&claimed).unwrap();
    assert!(!zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
}
