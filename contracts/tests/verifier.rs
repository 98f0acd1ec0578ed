//! The Solidity Groth16 verifier in revm against real proofs from the exit circuit: a valid
//! proof verifies, and a wrong public input, a tampered proof or out-of-range words are
//! refused (returning false, never reverting). Reports the verification gas.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{dev_setup, prove, verify};
use zkrollup_contracts::artifacts::{bytecode, Groth16Verifier, GROTH16_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::verifier::{constructor_args, fr_word, proof_words};
use zkrollup_spec::exit::exit_witness;
use zkrollup_spec::primitives::{Address as L2Address, Fr};
use zkrollup_spec::state::{Account, State};

const DEPLOYER: Address = Address::new([0xd0; 20]);

fn call_verify(evm: &mut L1Evm, at: Address, proof: [U256; 8], input: U256) -> (bool, u64) {
    let data = Groth16Verifier::verifyProofCall { proof, input }.abi_encode();
    let out = evm.call(DEPLOYER, at, data).expect("verifyProof never reverts");
    let ok = Groth16Verifier::verifyProofCall::abi_decode_returns(&out.output).expect("a bool");
    (ok, out.gas_used)
}

#[test]
fn exit_proofs_verify_on_chain_exactly_when_they_verify_natively() {
    let mut a = Account::new(L2Address([1; 20]));
    a.set_balance(3, 500);
    let state = State::from_accounts(vec![a, Account::new(L2Address([2; 20]))]).unwrap();
    let (claim, w) = exit_witness(&state, 0, 3).unwrap();
    let (pk, vk) = dev_setup(ExitCircuit::blank(), 11).unwrap();
    let proof = prove(&pk, ExitCircuit { claim: claim.clone(), witness: Some(w) }, 2).unwrap();
    let input = claim.public_input();
    assert!(verify(&vk, &[input], &proof).unwrap());

    let mut evm = L1Evm::new();
    let (at, deploy_gas) = evm.deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(&vk).unwrap()).unwrap();
    let words = proof_words(&proof);
    let (ok, gas) = call_verify(&mut evm, at, words, fr_word(&input));
    eprintln!("Groth16 verifier: deploy {deploy_gas} gas, verifyProof {gas} gas (transaction total)");
    assert!(ok, "a valid proof verifies");
    assert!(gas <= 230_000, "verification costs {gas} gas");

    let (ok, _) = call_verify(&mut evm, at, words, fr_word(&(input + Fr::from(1u8))));
    assert!(!ok, "another public input");
    let mut tampered = words;
    tampered[6] += U256::from(1u8); // C.x: no longer on the curve, the precompile fails
    assert!(!call_verify(&mut evm, at, tampered, fr_word(&input)).0, "C off the curve");
    let mut swapped = words;
    swapped.swap(2, 3); // B.x as (c0, c1): the G2 order matters
    assert!(!call_verify(&mut evm, at, swapped, fr_word(&input)).0, "B in arkworks' order");
    let r = U256::from_str_radix("21888242871839275222246405745257275088548364400416034343698204186575808495617", 10)
        .unwrap();
    assert!(!call_verify(&mut evm, at, words, fr_word(&input) + r).0, "input + r is not canonical");
}
