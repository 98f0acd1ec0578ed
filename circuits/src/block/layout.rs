//! Where each field sits in an op's pubdata, transcribed from the spec's op table
//! ([`zkrollup_spec::op`]) rather than computed by its encoder, so that a test comparing the
//! two checks the transcription (`layout_matches_the_spec_encoder`).

use zkrollup_spec::op::op_code;

/// The largest op (ChangePubKey) spans this many chunks; each chunk witnesses its whole op.
pub const MAX_OP_CHUNKS: usize = 7;
pub const MAX_OP_BYTES: usize = MAX_OP_CHUNKS * 8;

/// A field: byte offset and length in the op's pubdata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub at: usize,
    pub len: usize,
}

const fn f(at: usize, len: usize) -> Field {
    Field { at, len }
}

/// The op kinds the chunk gadget selects between, in selector order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Noop,
    Deposit,
    TransferToNew,
    Withdraw,
    Transfer,
    FullExit,
    ChangePubKey,
    ForcedExit,
}

pub const KINDS: [Kind; 8] = [
    Kind::Noop,
    Kind::Deposit,
    Kind::TransferToNew,
    Kind::Withdraw,
    Kind::Transfer,
    Kind::FullExit,
    Kind::ChangePubKey,
    Kind::ForcedExit,
];

/// The fields of one op kind (`None` where the kind has no such field).
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub code: u8,
    pub chunks: usize,
    /// Bytes used before zero padding.
    pub used: usize,
    /// The account of chunk 0 (sender, depositor, initiator, owner of the exit): always 1..4.
    pub account: Field,
    /// The account of chunk 1 (recipient, forced-exit target).
    pub second_account: Option<Field>,
    pub token: Option<Field>,
    /// A 16-byte amount.
    pub full_amount: Option<Field>,
    /// A 5-byte packed amount.
    pub packed_amount: Option<Field>,
    pub packed_fee: Option<Field>,
    /// Deposit: the address credited; TransferToNew: the new account's address; Withdraw: the
    /// L1 recipient; FullExit and ChangePubKey: the owner; ForcedExit: the target's address.
    pub address: Option<Field>,
    pub pubkey_hash: Option<Field>,
    pub nonce: Option<Field>,
    pub is_tx: bool,
    pub is_onchain: bool,
}

const ACCOUNT: Field = f(1, 3);

pub const fn layout(kind: Kind) -> Layout {
    let base = Layout {
        code: 0,
        chunks: 1,
        used: 1,
        account: ACCOUNT,
        second_account: None,
        token: None,
        full_amount: None,
        packed_amount: None,
        packed_fee: None,
        address: None,
        pubkey_hash: None,
        nonce: None,
        is_tx: false,
        is_onchain: false,
    };
    match kind {
        Kind::Noop => base,
        Kind::Deposit => Layout {
            code: op_code::DEPOSIT,
            chunks: 6,
            used: 42,
            token: Some(f(4, 2)),
            full_amount: Some(f(6, 16)),
            address: Some(f(22, 20)),
            is_onchain: true,
            ..base
        },
        Kind::TransferToNew => Layout {
            code: op_code::TRANSFER_TO_NEW,
            chunks: 5,
            used: 36,
            token: Some(f(4, 2)),
            packed_amount: Some(f(6, 5)),
            address: Some(f(11, 20)),
            second_account: Some(f(31, 3)),
            packed_fee: Some(f(34, 2)),
            is_tx: true,
            ..base
        },
        Kind::Withdraw => Layout {
            code: op_code::WITHDRAW,
            chunks: 6,
            used: 44,
            token: Some(f(4, 2)),
            full_amount: Some(f(6, 16)),
            packed_fee: Some(f(22, 2)),
            address: Some(f(24, 20)),
            is_tx: true,
            is_onchain: true,
            ..base
        },
        Kind::Transfer => Layout {
            code: op_code::TRANSFER,
            chunks: 2,
            used: 16,
            token: Some(f(4, 2)),
            second_account: Some(f(6, 3)),
            packed_amount: Some(f(9, 5)),
            packed_fee: Some(f(14, 2)),
            is_tx: true,
            ..base
        },
        Kind::FullExit => Layout {
            code: op_code::FULL_EXIT,
            chunks: 6,
            used: 42,
            address: Some(f(4, 20)),
            token: Some(f(24, 2)),
            full_amount: Some(f(26, 16)),
            is_onchain: true,
            ..base
        },
        Kind::ChangePubKey => Layout {
            code: op_code::CHANGE_PUBKEY,
            chunks: 7,
            used: 52,
            pubkey_hash: Some(f(4, 20)),
            address: Some(f(24, 20)),
            nonce: Some(f(44, 4)),
            token: Some(f(48, 2)),
            packed_fee: Some(f(50, 2)),
            is_tx: true,
            is_onchain: true,
            ..base
        },
        Kind::ForcedExit => Layout {
            code: op_code::FORCED_EXIT,
            chunks: 6,
            used: 47,
            second_account: Some(f(4, 3)),
            token: Some(f(7, 2)),
            packed_fee: Some(f(9, 2)),
            full_amount: Some(f(11, 16)),
            address: Some(f(27, 20)),
            is_tx: true,
            is_onchain: true,
            ..base
        },
    }
}

/// The kind with op code `code`.
pub fn kind_of(code: u8) -> Option<Kind> {
    KINDS.iter().copied().find(|k| layout(*k).code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkrollup_spec::primitives::{Address, PubKeyHash};

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
            Op::TransferToNew(TransferToNewOp {
                from: 0x0a0b0c,
                token: 9,
                amount: amt,
                to_address: a,
                to: 0x112233,
                fee,
            }),
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
}
