//! The API server: `zkrollup_api::RollupApiServer` over the sequencer and the store, over HTTP
//! and WebSocket on one port (the subscriptions are in [`crate::subscriptions`]). Parsing and
//! signature verification happen here, on blocking threads and in parallel (not on the async
//! runtime's threads), so the sequencer's one thread only checks and queues.

use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::core::{async_trait, RpcResult};
use jsonrpsee::server::{BatchRequestConfig, PingConfig, RpcModule, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::PendingSubscriptionSink;
use serde_json::Value;
use zkrollup_api::error::{
    error, ErrorData, FEE_TOO_LOW, INVALID_PARAMS, MEMPOOL_BOUND, NODE_UNAVAILABLE, RULE_BROKEN,
};
use zkrollup_api::locate::tx_from_json;
use zkrollup_api::*;
use zkrollup_conformance::wire::convert;
use zkrollup_reference::keeper::{signature_valid, Bound, Receipt, Refusal};
use zkrollup_spec::tx::Tx;

use crate::config::{required_fee, NodeConfig};
use crate::sequencer::{SequencerHandle, SubmitError};
use crate::store::{hash_hex, parse_hash, BlockRecord, Store, StoreError};

/// The API's implementation.
#[derive(Clone)]
pub struct Api {
    pub(crate) sequencer: SequencerHandle,
    pub(crate) store: Arc<Store>,
    pub(crate) config: Arc<NodeConfig>,
    pub(crate) errors: Arc<std::sync::Mutex<crate::pipeline::Errors>>,
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
    pub(crate) events: crate::events::Events,
}

/// The node's status at one moment, with what the health and metrics endpoints need beside it.
pub(crate) struct Snapshot {
    pub(crate) status: NetworkStatus,
    /// Each stage's name and whether it fails.
    pub(crate) failing: [(&'static str, bool); 3],
    /// The stages that halted.
    pub(crate) halted: Vec<String>,
}

/// Starts the API server on `addr` with the configured bounds.
pub async fn serve(api: Api, addr: SocketAddr) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let limits = api.config.api;
    let config = ServerConfig::builder()
        .max_request_body_size(limits.max_request_bytes)
        .max_connections(limits.max_connections)
        .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch_calls))
        .set_message_buffer_capacity(limits.subscription_buffer)
        .max_subscriptions_per_connection(limits.max_subscriptions)
        // Pings find a WebSocket peer that vanished without closing. One that stays connected
        // and does not read keeps its connection (max_connections bounds them) while its
        // subscriptions are ended as their queue fills.
        .enable_ws_ping(PingConfig::new())
        .build();
    let endpoints = tower::ServiceBuilder::new().layer(crate::endpoints::EndpointsLayer { api: api.clone() });
    let server = Server::builder().set_config(config).set_http_middleware(endpoints).build(addr).await?;
    let bound = server.local_addr()?;
    Ok((bound, server.start(module(api))))
}

/// The generated module and `rpc.discover`, with the two methods that take transactions parsing
/// them here: the generated parser reports a wrong type without naming the field (serde does
/// not see inside the wire format's tagged enums), these name it (`txs[1].signature.s`). The
/// trait's own implementations then run unchanged.
pub(crate) fn module(api: Api) -> RpcModule<Api> {
    let mut module = api.into_rpc();
    for name in [SUBMIT_TX, SUBMIT_BATCH] {
        module.remove_method(name).unwrap_or_else(|| panic!("the API trait serves {name}"));
    }
    let freed = "the name was just freed";
    module
        .register_async_method(SUBMIT_TX, |params, api, _| async move {
            let tx = tx_param(param(&params, "tx")?, "tx")?;
            RollupApiServer::submit_tx(&*api, tx).await
        })
        .expect(freed);
    module
        .register_async_method(SUBMIT_BATCH, |params, api, _| async move {
            let Value::Array(items) = param(&params, "txs")? else {
                return Err(invalid("txs", "expected a JSON array of transactions"));
            };
            let txs = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| tx_param(v, &format!("txs[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            RollupApiServer::submit_batch(&*api, txs).await
        })
        .expect(freed);
    // The API's description (OpenRPC), generated from the trait and checked against this
    // module's methods by node-tests/tests/api_doc.rs.
    let description: Value = serde_json::from_str(zkrollup_api::OPENRPC).expect("the committed description is JSON");
    module.register_method(DISCOVER, move |_, _, _| description.clone()).expect("rpc.discover is not a zkr_ name");
    module
}

const DISCOVER: &str = "rpc.discover";

const SUBMIT_TX: &str = "zkr_submitTx";
const SUBMIT_BATCH: &str = "zkr_submitBatch";

/// A method's one parameter, `name`, given by position (`[x]`) or by name (`{"name": x}`).
fn param(params: &Params<'_>, name: &str) -> Result<Value, ErrorObjectOwned> {
    let raw: Value = params.parse().map_err(|e| invalid(name, e.message()))?;
    match raw {
        Value::Array(mut a) if a.len() == 1 => Ok(a.pop().unwrap_or_default()),
        Value::Object(mut o) if o.len() == 1 && o.contains_key(name) => Ok(o.remove(name).unwrap_or_default()),
        _ => Err(invalid(name, format!("expected one parameter, [{name}] or {{\"{name}\": …}}"))),
    }
}

/// A transaction parameter; a malformed one is refused naming the field inside it
/// (`tx.signature.s`, `txs[1].nonce`).
fn tx_param(value: Value, field: &str) -> Result<TxJson, ErrorObjectOwned> {
    tx_from_json(value).map_err(|(path, message)| {
        let field = if path.is_empty() { field.to_string() } else { format!("{field}.{path}") };
        invalid(&field, message)
    })
}

pub(crate) fn invalid(field: &str, message: impl std::fmt::Display) -> ErrorObjectOwned {
    error(INVALID_PARAMS, format!("{field}: {message}"), ErrorData { field: Some(field.into()), ..Default::default() })
}

fn unavailable(message: impl std::fmt::Display) -> ErrorObjectOwned {
    error(NODE_UNAVAILABLE, message.to_string(), ErrorData::default())
}

pub(crate) fn store_err(e: StoreError) -> ErrorObjectOwned {
    unavailable(e)
}

fn refused(refusal: &Refusal, index: Option<usize>) -> ErrorObjectOwned {
    match refusal {
        Refusal::Rule(r) => error(
            RULE_BROKEN,
            format!("{}: {}", r.rule.id(), r.detail),
            ErrorData { rule: Some(r.rule.id().to_string()), index, ..Default::default() },
        ),
        Refusal::Bound(b) => {
            let name = match b {
                Bound::NonceGap { .. } => "nonce_gap",
                Bound::AccountFull { .. } => "account_full",
                Bound::PoolFull { .. } => "pool_full",
                Bound::BatchNonce { .. } => "batch_nonce",
                Bound::BatchWouldWait { .. } => "batch_would_wait",
                Bound::BatchTooLarge { .. } => "batch_too_large",
            };
            error(MEMPOOL_BOUND, b.to_string(), ErrorData { bound: Some(name.into()), index, ..Default::default() })
        }
    }
}

fn receipt(r: &Receipt) -> TxReceipt {
    TxReceipt { hash: hash_hex(&r.tx_hash), account_id: r.account_id, nonce: r.nonce }
}

/// Parses wire transactions (`field` names them in errors, `[i]` appended for several) and
/// verifies their signatures in parallel, on a blocking thread: a request of many signatures
/// must not hold the async runtime's threads.
async fn parse(txs: Vec<TxJson>, field: &'static str) -> Result<Vec<(Tx, TxJson, bool)>, ErrorObjectOwned> {
    let many = txs.len() > 1;
    let work = move || {
        use rayon::prelude::*;
        txs.into_par_iter()
            .enumerate()
            .map(|(i, json)| {
                let name = if many { format!("{field}[{i}]") } else { field.to_string() };
                let tx = convert::tx_of(&json).map_err(|e| invalid(&name, e))?;
                let ok = signature_valid(&tx);
                Ok((tx, json, ok))
            })
            .collect::<Result<Vec<_>, ErrorObjectOwned>>()
    };
    tokio::task::spawn_blocking(work).await.map_err(|e| unavailable(format!("verifying signatures: {e}")))?
}

pub(crate) fn stage_status(stage: BlockStage, block: u32) -> TxStatus {
    match stage {
        BlockStage::Sealed => TxStatus::InBlock { block },
        BlockStage::Committed => TxStatus::Committed { block },
        BlockStage::Proven => TxStatus::Proven { block },
        BlockStage::Executed => TxStatus::Executed { block },
    }
}

impl Api {
    /// The node's status (`zkr_status`), and which stages fail or halted.
    pub(crate) async fn snapshot(&self) -> RpcResult<Snapshot> {
        let (last_sealed, mempool, pending_priority_ops) = self
            .sequencer
            .read(|core| (core.last_sealed, core.keeper.mempool.len(), core.keeper.pending_priority()))
            .await
            .map_err(unavailable)?;
        let p = self.store.progress().map_err(store_err)?;
        let (errors, failing, halted) = {
            let e = self.errors.lock().map_err(|_| unavailable("a stage panicked"))?;
            (e.listed(), e.failing(), e.halted())
        };
        let l1_in_flight = self.store.l1_in_flight().map_err(store_err)?.map(|f| L1TxInFlight {
            action: f.action.clone(),
            nonce: f.nonce,
            hash: f.last().hash.clone(),
            versions: f.attempts.len(),
            max_fee_per_gas: f.last().fees.max_fee_per_gas.to_string(),
            since_ms: f.attempts[0].sent_at_ms,
        });
        let status = NetworkStatus {
            last_sealed,
            last_proven_off_chain: p.proofs,
            last_committed: p.committed,
            last_proven: p.proven,
            last_executed: p.executed,
            mempool,
            pending_priority_ops,
            stage_errors: errors,
            l1_in_flight,
        };
        Ok(Snapshot { status, failing, halted })
    }

    fn block(&self, n: u32) -> RpcResult<Option<BlockRecord>> {
        self.store.block(n).map_err(store_err)
    }

    /// Submits `txs` all or nothing; `batch`: errors name the refused transaction's index.
    async fn submit(&self, txs: Vec<(Tx, TxJson, bool)>, batch: bool) -> RpcResult<Vec<TxReceipt>> {
        match self.sequencer.submit(txs, batch).await {
            Ok(receipts) => {
                self.metrics.receipted(receipts.len());
                Ok(receipts.iter().map(receipt).collect())
            }
            Err(SubmitError::Refused { index, refusal }) => Err(refused(&refusal, batch.then_some(index))),
            Err(SubmitError::Fee { index, message }) => Err(error(
                FEE_TOO_LOW,
                message,
                ErrorData { bound: Some("fee".into()), index: batch.then_some(index), ..Default::default() },
            )),
            Err(SubmitError::Unavailable(m)) => Err(unavailable(m)),
        }
    }
}

#[async_trait]
impl RollupApiServer for Api {
    async fn submit_tx(&self, tx: TxJson) -> RpcResult<TxReceipt> {
        let parsed = parse(vec![tx], "tx").await?;
        let mut receipts = self.submit(parsed, false).await?;
        Ok(receipts.remove(0))
    }

    async fn submit_batch(&self, txs: Vec<TxJson>) -> RpcResult<Vec<TxReceipt>> {
        let max = self.config.api.max_batch_txs;
        if txs.is_empty() || txs.len() > max {
            return Err(invalid("txs", format!("a batch holds 1 to {max} transactions, not {}", txs.len())));
        }
        let parsed = parse(txs, "txs").await?;
        self.submit(parsed, true).await
    }

    async fn get_account(&self, account: AccountRef) -> RpcResult<Option<AccountInfo>> {
        let address = match &account {
            AccountRef::Id(_) => None,
            AccountRef::Address(a) => Some(convert::address_of(a).map_err(|e| invalid("account", e))?),
        };
        let found = self
            .sequencer
            .read(move |core| {
                let id = match (account, address) {
                    (AccountRef::Id(id), _) => id,
                    (_, Some(a)) => core.keeper.state().id_of(&a)?,
                    _ => return None,
                };
                let next_nonce = core.keeper.next_nonce(id);
                let a = core.keeper.state().account(id)?.to_spec();
                Some((convert::account(id, &a), next_nonce))
            })
            .await
            .map_err(unavailable)?;
        let Some((a, next_nonce)) = found else { return Ok(None) };
        let last_executed = self.store.progress().map_err(store_err)?.executed;
        let verified = self.store.account_at(a.id, last_executed).map_err(store_err)?;
        Ok(Some(AccountInfo {
            id: a.id,
            address: a.address,
            committed: AccountState { nonce: a.nonce, pubkey_hash: a.pubkey_hash, balances: a.balances },
            verified,
            next_nonce,
        }))
    }

    async fn get_tx(&self, hash: String) -> RpcResult<Option<TxInfo>> {
        let h = parse_hash(&hash).ok_or_else(|| invalid("hash", "expected 32 bytes, 0x-hex"))?;
        let Some(rec) = self.store.tx(&h).map_err(store_err)? else { return Ok(None) };
        let status = match rec.status {
            TxStatus::InBlock { block } => match self.block(block)? {
                Some(b) => stage_status(b.info.stage, block),
                None => TxStatus::InBlock { block },
            },
            s => s,
        };
        Ok(Some(TxInfo { hash: hash_hex(&h), tx: rec.tx, status }))
    }

    async fn get_priority_op(&self, serial_id: u64) -> RpcResult<Option<PriorityOpInfo>> {
        let Some(rec) = self.store.priority_op(serial_id).map_err(store_err)? else { return Ok(None) };
        let stage = match rec.block {
            Some(n) => self.block(n)?.map(|b| b.info.stage),
            None => None,
        };
        Ok(Some(PriorityOpInfo { serial_id, op: rec.op, block: rec.block, stage }))
    }

    async fn get_block(&self, number: u32) -> RpcResult<Option<BlockInfo>> {
        Ok(self.block(number)?.map(|b| b.info))
    }

    async fn tokens(&self) -> RpcResult<Vec<TokenInfo>> {
        let eth = TokenInfo { id: 0, address: zkrollup_spec::primitives::Address::ZERO.to_string() };
        let listed =
            self.config.tokens.iter().enumerate().map(|(i, a)| TokenInfo { id: i as u16 + 1, address: a.to_string() });
        Ok(std::iter::once(eth).chain(listed).collect())
    }

    async fn contracts(&self) -> RpcResult<ContractInfo> {
        Ok(ContractInfo { chain_id: self.config.chain_id, rollup: self.config.rollup.to_string() })
    }

    async fn estimate_fee(&self, tx_type: TxKind, token: u16) -> RpcResult<FeeEstimate> {
        let fee = required_fee(&self.config.fee_per_chunk, tx_type, token).map_err(|e| invalid("token", e))?;
        Ok(FeeEstimate { tx_type, token, fee: fee.to_string() })
    }

    async fn status(&self) -> RpcResult<NetworkStatus> {
        Ok(self.snapshot().await?.status)
    }

    async fn version(&self) -> RpcResult<VersionInfo> {
        Ok(VersionInfo { node: env!("CARGO_PKG_VERSION").into(), api: API_VERSION })
    }

    async fn subscribe_tx(&self, pending: PendingSubscriptionSink, hash: String) -> SubscriptionResult {
        crate::subscriptions::tx(self.clone(), pending, hash).await
    }

    async fn subscribe_account(&self, pending: PendingSubscriptionSink, account: AccountRef) -> SubscriptionResult {
        crate::subscriptions::account(self.clone(), pending, account).await
    }

    async fn subscribe_blocks(&self, pending: PendingSubscriptionSink) -> SubscriptionResult {
        crate::subscriptions::blocks(self.clone(), pending).await
    }

    async fn subscribe_priority_ops(&self, pending: PendingSubscriptionSink) -> SubscriptionResult {
        crate::subscriptions::priority_ops(self.clone(), pending).await
    }
}
