//! Transaction bytes, signing messages and hashes; pubdata encoding and decoding, including
//! malformed input of every op.

use zkrollup_spec::op::{self as sop, Op};
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::testkit::*;
use zkrollup_spec::tx::{ChangePubKeyAuth, TimeWindow, Tx};

use crate::vectors::{Case, Expect};
use crate::wire::convert::{hex_of, op as wop, tx as wtx};
use crate::wire::{CodecCase as C, CodecInput, VectorInput};

fn case(name: impl Into<String>, desc: impl Into<String>, expect: Expect, c: C) -> Case {
    Case::new(name, desc, expect, VectorInput::Codec(CodecInput { case: c }))
}

/// One transaction of each type, plus edge values.
pub(super) fn sample_txs() -> Vec<(&'static str, Tx)> {
    let (u0, u1) = (user(0), user(1));
    let edge = Tx::Transfer(zkrollup_spec::tx::Transfer {
        account_id: zkrollup_spec::params::MAX_ACCOUNT_ID,
        to: Address([0xff; 20]),
        token: u16::MAX,
        amount: PackedAmount::closest_packable(u128::MAX),
        fee: PackedFee::closest_packable(u128::MAX),
        nonce: u32::MAX,
        time: TimeWindow { valid_from: u64::MAX, valid_until: u64::MAX },
        ..Default::default()
    })
    .signed(&u0.l2);
    let sig = u0.l1.personal_sign(b"any");
    vec![
        ("transfer", transfer(&u0, 0, u1.address, 0, 1000, 1, 0)),
        ("transfer_edges", edge),
        ("withdraw", withdraw(&u0, 3, u0.address, 1, 5000, 2, 7)),
        ("withdraw_u128_max", withdraw(&u0, 3, u0.address, 1, u128::MAX, 0, 7)),
        ("change_pubkey_onchain", change_pubkey(&u0, 0, 0, 0, 0, ChangePubKeyAuth::Onchain)),
        ("change_pubkey_eip191", change_pubkey(&u0, 0, 1, 10, 1, ChangePubKeyAuth::Eip191(sig))),
        ("change_pubkey_eip712", change_pubkey(&u0, 0, 1, 10, 1, ChangePubKeyAuth::Eip712(sig))),
        ("forced_exit", forced_exit(&u0, 0, u1.address, 1, 3, 2)),
    ]
}

fn sample_ops() -> Vec<(&'static str, Op)> {
    let a = user(2).address;
    vec![
        ("noop", Op::Noop),
        ("deposit", Op::Deposit(sop::DepositOp { account_id: 0xabcdef, token: 0xffff, amount: u128::MAX, address: a })),
        (
            "transfer_to_new",
            Op::TransferToNew(sop::TransferToNewOp {
                from: 1,
                token: 2,
                amount: amount(12345),
                to_address: a,
                to: 3,
                fee: fee(7),
            }),
        ),
        ("withdraw", Op::Withdraw(sop::WithdrawOp { account_id: 4, token: 5, amount: 6, fee: fee(0), to: a })),
        ("transfer", Op::Transfer(sop::TransferOp { from: 7, token: 8, to: 9, amount: amount(1000), fee: fee(2047) })),
        ("full_exit", Op::FullExit(sop::FullExitOp { account_id: 10, owner: a, token: 11, amount: 12 })),
        (
            "change_pubkey",
            Op::ChangePubKey(sop::ChangePubKeyOp {
                account_id: 13,
                new_pubkey_hash: user(2).pubkey_hash,
                owner: a,
                nonce: u32::MAX,
                fee_token: 14,
                fee: fee(0),
            }),
        ),
        (
            "forced_exit",
            Op::ForcedExit(sop::ForcedExitOp {
                initiator: 15,
                target: 16,
                token: 17,
                fee: fee(0),
                amount: 18,
                target_address: a,
            }),
        ),
    ]
}

pub(super) fn groups() -> Vec<(&'static str, Vec<Case>)> {
    let mut txs = Vec::new();
    for (name, t) in sample_txs() {
        txs.push(case(
            format!("encode_{name}"),
            format!("bytes, body, signing message and hash of a {}", t.name()),
            Expect::Ok,
            C::EncodeTx { tx: wtx(&t) },
        ));
        let bytes = t.to_bytes();
        txs.push(case(
            format!("decode_{name}"),
            format!("decode a {}", t.name()),
            Expect::Ok,
            C::DecodeTx { bytes: hex_of(&bytes) },
        ));
        let cut = bytes.len() / 2;
        txs.push(case(
            format!("decode_{name}_truncated"),
            "half the bytes",
            Expect::Reject(Rule::CodecTruncated),
            C::DecodeTx { bytes: hex_of(&bytes[..cut]) },
        ));
        txs.push(case(
            format!("decode_{name}_trailing"),
            "one byte too many",
            Expect::Reject(Rule::CodecTrailingBytes),
            C::DecodeTx { bytes: hex_of(&[bytes.clone(), vec![0]].concat()) },
        ));
        let mut bad_s = bytes.clone();
        let s_at = t.body().len() + 128;
        bad_s[s_at..s_at + 32].copy_from_slice(&[0xff; 32]);
        txs.push(case(
            format!("decode_{name}_s_too_large"),
            "S at or above the subgroup order",
            Expect::Reject(Rule::CodecBadSignature),
            C::DecodeTx { bytes: hex_of(&bad_s) },
        ));
    }
    let t = transfer(&user(0), 0, user(1).address, 0, 1000, 1, 0).to_bytes();
    let mut off_curve = t.clone();
    off_curve[t.len() - 160 + 31] ^= 1;
    txs.push(case(
        "decode_key_off_curve",
        "a public key off BabyJubjub",
        Expect::Reject(Rule::CodecBadSignature),
        C::DecodeTx { bytes: hex_of(&off_curve) },
    ));
    // A coordinate plus the field modulus p: the same value mod p, so a decoder reducing
    // field elements would read a valid point.
    for (name, at) in [("key_x", 160), ("key_y", 128), ("r8_x", 96), ("r8_y", 64)] {
        let start = t.len() - at;
        let mut bad = t.clone();
        let p = <zkrollup_spec::primitives::Fr as ark_ff::PrimeField>::MODULUS;
        bad[start..start + 32].copy_from_slice(&plus(&t[start..start + 32], p));
        txs.push(case(
            format!("decode_{name}_not_canonical"),
            format!("{name} plus the field modulus: field elements are below p, never reduced"),
            Expect::Reject(Rule::CodecBadSignature),
            C::DecodeTx { bytes: hex_of(&bad) },
        ));
    }
    let start = t.len() - 32;
    let mut malleated = t.clone();
    let l = <zkrollup_spec::primitives::eddsa::Scalar as ark_ff::PrimeField>::MODULUS;
    malleated[start..].copy_from_slice(&plus(&t[start..], l));
    txs.push(case(
        "decode_s_plus_l",
        "S + l: the same S modulo l, refused (S is below l, never reduced)",
        Expect::Reject(Rule::CodecBadSignature),
        C::DecodeTx { bytes: hex_of(&malleated) },
    ));
    txs.push(case(
        "decode_unknown_type_short",
        "three bytes with an unknown type byte: the type byte and the account id are read before the type is examined",
        Expect::Reject(Rule::CodecTruncated),
        C::DecodeTx { bytes: "0x090000".into() },
    ));
    let mut v_zero = change_pubkey(&user(0), 0, 0, 0, 0, ChangePubKeyAuth::Eip191([7; 65])).to_bytes();
    *v_zero.last_mut().unwrap() = 0;
    txs.push(case(
        "decode_ecdsa_auth_v_zero",
        "an EIP-191 authorisation with v = 0 decodes: whether it recovers the owner is the contract's check",
        Expect::Ok,
        C::DecodeTx { bytes: hex_of(&v_zero) },
    ));
    let mut unknown = t.clone();
    unknown[0] = 4;
    txs.push(case(
        "decode_unknown_type",
        "type byte 4 is no transaction",
        Expect::Reject(Rule::CodecUnknownTxType),
        C::DecodeTx { bytes: hex_of(&unknown) },
    ));
    let mut big = t.clone();
    big[7..12].copy_from_slice(&[0xff; 5]);
    txs.push(case(
        "decode_amount_too_large",
        "a packed amount above 2^128",
        Expect::Reject(Rule::CodecAmountTooLarge),
        C::DecodeTx { bytes: hex_of(&big) },
    ));
    let mut cpk = change_pubkey(&user(0), 0, 0, 0, 0, ChangePubKeyAuth::Onchain).to_bytes();
    *cpk.last_mut().unwrap() = 7;
    txs.push(case(
        "decode_unknown_auth",
        "ChangePubKey authorisation kind 7",
        Expect::Reject(Rule::CodecBadAuth),
        C::DecodeTx { bytes: hex_of(&cpk) },
    ));
    txs.push(case(
        "decode_empty",
        "no bytes at all",
        Expect::Reject(Rule::CodecTruncated),
        C::DecodeTx { bytes: "0x".into() },
    ));

    let mut pubdata = Vec::new();
    let ops = sample_ops();
    for (name, op) in &ops {
        pubdata.push(case(
            format!("encode_{name}"),
            format!("pubdata of a {}", op.name()),
            Expect::Ok,
            C::EncodeOp { op: wop(op) },
        ));
        let bytes = op.to_pubdata();
        pubdata.push(case(
            format!("decode_{name}"),
            format!("decode a {}", op.name()),
            Expect::Ok,
            C::DecodePubdata { pubdata: hex_of(&bytes) },
        ));
        if !matches!(op, Op::Noop) {
            let cut = &bytes[..bytes.len() - 8];
            pubdata.push(case(
                format!("decode_{name}_missing_chunk"),
                "the last chunk is missing",
                Expect::Reject(Rule::CodecTruncated),
                C::DecodePubdata { pubdata: hex_of(cut) },
            ));
        }
        if !matches!(op, Op::Transfer(_)) {
            let mut dirty = bytes.clone();
            *dirty.last_mut().unwrap() = 1;
            pubdata.push(case(
                format!("decode_{name}_dirty_padding"),
                "a non-zero padding byte",
                Expect::Reject(Rule::CodecNonzeroPadding),
                C::DecodePubdata { pubdata: hex_of(&dirty) },
            ));
        }
    }
    // Noops pad the end of a block only.
    let (noops, others): (Vec<_>, Vec<_>) = ops.iter().map(|(_, o)| o).partition(|o| matches!(o, Op::Noop));
    let all: Vec<u8> = others.iter().chain(&noops).flat_map(|o| o.to_pubdata()).collect();
    pubdata.push(case(
        "decode_every_op",
        "a block's pubdata with one op of each kind, the Noop last",
        Expect::Ok,
        C::DecodePubdata { pubdata: hex_of(&all) },
    ));
    let noop_first: Vec<u8> = noops.iter().chain(&others).flat_map(|o| o.to_pubdata()).collect();
    pubdata.push(case(
        "decode_op_after_noop",
        "a Noop before the block's other ops",
        Expect::Reject(Rule::CodecOpAfterNoop),
        C::DecodePubdata { pubdata: hex_of(&noop_first) },
    ));
    pubdata.push(case(
        "decode_unknown_op",
        "op code 4 is unknown",
        Expect::Reject(Rule::CodecUnknownOp),
        C::DecodePubdata { pubdata: "0x0400000000000000".into() },
    ));
    pubdata.push(case(
        "decode_bad_length",
        "pubdata is whole 8-byte chunks",
        Expect::Reject(Rule::CodecBadLength),
        C::DecodePubdata { pubdata: "0x00000000000000".into() },
    ));
    let mut big = ops[4].1.to_pubdata();
    big[9..14].copy_from_slice(&[0xff; 5]);
    pubdata.push(case(
        "decode_transfer_amount_too_large",
        "a packed amount above 2^128",
        Expect::Reject(Rule::CodecAmountTooLarge),
        C::DecodePubdata { pubdata: hex_of(&big) },
    ));
    vec![("tx", txs), ("pubdata", pubdata), ("read_order", read_order())]
}

/// The 32 big-endian bytes of `be + m` (below 2^256 for the moduli used here).
fn plus(be: &[u8], m: ark_ff::BigInteger256) -> Vec<u8> {
    use ark_ff::BigInteger;
    let bits: Vec<bool> = be.iter().flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1)).collect();
    let mut v = ark_ff::BigInteger256::from_bits_be(&bits);
    assert!(!v.add_with_carry(&m), "no carry out of 256 bits");
    v.to_bytes_be()
}

/// Bytes that break two codec rules at once: decoders read in order (a transaction field by
/// field, pubdata op by op and each op field by field, its padding last), and report the first
/// thing they cannot read.
fn read_order() -> Vec<Case> {
    let mut out = Vec::new();
    // `later_only`: the same bytes with the first break undone, which must break `also`, so
    // the vector really breaks both.
    let mut push = |name: &str, desc: &str, first: Rule, also: Rule, c: C, later_only: &[u8]| {
        let rule = match &c {
            C::DecodeTx { .. } => Tx::from_bytes(later_only).err(),
            _ => sop::decode_pubdata(later_only).err(),
        };
        assert_eq!(rule.map(|e| e.rule), Some(also), "codec pair {name}: the later break alone");
        out.push(case(name, desc, Expect::Reject(first), c).with_rules(&[also]));
    };
    let t = transfer(&user(0), 0, user(1).address, 0, 1000, 1, 0).to_bytes();
    let amount_at = 7; // type (1), account id (4), token (2)
    let mut big = t.clone();
    big[amount_at..amount_at + 5].copy_from_slice(&[0xff; 5]);
    push(
        "tx_amount_too_large_then_truncated",
        "a packed amount above 2^128, and the bytes end right after it: the amount is read first",
        Rule::CodecAmountTooLarge,
        Rule::CodecTruncated,
        C::DecodeTx { bytes: hex_of(&big[..amount_at + 5]) },
        &t[..amount_at + 5],
    );
    let mut big_bad_sig = big.clone();
    let s_at = big.len() - 32;
    big_bad_sig[s_at..].copy_from_slice(&[0xff; 32]);
    let mut bad_sig_only = t.clone();
    bad_sig_only[s_at..].copy_from_slice(&[0xff; 32]);
    push(
        "tx_amount_too_large_then_bad_signature",
        "a packed amount above 2^128 and S above l: the amount comes first",
        Rule::CodecAmountTooLarge,
        Rule::CodecBadSignature,
        C::DecodeTx { bytes: hex_of(&big_bad_sig) },
        &bad_sig_only,
    );
    let mut bad_sig = t.clone();
    bad_sig[s_at..].copy_from_slice(&[0xff; 32]);
    push(
        "tx_bad_signature_then_trailing",
        "S above l and a byte too many: the signature is read before the end is checked",
        Rule::CodecBadSignature,
        Rule::CodecTrailingBytes,
        C::DecodeTx { bytes: hex_of(&[bad_sig, vec![0]].concat()) },
        &[t.clone(), vec![0]].concat(),
    );
    let mut unknown = t.clone();
    unknown[0] = 9;
    push(
        "tx_unknown_type_then_trailing",
        "an unknown type byte on bytes longer than any transaction: the type is examined first",
        Rule::CodecUnknownTxType,
        Rule::CodecTrailingBytes,
        C::DecodeTx { bytes: hex_of(&[unknown, vec![0; 200]].concat()) },
        &[t.clone(), vec![0; 200]].concat(),
    );
    let good_cpk = change_pubkey(&user(0), 0, 0, 0, 0, ChangePubKeyAuth::Onchain).to_bytes();
    let mut cpk = good_cpk.clone();
    *cpk.last_mut().unwrap() = 7;
    push(
        "tx_bad_auth_then_trailing",
        "authorisation kind 7 and a byte too many: the kind is read first",
        Rule::CodecBadAuth,
        Rule::CodecTrailingBytes,
        C::DecodeTx { bytes: hex_of(&[cpk.clone(), vec![0]].concat()) },
        &[good_cpk, vec![0]].concat(),
    );
    let mut cpk_bad_sig = cpk.clone();
    let s_at = cpk.len() - 1 - 32;
    cpk_bad_sig[s_at..s_at + 32].copy_from_slice(&[0xff; 32]);
    push(
        "tx_bad_signature_then_bad_auth",
        "S above l and authorisation kind 7: the signature comes before the authorisation",
        Rule::CodecBadSignature,
        Rule::CodecBadAuth,
        C::DecodeTx { bytes: hex_of(&cpk_bad_sig) },
        &cpk,
    );

    let transfer_op = Op::Transfer(sop::TransferOp { from: 1, token: 2, to: 3, amount: amount(5), fee: fee(1) });
    let withdraw_op =
        Op::Withdraw(sop::WithdrawOp { account_id: 4, token: 5, amount: 6, fee: fee(0), to: user(1).address });
    let mut big_transfer = transfer_op.to_pubdata();
    big_transfer[9..14].copy_from_slice(&[0xff; 5]); // code (1), from (3), token (2), to (3)
    let mut dirty_withdraw = withdraw_op.to_pubdata();
    *dirty_withdraw.last_mut().unwrap() = 1;
    push(
        "pubdata_bad_length_then_unknown_op",
        "9 bytes starting with an unknown op code: the length is checked before any op",
        Rule::CodecBadLength,
        Rule::CodecUnknownOp,
        C::DecodePubdata { pubdata: hex_of(&[0xee; 9]) },
        &[0xee; 8],
    );
    push(
        "pubdata_amount_too_large_then_unknown_op",
        "an op with an amount above 2^128, then an unknown op: ops are decoded in order",
        Rule::CodecAmountTooLarge,
        Rule::CodecUnknownOp,
        C::DecodePubdata { pubdata: hex_of(&[big_transfer.clone(), vec![0xee; 8]].concat()) },
        &[transfer_op.to_pubdata(), vec![0xee; 8]].concat(),
    );
    push(
        "pubdata_nonzero_padding_then_unknown_op",
        "a withdrawal with non-zero padding, then an unknown op: the first op is finished first",
        Rule::CodecNonzeroPadding,
        Rule::CodecUnknownOp,
        C::DecodePubdata { pubdata: hex_of(&[dirty_withdraw.clone(), vec![0xee; 8]].concat()) },
        &[withdraw_op.to_pubdata(), vec![0xee; 8]].concat(),
    );
    let to_new = Op::TransferToNew(sop::TransferToNewOp {
        from: 1,
        token: 2,
        amount: amount(5),
        to_address: user(1).address,
        to: 3,
        fee: fee(1),
    });
    let mut big_and_dirty = to_new.to_pubdata();
    big_and_dirty[6..11].copy_from_slice(&[0xff; 5]); // code (1), from (3), token (2): the amount
    *big_and_dirty.last_mut().unwrap() = 1;
    let mut dirty_to_new = to_new.to_pubdata();
    *dirty_to_new.last_mut().unwrap() = 1;
    push(
        "pubdata_amount_too_large_then_nonzero_padding",
        "a transfer to a new account whose amount decodes above 2^128 and whose padding is not zero: fields come before padding",
        Rule::CodecAmountTooLarge,
        Rule::CodecNonzeroPadding,
        C::DecodePubdata { pubdata: hex_of(&big_and_dirty) },
        &dirty_to_new,
    );
    out
}
