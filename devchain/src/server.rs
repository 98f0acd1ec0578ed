//! The chain on a thread of its own (revm's EVM is not `Send`), mining as configured, and the
//! Ethereum JSON-RPC methods a client library needs, served over HTTP on loopback.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy_consensus::Transaction as _;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256, U64};
use alloy_rpc_types_eth::{
    Block as RpcBlock, BlockTransactions, FeeHistory, Filter, FilterBlockOption, Header as RpcHeader, Log as RpcLog,
    Transaction as RpcTransaction, TransactionReceipt, TransactionRequest,
};
use jsonrpsee::core::{async_trait, RpcResult};
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::server::{BatchRequestConfig, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;

use crate::chain::{Block, CallRequest, Chain, ChainError, Genesis, MinedTx};
use crate::journal::Journal;

/// When blocks are sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mining {
    /// One block per transaction, sealed before its hash is answered (anvil's default).
    PerTransaction,
    /// A block every interval, empty or not.
    Interval(Duration),
}

/// How the chain runs.
#[derive(Clone, Debug)]
pub struct DevChainConfig {
    pub genesis: Genesis,
    pub mining: Mining,
    /// Where the chain is kept across restarts; `None`: in memory only.
    pub state: Option<PathBuf>,
}

/// The most blocks one `eth_feeHistory` covers (as geth caps it).
const MAX_FEE_HISTORY: u64 = 1024;
/// The priority fee suggested to senders (`eth_maxPriorityFeePerGas`): 1 gwei.
const SUGGESTED_TIP: u128 = 1_000_000_000;

struct Worker {
    chain: Chain,
    journal: Option<Journal>,
    mining: Mining,
    /// Set once the state file could not be written: the chain in memory is then ahead of the
    /// file, so it takes no more transactions.
    broken: Option<String>,
    /// Set by [`DevChain::close`]: the worker's loop ends.
    closed: bool,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Worker {
    fn send(&mut self, raw: &[u8]) -> Result<B256, ChainError> {
        self.working()?;
        let hash = match self.chain.send_raw(raw, now()) {
            Err(ChainError::BlockFull) => {
                self.seal()?;
                self.chain.send_raw(raw, now())?
            }
            sent => sent?,
        };
        if self.mining == Mining::PerTransaction {
            self.seal()?;
        }
        Ok(hash)
    }

    /// Seals the open block's transactions (their hashes were answered: they are not dropped
    /// with the chain) and lets go of the state file.
    fn close(&mut self) {
        if self.chain.has_pending() {
            let _ = self.seal();
        }
        self.journal = None;
        self.closed = true;
    }

    fn working(&self) -> Result<(), ChainError> {
        match &self.broken {
            Some(e) => Err(ChainError::Invalid(format!("the chain stopped taking transactions: {e}"))),
            None => Ok(()),
        }
    }

    /// Seals the open block and keeps it in the state file; if the file cannot be written, the
    /// chain stops sealing (its blocks could not be replayed) and says so to every sender.
    fn seal(&mut self) -> Result<(), ChainError> {
        self.working()?;
        self.chain.seal_at(now());
        if let Some(journal) = &mut self.journal {
            if let Err(e) = journal.append(self.chain.head()) {
                eprintln!("zkrollup l1: {e}; the chain takes no more transactions");
                self.broken = Some(e);
                return self.working();
            }
        }
        Ok(())
    }
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// A handle on the running chain; the chain's thread ends with the last handle.
#[derive(Clone)]
pub struct DevChain {
    jobs: mpsc::SyncSender<Job>,
}

const STOPPED: &str = "the chain has stopped";
/// Requests waiting for the chain's thread: beyond them, a request is refused (busy).
const QUEUE: usize = 1024;
/// The most calls in one JSON-RPC batch.
const MAX_BATCH: u32 = 100;
/// The most logs one `eth_getLogs` answers (as hosted endpoints cap it): narrow the range.
const MAX_LOGS: usize = 10_000;
/// The most reward percentiles one `eth_feeHistory` asks for (geth's cap).
const MAX_PERCENTILES: usize = 100;

impl DevChain {
    /// Starts the chain (replaying its state file, if it has one); the replay's error if the
    /// file does not replay.
    pub fn start(config: DevChainConfig) -> Result<DevChain, String> {
        let (jobs, rx) = mpsc::sync_channel::<Job>(QUEUE);
        let (ready, is_ready) = mpsc::channel();
        std::thread::Builder::new()
            .name("devchain".into())
            .spawn(move || {
                let opened = match &config.state {
                    Some(path) => Journal::open(path, config.genesis.clone()).map(|(c, j)| (c, Some(j))),
                    None => Ok((Chain::new(config.genesis.clone()), None)),
                };
                let (chain, journal) = match opened {
                    Ok(o) => o,
                    Err(e) => return drop(ready.send(Err(e))),
                };
                let _ = ready.send(Ok(()));
                let mut worker = Worker { chain, journal, mining: config.mining, broken: None, closed: false };
                run(&mut worker, &rx);
            })
            .map_err(|e| e.to_string())?;
        is_ready.recv().map_err(|_| STOPPED.to_string())??;
        Ok(DevChain { jobs })
    }

    /// Stops the chain: its open block sealed and kept, its state file let go (another chain
    /// may open it once this returns); every handle's later requests are refused.
    pub async fn close(&self) -> Result<(), String> {
        self.worker(Worker::close).await
    }

    /// Runs `f` on the chain.
    pub async fn with<T: Send + 'static>(&self, f: impl FnOnce(&mut Chain) -> T + Send + 'static) -> Result<T, String> {
        self.worker(move |w| f(&mut w.chain)).await
    }

    async fn worker<T: Send + 'static>(&self, f: impl FnOnce(&mut Worker) -> T + Send + 'static) -> Result<T, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |w| drop(reply.send(f(w))));
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => format!("the chain is busy ({QUEUE} requests waiting): try again"),
            mpsc::TrySendError::Disconnected(_) => STOPPED.to_string(),
        })?;
        answer.await.map_err(|_| STOPPED.to_string())
    }

    /// Serves the JSON-RPC methods at `addr` (port 0 picks one): the address bound.
    pub async fn serve(&self, addr: SocketAddr) -> Result<(SocketAddr, ServerHandle), String> {
        let config = ServerConfig::builder().set_batch_request_config(BatchRequestConfig::Limit(MAX_BATCH)).build();
        let server =
            Server::builder().set_config(config).build(addr).await.map_err(|e| format!("listening on {addr}: {e}"))?;
        let bound = server.local_addr().map_err(|e| e.to_string())?;
        let mut methods = EthServer::into_rpc(EthRpc { chain: self.clone() });
        methods.merge(EvmServer::into_rpc(EthRpc { chain: self.clone() })).map_err(|e| e.to_string())?;
        Ok((bound, server.start(methods)))
    }
}

/// The worker's loop: jobs as they come, and a block sealed each interval.
fn run(worker: &mut Worker, jobs: &mpsc::Receiver<Job>) {
    let mut next_block = match worker.mining {
        Mining::Interval(every) => Some(Instant::now() + every),
        Mining::PerTransaction => None,
    };
    loop {
        let job = match next_block {
            None => jobs.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            Some(at) => jobs.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match job {
            Ok(job) => {
                job(worker);
                if worker.closed {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // A chain whose file failed stops sealing: it says so to each sender.
                let _ = worker.seal();
                if let (Some(at), Mining::Interval(every)) = (&mut next_block, worker.mining) {
                    *at = (*at + every).max(Instant::now());
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return worker.close(),
        }
    }
}

/// The methods, in the `eth_` namespace.
#[rpc(server, namespace = "eth")]
pub trait Eth {
    #[method(name = "chainId")]
    async fn chain_id(&self) -> RpcResult<U64>;
    #[method(name = "blockNumber")]
    async fn block_number(&self) -> RpcResult<U64>;
    #[method(name = "getBalance")]
    async fn get_balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256>;
    #[method(name = "getTransactionCount")]
    async fn get_transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64>;
    #[method(name = "getCode")]
    async fn get_code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes>;
    #[method(name = "gasPrice")]
    async fn gas_price(&self) -> RpcResult<U256>;
    #[method(name = "maxPriorityFeePerGas")]
    async fn max_priority_fee_per_gas(&self) -> RpcResult<U256>;
    #[method(name = "feeHistory")]
    async fn fee_history(
        &self,
        block_count: U64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory>;
    #[method(name = "estimateGas")]
    async fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64>;
    #[method(name = "call")]
    async fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes>;
    #[method(name = "sendRawTransaction")]
    async fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256>;
    #[method(name = "getTransactionReceipt")]
    async fn get_transaction_receipt(&self, hash: B256) -> RpcResult<Option<TransactionReceipt>>;
    #[method(name = "getTransactionByHash")]
    async fn get_transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTransaction>>;
    #[method(name = "getLogs")]
    async fn get_logs(&self, filter: Filter) -> RpcResult<Vec<RpcLog>>;
    #[method(name = "getBlockByNumber")]
    async fn get_block_by_number(&self, number: BlockNumberOrTag, full: bool) -> RpcResult<Option<RpcBlock>>;
    #[method(name = "getBlockByHash")]
    async fn get_block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<RpcBlock>>;
}

struct EthRpc {
    chain: DevChain,
}

/// The development methods anvil and hardhat also have, in the `evm_` namespace: how a test
/// or the demo lets time pass (a priority request's deadline is days away) and mines a block
/// at will.
#[rpc(server, namespace = "evm")]
pub trait Evm {
    /// Moves the clock `seconds` ahead (from the next block on): the total offset, in seconds.
    #[method(name = "increaseTime")]
    async fn increase_time(&self, seconds: U64) -> RpcResult<i64>;
    /// Seals the open block, or an empty one (anvil's options are not taken): `"0x0"`.
    #[method(name = "mine")]
    async fn mine(&self, options: Option<serde_json::Value>) -> RpcResult<String>;
}

#[async_trait]
impl EvmServer for EthRpc {
    async fn increase_time(&self, seconds: U64) -> RpcResult<i64> {
        let seconds = u64::try_from(seconds).ok().filter(|s| *s <= i64::MAX as u64);
        let seconds =
            seconds.ok_or_else(|| ErrorObjectOwned::owned(INVALID_INPUT, "seconds out of range", None::<()>))?;
        self.with(move |c| Ok(c.increase_time(seconds).min(i64::MAX as u64) as i64)).await
    }

    async fn mine(&self, options: Option<serde_json::Value>) -> RpcResult<String> {
        if options.as_ref().is_some_and(|o| !o.is_null()) {
            return Err(ErrorObjectOwned::owned(INVALID_INPUT, "evm_mine takes no options here", None::<()>));
        }
        self.chain.worker(|w| w.seal()).await.map_err(stopped)?.map_err(rpc_error)?;
        Ok("0x0".into())
    }
}

// JSON-RPC error codes as Ethereum nodes give them (geth's, which anvil and alloy follow).
const REVERTED: i32 = 3;
const INVALID_INPUT: i32 = -32602;
const SERVER_ERROR: i32 = -32000;

fn rpc_error(e: ChainError) -> ErrorObjectOwned {
    match e {
        ChainError::Reverted(data) => ErrorObjectOwned::owned(REVERTED, "execution reverted", Some(data)),
        ChainError::BadTransaction(m) => ErrorObjectOwned::owned(INVALID_INPUT, m, None::<()>),
        e => ErrorObjectOwned::owned(SERVER_ERROR, e.to_string(), None::<()>),
    }
}

fn stopped(e: String) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(SERVER_ERROR, e, None::<()>)
}

/// The block a tag or number names (pending, safe and finalized: the head).
fn number_of(chain: &Chain, tag: BlockNumberOrTag) -> u64 {
    match tag {
        BlockNumberOrTag::Number(n) => n,
        BlockNumberOrTag::Earliest => 0,
        _ => chain.head().header.number,
    }
}

/// The state queries answer for the latest state only: no history of state is kept.
fn latest_only(chain: &Chain, block: Option<BlockId>) -> Result<(), ChainError> {
    let head = chain.head();
    let ok = match block {
        None => true,
        Some(BlockId::Number(BlockNumberOrTag::Number(n))) => n == head.header.number,
        Some(BlockId::Number(BlockNumberOrTag::Earliest)) => head.header.number == 0,
        Some(BlockId::Number(_)) => true,
        Some(BlockId::Hash(h)) => h.block_hash == head.hash,
    };
    if ok {
        Ok(())
    } else {
        Err(ChainError::NotFound("this chain keeps no state history: ask for the latest block".into()))
    }
}

fn call_request(r: &TransactionRequest) -> CallRequest {
    CallRequest {
        from: r.from,
        to: r.to.unwrap_or(TxKind::Create),
        gas: r.gas,
        gas_price: r.gas_price,
        max_fee_per_gas: r.max_fee_per_gas,
        max_priority_fee_per_gas: r.max_priority_fee_per_gas,
        value: r.value,
        input: r.input.input().cloned().unwrap_or_default(),
    }
}

fn rpc_logs(block: &Block, tx_index: usize, first_log: usize) -> Vec<RpcLog> {
    let tx = &block.txs[tx_index];
    tx.logs
        .iter()
        .enumerate()
        .map(|(i, log)| RpcLog {
            inner: log.clone(),
            block_hash: Some(block.hash),
            block_number: Some(block.header.number),
            block_timestamp: Some(block.header.timestamp),
            transaction_hash: Some(tx.hash),
            transaction_index: Some(tx_index as u64),
            log_index: Some((first_log + i) as u64),
            removed: false,
        })
        .collect()
}

/// The index in its block of the first log of each transaction.
fn first_logs(block: &Block) -> Vec<usize> {
    block.txs.iter().scan(0, |n, t| Some(std::mem::replace(n, *n + t.logs.len()))).collect()
}

fn receipt(block: &Block, i: usize) -> TransactionReceipt {
    let tx: &MinedTx = &block.txs[i];
    let logs = rpc_logs(block, i, first_logs(block)[i]);
    let inner = tx.receipt().map_logs(|_| ());
    let inner = {
        let mut with_logs = logs.into_iter();
        inner.map_logs(|_| with_logs.next().expect("one RPC log per log"))
    };
    TransactionReceipt {
        inner,
        transaction_hash: tx.hash,
        transaction_index: Some(i as u64),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        gas_used: tx.gas_used,
        effective_gas_price: tx.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: tx.from,
        to: tx.envelope.to(),
        contract_address: tx.contract_address,
    }
}

fn rpc_transaction(block: &Block, i: usize) -> RpcTransaction {
    let tx = &block.txs[i];
    RpcTransaction {
        inner: alloy_consensus::transaction::Recovered::new_unchecked(tx.envelope.clone(), tx.from),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        transaction_index: Some(i as u64),
        effective_gas_price: Some(tx.effective_gas_price),
        block_timestamp: Some(block.header.timestamp),
    }
}

fn rpc_block(block: &Block, full: bool) -> RpcBlock {
    let transactions = if full {
        BlockTransactions::Full((0..block.txs.len()).map(|i| rpc_transaction(block, i)).collect())
    } else {
        BlockTransactions::Hashes(block.txs.iter().map(|t| t.hash).collect())
    };
    RpcBlock {
        header: RpcHeader {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::ZERO),
            size: None,
        },
        uncles: vec![],
        transactions,
        withdrawals: None,
    }
}

/// The logs `filter` selects; an error for a range past the head (as anvil answers).
fn logs(chain: &Chain, filter: &Filter) -> Result<Vec<RpcLog>, ChainError> {
    let head = chain.head().header.number;
    let blocks: Vec<&Block> = match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            vec![chain.block_by_hash(&hash).ok_or_else(|| ChainError::NotFound(format!("no block {hash}")))?]
        }
        FilterBlockOption::Range { from_block, to_block } => {
            let from = number_of(chain, from_block.unwrap_or(BlockNumberOrTag::Latest));
            let to = number_of(chain, to_block.unwrap_or(BlockNumberOrTag::Latest));
            if from > to || to > head {
                return Err(ChainError::NotFound(format!(
                    "the block range {from}..={to} is not within the chain (its head is block {head})"
                )));
            }
            (from..=to).filter_map(|n| chain.block(n)).collect()
        }
    };
    let mut found = vec![];
    for block in blocks {
        for (i, first) in first_logs(block).into_iter().enumerate() {
            found.extend(rpc_logs(block, i, first).into_iter().filter(|l| filter.matches(&l.inner)));
            if found.len() > MAX_LOGS {
                return Err(ChainError::NotFound(format!("more than {MAX_LOGS} logs match: narrow the block range")));
            }
        }
    }
    Ok(found)
}

/// `eth_feeHistory`: base fees of the blocks asked and of the next, their gas used, and the
/// priority fees paid in each at the given percentiles of its transactions (by count).
fn fee_history(
    chain: &Chain,
    count: u64,
    newest: BlockNumberOrTag,
    percentiles: Option<&[f64]>,
) -> Result<FeeHistory, ChainError> {
    let newest = number_of(chain, newest);
    if newest > chain.head().header.number {
        return Err(ChainError::NotFound(format!("block {newest} is beyond the head")));
    }
    if count == 0 {
        return Ok(FeeHistory::default());
    }
    let count = count.min(MAX_FEE_HISTORY).min(newest + 1);
    let oldest = newest + 1 - count;
    let blocks: Vec<&Block> = (oldest..=newest).filter_map(|n| chain.block(n)).collect();
    let base = |b: &Block| u128::from(b.header.base_fee_per_gas.unwrap_or_default());
    let mut base_fee_per_gas: Vec<u128> = blocks.iter().map(|b| base(b)).collect();
    let next = if newest == chain.head().header.number {
        chain.next_base_fee()
    } else {
        chain.block(newest + 1).and_then(|b| b.header.base_fee_per_gas).unwrap_or_default()
    };
    base_fee_per_gas.push(u128::from(next));
    let gas_used_ratio = blocks.iter().map(|b| b.header.gas_used as f64 / b.header.gas_limit as f64).collect();
    let reward = percentiles.map(|percentiles| {
        blocks
            .iter()
            .map(|b| {
                let mut tips: Vec<u128> = b.txs.iter().map(|t| t.effective_gas_price.saturating_sub(base(b))).collect();
                tips.sort_unstable();
                percentiles
                    .iter()
                    .map(|p| {
                        let at = ((p / 100.0) * tips.len() as f64) as usize;
                        tips.get(at.min(tips.len().saturating_sub(1))).copied().unwrap_or(0)
                    })
                    .collect()
            })
            .collect()
    });
    Ok(FeeHistory {
        base_fee_per_gas,
        gas_used_ratio,
        base_fee_per_blob_gas: vec![],
        blob_gas_used_ratio: vec![],
        oldest_block: oldest,
        reward,
    })
}

impl EthRpc {
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Chain) -> Result<T, ChainError> + Send + 'static,
    ) -> RpcResult<T> {
        self.chain.with(f).await.map_err(stopped)?.map_err(rpc_error)
    }
}

#[async_trait]
impl EthServer for EthRpc {
    async fn chain_id(&self) -> RpcResult<U64> {
        self.with(|c| Ok(U64::from(c.chain_id()))).await
    }

    async fn block_number(&self) -> RpcResult<U64> {
        self.with(|c| Ok(U64::from(c.head().header.number))).await
    }

    async fn get_balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256> {
        self.with(move |c| latest_only(c, block).map(|_| c.balance(address))).await
    }

    async fn get_transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64> {
        self.with(move |c| latest_only(c, block).map(|_| U64::from(c.nonce(address)))).await
    }

    async fn get_code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes> {
        self.with(move |c| latest_only(c, block).map(|_| c.code(address))).await
    }

    async fn gas_price(&self) -> RpcResult<U256> {
        self.with(|c| Ok(U256::from(u128::from(c.next_base_fee()) + SUGGESTED_TIP))).await
    }

    async fn max_priority_fee_per_gas(&self) -> RpcResult<U256> {
        Ok(U256::from(SUGGESTED_TIP))
    }

    async fn fee_history(
        &self,
        count: U64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory> {
        let list = percentiles.as_deref().unwrap_or_default();
        let rising = list.iter().all(|p| (0.0..=100.0).contains(p)) && list.windows(2).all(|w| w[0] < w[1]);
        if !rising || list.len() > MAX_PERCENTILES {
            let why = format!("at most {MAX_PERCENTILES} reward percentiles, strictly rising within 0..=100");
            return Err(rpc_error(ChainError::BadTransaction(why)));
        }
        self.with(move |c| fee_history(c, count.to(), newest, percentiles.as_deref())).await
    }

    async fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64> {
        self.with(move |c| {
            latest_only(c, block)?;
            c.estimate_gas(&call_request(&request), now()).map(U64::from)
        })
        .await
    }

    async fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes> {
        self.with(move |c| {
            latest_only(c, block)?;
            let request = call_request(&request);
            let gas = request.gas.unwrap_or(c.gas_cap()).min(c.gas_cap());
            c.call(&request, gas, now()).map(|(out, _)| out)
        })
        .await
    }

    async fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256> {
        self.chain.worker(move |w| w.send(&raw)).await.map_err(stopped)?.map_err(rpc_error)
    }

    async fn get_transaction_receipt(&self, hash: B256) -> RpcResult<Option<TransactionReceipt>> {
        self.with(move |c| Ok(c.transaction(&hash).map(|(b, i)| receipt(b, i)))).await
    }

    async fn get_transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTransaction>> {
        self.with(move |c| Ok(c.transaction(&hash).map(|(b, i)| rpc_transaction(b, i)))).await
    }

    async fn get_logs(&self, filter: Filter) -> RpcResult<Vec<RpcLog>> {
        self.with(move |c| logs(c, &filter)).await
    }

    async fn get_block_by_number(&self, number: BlockNumberOrTag, full: bool) -> RpcResult<Option<RpcBlock>> {
        self.with(move |c| Ok(c.block(number_of(c, number)).map(|b| rpc_block(b, full)))).await
    }

    async fn get_block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<RpcBlock>> {
        self.with(move |c| Ok(c.block_by_hash(&hash).map(|b| rpc_block(b, full)))).await
    }
}
