//! Ops: pubdata encoding and decoding, chunk counts.

use zkrollup_spec::op::*;
use zkrollup_spec::params::CHUNK_BYTES;
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::rules::Rule;

fn one_of_each() -> Vec<Op> {
    let a = Address([0xaa; 20]);
    vec![
        Op::Noop,
        Op::Deposit(DepositOp { account_id: 0xabcdef, token: 0xffff, amount: u128::MAX, address: a }),
        Op::TransferToNew(TransferToNewOp {
            from: 1,
            token: 2,
            amount: PackedAmount::closest_packable(12345),
            to_address: a,
            to: 3,
            fee: PackedFee::closest_packable(7),
        }),
        Op::Withdraw(WithdrawOp { account_id: 4, token: 5, amount: 6, fee: PackedFee::ZERO, to: a }),
        Op::Transfer(TransferOp {
            from: 7,
            token: 8,
            to: 9,
            amount: PackedAmount::closest_packable(1000),
            fee: PackedFee::closest_packable(2047),
        }),
        Op::FullExit(FullExitOp { account_id: 10, owner: a, token: 11, amount: 12 }),
        Op::ChangePubKey(ChangePubKeyOp {
            account_id: 13,
            new_pubkey_hash: PubKeyHash([0xbb; 20]),
            owner: a,
            nonce: u32::MAX,
            fee_token: 14,
            fee: PackedFee::ZERO,
        }),
        Op::ForcedExit(ForcedExitOp {
            initiator: 15,
            target: 16,
            token: 17,
            fee: PackedFee::ZERO,
            amount: 18,
            target_address: a,
        }),
    ]
}

/// Bytes each op of [`one_of_each`] uses before padding, per the module table.
const USED_BYTES: [usize; 8] = [1, 42, 36, 44, 16, 42, 52, 47];

#[test]
fn layouts_fill_the_documented_chunks() {
    for (op, used) in one_of_each().iter().zip(USED_BYTES) {
        let p = op.to_pubdata();
        assert_eq!(p.len(), op.chunks() * CHUNK_BYTES, "{}", op.name());
        assert_eq!(op.chunks(), used.div_ceil(CHUNK_BYTES), "{}", op.name());
        assert_eq!(Op::from_pubdata(&p), Ok(op.clone()));
    }
    // The design's byte budget: a Transfer is exactly two chunks, 16 bytes.
    assert_eq!(one_of_each()[4].to_pubdata().len(), 16);
}

#[test]
fn transfer_bytes_are_as_documented() {
    let p = one_of_each()[4].to_pubdata();
    // op 05 ‖ from 000007 ‖ token 0008 ‖ to 000009 ‖ amount 1000 = 0000007d00 ‖ fee 2047 = ffe0
    assert_eq!(hex::encode(p), "0500000700080000090000007d00ffe0");
}

#[test]
fn malformed_pubdata_is_rejected_with_its_rule() {
    for (op, used) in one_of_each().into_iter().zip(USED_BYTES) {
        assert_eq!(used == op.chunks() * CHUNK_BYTES, matches!(op, Op::Transfer(_)));
        let p = op.to_pubdata();
        for cut in 1..p.len() {
            assert_eq!(Op::from_pubdata(&p[..cut]).unwrap_err().rule, Rule::CodecTruncated, "{}", op.name());
        }
        let mut long = p.clone();
        long.extend([0u8; 8]);
        assert_eq!(Op::from_pubdata(&long).unwrap_err().rule, Rule::CodecTrailingBytes);
        let mut dirty = p.clone();
        *dirty.last_mut().unwrap() = 1;
        // Where the layout fills its last chunk (only Transfer), the last byte is data;
        // elsewhere it is padding and must be zero.
        let fills = matches!(op, Op::Transfer(_));
        match Op::from_pubdata(&dirty) {
            Ok(_) => assert!(fills, "{}: non-zero padding accepted", op.name()),
            Err(e) => assert_eq!(e.rule, Rule::CodecNonzeroPadding, "{}", op.name()),
        }
    }
    assert_eq!(Op::from_pubdata(&[4, 0, 0, 0, 0, 0, 0, 0]).unwrap_err().rule, Rule::CodecUnknownOp);
    assert_eq!(Op::from_pubdata(&[]).unwrap_err().rule, Rule::CodecTruncated);
    assert_eq!(decode_pubdata(&[0; 9]).unwrap_err().rule, Rule::CodecBadLength);
    assert_eq!(decode_pubdata(&[5, 0, 0, 0, 0, 0, 0, 0]).unwrap_err().rule, Rule::CodecTruncated);
}

#[test]
fn block_pubdata_splits_back_into_its_ops() {
    // Padding last: the ops, then two Noops.
    let mut ops = one_of_each();
    ops.rotate_left(1);
    ops.push(Op::Noop);
    let pubdata: Vec<u8> = ops.iter().flat_map(|o| o.to_pubdata()).collect();
    assert_eq!(decode_pubdata(&pubdata), Ok(ops));
}

#[test]
fn no_op_follows_a_noop() {
    let pubdata: Vec<u8> = one_of_each().iter().flat_map(|o| o.to_pubdata()).collect();
    let e = decode_pubdata(&pubdata).unwrap_err();
    assert_eq!(e.rule, Rule::CodecOpAfterNoop, "{e}");
    assert!(e.to_string().contains("Deposit at byte 8"), "{e}");
}
