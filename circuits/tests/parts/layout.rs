//! The chunk layout of every op against the spec's pubdata encoder.

use zkrollup_circuits::block::layout::*;
use zkrollup_spec::primitives::{Address, PubKeyHash};

fn f(at: usize, len: usize) -> Field {
    Field { at, len }
}

fn read(bytes: &[u8], field: Field) -> u128 {
    bytes[field.at..field.at + field.len].iter().fold(0u128, |acc, b| (acc << 8) | *b as u128)
}

fn addr(bytes: &[u8], field: Field) -> [u8; 20] {
    bytes[field.at..field.at + 20].try_into().unwrap()
}

#[test]
fn layout_matches_the_spec_encoder() {
    use zkrollup_spec::op::*;
    use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
    let a = Address([0xa1; 20]);
    let amt = PackedAmount::closest_packable(123_456_789);
    let fee = PackedFee::closest_packable(2_001);
    let ops = [
        Op::Deposit(DepositOp { account_id: 0x010203, token: 0x0405, amount: 7 << 100, address: a }),
        Op::TransferToNew(TransferToNewOp { from: 0x0a0b0c, token: 9, amount: amt, to_address: a, to: 0x112233, fee }),
        Op::Withdraw(WithdrawOp { account_id: 5, token: 6, amount: 1 << 120, fee, to: a }),
        Op::Transfer(TransferOp { from: 7, token: 8, to: 0x0f0e0d, amount: amt, fee }),
        Op::FullExit(FullExitOp { account_id: 3, owner: a, token: 0x0102, amount: 99 }),
        Op::ChangePubKey(ChangePubKeyOp {
            account_id: 4,
            new_pubkey_hash: PubKeyHash([0xb2; 20]),
            owner: a,
            nonce: 0x01020304,
            fee_token: 77,
            fee,
        }),
        Op::ForcedExit(ForcedExitOp {
            initiator: 1,
            target: 0x030201,
            token: 12,
            fee,
            amount: 1 << 127,
            target_address: a,
        }),
    ];
    for op in ops {
        let k = kind_of(op.code()).unwrap();
        let l = layout(k);
        let p = op.to_pubdata();
        assert_eq!(Some(l.chunks), chunks_of(op.code()));
        assert_eq!(p[0], l.code);
        // Every byte past `used` is padding.
        assert!(p[l.used..].iter().all(|b| *b == 0));
        let packed_amt = |x: &PackedAmount| read(&x.to_bytes(), f(0, 5));
        let packed_fee = |x: &PackedFee| read(&x.to_bytes(), f(0, 2));
        match &op {
            Op::Deposit(o) => {
                assert_eq!(read(&p, l.account), o.account_id as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.full_amount.unwrap()), o.amount);
                assert_eq!(addr(&p, l.address.unwrap()), o.address.0);
            }
            Op::TransferToNew(o) => {
                assert_eq!(read(&p, l.account), o.from as u128);
                assert_eq!(read(&p, l.second_account.unwrap()), o.to as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.packed_amount.unwrap()), packed_amt(&o.amount));
                assert_eq!(read(&p, l.packed_fee.unwrap()), packed_fee(&o.fee));
                assert_eq!(addr(&p, l.address.unwrap()), o.to_address.0);
            }
            Op::Withdraw(o) => {
                assert_eq!(read(&p, l.account), o.account_id as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.full_amount.unwrap()), o.amount);
                assert_eq!(read(&p, l.packed_fee.unwrap()), packed_fee(&o.fee));
                assert_eq!(addr(&p, l.address.unwrap()), o.to.0);
            }
            Op::Transfer(o) => {
                assert_eq!(read(&p, l.account), o.from as u128);
                assert_eq!(read(&p, l.second_account.unwrap()), o.to as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.packed_amount.unwrap()), packed_amt(&o.amount));
                assert_eq!(read(&p, l.packed_fee.unwrap()), packed_fee(&o.fee));
            }
            Op::FullExit(o) => {
                assert_eq!(read(&p, l.account), o.account_id as u128);
                assert_eq!(addr(&p, l.address.unwrap()), o.owner.0);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.full_amount.unwrap()), o.amount);
            }
            Op::ChangePubKey(o) => {
                assert_eq!(read(&p, l.account), o.account_id as u128);
                assert_eq!(addr(&p, l.pubkey_hash.unwrap()), o.new_pubkey_hash.0);
                assert_eq!(addr(&p, l.address.unwrap()), o.owner.0);
                assert_eq!(read(&p, l.nonce.unwrap()), o.nonce as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.fee_token as u128);
                assert_eq!(read(&p, l.packed_fee.unwrap()), packed_fee(&o.fee));
            }
            Op::ForcedExit(o) => {
                assert_eq!(read(&p, l.account), o.initiator as u128);
                assert_eq!(read(&p, l.second_account.unwrap()), o.target as u128);
                assert_eq!(read(&p, l.token.unwrap()), o.token as u128);
                assert_eq!(read(&p, l.packed_fee.unwrap()), packed_fee(&o.fee));
                assert_eq!(read(&p, l.full_amount.unwrap()), o.amount);
                assert_eq!(addr(&p, l.address.unwrap()), o.target_address.0);
            }
            Op::Noop => unreachable!(),
        }
        assert_eq!(l.is_onchain, op.is_onchain(), "{}", op.name());
        // The last used byte is non-zero in these samples: `used` is not too large.
        assert!(p[..l.used].iter().rev().take(1).all(|b| *b != 0), "{}", op.name());
    }
}
