//! Whether an assignment satisfies a constraint system, checked as synthesised: what the block
//! circuit's verdict, the gadgets' tests and the soundness suites ask of every witness.

use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisError, Variable, R1CS_PREDICATE_LABEL};
use zkrollup_spec::primitives::Fr;

/// The index of the first R1CS constraint the assignment violates.
///
/// Checked on the constraint system as synthesised, without `finalize`: inlining every linear
/// combination into matrix rows (sorting, compacting and allocating each) was most of a check's
/// time. ark-relations caches the value of each linear combination at its creation; those are
/// evaluated again here, in creation order (each names only earlier ones), so that an
/// assignment edited after synthesis (a test claiming another public input) is checked as it
/// now stands. The constraints are then checked here, sequentially: ark-relations' own check
/// evaluates each through a generic polynomial whose rayon-parallel sum, on a million small
/// constraints, spends most of its time waking threads (measured: twice as slow as inlining).
pub fn first_unsatisfied(cs: &ConstraintSystemRef<Fr>) -> Result<Option<usize>, SynthesisError> {
    let mut b = cs.borrow_mut().ok_or(SynthesisError::MissingCS)?;
    evaluate_linear_combinations(&mut b)?;
    let value = |v: Variable| b.assigned_value(v).ok_or(SynthesisError::AssignmentMissing);
    let [x, y, z] = r1cs_operands(&b)?;
    for i in 0..x.len() {
        if value(x[i])? * value(y[i])? != value(z[i])? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Evaluates every linear combination of a synthesised system into its assignment, in creation
/// order (each names only earlier ones), so that `assigned_value` of any operand is current.
pub(crate) fn evaluate_linear_combinations(b: &mut ConstraintSystem<Fr>) -> Result<(), SynthesisError> {
    if b.is_in_setup_mode() {
        return Err(SynthesisError::AssignmentMissing);
    }
    let lcs = b.lc_map.num_lcs();
    b.assignments.lc_assignment.resize(lcs, Fr::from(0u8));
    for i in 0..lcs {
        let lc = b.get_lc(Variable::symbolic_lc(i));
        let value = lc.iter().map(|(k, v)| b.assigned_value(*v).map(|x| *k * x)).sum::<Option<Fr>>();
        b.assignments.lc_assignment[i] = value.ok_or(SynthesisError::AssignmentMissing)?;
    }
    Ok(())
}

/// The operands of the system's R1CS constraints, a column each: constraint `i` says
/// `a[i] · b[i] = c[i]`, each operand a variable or a linear combination. The block and exit
/// circuits register no other predicate.
pub(crate) fn r1cs_operands(b: &ConstraintSystem<Fr>) -> Result<[&[Variable]; 3], SynthesisError> {
    let mut predicates = b.predicate_constraint_systems.iter();
    let (Some((label, predicate)), None) = (predicates.next(), predicates.next()) else {
        return Err(SynthesisError::PredicateNotFound);
    };
    match &predicate.get_constraints()[..] {
        [a, b, c] if label == R1CS_PREDICATE_LABEL => Ok([&a[..], &b[..], &c[..]]),
        _ => Err(SynthesisError::PredicateNotFound),
    }
}

/// Whether the assignment satisfies every constraint ([`first_unsatisfied`] finds none).
pub fn is_satisfied(cs: &ConstraintSystemRef<Fr>) -> Result<bool, SynthesisError> {
    Ok(first_unsatisfied(cs)?.is_none())
}
