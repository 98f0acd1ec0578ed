//! The node, as a wallet reaches it: its API over HTTP (the `#[rpc]` client of
//! `zkrollup-api`), errors typed ([`SdkError`]), and a handle per submitted transaction that
//! waits for the stage the caller needs — told by the node over a WebSocket subscription when
//! the provider has one ([`Provider::ws`]), else by asking it every 100 ms.

use std::sync::Arc;
use std::time::{Duration, Instant};

use zkrollup_api::{AccountInfo, AccountRef, BlockInfo, BlockStage, HttpClient, HttpClientBuilder, NetworkStatus};
use zkrollup_api::{PriorityOpInfo, RollupApiClient, TokenInfo, TxInfo, TxKind, TxStatus, WsClient, WsClientBuilder};
use zkrollup_conformance::wire::convert;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::Tx;

use crate::SdkError;

/// How far a transaction has come, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// In a block the node sealed (its effects in the committed view).
    InBlock,
    /// Its block committed on L1.
    Committed,
    /// Its block's proof verified on L1.
    Proven,
    /// Its block executed on L1: final.
    Executed,
}

fn stage_of_block(stage: BlockStage) -> Stage {
    match stage {
        BlockStage::Sealed => Stage::InBlock,
        BlockStage::Committed => Stage::Committed,
        BlockStage::Proven => Stage::Proven,
        BlockStage::Executed => Stage::Executed,
    }
}

fn stage_of(status: &TxStatus) -> Option<Stage> {
    match status {
        TxStatus::InBlock { .. } => Some(Stage::InBlock),
        TxStatus::Committed { .. } => Some(Stage::Committed),
        TxStatus::Proven { .. } => Some(Stage::Proven),
        TxStatus::Executed { .. } => Some(Stage::Executed),
        _ => None,
    }
}

/// How often a handle asks the node while it waits.
const POLL: Duration = Duration::from_millis(100);

/// How long a request may wait for its answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A node's API.
#[derive(Clone)]
pub struct Provider {
    client: HttpClient,
    /// The node's WebSocket, for the handles' waits; `None`: they poll over HTTP.
    ws: Option<Arc<WsClient>>,
}

impl Provider {
    /// The node at `url` (`http://…`), each request answered within 30 s; waits poll.
    pub fn http(url: &str) -> Result<Self, SdkError> {
        let client = HttpClientBuilder::default()
            .request_timeout(REQUEST_TIMEOUT)
            .build(url)
            .map_err(|e| SdkError::Node(format!("{url}: {e}")))?;
        Ok(Provider { client, ws: None })
    }

    /// The node at `url` (`http://…`), its WebSocket on the same port (`ws://…`, connected
    /// now) telling the handles each change of their transaction's status as it happens.
    pub async fn ws(url: &str) -> Result<Self, SdkError> {
        let ws_url = match url.strip_prefix("http://") {
            Some(rest) => format!("ws://{rest}"),
            None => {
                return Err(SdkError::Node(format!("{url}: an http:// URL (its WebSocket is ws:// on the same port)")))
            }
        };
        let ws = WsClientBuilder::default()
            .request_timeout(REQUEST_TIMEOUT)
            .build(&ws_url)
            .await
            .map_err(|e| SdkError::Node(format!("{ws_url}: {e}")))?;
        Ok(Provider { ws: Some(Arc::new(ws)), ..Self::http(url)? })
    }

    /// The account of `address` in the node's views, if it has one.
    pub async fn account(&self, address: &Address) -> Result<Option<AccountInfo>, SdkError> {
        self.client.get_account(AccountRef::Address(address.to_string())).await.map_err(SdkError::from_client)
    }

    /// The account `id` in the node's views, if it exists.
    pub async fn account_by_id(&self, id: u32) -> Result<Option<AccountInfo>, SdkError> {
        self.client.get_account(AccountRef::Id(id)).await.map_err(SdkError::from_client)
    }

    /// The deployment the node serves (chain id and rollup contract): what a [`crate::Wallet`]'s
    /// L2 key is derived for.
    pub async fn domain(&self) -> Result<L1Domain, SdkError> {
        let info = self.client.contracts().await.map_err(SdkError::from_client)?;
        let contract =
            info.rollup.parse().map_err(|e| SdkError::Node(format!("a rollup address {:?}: {e}", info.rollup)))?;
        Ok(L1Domain { chain_id: info.chain_id, contract })
    }

    /// The tokens the rollup lists, by id (0 is ETH).
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, SdkError> {
        self.client.tokens().await.map_err(SdkError::from_client)
    }

    /// What the node knows of the transaction `hash` (`0x`-hex).
    pub async fn tx(&self, hash: &str) -> Result<Option<TxInfo>, SdkError> {
        self.client.get_tx(hash.to_string()).await.map_err(SdkError::from_client)
    }

    /// The fee the node asks for a transaction of `kind` paid in `token`.
    pub async fn fee(&self, kind: TxKind, token: u16) -> Result<u128, SdkError> {
        let quote = self.client.estimate_fee(kind, token).await.map_err(SdkError::from_client)?;
        quote.fee.parse().map_err(|e| SdkError::Node(format!("a fee of {:?}: {e}", quote.fee)))
    }

    /// The node's progress: its last block at each stage, what waits.
    pub async fn status(&self) -> Result<NetworkStatus, SdkError> {
        self.client.status().await.map_err(SdkError::from_client)
    }

    /// Block `number`, once sealed.
    pub async fn block(&self, number: u32) -> Result<Option<BlockInfo>, SdkError> {
        self.client.get_block(number).await.map_err(SdkError::from_client)
    }

    /// The L1 request `serial_id` (deposit or full exit), once the node has read it: where it is.
    pub async fn priority_op(&self, serial_id: u64) -> Result<Option<PriorityOpInfo>, SdkError> {
        self.client.get_priority_op(serial_id).await.map_err(SdkError::from_client)
    }

    /// Submits `tx`: once this returns, the node has it durably.
    pub async fn submit(&self, tx: &Tx) -> Result<TxHandle, SdkError> {
        self.client.submit_tx(convert::tx(tx)).await.map_err(SdkError::from_client)?;
        Ok(self.handle(tx))
    }

    /// Submits `txs` as an atomic batch: all of them in one block, or none.
    pub async fn submit_batch(&self, txs: &[Tx]) -> Result<Vec<TxHandle>, SdkError> {
        let json = txs.iter().map(convert::tx).collect();
        self.client.submit_batch(json).await.map_err(SdkError::from_client)?;
        Ok(txs.iter().map(|tx| self.handle(tx)).collect())
    }

    fn handle(&self, tx: &Tx) -> TxHandle {
        self.handle_of(&convert::hex_of(&tx.hash()))
    }

    /// A handle on the transaction `hash` submitted earlier (by this process or another).
    pub fn handle_of(&self, hash: &str) -> TxHandle {
        TxHandle { hash: hash.to_string(), client: self.client.clone(), ws: self.ws.clone() }
    }

    /// Waits until the L1 request `serial_id` (a deposit or a full exit) is in a block at
    /// `stage` or later: the block's number. A request the node has not read yet (it waits for
    /// the L1's confirmations) counts as waiting; more than `timeout` is [`SdkError::Timeout`].
    pub async fn wait_priority_op(&self, serial_id: u64, stage: Stage, timeout: Duration) -> Result<u32, SdkError> {
        let started = Instant::now();
        loop {
            let info = self.priority_op(serial_id).await?;
            if let Some(PriorityOpInfo { block: Some(block), stage: Some(at), .. }) = &info {
                if stage_of_block(*at) >= stage {
                    return Ok(*block);
                }
            }
            if started.elapsed() >= timeout {
                let what = format!("L1 request {serial_id} to reach {stage:?} (it is {info:?})");
                return Err(SdkError::Timeout { what, seconds: timeout.as_secs() });
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// A submitted transaction.
pub struct TxHandle {
    /// Its hash, `0x`-hex.
    pub hash: String,
    client: HttpClient,
    ws: Option<Arc<WsClient>>,
}

/// What a status means for a wait for `stage`: done (`Some(Ok)`), failed (`Some(Err)`: a
/// drop), or not yet.
fn reached(status: TxStatus, stage: Stage) -> Option<Result<TxStatus, SdkError>> {
    match status {
        TxStatus::Dropped { rule, message } => Some(Err(SdkError::Dropped { rule, message })),
        s if stage_of(&s).is_some_and(|at| at >= stage) => Some(Ok(s)),
        _ => None,
    }
}

impl TxHandle {
    /// Waits until the transaction reaches `stage` (or a later one): its status then. A drop
    /// is [`SdkError::Dropped`] with the rule that dropped it; more than `timeout` is
    /// [`SdkError::Timeout`] saying the last status seen.
    pub async fn wait(&self, stage: Stage, timeout: Duration) -> Result<TxStatus, SdkError> {
        let mut last = None;
        let waited = match &self.ws {
            Some(ws) => tokio::time::timeout(timeout, self.told(ws, stage, &mut last)).await,
            None => tokio::time::timeout(timeout, self.poll(stage, &mut last)).await,
        };
        waited.unwrap_or_else(|_| {
            let what = format!("{} to reach {stage:?} (it is {last:?})", self.hash);
            Err(SdkError::Timeout { what, seconds: timeout.as_secs() })
        })
    }

    /// The wait, asking the node every [`POLL`].
    async fn poll(&self, stage: Stage, last: &mut Option<TxStatus>) -> Result<TxStatus, SdkError> {
        loop {
            let info = self.client.get_tx(self.hash.clone()).await.map_err(SdkError::from_client)?;
            let status = info.ok_or_else(|| SdkError::Node(format!("the node does not know {}", self.hash)))?.status;
            *last = Some(status.clone());
            if let Some(done) = reached(status, stage) {
                return done;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The wait, told each status by the node's `zkr_subscribeTx` (the current one first).
    async fn told(&self, ws: &WsClient, stage: Stage, last: &mut Option<TxStatus>) -> Result<TxStatus, SdkError> {
        let mut statuses = ws.subscribe_tx(self.hash.clone()).await.map_err(SdkError::from_client)?;
        loop {
            let info = match statuses.next().await {
                Some(item) => item.map_err(|e| SdkError::Node(format!("the subscription to {}: {e}", self.hash)))?,
                None => return Err(SdkError::Node(format!("the node ended the subscription to {}", self.hash))),
            };
            *last = Some(info.status.clone());
            if let Some(done) = reached(info.status, stage) {
                return done;
            }
        }
    }
}
