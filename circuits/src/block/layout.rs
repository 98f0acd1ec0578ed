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
