//! Groth16 proving and verifying: an exit proof verifies, binds its public input, and snarkjs agrees.

use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::*;
use zkrollup_spec::exit::exit_witness;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::state::{Account, State};

#[test]
fn an_exit_proof_verifies_and_binds_its_public_input() {
    let mut a = Account::new(Address([1; 20]));
    a.set_balance(3, 500);
    let state = State::from_accounts(vec![a, Account::new(Address([2; 20]))]).unwrap();
    let (claim, w) = exit_witness(&state, 0, 3).unwrap();
    let (pk, vk) = dev_setup(ExitCircuit::blank(), 7).unwrap();
    let circuit = ExitCircuit { claim: claim.clone(), witness: Some(w) };
    let proof = prove(&pk, circuit.clone(), 1).unwrap();
    assert_eq!(proof, prove_as_ark_groth16(&pk, circuit, 1).unwrap(), "ark-groth16's proof for the seed");
    assert!(verify(&vk, &[claim.public_input()], &proof).unwrap());
    assert!(!verify(&vk, &[claim.public_input() + Fr::from(1u8)], &proof).unwrap());
    snarkjs_agrees(&vk, &proof, claim.public_input());
}

/// snarkjs, an independent implementation, verifies the exported proof and refuses it
/// for another public input. Needs `npm ci` in circuits/tests/external (CI does it).
fn snarkjs_agrees(vk: &Vk, proof: &Groth16Proof, input: Fr) {
    use zkrollup_circuits::export::{snarkjs, snarkjs_verifies};
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
