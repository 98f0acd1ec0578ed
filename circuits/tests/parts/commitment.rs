//! The commitment gadget against the spec's commitment (its SHA-256: `sha256.rs`).

use crate::support::{alloc, Mode};
use ark_r1cs_std::uint8::UInt8;
use ark_r1cs_std::GR1CSVar;
use zkrollup_circuits::gadgets::commitment::*;
use zkrollup_spec::block::{commitment, public_input};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::transition::BlockContext;

#[test]
fn agrees_with_the_spec_commitment() {
    let ctx = BlockContext { block_number: 7, fee_account: 3, timestamp: 1_700_000_000 };
    let (old, new) = (Fr::from(11u8), Fr::from(22u8));
    let pubdata: Vec<u8> = (0..64u8).collect();
    let flags = vec![1u8, 0, 0, 0, 0, 0, 1, 0];
    let want = public_input(&commitment(&ctx, &old, &new, &pubdata, &flags));
    let mut bytes = ctx.block_number.to_be_bytes().to_vec();
    bytes.extend(ctx.fee_account.to_be_bytes());
    bytes.extend(ctx.timestamp.to_be_bytes());
    bytes.extend(zkrollup_spec::primitives::field::fr_to_be_bytes(&old));
    bytes.extend(zkrollup_spec::primitives::field::fr_to_be_bytes(&new));
    bytes.extend(&pubdata);
    bytes.extend(&flags);
    let (cs, _) = alloc(Mode::Witness, &[]);
    let vars = UInt8::new_witness_vec(cs.clone(), &bytes).unwrap();
    assert_eq!(truncated_sha256(&vars).unwrap().value().unwrap(), want);
    assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
}
