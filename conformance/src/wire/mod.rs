//! Wire format v1 of the conformance vectors: the JSON an outside implementation reads and
//! writes. These types are a compatibility contract, kept apart from the spec's internal types
//! (which may change shape freely); [`convert`] maps between the two.
//!
//! Conventions: field elements and integers wider than 32 bits are decimal strings (JSON numbers
//! lose precision above 2^53); byte strings and addresses are `0x`-hex; ids, tokens and nonces
//! are JSON numbers. Enums carry their variant in a `"type"` field.

pub mod convert;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format version every vector carries.
pub const FORMAT_VERSION: u32 = 1;

/// A decimal string (a field element, or an integer wider than 32 bits).
pub type Dec = String;
/// A `0x`-prefixed lowercase hex string.
pub type Hex = String;

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: Dec,
    pub y: Dec,
}

/// A packed float: `mantissa · 10^exponent`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Packed {
    pub mantissa: u64,
    pub exponent: u8,
}

/// The signer's public key and an EdDSA-Poseidon signature `(R8, S)`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub pub_key: Point,
    pub r8: Point,
    pub s: Dec,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub token: u16,
    pub amount: Dec,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: u32,
    pub nonce: u32,
    pub pubkey_hash: Hex,
    pub address: Hex,
    /// Non-zero balances, by increasing token id.
    pub balances: Vec<Balance>,
}

/// An L2 state: the non-empty accounts and the id counter.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub next_account_id: u32,
    pub accounts: Vec<Account>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockContext {
    pub block_number: u32,
    pub fee_account: u32,
    pub timestamp: Dec,
}

/// ChangePubKey's L1 authorisation.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Auth {
    Onchain,
    Eip191 { signature: Hex },
    Eip712 { signature: Hex },
}

/// A signed L2 transaction.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Tx {
    Transfer {
        account_id: u32,
        to: Hex,
        token: u16,
        amount: Packed,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: Signature,
    },
    Withdraw {
        account_id: u32,
        to: Hex,
        token: u16,
        amount: Dec,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: Signature,
    },
    ChangePubKey {
        account_id: u32,
        new_pubkey_hash: Hex,
        fee_token: u16,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: Signature,
        auth: Auth,
    },
    ForcedExit {
        account_id: u32,
        target: Hex,
        token: u16,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: Signature,
    },
}

/// A priority operation requested on L1.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum PriorityOp {
    Deposit { from: Hex, to: Hex, token: u16, amount: Dec },
    FullExit { account_id: u32, owner: Hex, token: u16 },
}

/// One input to a state transition.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "input", rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    Tx { tx: Tx },
    Priority { op: PriorityOp },
}

/// An operation as a block records it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Op {
    Noop,
    Deposit { account_id: u32, token: u16, amount: Dec, address: Hex },
    TransferToNew { from: u32, token: u16, amount: Packed, to_address: Hex, to: u32, fee: Packed },
    Withdraw { account_id: u32, token: u16, amount: Dec, fee: Packed, to: Hex },
    Transfer { from: u32, token: u16, to: u32, amount: Packed, fee: Packed },
    FullExit { account_id: u32, owner: Hex, token: u16, amount: Dec },
    ChangePubKey { account_id: u32, new_pubkey_hash: Hex, owner: Hex, nonce: u32, fee_token: u16, fee: Packed },
    ForcedExit { initiator: u32, target: u32, token: u16, fee: Packed, amount: Dec, target_address: Hex },
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub token: u16,
    pub amount: Dec,
}

/// Accepted, or rejected by a rule.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "result", rename_all = "snake_case", deny_unknown_fields)]
pub enum Verdict<T> {
    Accepted(T),
    Rejected { rule: String },
}

impl<T> Verdict<T> {
    /// The verdict for a rejection: its rule id.
    pub fn rejected(e: &zkrollup_spec::rules::Rejection) -> Self {
        Verdict::Rejected { rule: e.rule.id().to_string() }
    }
}

// ----------------------------------------------------------------------------------------
// Vectors: a name, a description, the rules exercised, the input and the expected outcome.
// ----------------------------------------------------------------------------------------

/// One conformance vector.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub format_version: u32,
    /// Unique across the suite, `kind/group/case`.
    pub name: String,
    pub description: String,
    /// Rule ids the vector exercises (the rejecting rule, and rules an accepted input passes
    /// at an edge).
    pub rules: Vec<String>,
    pub input: VectorInput,
    pub expected: Outcome,
}

/// What an implementation is given.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VectorInput {
    Primitives(PrimitivesInput),
    Codec(CodecInput),
    Transition(TransitionInput),
    Block(BlockInput),
    L1(L1Input),
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct PrimitivesInput {
    pub case: PrimitivesCase,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct CodecInput {
    pub case: CodecCase,
}

/// One input applied to a state under a block context.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct TransitionInput {
    pub pre_state: State,
    pub context: BlockContext,
    pub input: Input,
}

/// Ordered inputs applied as one block of `chunks` chunks.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct BlockInput {
    pub pre_state: State,
    pub context: BlockContext,
    pub chunks: u32,
    pub inputs: Vec<Input>,
}

/// A sequence of calls on a freshly deployed contract.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct L1Input {
    pub config: L1Config,
    pub start_time: Dec,
    pub calls: Vec<L1Call>,
}

impl VectorInput {
    pub fn kind(&self) -> Kind {
        match self {
            VectorInput::Primitives(_) => Kind::Primitives,
            VectorInput::Codec(_) => Kind::Codec,
            VectorInput::Transition(_) => Kind::Transition,
            VectorInput::Block(_) => Kind::Block,
            VectorInput::L1(_) => Kind::L1,
        }
    }
}

/// The vector kinds.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Primitives,
    Codec,
    Transition,
    Block,
    L1,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Primitives, Kind::Codec, Kind::Transition, Kind::Block, Kind::L1];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Primitives => "primitives",
            Kind::Codec => "codec",
            Kind::Transition => "transition",
            Kind::Block => "block",
            Kind::L1 => "l1",
        }
    }
}

/// What an implementation answers (and what a vector expects).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Primitives(PrimitivesOutcome),
    Codec(CodecOutcome),
    Transition(TransitionOutcome),
    Block(BlockOutcome),
    L1(L1Outcome),
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct PrimitivesOutcome {
    pub result: PrimitivesResult,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct CodecOutcome {
    pub result: CodecResult,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct TransitionOutcome {
    pub pre_root: Dec,
    pub verdict: Verdict<TransitionAccepted>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct BlockOutcome {
    pub pre_root: Dec,
    pub verdict: Verdict<BlockAccepted>,
}

/// A verdict per call, and the contract's state after the last call.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct L1Outcome {
    pub results: Vec<Verdict<CallAccepted>>,
    pub final_state: L1Summary,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "case", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrimitivesCase {
    Poseidon { inputs: Vec<Dec> },
    EddsaPublicKey { private_key: Hex },
    EddsaSign { private_key: Hex, message: Dec },
    EddsaVerify { public_key: Point, message: Dec, r8: Point, s: Dec },
    PubkeyHash { public_key: Point },
    L2KeyFromL1 { l1_secret: Hex },
    PackAmount { value: Dec },
    PackFee { value: Dec },
    UnpackAmount { bytes: Hex },
    UnpackFee { bytes: Hex },
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrimitivesResult {
    Field {
        value: Dec,
    },
    PublicKey {
        public_key: Point,
    },
    Signature {
        r8: Point,
        s: Dec,
    },
    Valid {
        valid: bool,
    },
    PubkeyHash {
        pubkey_hash: Hex,
    },
    L2Key {
        address: Hex,
        l2_private_key: Hex,
        public_key: Point,
        pubkey_hash: Hex,
    },
    /// `closest`: the largest packable value not above the input, and its bytes.
    Packing {
        closest: Packed,
        closest_value: Dec,
        bytes: Hex,
        exact: bool,
    },
    Unpacked {
        verdict: Verdict<UnpackedValue>,
    },
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UnpackedValue {
    pub packed: Packed,
    pub value: Dec,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "case", rename_all = "snake_case", deny_unknown_fields)]
pub enum CodecCase {
    EncodeTx { tx: Tx },
    DecodeTx { bytes: Hex },
    EncodeOp { op: Op },
    DecodePubdata { pubdata: Hex },
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CodecResult {
    EncodedTx { bytes: Hex, body: Hex, signing_message: Dec, hash: Hex },
    DecodedTx { verdict: Verdict<DecodedTx> },
    EncodedOp { pubdata: Hex, chunks: u32, onchain: bool },
    DecodedPubdata { verdict: Verdict<DecodedOps> },
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecodedTx {
    pub tx: Tx,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecodedOps {
    pub ops: Vec<Op>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TransitionAccepted {
    pub op: Op,
    pub pubdata: Hex,
    /// The fee the block collects (transactions only).
    pub fee: Option<Fee>,
    pub post_root: Dec,
    /// Every account whose leaf changed, as it is afterwards (new accounts included).
    pub changed_accounts: Vec<Account>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockAccepted {
    pub ops: Vec<Op>,
    pub fees: Vec<Fee>,
    pub post_root: Dec,
    pub pubdata: Hex,
    pub onchain_flags: Hex,
    pub commitment: Hex,
    pub public_input: Dec,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1Config {
    pub chain_id: Dec,
    pub contract: Hex,
    pub validators: Vec<Hex>,
    pub genesis_root: Dec,
    /// Listed ERC-20 tokens: token id `i` is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Hex>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StoredBlock {
    pub block_number: u32,
    pub priority_ops: Dec,
    pub pending_onchain_ops_hash: Hex,
    pub timestamp: Dec,
    pub state_root: Dec,
    pub commitment: Hex,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OnchainOpMeta {
    pub offset: u32,
    pub auth: Option<Auth>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommitBlock {
    pub block_number: u32,
    pub fee_account: u32,
    pub timestamp: Dec,
    pub new_state_root: Dec,
    pub pubdata: Hex,
    pub onchain_ops: Vec<OnchainOpMeta>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExitClaim {
    pub root: Dec,
    pub account_id: u32,
    pub owner: Hex,
    pub token: u16,
    pub amount: Dec,
}

/// A call on the L1 contract. Proofs are *symbolic* (see the spec's `l1::SymbolicVerifier`):
/// the proof of public input `x` is `x` as 32 big-endian bytes; an adapter running real
/// contracts replaces a correct symbolic proof by a real proof of the same statement.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
pub enum L1Call {
    SetTime { now: Dec },
    Deposit { from: Hex, to: Hex, token: u16, amount: Dec },
    RequestFullExit { owner: Hex, account_id: u32, token: u16 },
    SetAuthPubkeyHash { sender: Hex, pubkey_hash: Hex, nonce: u32 },
    CommitBlock { sender: Hex, parent: StoredBlock, block: CommitBlock },
    ProveBlock { sender: Hex, block: StoredBlock, proof: Hex },
    ExecuteBlock { sender: Hex, block: StoredBlock, pending_ops: Vec<Hex> },
    WithdrawPendingBalance { owner: Hex, token: u16, amount: Dec },
    RevertBlocks { sender: Hex, blocks: Vec<StoredBlock> },
    ActivateExodusMode,
    PerformExodus { block: StoredBlock, claim: ExitClaim, proof: Hex },
    CancelOutstandingDeposits { n: Dec },
}

/// An accepted call; a commit also returns the block it stored.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CallAccepted {
    pub stored_block: Option<StoredBlock>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PendingBalance {
    pub owner: Hex,
    pub token: u16,
    pub amount: Dec,
}

/// The contract's state after the calls.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1Summary {
    pub now: Dec,
    pub blocks_committed: u32,
    pub blocks_proven: u32,
    pub blocks_executed: u32,
    pub first_open_request: Dec,
    pub total_requests: Dec,
    pub exodus_mode: bool,
    pub last_committed_block: StoredBlock,
    pub pending_balances: Vec<PendingBalance>,
    pub held: Vec<Balance>,
}
