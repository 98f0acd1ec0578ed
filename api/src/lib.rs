//! # zkrollup-api: the node's JSON-RPC API, defined once
//!
//! The methods a wallet calls, as one jsonrpsee `#[rpc]` trait ([`RollupApi`]): the node
//! implements the server side ([`RollupApiServer`]), the SDK and the tests call the generated
//! client ([`RollupApiClient`]) — no method name or type is restated anywhere else. JSON-RPC 2.0,
//! positional parameters, method names in the `zkr_` namespace.
//!
//! Data flows one way: a wallet signs a transaction in the conformance wire format
//! ([`TxJson`], the same JSON the vectors use, with its published schema) and submits it; the
//! node answers with a [`TxReceipt`] once the transaction and its effects are durable; the
//! wallet then follows its [`TxStatus`] through the block lifecycle.
//!
//! - [`types`]: requests and results.
//! - [`HttpClient`]: the client over HTTP ([`HttpClientBuilder`]), on which the generated
//!   [`RollupApiClient`] methods are called; [`WsClient`] over WebSocket, the same methods and
//!   the subscriptions.
//! - [`error`]: the error codes, and the data every refusal carries (the spec's rule id).
//! - [`locate`]: the field a malformed parameter breaks, named from the wire schema.
//! - [`endpoint`]: URLs as errors may show them (without API keys or credentials).

pub mod endpoint;
pub mod error;
pub mod locate;
pub mod types;

use jsonrpsee::core::{RpcResult, SubscriptionResult};
use jsonrpsee::proc_macros::rpc;

pub use jsonrpsee::core::client::{Error as ClientError, Subscription};
pub use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
pub use jsonrpsee_ws_client::{WsClient, WsClientBuilder};
pub use types::*;
pub use zkrollup_conformance::wire::{PriorityOpJson, TxJson};

/// The API's version, reported by `zkr_version`; bumped on an incompatible change.
pub const API_VERSION: u32 = 1;

/// The API's description in OpenRPC 1.3 (JSON), which the node serves as `rpc.discover`:
/// every method's parameters and result with their JSON schemas, and an example of each taken
/// from a live node. Generated from [`RollupApi`]'s source and its types
/// (node-tests/tests/api_doc.rs checks it, and rewrites it with `ZKROLLUP_UPDATE_API_DOC=1`);
/// docs/API.md is its reading.
pub const OPENRPC: &str = include_str!("../openrpc.json");

/// The node's methods, over HTTP and WebSocket on one port: JSON-RPC 2.0, parameters by
/// position or by name. Every refusal is a JSON-RPC error whose `data` ([`error::ErrorData`])
/// names the spec's rule (`rule`), or the mempool bound (`bound`), or the bad parameter
/// (`field`), and in a batch the transaction refused (`index`).
///
/// The subscriptions work over WebSocket only. Each notification is what the matching `get`
/// method answers at that moment, but for the stage of a block (and of its transactions and
/// priority operations), which is the stage the block reached then: a subscriber sees every
/// stage, in order, however late it reads. A subscriber that does not read its notifications as fast as
/// they come is dropped: the node queues a bounded number per connection, then ends the
/// subscription with an error notification saying so (the notifications queued before it
/// still arrive first). Subscribe again, and read the current state with the `get` methods.
#[rpc(server, client, namespace = "zkr")]
pub trait RollupApi {
    /// Checks a signed transaction against the committed state and queues it; answers once it
    /// and its effects are durable in the node's store.
    #[method(name = "submitTx")]
    async fn submit_tx(&self, tx: TxJson) -> RpcResult<TxReceipt>;

    /// Submits an atomic batch: every transaction is accepted (and durable) or none is, and the
    /// error names the first refused by its index. Accepted, they run in one block, in their
    /// order, or none runs: if one fails when the block is built (a balance spent meanwhile),
    /// all are dropped with its rule. Each carries its account's next nonce (after the ones
    /// waiting and the batch's earlier ones), and the batch fits in one block.
    #[method(name = "submitBatch")]
    async fn submit_batch(&self, txs: Vec<TxJson>) -> RpcResult<Vec<TxReceipt>>;

    /// An account by id (a JSON number) or by its L1 address (`0x`-hex); `null` if none.
    #[method(name = "getAccount")]
    async fn get_account(&self, account: AccountRef) -> RpcResult<Option<AccountInfo>>;

    /// A transaction the node accepted, by its hash; `null` if it never accepted it.
    #[method(name = "getTx")]
    async fn get_tx(&self, hash: String) -> RpcResult<Option<TxInfo>>;

    /// A priority operation (a deposit or full-exit request from L1) by serial id; `null` if
    /// the node has not seen it.
    #[method(name = "getPriorityOp")]
    async fn get_priority_op(&self, serial_id: u64) -> RpcResult<Option<PriorityOpInfo>>;

    /// A block by number; `null` if not sealed yet.
    #[method(name = "getBlock")]
    async fn get_block(&self, number: u32) -> RpcResult<Option<BlockInfo>>;

    /// The tokens the rollup lists.
    #[method(name = "tokens")]
    async fn tokens(&self) -> RpcResult<Vec<TokenInfo>>;

    /// The chain and the contract this node serves.
    #[method(name = "contracts")]
    async fn contracts(&self) -> RpcResult<ContractInfo>;

    /// The fee the node asks for a transaction type in a token, from its configured price table.
    #[method(name = "estimateFee")]
    async fn estimate_fee(&self, tx_type: TxKind, token: u16) -> RpcResult<FeeEstimate>;

    /// Block progress and the mempool's size.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<NetworkStatus>;

    /// The node's and the API's versions.
    #[method(name = "version")]
    async fn version(&self) -> RpcResult<VersionInfo>;

    /// A transaction's status ([`TxInfo`], as `zkr_getTx` answers): the current one at once,
    /// then each change (queued → in a block → committed → proven → executed, or dropped); it
    /// ends after executed or dropped (a dropped transaction sent again is followed anew).
    /// Refused for a hash the node never accepted.
    #[subscription(name = "subscribeTx" => "tx", unsubscribe = "unsubscribeTx", item = TxInfo)]
    async fn subscribe_tx(&self, hash: String) -> SubscriptionResult;

    /// An account ([`AccountInfo`], as `zkr_getAccount` answers) by id or L1 address: the current
    /// one at once if it exists, then each change of its committed or verified state (or of its
    /// next nonce); an address with no account yet is first sent when its account opens.
    #[subscription(name = "subscribeAccount" => "account", unsubscribe = "unsubscribeAccount", item = AccountInfo)]
    async fn subscribe_account(&self, account: AccountRef) -> SubscriptionResult;

    /// Each block ([`BlockInfo`]) as it reaches a stage: sealed, committed, proven, executed on L1.
    #[subscription(name = "subscribeBlocks" => "block", unsubscribe = "unsubscribeBlocks", item = BlockInfo)]
    async fn subscribe_blocks(&self) -> SubscriptionResult;

    /// Each priority operation ([`PriorityOpInfo`]) when the node reads it from L1, then each time
    /// its block reaches a stage.
    #[subscription(name = "subscribePriorityOps" => "priorityOp", unsubscribe = "unsubscribePriorityOps", item = PriorityOpInfo)]
    async fn subscribe_priority_ops(&self) -> SubscriptionResult;
}
