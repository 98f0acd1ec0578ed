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
pub struct PointJson {
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
pub struct SignatureJson {
    pub pub_key: PointJson,
    pub r8: PointJson,
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
pub struct AccountJson {
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
pub struct StateJson {
    pub next_account_id: u32,
    pub accounts: Vec<AccountJson>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockContextJson {
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
pub enum TxJson {
    Transfer {
        account_id: u32,
        to: Hex,
        token: u16,
        amount: Packed,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: SignatureJson,
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
        signature: SignatureJson,
    },
    ChangePubKey {
        account_id: u32,
        new_pubkey_hash: Hex,
        fee_token: u16,
        fee: Packed,
        nonce: u32,
        valid_from: Dec,
        valid_until: Dec,
        signature: SignatureJson,
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
        signature: SignatureJson,
    },
}

/// A priority operation requested on L1.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum PriorityOpJson {
    Deposit { from: Hex, to: Hex, token: u16, amount: Dec },
    FullExit { account_id: u32, owner: Hex, token: u16 },
}

/// One input to a state transition.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "input", rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    Tx { tx: TxJson },
    Priority { op: PriorityOpJson },
}

/// An operation as a block records it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum OpJson {
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
pub struct FeeJson {
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
    Block(BlockInputJson),
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
    pub pre_state: StateJson,
    pub context: BlockContextJson,
    pub input: Input,
}

/// Ordered inputs applied as one block of `chunks` chunks.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct BlockInputJson {
    pub pre_state: StateJson,
    pub context: BlockContextJson,
    pub chunks: u32,
    pub inputs: Vec<Input>,
}

/// A sequence of calls on a freshly deployed contract.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct L1Input {
    pub config: L1ConfigJson,
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
    EddsaVerify { public_key: PointJson, message: Dec, r8: PointJson, s: Dec },
    PubkeyHash { public_key: PointJson },
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
        public_key: PointJson,
    },
    Signature {
        r8: PointJson,
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
        public_key: PointJson,
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
    EncodeTx { tx: TxJson },
    DecodeTx { bytes: Hex },
    EncodeOp { op: OpJson },
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
    pub tx: TxJson,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecodedOps {
    pub ops: Vec<OpJson>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TransitionAccepted {
    pub op: OpJson,
    pub pubdata: Hex,
    /// The fee the block collects (transactions only).
    pub fee: Option<FeeJson>,
    pub post_root: Dec,
    /// Every account whose leaf changed, as it is afterwards (new accounts included).
    pub changed_accounts: Vec<AccountJson>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockAccepted {
    pub ops: Vec<OpJson>,
    pub fees: Vec<FeeJson>,
    pub post_root: Dec,
    pub pubdata: Hex,
    pub onchain_flags: Hex,
    pub commitment: Hex,
    pub public_input: Dec,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1ConfigJson {
    pub chain_id: Dec,
    pub contract: Hex,
    pub validators: Vec<Hex>,
    pub genesis_root: Dec,
    /// Listed ERC-20 tokens: token id `i` is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Hex>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StoredBlockJson {
    pub block_number: u32,
    pub priority_ops: Dec,
    pub pending_onchain_ops_hash: Hex,
    pub timestamp: Dec,
    pub state_root: Dec,
    pub commitment: Hex,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OnchainOpMetaJson {
    pub offset: u32,
    pub auth: Option<Auth>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommitBlockJson {
    pub block_number: u32,
    pub fee_account: u32,
    pub timestamp: Dec,
    pub new_state_root: Dec,
    pub pubdata: Hex,
    pub onchain_ops: Vec<OnchainOpMetaJson>,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExitClaimJson {
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
    CommitBlock { sender: Hex, parent: StoredBlockJson, block: CommitBlockJson },
    ProveBlock { sender: Hex, block: StoredBlockJson, proof: Hex },
    ExecuteBlock { sender: Hex, block: StoredBlockJson, pending_ops: Vec<Hex> },
    WithdrawPendingBalance { owner: Hex, token: u16, amount: Dec },
    RevertBlocks { sender: Hex, blocks: Vec<StoredBlockJson> },
    ActivateExodusMode,
    PerformExodus { block: StoredBlockJson, claim: ExitClaimJson, proof: Hex },
    CancelOutstandingDeposits { n: Dec },
}

/// An accepted call; a commit also returns the block it stored.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CallAccepted {
    pub stored_block: Option<StoredBlockJson>,
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
    pub last_committed_block: StoredBlockJson,
    pub pending_balances: Vec<PendingBalance>,
    pub held: Vec<Balance>,
}
