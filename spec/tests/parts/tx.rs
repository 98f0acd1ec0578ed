//! Transactions: signing messages, hashes and signatures.

use zkrollup_spec::primitives::eddsa::verify;
use zkrollup_spec::primitives::eddsa::PrivateKey;
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::tx::*;

fn key() -> PrivateKey {
    PrivateKey([5u8; 32])
}

pub(crate) fn samples() -> Vec<Tx> {
    let k = key();
    vec![
        Tx::Transfer(Transfer {
            account_id: 3,
            to: Address([9; 20]),
            token: 1,
            amount: PackedAmount::closest_packable(1_000_000),
            fee: PackedFee::closest_packable(20),
            nonce: 7,
            time: TimeWindow { valid_from: 10, valid_until: 20 },
            ..Default::default()
        })
        .signed(&k),
        Tx::Withdraw(Withdraw {
            account_id: 4,
            to: Address([1; 20]),
            token: 0,
            amount: u128::MAX,
            ..Default::default()
        })
        .signed(&k),
        Tx::ChangePubKey(ChangePubKey { account_id: 5, auth: ChangePubKeyAuth::Eip191([3; 65]), ..Default::default() })
            .signed(&k),
        Tx::ForcedExit(ForcedExit { account_id: 6, target: Address([2; 20]), ..Default::default() }).signed(&k),
    ]
}

#[test]
fn segments_fit_the_field_and_have_the_documented_sizes() {
    let sizes: Vec<[usize; 3]> = samples()
        .iter()
        .map(|t| {
            let s = t.body_segments();
            [s[0].len(), s[1].len(), s[2].len()]
        })
        .collect();
    assert_eq!(sizes, vec![[18, 20, 16], [29, 20, 16], [13, 20, 16], [13, 20, 16]]);
}

#[test]
fn bytes_round_trip_and_signatures_verify() {
    for tx in samples() {
        let b = tx.to_bytes();
        assert_eq!(Tx::from_bytes(&b), Ok(tx.clone()), "{}", tx.name());
        let s = tx.signature();
        assert!(verify(&s.pub_key, tx.signing_message(), &s.signature));
        // Every truncation is a clean rejection.
        for cut in 0..b.len() {
            let e = Tx::from_bytes(&b[..cut]).unwrap_err();
            assert!(matches!(e.rule, Rule::CodecTruncated | Rule::CodecUnknownTxType), "{e}");
        }
        let mut long = b.clone();
        long.push(0);
        assert_eq!(Tx::from_bytes(&long).unwrap_err().rule, Rule::CodecTrailingBytes);
    }
}

#[test]
fn malformed_fields_are_rejected_with_their_rule() {
    let tx = samples().remove(0);
    let mut b = tx.to_bytes();
    b[0] = 99;
    assert_eq!(Tx::from_bytes(&b).unwrap_err().rule, Rule::CodecUnknownTxType);
    // An S at or above the subgroup order.
    let mut b = tx.to_bytes();
    let n = b.len();
    b[n - 32..].copy_from_slice(&[0xff; 32]);
    assert_eq!(Tx::from_bytes(&b).unwrap_err().rule, Rule::CodecBadSignature);
    // A public key off the curve.
    let mut b = tx.to_bytes();
    let body = tx.body().len();
    b[body + 31] ^= 1;
    assert_eq!(Tx::from_bytes(&b).unwrap_err().rule, Rule::CodecBadSignature);
    // A packed amount worth more than 2^128.
    let mut b = tx.to_bytes();
    b[7..12].copy_from_slice(&[0xff; 5]);
    assert_eq!(Tx::from_bytes(&b).unwrap_err().rule, Rule::CodecAmountTooLarge);
    // An unknown ChangePubKey authorisation kind.
    let cpk = samples().remove(2);
    let mut b = cpk.to_bytes();
    let at = b.len() - 66;
    b[at] = 9;
    assert_eq!(Tx::from_bytes(&b).unwrap_err().rule, Rule::CodecBadAuth);
}

#[test]
fn every_body_field_changes_the_message_and_hash() {
    let base = samples().remove(0);
    let Tx::Transfer(t) = &base else { unreachable!() };
    let variants = [
        Transfer { account_id: t.account_id + 1, ..t.clone() },
        Transfer { to: Address([8; 20]), ..t.clone() },
        Transfer { token: 2, ..t.clone() },
        Transfer { amount: PackedAmount::closest_packable(5), ..t.clone() },
        Transfer { fee: PackedFee::closest_packable(5), ..t.clone() },
        Transfer { nonce: 8, ..t.clone() },
        Transfer { time: TimeWindow { valid_from: 11, valid_until: 20 }, ..t.clone() },
        Transfer { time: TimeWindow { valid_from: 10, valid_until: 21 }, ..t.clone() },
    ];
    for v in variants {
        let v = Tx::Transfer(v);
        assert_ne!(v.signing_message(), base.signing_message());
        assert_ne!(v.hash(), base.hash());
    }
}
