//! A real Groth16 proof of a block: it verifies with arkworks and with snarkjs (an independent
//! verifier, given our exported verification_key.json, proof.json and public.json), and both
//! refuse it for another public input. snarkjs needs `npm ci` in circuits/tests/external (CI
//! does it); without it the snarkjs half says it did not run.

use std::process::Command;

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
    let proof = prove(&pk, BlockCircuit::new(w), 5).unwrap();
    let input = b.public_input();
    assert!(verify(&vk, &[input], &proof).unwrap());
    assert!(!verify(&vk, &[input + Fr::from(1u8)], &proof).unwrap());

    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/node_modules/.bin/snarkjs");
    if !bin.exists() {
        eprintln!("NOT CHECKED: snarkjs is not installed (npm ci in circuits/tests/external)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("zkrollup-block-snarkjs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, v: serde_json::Value| std::fs::write(dir.join(name), v.to_string()).unwrap();
    write("verification_key.json", export::verification_key(&vk));
    write("proof.json", export::proof(&proof));
    let snarkjs = |public: Fr| {
        write("public.json", export::public(&[public]));
        Command::new(&bin)
            .args(["groth16", "verify", "verification_key.json", "public.json", "proof.json"])
            .current_dir(&dir)
            .output()
            .expect("snarkjs runs")
            .status
            .success()
    };
    assert!(snarkjs(input), "snarkjs verifies the block proof");
    assert!(!snarkjs(input + Fr::from(1u8)), "snarkjs refuses another public input");
    std::fs::remove_dir_all(&dir).ok();
}
