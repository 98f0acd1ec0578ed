//! Wire format v1 of the conformance vectors: the JSON an outside implementation reads and
//! writes. These types are a compatibility contract, kept apart from the spec's internal types
//! (which may change shape freely); [`convert`] maps between the two. Their doc comments are the
//! `description`s of the JSON Schemas in `conformance-vectors/v1/schema/`.
//!
//! Conventions: field elements and integers wider than 32 bits are decimal strings (JSON numbers
//! lose precision above 2^53); byte strings and addresses are `0x`-hex; ids, tokens and nonces
//! are JSON numbers. Enums carry their variant in a tag field (`"type"` unless said otherwise).
//! Amounts are in the token's smallest unit; times are L1 timestamps in seconds.
//!
//! Types that share a name with a spec type carry a `Json` suffix (`TxJson` is the wire form of
//! the spec's `Tx`).

pub mod convert;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format version every vector carries.
pub const FORMAT_VERSION: u32 = 1;

/// A decimal string (a field element, or an integer wider than 32 bits).
pub type Dec = String;
/// A `0x`-prefixed lowercase hex string.
pub type Hex = String;

/// A BabyJubjub point in circomlib's coordinates (`168700·x² + y² = 1 + 168696·x²·y²`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PointJson {
    /// The x coordinate: a field element, decimal string.
    pub x: Dec,
    /// The y coordinate: a field element, decimal string.
    pub y: Dec,
}

/// A packed float: `mantissa · 10^exponent`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Packed {
    /// JSON number below 2^35 for an amount, below 2^11 for a fee.
    pub mantissa: u64,
    /// The decimal exponent, JSON number below 32; the value must fit in 128 bits.
    pub exponent: u8,
}

/// The signer's public key and an EdDSA-Poseidon signature `(R8, S)`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SignatureJson {
    /// The signer's public key `A`; its pubkey hash must be the account's (for ChangePubKey, the
    /// new one).
    pub pub_key: PointJson,
    /// The signature's point `R8`.
    pub r8: PointJson,
    /// The signature's scalar `S`: decimal string below the subgroup order `l`.
    pub s: Dec,
}

/// A token balance.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    /// Token id (0 is ETH), JSON number.
    pub token: u16,
    /// The amount, decimal string below 2^128.
    pub amount: Dec,
}

/// An L2 account.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccountJson {
    /// Account id: its index in the account tree, JSON number.
    pub id: u32,
    /// The nonce the account's next transaction must carry, JSON number.
    pub nonce: u32,
    /// Hash of the account's L2 public key, 20 bytes `0x`-hex; all zero until a ChangePubKey.
    pub pubkey_hash: Hex,
    /// The L1 address that owns the account, 20 bytes `0x`-hex.
    pub address: Hex,
    /// Non-zero balances, by increasing token id.
    pub balances: Vec<Balance>,
}

/// An L2 state: the non-empty accounts and the id counter.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StateJson {
    /// The id the next new account gets; accounts are exactly the ids below it (at most 2^24).
    pub next_account_id: u32,
    /// The non-empty accounts, by increasing id; an unlisted id below `next_account_id` is an
    /// existing account with every field zero.
    pub accounts: Vec<AccountJson>,
}

/// The block an input is applied in.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockContextJson {
    /// The block's number, JSON number (committed in the block commitment only).
    pub block_number: u32,
    /// The account the block's fees are credited to, JSON number.
    pub fee_account: u32,
    /// The block's timestamp in seconds, decimal string below 2^64; transactions must be valid
    /// at it.
    pub timestamp: Dec,
}

/// ChangePubKey's L1 authorisation.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Auth {
    /// The owner called `setAuthPubkeyHash` on the contract beforehand (kind byte 0).
    Onchain,
    /// The owner's EIP-191 `personal_sign` of `pubkey_hash ‖ nonce ‖ account_id` (kind byte 1).
    Eip191 {
        /// 65 bytes `r ‖ s ‖ v`, `0x`-hex.
        signature: Hex,
    },
    /// The owner's EIP-712 signature of `ChangePubKey(pubKeyHash, nonce, accountId)` (kind byte 2).
    Eip712 {
        /// 65 bytes `r ‖ s ‖ v`, `0x`-hex.
        signature: Hex,
    },
}

/// A signed L2 transaction.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum TxJson {
    /// Moves `amount` of `token` to the account of address `to`, opening one if there is none.
    Transfer {
        /// The sender, who signs and pays the fee, JSON number.
        account_id: u32,
        /// The recipient's L1 address, 20 bytes `0x`-hex.
        to: Hex,
        /// The token transferred, also the fee's token, JSON number.
        token: u16,
        /// The amount transferred (packed, 35-bit mantissa).
        amount: Packed,
        /// The fee, debited on top of `amount` (packed, 11-bit mantissa).
        fee: Packed,
        /// The sender's current nonce, JSON number.
        nonce: u32,
        /// The earliest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_from: Dec,
        /// The latest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_until: Dec,
        /// The sender's key and signature.
        signature: SignatureJson,
    },
    /// Moves `amount` of `token` out of L2, paid to the L1 address `to` when the block executes.
    Withdraw {
        /// The account withdrawn from, which signs and pays the fee, JSON number.
        account_id: u32,
        /// The L1 address credited, 20 bytes `0x`-hex.
        to: Hex,
        /// The token withdrawn, also the fee's token, JSON number.
        token: u16,
        /// The amount withdrawn, decimal string below 2^128 (not packed).
        amount: Dec,
        /// The fee, debited on top of `amount` (packed, 11-bit mantissa).
        fee: Packed,
        /// The account's current nonce, JSON number.
        nonce: u32,
        /// The earliest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_from: Dec,
        /// The latest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_until: Dec,
        /// The account's key and signature.
        signature: SignatureJson,
    },
    /// Sets the account's L2 key; signed by the new key, approved by the account's L1 owner.
    ChangePubKey {
        /// The account whose key changes, which pays the fee, JSON number.
        account_id: u32,
        /// Hash of the new L2 key, 20 bytes `0x`-hex.
        new_pubkey_hash: Hex,
        /// The token the fee is paid in, JSON number.
        fee_token: u16,
        /// The fee (packed, 11-bit mantissa).
        fee: Packed,
        /// The account's current nonce (also bound into the L1 approval), JSON number.
        nonce: u32,
        /// The earliest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_from: Dec,
        /// The latest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_until: Dec,
        /// The *new* key and its signature.
        signature: SignatureJson,
        /// The L1 owner's approval, checked by the contract at commit, not by the L2 transition.
        auth: Auth,
    },
    /// Sends a keyless account's whole balance of `token` to its own L1 address; the initiator
    /// signs and pays the fee.
    ForcedExit {
        /// The initiator, who signs and pays the fee, JSON number.
        account_id: u32,
        /// The L1 address of the exited account, which must have no L2 key, 20 bytes `0x`-hex.
        target: Hex,
        /// The token exited, also the fee's token, JSON number.
        token: u16,
        /// The initiator's fee (packed, 11-bit mantissa).
        fee: Packed,
        /// The initiator's current nonce, JSON number.
        nonce: u32,
        /// The earliest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_from: Dec,
        /// The latest block timestamp the transaction is valid at, decimal string below 2^64.
        valid_until: Dec,
        /// The initiator's key and signature.
        signature: SignatureJson,
    },
}

/// A priority operation requested on L1.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum PriorityOpJson {
    /// `from` moved `amount` of `token` into the contract for the account of address `to`.
    Deposit {
        /// The depositor's L1 address (refunded if the deposit is cancelled), 20 bytes `0x`-hex.
        from: Hex,
        /// The address credited on L2 (its account is opened if new), 20 bytes `0x`-hex.
        to: Hex,
        /// Token id, JSON number.
        token: u16,
        /// The amount, decimal string below 2^128.
        amount: Dec,
    },
    /// `owner` asks for account `account_id`'s whole balance of `token`.
    FullExit {
        /// The account to exit, JSON number.
        account_id: u32,
        /// The requester's L1 address; the exit pays only if it owns the account, 20 bytes `0x`-hex.
        owner: Hex,
        /// Token id, JSON number.
        token: u16,
    },
}

/// One input to a state transition (tag `"input"`: `tx` or `priority`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "input", rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    /// A signed L2 transaction.
    Tx {
        /// The transaction.
        tx: TxJson,
    },
    /// A priority operation from L1.
    Priority {
        /// The request.
        op: PriorityOpJson,
    },
}

/// An operation as a block records it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum OpJson {
    /// Padding (op code 0, 1 chunk).
    Noop,
    /// A deposit credited (op code 1, 6 chunks).
    Deposit {
        /// The credited account, JSON number.
        account_id: u32,
        /// Token id, JSON number.
        token: u16,
        /// The amount credited, decimal string below 2^128.
        amount: Dec,
        /// The account's L1 address (the request's `to`), 20 bytes `0x`-hex.
        address: Hex,
    },
    /// A transfer that opened the recipient's account (op code 2, 5 chunks).
    TransferToNew {
        /// The sender, JSON number.
        from: u32,
        /// Token id, JSON number.
        token: u16,
        /// The amount transferred (packed).
        amount: Packed,
        /// The recipient's L1 address, 20 bytes `0x`-hex.
        to_address: Hex,
        /// The id opened for the recipient, JSON number.
        to: u32,
        /// The fee (packed).
        fee: Packed,
    },
    /// A withdrawal, paid out on L1 at execution (op code 3, 6 chunks).
    Withdraw {
        /// The account withdrawn from, JSON number.
        account_id: u32,
        /// Token id, JSON number.
        token: u16,
        /// The amount withdrawn, decimal string below 2^128.
        amount: Dec,
        /// The fee (packed).
        fee: Packed,
        /// The L1 address credited, 20 bytes `0x`-hex.
        to: Hex,
    },
    /// A transfer between existing accounts (op code 5, 2 chunks).
    Transfer {
        /// The sender, JSON number.
        from: u32,
        /// Token id, JSON number.
        token: u16,
        /// The recipient, JSON number.
        to: u32,
        /// The amount transferred (packed).
        amount: Packed,
        /// The fee (packed).
        fee: Packed,
    },
    /// A full exit, paid out on L1 at execution (op code 6, 6 chunks).
    FullExit {
        /// The account the request names, JSON number.
        account_id: u32,
        /// The address that requested the exit, owner or not, 20 bytes `0x`-hex.
        owner: Hex,
        /// Token id, JSON number.
        token: u16,
        /// The account's whole balance of `token` if `owner` owns it, else `"0"`; decimal string.
        amount: Dec,
    },
    /// A key change, whose authorisation the contract checks at commit (op code 7, 7 chunks).
    ChangePubKey {
        /// The account, JSON number.
        account_id: u32,
        /// Hash of the new L2 key, 20 bytes `0x`-hex.
        new_pubkey_hash: Hex,
        /// The account's L1 address, who must have approved the change, 20 bytes `0x`-hex.
        owner: Hex,
        /// The transaction's nonce (the account's before the change), JSON number.
        nonce: u32,
        /// The token the fee is paid in, JSON number.
        fee_token: u16,
        /// The fee (packed).
        fee: Packed,
    },
    /// A forced exit, paid out on L1 at execution (op code 8, 6 chunks).
    ForcedExit {
        /// The account that signed and paid the fee, JSON number.
        initiator: u32,
        /// The exited account, JSON number.
        target: u32,
        /// Token id, JSON number.
        token: u16,
        /// The initiator's fee (packed).
        fee: Packed,
        /// The target's whole balance of `token` (possibly `"0"`), decimal string.
        amount: Dec,
        /// The target's L1 address, who is paid, 20 bytes `0x`-hex.
        target_address: Hex,
    },
}

/// A fee a block collects.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FeeJson {
    /// Token id, JSON number.
    pub token: u16,
    /// The amount, decimal string.
    pub amount: Dec,
}

/// Accepted, or rejected by a rule (tag `"result"`: `accepted`, with the accepted value's fields
/// beside it, or `rejected`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "result", rename_all = "snake_case", deny_unknown_fields)]
pub enum Verdict<T> {
    /// Accepted, with what the acceptance yields.
    Accepted(T),
    /// Rejected by the first rule broken.
    Rejected {
        /// The rule id, e.g. `"transfer.insufficient_balance"`.
        rule: String,
    },
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
    /// The wire format version, `1`.
    pub format_version: u32,
    /// Unique across the suite, `kind/group/case`.
    pub name: String,
    /// What the vector shows, in a sentence.
    pub description: String,
    /// Rule ids the vector exercises (the rejecting rule, and rules an accepted input passes
    /// at an edge).
    pub rules: Vec<String>,
    /// What the implementation is given.
    pub input: VectorInput,
    /// The spec's outcome; an implementation agrees when its outcome equals it exactly.
    pub expected: Outcome,
}

/// What an implementation is given (tag `"kind"`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VectorInput {
    /// A cryptographic or packing primitive.
    Primitives(PrimitivesInput),
    /// Transaction bytes or pubdata, encoded or decoded.
    Codec(CodecInput),
    /// One input applied to a state.
    Transition(TransitionInput),
    /// Inputs applied as one block.
    Block(BlockInputJson),
    /// Calls on the L1 contract.
    L1(L1Input),
}

/// A primitives case.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct PrimitivesInput {
    /// The computation asked for.
    pub case: PrimitivesCase,
}

/// A codec case.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct CodecInput {
    /// The encoding or decoding asked for.
    pub case: CodecCase,
}

/// One input applied to a state under a block context.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct TransitionInput {
    /// The state before.
    pub pre_state: StateJson,
    /// The block the input is applied in.
    pub context: BlockContextJson,
    /// The transaction or priority operation.
    pub input: Input,
}

/// Ordered inputs applied as one block of `chunks` chunks.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct BlockInputJson {
    /// The state before.
    pub pre_state: StateJson,
    /// The block's number, fee account and timestamp.
    pub context: BlockContextJson,
    /// The block's size in 8-byte chunks, JSON number: 8, 16, 32 or 64, else `block.unsupported_size`.
    pub chunks: u32,
    /// The inputs, applied in order; the block is rejected if any is.
    pub inputs: Vec<Input>,
}

/// A sequence of calls on a freshly deployed contract.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct L1Input {
    /// The deployment parameters.
    pub config: L1ConfigJson,
    /// The contract's clock at deployment, seconds, decimal string below 2^64.
    pub start_time: Dec,
    /// The calls, run in order; a rejected call changes nothing and the later calls still run.
    pub calls: Vec<L1Call>,
}

impl VectorInput {
    /// The input's kind.
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
    /// Poseidon, EdDSA, pubkey hashes, L2 key derivation, packing.
    Primitives,
    /// Transaction bytes, signing messages, hashes, pubdata.
    Codec,
    /// One input applied to a state.
    Transition,
    /// Inputs applied as a block: roots, pubdata, commitment, public input.
    Block,
    /// Calls on the L1 contract.
    L1,
}

impl Kind {
    /// Every kind, simplest first.
    pub const ALL: [Kind; 5] = [Kind::Primitives, Kind::Codec, Kind::Transition, Kind::Block, Kind::L1];

    /// The kind's name: its `"kind"` tag and its folder under `v1/`.
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

/// What an implementation answers (and what a vector expects), tag `"kind"` as its input's.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The answer to a primitives case.
    Primitives(PrimitivesOutcome),
    /// The answer to a codec case.
    Codec(CodecOutcome),
    /// The verdict on a transition.
    Transition(TransitionOutcome),
    /// The verdict on a block.
    Block(BlockOutcome),
    /// The verdicts on the L1 calls and the final contract state.
    L1(L1Outcome),
}

/// The answer to a primitives case.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct PrimitivesOutcome {
    /// The computed value.
    pub result: PrimitivesResult,
}

/// The answer to a codec case.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct CodecOutcome {
    /// The encoding, or the decoding's verdict.
    pub result: CodecResult,
}

/// The verdict on a transition.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct TransitionOutcome {
    /// The root of the pre-state, decimal string.
    pub pre_root: Dec,
    /// Accepted with its effects, or rejected (the state is then unchanged).
    pub verdict: Verdict<TransitionAccepted>,
}

/// The verdict on a block.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct BlockOutcome {
    /// The root of the pre-state, decimal string.
    pub pre_root: Dec,
    /// Accepted with its effects, or rejected by the first rule any input or the block breaks.
    pub verdict: Verdict<BlockAccepted>,
}

/// A verdict per call, and the contract's state after the last call.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct L1Outcome {
    /// One verdict per call, in order.
    pub results: Vec<Verdict<CallAccepted>>,
    /// A summary of the contract's state after the last call.
    pub final_state: L1Summary,
}

/// A primitive computation (tag `"case"`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "case", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrimitivesCase {
    /// circomlib's `Poseidon(inputs)`; answered by `field`.
    Poseidon {
        /// 1 to 12 field elements, decimal strings.
        inputs: Vec<Dec>,
    },
    /// The EdDSA-Poseidon public key of a private key; answered by `public_key`.
    EddsaPublicKey {
        /// 32 bytes `0x`-hex (circomlib's private key format).
        private_key: Hex,
    },
    /// circomlib's `signPoseidon(private_key, message)`; answered by `signature`.
    EddsaSign {
        /// 32 bytes `0x`-hex.
        private_key: Hex,
        /// The message, a field element, decimal string.
        message: Dec,
    },
    /// circomlib's `verifyPoseidon(message, (r8, s), public_key)`; answered by `valid`.
    EddsaVerify {
        /// The public key `A` (need not be on the curve: then the signature is invalid).
        public_key: PointJson,
        /// The message, a field element, decimal string.
        message: Dec,
        /// The signature's `R8` (need not be on the curve: then the signature is invalid).
        r8: PointJson,
        /// The signature's `S`, decimal string below the subgroup order `l`.
        s: Dec,
    },
    /// The pubkey hash of a public key: low 20 bytes of `Poseidon(A.x, A.y)`; answered by
    /// `pubkey_hash`.
    PubkeyHash {
        /// The public key.
        public_key: PointJson,
    },
    /// The L2 key derived from an L1 key for one deployment (`keccak256` of its EIP-191
    /// signature of the seed message, which names the chain id and the rollup contract);
    /// answered by `l2_key`.
    L2KeyFromL1 {
        /// The secp256k1 secret key, 32 bytes `0x`-hex.
        l1_secret: Hex,
        /// The deployment's L1 chain id, decimal string below 2^64.
        chain_id: Dec,
        /// The deployment's rollup contract, 20 bytes `0x`-hex.
        contract: Hex,
    },
    /// The closest packable amount (35-bit mantissa) not above a value; answered by `packing`.
    PackAmount {
        /// The value, decimal string below 2^128.
        value: Dec,
    },
    /// The closest packable fee (11-bit mantissa) not above a value; answered by `packing`.
    PackFee {
        /// The value, decimal string below 2^128.
        value: Dec,
    },
    /// Decodes a packed amount; answered by `unpacked`.
    UnpackAmount {
        /// The packed bytes, `0x`-hex (5 bytes, else `codec.truncated`, more is `codec.trailing_bytes`).
        bytes: Hex,
    },
    /// Decodes a packed fee; answered by `unpacked`.
    UnpackFee {
        /// The packed bytes, `0x`-hex (2 bytes, else `codec.truncated`, more is `codec.trailing_bytes`).
        bytes: Hex,
    },
    /// The exit claim a state gives an account and token (the spec's `exit_witness`); answered
    /// by `exit`.
    ExitClaim {
        /// The state (the last executed block's).
        state: StateJson,
        /// The account.
        account_id: u32,
        /// The token.
        token: u16,
    },
    /// Whether a claim holds in a state (the spec's `check_exit`, the relation the exit circuit
    /// proves), with the witness read from the state: the account's fields and its Merkle paths,
    /// or an empty account's at an id with none; answered by `valid`.
    CheckExit {
        /// The state.
        state: StateJson,
        /// The claim.
        claim: ExitClaimJson,
    },
}

/// The value a primitives case computes.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrimitivesResult {
    /// A field element (Poseidon).
    Field {
        /// Decimal string.
        value: Dec,
    },
    /// A public key (EdDSA public key).
    PublicKey {
        /// The public key `A = B8·(s >> 3)`.
        public_key: PointJson,
    },
    /// A signature (EdDSA sign).
    Signature {
        /// The signature's `R8`.
        r8: PointJson,
        /// The signature's `S`, decimal string below `l`.
        s: Dec,
    },
    /// A verification result (EdDSA verify).
    Valid {
        /// Whether the signature verifies.
        valid: bool,
    },
    /// A pubkey hash.
    PubkeyHash {
        /// 20 bytes `0x`-hex.
        pubkey_hash: Hex,
    },
    /// An L2 key derived from an L1 key.
    L2Key {
        /// The L1 key's Ethereum address, 20 bytes `0x`-hex.
        address: Hex,
        /// The derived L2 private key, 32 bytes `0x`-hex.
        l2_private_key: Hex,
        /// Its public key.
        public_key: PointJson,
        /// Its pubkey hash, 20 bytes `0x`-hex.
        pubkey_hash: Hex,
    },
    /// `closest`: the largest packable value not above the input, and its bytes.
    Packing {
        /// Its `(mantissa, exponent)`, with the smallest exponent that represents it.
        closest: Packed,
        /// Its value, decimal string.
        closest_value: Dec,
        /// Its packed bytes, big-endian `mantissa << 5 | exponent`, `0x`-hex.
        bytes: Hex,
        /// Whether the input itself is packable (`closest_value` equals it).
        exact: bool,
    },
    /// An exit claim and its public input (both null where the account does not exist).
    Exit {
        /// The claim.
        claim: Option<ExitClaimJson>,
        /// Its 253-bit public input, decimal string.
        public_input: Option<Dec>,
    },
    /// A decoded packed value.
    Unpacked {
        /// The value, or `codec.truncated` (wrong length) or `codec.amount_too_large` (2^128 or
        /// more).
        verdict: Verdict<UnpackedValue>,
    },
}

/// A decoded packed value.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UnpackedValue {
    /// Its `(mantissa, exponent)`.
    pub packed: Packed,
    /// Its value, `mantissa · 10^exponent`, decimal string.
    pub value: Dec,
}

/// An encoding or decoding (tag `"case"`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "case", rename_all = "snake_case", deny_unknown_fields)]
pub enum CodecCase {
    /// A transaction's bytes, body, signing message and hash; answered by `encoded_tx`.
    EncodeTx {
        /// The transaction.
        tx: TxJson,
    },
    /// Decodes transaction bytes; answered by `decoded_tx`.
    DecodeTx {
        /// The bytes, `0x`-hex (possibly malformed).
        bytes: Hex,
    },
    /// An op's pubdata; answered by `encoded_op`.
    EncodeOp {
        /// The op.
        op: OpJson,
    },
    /// Splits a block's pubdata into ops; answered by `decoded_pubdata`.
    DecodePubdata {
        /// The pubdata, `0x`-hex (possibly malformed).
        pubdata: Hex,
    },
}

/// The answer to a codec case.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CodecResult {
    /// An encoded transaction.
    EncodedTx {
        /// The full transaction bytes `body ‖ A ‖ R8 ‖ S`, then for ChangePubKey the
        /// authorisation; `0x`-hex.
        bytes: Hex,
        /// The body `e0 ‖ e1 ‖ e2`, `0x`-hex.
        body: Hex,
        /// `Poseidon(e0, e1, e2)`, the message the L2 key signs, decimal string.
        signing_message: Dec,
        /// `sha256(body)`, 32 bytes `0x`-hex.
        hash: Hex,
    },
    /// A decoded transaction, or the `codec.*` rule of the first malformed field.
    DecodedTx {
        /// The verdict.
        verdict: Verdict<DecodedTx>,
    },
    /// An encoded op.
    EncodedOp {
        /// The op's pubdata, zero-padded to whole chunks, `0x`-hex.
        pubdata: Hex,
        /// The chunks it occupies, JSON number.
        chunks: u32,
        /// Whether it is an on-chain op (Deposit, Withdraw, FullExit, ChangePubKey, ForcedExit).
        onchain: bool,
    },
    /// The ops of a pubdata, or the `codec.*` rule of the first malformed op.
    DecodedPubdata {
        /// The verdict.
        verdict: Verdict<DecodedOps>,
    },
}

/// A decoded transaction.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecodedTx {
    /// The transaction.
    pub tx: TxJson,
}

/// The ops of a pubdata.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecodedOps {
    /// Every op in order, Noops included.
    pub ops: Vec<OpJson>,
}

/// An accepted transition.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TransitionAccepted {
    /// The op the block records.
    pub op: OpJson,
    /// The op's pubdata, zero-padded to whole chunks, `0x`-hex.
    pub pubdata: Hex,
    /// The fee the block collects (transactions only).
    pub fee: Option<FeeJson>,
    /// The root of the state after, decimal string (fees not yet credited).
    pub post_root: Dec,
    /// Every account whose leaf changed, as it is afterwards (new accounts included).
    pub changed_accounts: Vec<AccountJson>,
}

/// An accepted block.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockAccepted {
    /// The inputs' ops in order, without padding.
    pub ops: Vec<OpJson>,
    /// The fees credited to the fee account: non-zero totals, by increasing token id.
    pub fees: Vec<FeeJson>,
    /// The root of the state after the block (fees credited), decimal string.
    pub post_root: Dec,
    /// The ops' pubdata followed by Noop chunks up to `chunks`, `0x`-hex.
    pub pubdata: Hex,
    /// One byte per chunk, `01` where an on-chain op starts and `00` elsewhere, `0x`-hex.
    pub onchain_flags: Hex,
    /// `sha256(block_number ‖ fee_account ‖ timestamp ‖ old_root ‖ new_root ‖ pubdata ‖
    /// onchain_flags)`, 32 bytes `0x`-hex.
    pub commitment: Hex,
    /// The commitment's low 253 bits, the block proof's public input, decimal string.
    pub public_input: Dec,
}

/// The contract's deployment parameters.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1ConfigJson {
    /// The L1 chain id (EIP-712 `chainId`), decimal string below 2^64.
    pub chain_id: Dec,
    /// The contract's address (EIP-712 `verifyingContract`), 20 bytes `0x`-hex.
    pub contract: Hex,
    /// The first governor, who adds and removes validators and lists tokens, 20 bytes `0x`-hex.
    pub governor: Hex,
    /// The first addresses allowed to commit, prove, execute and revert blocks, 20 bytes `0x`-hex
    /// each.
    pub validators: Vec<Hex>,
    /// The state root of block 0, decimal string.
    pub genesis_root: Dec,
    /// The first listed ERC-20 tokens: token id `i` is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Hex>,
    /// The most tokens listed besides ETH, JSON number.
    pub max_tokens: u16,
    /// The block sizes (chunks) the deployment holds a block verifier for, JSON numbers, each
    /// one of 8, 16, 32, 64; a block of another size is refused at commit.
    pub block_sizes: Vec<u16>,
}

/// What the contract records of a committed block; calls name blocks by it, compared whole.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StoredBlockJson {
    /// The block's number (genesis is 0), JSON number.
    pub block_number: u32,
    /// The priority requests the block serves, decimal string.
    pub priority_ops: Dec,
    /// The keccak-256 chain over the pubdata of the Withdraw, ForcedExit and FullExit ops, 32
    /// bytes `0x`-hex (`keccak256("")` when there are none).
    pub pending_onchain_ops_hash: Hex,
    /// The block's timestamp in seconds, decimal string.
    pub timestamp: Dec,
    /// The state root after the block, decimal string.
    pub state_root: Dec,
    /// The block commitment, 32 bytes `0x`-hex (32 zero bytes for genesis).
    pub commitment: Hex,
    /// The block's size in chunks (0 for genesis): whose verifier checks its proof, JSON number.
    pub chunks: u16,
}

/// An on-chain op of a commit.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OnchainOpMetaJson {
    /// Byte offset of the op's first chunk in the pubdata, JSON number.
    pub offset: u32,
    /// For a ChangePubKey, its authorisation (`null` counts as `Onchain`); ignored otherwise.
    pub auth: Option<Auth>,
}

/// A block as the operator commits it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommitBlockJson {
    /// The parent's number plus one, JSON number.
    pub block_number: u32,
    /// The block's fee account, JSON number (committed, not checked, by the contract).
    pub fee_account: u32,
    /// The block's timestamp in seconds, between the parent's and the contract's clock; decimal
    /// string.
    pub timestamp: Dec,
    /// The state root after the block, decimal string.
    pub new_state_root: Dec,
    /// The block's pubdata, `0x`-hex: 8, 16, 32 or 64 chunks of 8 bytes.
    pub pubdata: Hex,
    /// The on-chain ops the contract must act on, by increasing offset.
    pub onchain_ops: Vec<OnchainOpMetaJson>,
}

/// What an exit proof states: in the state with root `root`, account `account_id` is owned by
/// `owner` and holds `amount` of `token`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExitClaimJson {
    /// The state root (the last executed block's), decimal string.
    pub root: Dec,
    /// The account, JSON number.
    pub account_id: u32,
    /// The account's L1 address, who is paid, 20 bytes `0x`-hex.
    pub owner: Hex,
    /// Token id, JSON number.
    pub token: u16,
    /// The account's balance of `token`, decimal string.
    pub amount: Dec,
}

/// A call on the L1 contract. Proofs are *symbolic* (see the spec's `l1::SymbolicVerifier`):
/// the proof of public input `x` is `x` as 32 big-endian bytes; an adapter running real
/// contracts replaces a correct symbolic proof by a real proof of the same statement.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
pub enum L1Call {
    /// Moves the contract's clock forward to `now` (never back); never rejected.
    SetTime {
        /// Seconds, decimal string below 2^64.
        now: Dec,
    },
    /// `depositETH` / `depositERC20`: `from` deposits `amount` of `token` for the account of `to`.
    Deposit {
        /// The depositor, 20 bytes `0x`-hex.
        from: Hex,
        /// The L2 recipient's address, 20 bytes `0x`-hex.
        to: Hex,
        /// Token id, JSON number.
        token: u16,
        /// The amount, decimal string below 2^128.
        amount: Dec,
    },
    /// `requestFullExit`: `owner` asks for account `account_id`'s whole balance of `token`.
    RequestFullExit {
        /// The requester, 20 bytes `0x`-hex.
        owner: Hex,
        /// The account, JSON number.
        account_id: u32,
        /// Token id, JSON number.
        token: u16,
    },
    /// `setAuthPubkeyHash`: `sender` approves, on chain, its account's ChangePubKey to
    /// `pubkey_hash` at `nonce`.
    SetAuthPubkeyHash {
        /// The account's owner, 20 bytes `0x`-hex.
        sender: Hex,
        /// The new key's hash, 20 bytes `0x`-hex.
        pubkey_hash: Hex,
        /// The ChangePubKey's nonce, JSON number.
        nonce: u32,
    },
    /// `commitBlocks` for one block on top of `parent`; accepted with the block it stored.
    CommitBlock {
        /// The validator calling, 20 bytes `0x`-hex.
        sender: Hex,
        /// The last committed block (genesis if none).
        parent: StoredBlockJson,
        /// The block.
        block: CommitBlockJson,
    },
    /// `proveBlocks` for the next committed, unproven block.
    ProveBlock {
        /// The validator calling, 20 bytes `0x`-hex.
        sender: Hex,
        /// The block, as stored at commit.
        block: StoredBlockJson,
        /// The (symbolic) proof, `0x`-hex.
        proof: Hex,
    },
    /// `executeBlocks` for the next proven block.
    ExecuteBlock {
        /// The validator calling, 20 bytes `0x`-hex.
        sender: Hex,
        /// The block, as stored at commit.
        block: StoredBlockJson,
        /// The pubdata of each Withdraw, ForcedExit and FullExit op the commit listed, padding
        /// included, in the order listed; `0x`-hex each.
        pending_ops: Vec<Hex>,
    },
    /// `withdrawPendingBalance`: pays `amount` of `owner`'s pending balance of `token`.
    WithdrawPendingBalance {
        /// The owner of the pending balance, 20 bytes `0x`-hex.
        owner: Hex,
        /// Token id, JSON number.
        token: u16,
        /// The amount, decimal string.
        amount: Dec,
    },
    /// `revertBlocks`: drops committed, unexecuted blocks.
    RevertBlocks {
        /// The validator calling, 20 bytes `0x`-hex.
        sender: Hex,
        /// The blocks to drop, newest first, as stored at commit.
        blocks: Vec<StoredBlockJson>,
    },
    /// `activateExodusMode`: once the oldest open priority request has expired unserved.
    ActivateExodusMode,
    /// `performExodus`: pays a balance proven against the last executed block, in exodus mode.
    PerformExodus {
        /// The last executed block, as stored.
        block: StoredBlockJson,
        /// What the exit proof states.
        claim: ExitClaimJson,
        /// The (symbolic) exit proof, `0x`-hex.
        proof: Hex,
    },
    /// `cancelOutstandingDepositsForExodusMode`: refunds the deposits of up to `n` open requests.
    CancelOutstandingDeposits {
        /// The most requests to close, decimal string below 2^64.
        n: Dec,
    },
    /// `proposeGovernor`: the governor proposes its successor, who must accept.
    ProposeGovernor {
        /// The caller, 20 bytes `0x`-hex.
        sender: Hex,
        /// The proposed governor (the zero address withdraws a proposal), 20 bytes `0x`-hex.
        candidate: Hex,
    },
    /// `acceptGovernor`: the proposed governor takes the role.
    AcceptGovernor {
        /// The caller, 20 bytes `0x`-hex.
        sender: Hex,
    },
    /// `renounceGovernor`: the governor gives the role up for good.
    RenounceGovernor {
        /// The caller, 20 bytes `0x`-hex.
        sender: Hex,
    },
    /// `setValidator`: the governor adds or removes a validator.
    SetValidator {
        /// The caller, 20 bytes `0x`-hex.
        sender: Hex,
        /// The address added or removed, 20 bytes `0x`-hex.
        validator: Hex,
        /// Added (`true`) or removed (`false`).
        active: bool,
    },
    /// `listToken`: the governor lists an ERC-20 under the next token id.
    ListToken {
        /// The caller, 20 bytes `0x`-hex.
        sender: Hex,
        /// The token contract, 20 bytes `0x`-hex.
        token: Hex,
    },
}

/// An accepted call; a commit also returns the block it stored.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CallAccepted {
    /// The block a `commit_block` stored; `null` for every other call.
    pub stored_block: Option<StoredBlockJson>,
}

/// An amount the contract owes an L1 address.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PendingBalance {
    /// The address owed, 20 bytes `0x`-hex.
    pub owner: Hex,
    /// Token id, JSON number.
    pub token: u16,
    /// The amount, decimal string above zero.
    pub amount: Dec,
}

/// The contract's state after the calls.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1Summary {
    /// The contract's clock, seconds, decimal string.
    pub now: Dec,
    /// Committed blocks (genesis not counted), JSON number.
    pub blocks_committed: u32,
    /// Proven blocks, JSON number.
    pub blocks_proven: u32,
    /// Executed blocks, JSON number.
    pub blocks_executed: u32,
    /// The id of the oldest priority request not yet executed, refunded or dropped, decimal string.
    pub first_open_request: Dec,
    /// How many priority requests were ever made (ids run from 0), decimal string.
    pub total_requests: Dec,
    /// Whether exodus mode is active.
    pub exodus_mode: bool,
    /// The last committed block (genesis when none is).
    pub last_committed_block: StoredBlockJson,
    /// Every pending balance above zero, by owner address and then token id.
    pub pending_balances: Vec<PendingBalance>,
    /// What the contract holds from deposits (deposited, not yet paid out), by increasing
    /// token id: every token it holds a non-zero amount of.
    pub held: Vec<Balance>,
    /// The governor, 20 bytes `0x`-hex.
    pub governor: Hex,
    /// The successor the governor proposed and who has not accepted yet (zero: none), 20 bytes
    /// `0x`-hex.
    pub pending_governor: Hex,
    /// The listed tokens, token id 1 first, 20 bytes `0x`-hex each.
    pub tokens: Vec<Hex>,
}
