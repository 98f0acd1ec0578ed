//! Groth16 over BN254: a deterministic **development** setup from a seed, proving and
//! verifying.
//!
//! **Insecure for production**: whoever knows the seed can forge proofs. A real deployment
//! needs a multi-party ceremony; the seed exists so that tests and the demo are reproducible.

use crate::satisfaction::{evaluate_linear_combinations, r1cs_operands};
use ark_bn254::Bn254;
use ark_ff::UniformRand;
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisError, SynthesisMode,
    Variable,
};
use ark_relations::utils::matrix::Matrix;
use ark_snark::SNARK;
use ark_std::rand::rngs::StdRng;
use ark_std::rand::SeedableRng;
use zkrollup_spec::primitives::Fr;

pub type Pk = ProvingKey<Bn254>;
pub type Vk = VerifyingKey<Bn254>;
pub type Groth16Proof = Proof<Bn254>;

/// Printed wherever development keys are made or used.
pub const INSECURE_SETUP_WARNING: &str =
    "WARNING: development Groth16 setup from a public seed: anyone can forge proofs. Never deploy these keys.";

#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    #[error("Groth16: {0}")]
    Synthesis(#[from] ark_relations::gr1cs::SynthesisError),
}

/// A circuit behind a box, as the entry points below hand it to ark-groth16. A generic
/// function is compiled in every crate that uses it; ark-groth16's setup and prover
/// instantiated for each circuit type, in each crate and test binary that proves, cost about 40
/// s of compiling each (`cargo test --release --timings`). Behind the box they are compiled
/// once, here; only the closure that synthesises is generic.
struct Boxed<'a>(Box<dyn FnOnce(ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> + 'a>);

impl ConstraintSynthesizer<Fr> for Boxed<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        (self.0)(cs)
    }
}

fn boxed<'a, C: ConstraintSynthesizer<Fr> + 'a>(circuit: C) -> Boxed<'a> {
    Boxed(Box::new(move |cs| circuit.generate_constraints(cs)))
}

/// Keys for `circuit`'s shape from `seed` (deterministic, insecure).
pub fn dev_setup<C: ConstraintSynthesizer<Fr>>(circuit: C, seed: u64) -> Result<(Pk, Vk), ProofError> {
    setup_boxed(boxed(circuit), seed)
}

fn setup_boxed(circuit: Boxed<'_>, seed: u64) -> Result<(Pk, Vk), ProofError> {
    let mut rng = StdRng::seed_from_u64(seed);
    Ok(Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng)?)
}

/// A proof for `circuit` (randomised by `seed`: proofs are zero-knowledge, any seed is fine).
///
/// The same proof, bit for bit, as ark-groth16's `Groth16::prove` with the same seed (tested),
/// reached without `finalize`: the library inlines every linear combination into matrix rows
/// before its witness map, which only evaluates each row at the assignment. Here each operand's
/// value comes from the linear combinations evaluated once in creation order (as the
/// satisfaction check does), and the witness map is handed one-term rows `(value, 0)` (variable
/// 0 is the constant one). Inlining adds no variable under `OptimizationGoal::Constraints`, the
/// goal of the setup, so the assignment is laid out as the proving key expects. About 10 % faster
/// than the library's prover, with less memory (`bench circuits`, both in one run).
pub fn prove<C: ConstraintSynthesizer<Fr>>(pk: &Pk, circuit: C, seed: u64) -> Result<Groth16Proof, ProofError> {
    prove_boxed(pk, boxed(circuit), seed)
}

fn prove_boxed(pk: &Pk, circuit: Boxed<'_>, seed: u64) -> Result<Groth16Proof, ProofError> {
    let mut rng = StdRng::seed_from_u64(seed);
    // Drawn as ark-groth16's `create_random_proof_with_reduction` draws them.
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone())?;
    let mut system = cs.borrow_mut().ok_or(SynthesisError::MissingCS)?;
    evaluate_linear_combinations(&mut system)?;
    let value = |v: &Variable| system.assigned_value(*v).ok_or(SynthesisError::AssignmentMissing);
    let [a, b, c] = r1cs_operands(&system)?
        .map(|column| column.iter().map(|v| Ok(vec![(value(v)?, 0)])).collect::<Result<Matrix<Fr>, SynthesisError>>());
    let assignment = [system.instance_assignment()?, system.witness_assignment()?].concat();
    Ok(Groth16::<Bn254>::create_proof_with_reduction_and_matrices(
        pk,
        r,
        s,
        &[a?, b?, c?],
        system.num_instance_variables(),
        system.num_constraints(),
        &assignment,
    )?)
}

/// ark-groth16's own prover (`Groth16::prove`), which inlines the linear combinations: the
/// measure [`prove`] is compared with, in `bench circuits` and the tests.
pub fn prove_as_ark_groth16<C: ConstraintSynthesizer<Fr>>(
    pk: &Pk,
    circuit: C,
    seed: u64,
) -> Result<Groth16Proof, ProofError> {
    ark_prove_boxed(pk, boxed(circuit), seed)
}

fn ark_prove_boxed(pk: &Pk, circuit: Boxed<'_>, seed: u64) -> Result<Groth16Proof, ProofError> {
    let mut rng = StdRng::seed_from_u64(seed);
    Ok(Groth16::<Bn254>::prove(pk, circuit, &mut rng)?)
}

/// Whether `proof` proves the circuit of `vk` for `public_inputs`.
pub fn verify(vk: &Vk, public_inputs: &[Fr], proof: &Groth16Proof) -> Result<bool, ProofError> {
    Ok(Groth16::<Bn254>::verify(vk, public_inputs, proof)?)
}
