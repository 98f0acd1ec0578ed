//! Groth16 over BN254: a deterministic **development** setup from a seed, proving and
//! verifying.
//!
//! **Insecure for production**: whoever knows the seed can forge proofs. A real deployment
//! needs a multi-party ceremony; the seed exists so that tests and the demo are reproducible.

use ark_bn254::Bn254;
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_relations::gr1cs::ConstraintSynthesizer;
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

/// Keys for `circuit`'s shape from `seed` (deterministic, insecure).
pub fn dev_setup<C: ConstraintSynthesizer<Fr>>(circuit: C, seed: u64) -> Result<(Pk, Vk), ProofError> {
    let mut rng = StdRng::seed_from_u64(seed);
    Ok(Groth16::<Bn254>::circuit_specific_setup(circuit, &mut rng)?)
}

/// A proof for `circuit` (randomised by `seed`: proofs are zero-knowledge, any seed is fine).
pub fn prove<C: ConstraintSynthesizer<Fr>>(pk: &Pk, circuit: C, seed: u64) -> Result<Groth16Proof, ProofError> {
    let mut rng = StdRng::seed_from_u64(seed);
    Ok(Groth16::<Bn254>::prove(pk, circuit, &mut rng)?)
}

/// Whether `proof` proves the circuit of `vk` for `public_inputs`.
pub fn verify(vk: &Vk, public_inputs: &[Fr], proof: &Groth16Proof) -> Result<bool, ProofError> {
    Ok(Groth16::<Bn254>::verify(vk, public_inputs, proof)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::ExitCircuit;
    use zkrollup_spec::exit::exit_witness;
    use zkrollup_spec::primitives::Address;
    use zkrollup_spec::state::{Account, State};

    #[test]
    fn an_exit_proof_verifies_and_binds_its_public_input() {
        let mut a = Account::new(Address([1; 20]));
        a.set_balance(3, 500);
        let state = State::from_accounts(vec![a, Account::new(Address([2; 20]))]).unwrap();
        let (claim, w) = exit_witness(&state, 0, 3).unwrap();
        let (pk, vk) = dev_setup(ExitCircuit::blank(), 7).unwrap();
        let circuit = ExitCircuit { claim: claim.clone(), witness: Some(w) };
        let proof = prove(&pk, circuit, 1).unwrap();
        assert!(verify(&vk, &[claim.public_input()], &proof).unwrap());
        assert!(!verify(&vk, &[claim.public_input() + Fr::from(1u8)], &proof).unwrap());
        snarkjs_agrees(&vk, &proof, claim.public_input());
    }

    /// snarkjs, an independent implementation, verifies the exported proof and refuses it
    /// for another public input. Needs `npm ci` in circuits/tests/external (CI does it).
    fn snarkjs_agrees(vk: &Vk, proof: &Groth16Proof, input: Fr) {
        use crate::export::{snarkjs, snarkjs_verifies};
        let Some(bin) = snarkjs() else {
            eprintln!("NOT CHECKED: snarkjs is not installed (npm ci in circuits/tests/external)");
            return;
        };
        assert!(snarkjs_verifies(&bin, vk, proof, &[input]).unwrap(), "snarkjs verifies our proof");
        assert!(
            !snarkjs_verifies(&bin, vk, proof, &[input + Fr::from(1u8)]).unwrap(),
            "snarkjs refuses another public input"
        );
    }
}
