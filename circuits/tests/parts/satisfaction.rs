//! The satisfaction check: the first violated constraint named, edited assignments checked as they stand.

use ark_relations::gr1cs::SynthesisMode;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisError};
use ark_relations::lc;
use zkrollup_circuits::satisfaction::*;
use zkrollup_spec::primitives::Fr;

/// x · y = x + y, with x public, y a witness and x + y a linear combination of its own.
fn system(x: u64, y: u64, mode: SynthesisMode) -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(mode);
    let xv = cs.new_input_variable(|| Ok(Fr::from(x))).unwrap();
    let yv = cs.new_witness_variable(|| Ok(Fr::from(y))).unwrap();
    cs.enforce_r1cs_constraint(|| lc!() + xv, || lc!() + yv, || lc!() + yv).unwrap();
    let sum = cs.new_lc(|| lc!() + xv + yv).unwrap();
    cs.enforce_r1cs_constraint(|| lc!() + xv, || lc!() + yv, || lc!() + sum).unwrap();
    cs
}

const EAGER: SynthesisMode = SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: true };
const LAZY: SynthesisMode = SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false };

#[test]
fn the_first_violated_constraint_is_named_whether_or_not_values_were_cached() {
    for mode in [EAGER, LAZY] {
        // 1·0 = 0 but 1·0 ≠ 1 + 0; 2·2 ≠ 2 (though 2·2 = 2 + 2); 1·1 = 1 but 1·1 ≠ 1 + 1.
        assert_eq!(first_unsatisfied(&system(1, 0, mode)).unwrap(), Some(1));
        assert_eq!(first_unsatisfied(&system(2, 2, mode)).unwrap(), Some(0));
        assert_eq!(first_unsatisfied(&system(1, 1, mode)).unwrap(), Some(1));
        assert_eq!(first_unsatisfied(&system(0, 0, mode)).unwrap(), None);
        assert!(is_satisfied(&system(0, 0, mode)).unwrap());
    }
}

#[test]
fn an_assignment_edited_after_synthesis_is_checked_as_it_stands() {
    // 0·0 = 0 + 0 holds; with x edited to 1, the cached value of x + y (0) is stale: the
    // first constraint holds (1·0 = 0), the second must not (1·0 ≠ 1 + 0).
    let cs = system(0, 0, EAGER);
    assert!(is_satisfied(&cs).unwrap());
    cs.borrow_mut().unwrap().assignments.instance_assignment[1] = Fr::from(1u8);
    assert_eq!(first_unsatisfied(&cs).unwrap(), Some(1));
}

#[test]
fn a_system_without_an_assignment_is_refused() {
    let cs = system(0, 0, SynthesisMode::Setup);
    assert!(matches!(first_unsatisfied(&cs), Err(SynthesisError::AssignmentMissing)));
}
