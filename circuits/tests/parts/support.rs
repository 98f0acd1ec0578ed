//! Helpers for gadget tests: allocation in each mode, constraint counting.

use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef, SynthesisError};
use zkrollup_spec::primitives::Fr;

/// How a test value enters the circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Constant,
    Input,
    Witness,
}

pub(crate) const MODES: [Mode; 3] = [Mode::Constant, Mode::Input, Mode::Witness];

pub(crate) fn alloc_in(
    cs: &ConstraintSystemRef<Fr>,
    mode: Mode,
    xs: &[Fr],
) -> (ConstraintSystemRef<Fr>, Vec<FpVar<Fr>>) {
    let vars = xs
        .iter()
        .map(|x| match mode {
            Mode::Constant => FpVar::new_constant(cs.clone(), *x),
            Mode::Input => FpVar::new_input(cs.clone(), || Ok(*x)),
            Mode::Witness => FpVar::new_witness(cs.clone(), || Ok(*x)),
        })
        .collect::<Result<_, _>>()
        .expect("allocation");
    (cs.clone(), vars)
}

/// A fresh constraint system with `xs` allocated in `mode`.
pub(crate) fn alloc(mode: Mode, xs: &[Fr]) -> (ConstraintSystemRef<Fr>, Vec<FpVar<Fr>>) {
    alloc_in(&ConstraintSystem::<Fr>::new_ref(), mode, xs)
}

/// Constraints `f` adds to a fresh system.
pub(crate) fn count(f: impl FnOnce(ConstraintSystemRef<Fr>) -> Result<(), SynthesisError>) -> usize {
    let cs = ConstraintSystem::<Fr>::new_ref();
    f(cs.clone()).expect("synthesis");
    assert!(
        zkrollup_circuits::satisfaction::is_satisfied(&cs).expect("satisfiability"),
        "{:?}",
        zkrollup_circuits::satisfaction::first_unsatisfied(&cs)
    );
    cs.num_constraints()
}

/// Allocation shorthand for tests.
pub(crate) trait NewWitness {
    fn new_witness_helper(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Self;
}

impl NewWitness for FpVar<Fr> {
    fn new_witness_helper(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Self {
        FpVar::new_witness(cs.clone(), || Ok(v)).expect("allocation")
    }
}
