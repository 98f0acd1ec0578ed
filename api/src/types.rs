//! The API's requests and results. Conventions are the conformance wire format's
//! (`zkrollup_conformance::wire`): integers wider than 32 bits and field elements are decimal
//! strings, bytes and addresses `0x`-hex, enums tagged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
pub use zkrollup_conformance::wire::{Balance, Dec, Hex};

/// An account named by id or by the L1 address that owns it.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(untagged)]
pub enum AccountRef {
    /// Its id, a JSON number.
    Id(u32),
    /// Its owner's L1 address, 20 bytes `0x`-hex.
    Address(Hex),
}

/// The node's answer to an accepted transaction.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TxReceipt {
    /// The transaction's hash (SHA-256 of its bytes), `0x`-hex.
    pub hash: Hex,
    /// The account that signed it.
    pub account_id: u32,
    /// Its nonce.
    pub nonce: u32,
}

/// An account's fields in one view of the state.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccountState {
    /// The nonce its next transaction must carry.
    pub nonce: u32,
    /// Hash of its L2 key, 20 bytes `0x`-hex; zero until a ChangePubKey.
    pub pubkey_hash: Hex,
    /// Non-zero balances by increasing token id.
    pub balances: Vec<Balance>,
}

/// An account in the node's two views.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccountInfo {
    /// Its id.
    pub id: u32,
    /// The L1 address that owns it, `0x`-hex.
    pub address: Hex,
    /// The state after every block the node has sealed: the accepted transactions' effects
    /// once they are in a block.
    pub committed: AccountState,
    /// The state after the last block executed on L1; `null` if the account is not in it yet.
    pub verified: Option<AccountState>,
    /// The nonce a new transaction should carry, counting the ones waiting in the mempool (for
    /// a sender with several transactions in flight).
    pub next_nonce: u32,
}

/// Where a transaction is in its life.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum TxStatus {
    /// Accepted and durable, waiting in the mempool.
    Queued,
    /// In a sealed block, not yet committed on L1.
    InBlock {
        /// The block's number.
        block: u32,
    },
    /// Its block is committed on L1.
    Committed {
        /// The block's number.
        block: u32,
    },
    /// Its block's proof is verified on L1.
    Proven {
        /// The block's number.
        block: u32,
    },
    /// Its block is executed on L1: final.
    Executed {
        /// The block's number.
        block: u32,
    },
    /// It was accepted but became invalid before a block could take it (an earlier transaction
    /// spent the balance, it expired): it left the mempool. The same signed transaction may be
    /// sent again, and runs if it has become valid (its nonce unused, not expired).
    Dropped {
        /// The spec's rule it broke.
        rule: String,
        /// What was seen.
        message: String,
    },
}

/// A transaction the node accepted.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TxInfo {
    /// Its hash, `0x`-hex.
    pub hash: Hex,
    /// The transaction as submitted.
    pub tx: crate::TxJson,
    /// Where it is.
    pub status: TxStatus,
}

/// A block's progress, in order.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum BlockStage {
    /// Built and stored by the node.
    Sealed,
    /// Committed on L1.
    Committed,
    /// Its proof verified on L1.
    Proven,
    /// Executed on L1: final.
    Executed,
}

/// A priority operation the node has seen on L1.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PriorityOpInfo {
    /// Its serial id on L1.
    pub serial_id: u64,
    /// The request.
    pub op: crate::PriorityOpJson,
    /// The block that includes it, once sealed.
    pub block: Option<u32>,
    /// That block's stage; `null` while the request waits.
    pub stage: Option<BlockStage>,
}

/// A sealed block.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BlockInfo {
    /// Its number.
    pub number: u32,
    /// Its size in chunks.
    pub chunks: u16,
    /// Its L1 timestamp, seconds.
    pub timestamp: u64,
    /// The state root after it, decimal string.
    pub new_root: Dec,
    /// The hashes of its transactions, in block order.
    pub txs: Vec<Hex>,
    /// The serial ids of its priority operations, in block order.
    pub priority_ops: Vec<u64>,
    /// How far it has come.
    pub stage: BlockStage,
}

/// A listed token.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TokenInfo {
    /// Its id on L2 (0 is ETH).
    pub id: u16,
    /// Its L1 contract, `0x`-hex (zero for ETH).
    pub address: Hex,
}

/// The chain and contract a node serves.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContractInfo {
    /// The L1 chain id.
    pub chain_id: u64,
    /// The rollup contract's address, `0x`-hex.
    pub rollup: Hex,
}

/// A transaction type, for a fee estimate.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TxKind {
    /// A transfer to an existing account.
    Transfer,
    /// A transfer that opens the recipient's account.
    TransferToNew,
    /// A withdrawal to L1.
    Withdraw,
    /// A forced exit of a keyless account.
    ForcedExit,
    /// A ChangePubKey.
    ChangePubKey,
}

/// What the node asks for a transaction.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FeeEstimate {
    /// The transaction type.
    pub tx_type: TxKind,
    /// The token the fee is paid in.
    pub token: u16,
    /// The fee, in the token's smallest unit, rounded up to a packable fee; decimal string.
    pub fee: Dec,
}

/// Progress of the node.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NetworkStatus {
    /// The last block the node sealed (0: none yet).
    pub last_sealed: u32,
    /// The last block whose proof the node has (not yet sent to L1).
    pub last_proven_off_chain: u32,
    /// The last block committed on L1.
    pub last_committed: u32,
    /// The last block proven on L1.
    pub last_proven: u32,
    /// The last block executed on L1.
    pub last_executed: u32,
    /// Transactions waiting in the mempool.
    pub mempool: usize,
    /// Priority operations seen on L1 and not yet in a block.
    pub pending_priority_ops: usize,
    /// The last error of each stage that is failing (it retries) or has halted (`halted: …`,
    /// saying what the operator must do), e.g. `l1 sender: committing block 7: …`; empty
    /// while every stage runs.
    pub stage_errors: Vec<String>,
    /// The node's own L1 transaction sent and not yet mined with its confirmations, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l1_in_flight: Option<L1TxInFlight>,
}

/// The node's own L1 transaction in flight: recorded in its store before it was sent, replaced
/// with higher fees while it stays unmined.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct L1TxInFlight {
    /// What it does: `commitBlock 5`, `proveBlock 5` or `executeBlock 5`.
    pub action: String,
    /// The operator's nonce it uses.
    pub nonce: u64,
    /// The hash of the version sent last, `0x`-hex.
    pub hash: String,
    /// How many versions were sent with this nonce (each replacement bids at least 12.5 % more).
    pub versions: usize,
    /// The last version's maximum fee per gas, in wei; decimal string.
    pub max_fee_per_gas: Dec,
    /// When the first version was recorded, in milliseconds since the Unix epoch.
    pub since_ms: u64,
}

/// Versions.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VersionInfo {
    /// The node's version (its crate's).
    pub node: String,
    /// [`crate::API_VERSION`].
    pub api: u32,
}
