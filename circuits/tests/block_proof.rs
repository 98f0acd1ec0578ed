//! A real Groth16 proof of a block: it verifies with arkworks and with snarkjs (an independent
//! verifier, given our exported verification_key.json, proof.json and public.json), and both
//! refuse it for another public input. snarkjs needs `npm ci` in circuits/tests/external (CI
//! does it); without it the snarkjs half says it did not run.

use zkrollup_circuits::block::{self, BlockCircuit};
use zkrollup_circuits::export;
use zkrollup_circuits::groth16::{dev_setup, prove, verify};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::testkit::*;

#[test]
fn a_block_proof_verifies_in_arkworks_and_snarkjs() {
    let pre = funded_state(3, &[(0, 1_000_000)]);
    let inputs = vec![
        BlockInput::Tx(transfer(&user(0), 0, user(1).address, 0, 700, 3, 0)),
        BlockInput::Tx(transfer(&user(1), 1, user(7).address, 0, 20, 1, 0)),
    ];
    let mut spec_state = pre.clone();
    let b = apply_block(&mut spec_state, &BlockParams { context: context(), chunks: 8 }, &inputs).unwrap();
    let w = block::build(&mut RefState::from_spec(&pre), &context(), 8, &inputs).unwrap();
    let (pk, vk) = dev_setup(BlockCircuit::blank(8), 11).unwrap();
    let proof = prove(&pk, BlockCircuit::new(8, w).unwrap(), 5).unwrap();
    let input = b.public_input();
    assert!(verify(&vk, &[input], &proof).unwrap());
    assert!(!verify(&vk, &[input + Fr::from(1u8)], &proof).unwrap());

    let Some(bin) = export::snarkjs() else {
        eprintln!("NOT CHECKED: snarkjs is not installed (npm ci in circuits/tests/external)");
        return;
    };
    assert!(export::snarkjs_verifies(&bin, &vk, &proof, &[input]).unwrap(), "snarkjs verifies the block proof");
    let other = [input + Fr::from(1u8)];
    assert!(!export::snarkjs_verifies(&bin, &vk, &proof, &other).unwrap(), "snarkjs refuses another public input");
}
