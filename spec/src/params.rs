//! # 1. Protocol parameters
//!
//! Every constant the protocol depends on, in one place. Changing any of them changes the
//! protocol: roots, pubdata, commitments and verifying keys all move, and the conformance
//! vectors must be regenerated.

/// Bytes in one pubdata chunk. Each chunk of the block circuit updates at most one tree leaf, so
/// an operation occupies at least as many chunks as the leaves it touches.
pub const CHUNK_BYTES: usize = 8;

/// Arity of every Merkle tree: one Poseidon t=5 call hashes four children.
pub const TREE_ARITY: usize = 4;

/// Levels of the account tree (4^12 = 2^24 accounts).
pub const ACCOUNT_TREE_DEPTH: usize = 12;

/// Levels of each account's balance tree (4^8 = 2^16 tokens).
pub const BALANCE_TREE_DEPTH: usize = 8;

/// Account ids are 24 bits (3 bytes in pubdata).
pub const ACCOUNT_ID_BITS: u32 = 24;
/// The largest account id, `2^24 − 1`.
pub const MAX_ACCOUNT_ID: u32 = (1 << ACCOUNT_ID_BITS) - 1;

/// The largest token id: token ids are 16 bits (2 bytes in pubdata).
pub const MAX_TOKEN_ID: u16 = u16::MAX;
/// ETH's token id; tokens `1..` are the ERC-20 tokens listed on L1.
pub const ETH_TOKEN_ID: u16 = 0;

/// Packed amount: `mantissa · 10^exponent`, 35-bit mantissa, 5-bit exponent (5 bytes).
pub const AMOUNT_MANTISSA_BITS: u32 = 35;
/// Bits of a packed amount's decimal exponent.
pub const AMOUNT_EXPONENT_BITS: u32 = 5;
/// Packed fee: 11-bit mantissa, 5-bit exponent (2 bytes).
pub const FEE_MANTISSA_BITS: u32 = 11;
/// Bits of a packed fee's decimal exponent.
pub const FEE_EXPONENT_BITS: u32 = 5;
/// Bytes of a packed amount in pubdata and in transaction bytes (35 + 5 bits).
pub const AMOUNT_PACKED_BYTES: usize = 5;
/// Bytes of a packed fee in pubdata and in transaction bytes (11 + 5 bits).
pub const FEE_PACKED_BYTES: usize = 2;

/// A block credits collected fees to its fee account at the end, one leaf update per distinct
/// fee token; the block circuit has this many fee slots.
pub const FEE_TOKENS_PER_BLOCK: usize = 4;

/// A priority request (deposit, full exit) must be executed on L1 within this many seconds of
/// its submission, or anyone may switch the contract into exodus mode.
pub const PRIORITY_EXPIRATION_SECONDS: u64 = 3 * 24 * 60 * 60;

/// The least time between two requests' deadlines: a request made at `now` expires at
/// `max(now + PRIORITY_EXPIRATION_SECONDS, d + PRIORITY_REQUEST_SPACING_SECONDS)`, where `d` is
/// the deadline of the newest request still open (none open: the first term alone; a request
/// already executed does not count) ([the spacing](crate::l1#deadlines-that-stretch-under-a-flood)).
/// The operator is granted this long per queued request, so a flood can never outrun it: one
/// 2-core prover serves a request in about 4.5 s in 8-chunk blocks (one request a block) and
/// 2.3 s in 64-chunk blocks (ten), a margin of 3× or more (`cargo run --release -- bench
/// flood`). Shorter would make delaying everyone's requests cheaper for an attacker (one
/// request buys this many seconds of delay) at the cost of that margin.
pub const PRIORITY_REQUEST_SPACING_SECONDS: u64 = 15;

/// The most tokens a deployment lists besides ETH (its [`crate::l1::L1Config`]'s `max_tokens`;
/// vectors use smaller bounds): token ids are 16 bits and id 0 is ETH.
pub const MAX_LISTED_TOKENS: u16 = u16::MAX;

/// A committed block's timestamp is at most this many seconds before the L1 time (as zkSync
/// Lite): an operator cannot stamp a block far in the past to include transactions whose
/// validity window has closed. Back-dating within the window stays possible.
pub const COMMIT_TIMESTAMP_WINDOW_SECONDS: u64 = 24 * 60 * 60;

/// The public input is the block commitment with its top three bits cleared (fits BN254's Fr).
pub const PUBLIC_INPUT_BITS: u32 = 253;

/// EIP-712 domain name of the ChangePubKey authorisation.
pub const EIP712_DOMAIN_NAME: &str = "zkrollup";
/// EIP-712 domain version of the ChangePubKey authorisation.
pub const EIP712_DOMAIN_VERSION: &str = "1";

/// Block sizes (in chunks) for which circuits and verifying keys exist. Small ones keep tests
/// fast; the largest is what the demo proves.
pub const BLOCK_CHUNK_SIZES: &[usize] = &[8, 16, 32, 64];
