//! The L1 over Ethereum JSON-RPC, through alloy: any node (anvil in the tests, a real one in
//! production). Calls are encoded and events decoded with the contract bindings `sol!` derives
//! from the committed artifacts' ABI (`zkrollup_contracts::artifacts`); no selector or
//! encoding is written here.
//!
//! Each state-changing call first asks the contract whether it is done already (its block
//! counters): a transaction mined while the node waited in vain for its receipt, or before a
//! crash, is found there rather than sent again (for a commit, its `BlockCommitted` log gives
//! the stored block back, checked to be this node's block). Then the call is simulated
//! (`eth_call`), so that a refusal comes back with the contract's rule id (a node puts a custom
//! error's data only in the JSON-RPC error), sent, and followed to its receipt with the
//! configured confirmations. Every request has a timeout. The watcher's cursor is the next L1
//! block to read: logs are read up to `confirmations` blocks below the head, at most
//! [`MAX_LOG_RANGE`] blocks a request (public endpoints cap the range), so a reorg of fewer
//! blocks cannot make it read a deposit that then disappears. A deeper one is noticed: the
//! cursor keeps the hash of the last block read, checked before reading on
//! ([`L1Error::Reorg`]).

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use alloy_consensus::Transaction;

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address as EvmAddress, Bytes, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use zkrollup_contracts::artifacts::{bytecode, rejected_rule, Rollup, GROTH16_VERIFIER, ROLLUP};
use zkrollup_contracts::rollup::{proof_words, sol_commit, sol_stored, RollupOnL1};
use zkrollup_spec::l1::{CommitBlock, Event, L1Config, StoredBlock};
use zkrollup_spec::primitives::Address;

use super::in_flight::{first_fees, replacement_fees, Attempt, Fees, InFlight, InMemory, Journal};
use super::{L1Cursor, L1Error, L1};

/// The most L1 blocks one `eth_getLogs` request covers.
pub const MAX_LOG_RANGE: u64 = 2_000;

/// How the node reaches an L1 over JSON-RPC.
#[derive(Clone, Debug)]
pub struct JsonRpcConfig {
    /// The node's endpoint, `http://…`.
    pub url: String,
    /// Blocks a transaction or a log must have on top before the node relies on it.
    pub confirmations: u64,
    /// How long a request may take; a receipt may take this per confirmation (and one more).
    pub timeout: Duration,
    /// How long the watcher waits before it looks at the chain again when nothing was new, and
    /// the sender between looks at its transaction in flight.
    pub poll: Duration,
    /// How long a transaction may stay unmined before the sender replaces it with one bidding
    /// 12.5 % higher fees (same nonce).
    pub resend_after: Duration,
    /// The highest maximum fee per gas the sender bids, in wei: a replacement that would bid
    /// more is not sent (the last one stays in flight).
    pub max_fee: u128,
}

impl JsonRpcConfig {
    /// A local development chain (anvil, `zkrollup l1`): nothing reorganises, so no
    /// confirmations, and it is polled often ([`default_poll`]).
    pub fn dev(url: &str) -> Self {
        JsonRpcConfig {
            url: url.into(),
            confirmations: 0,
            timeout: Duration::from_secs(60),
            poll: default_poll(DEV_CHAIN_IDS[0]),
            resend_after: default_resend_after(DEV_CHAIN_IDS[0]),
            max_fee: DEFAULT_MAX_FEE,
        }
    }
}

/// The default [`JsonRpcConfig::max_fee`]: 1,000 gwei, far above Ethereum's usual fees, so
/// that the cap stops only a runaway (an operator sets the bound their budget allows).
pub const DEFAULT_MAX_FEE: u128 = 1_000_000_000_000;

/// How long a transaction may wait unmined on chain `chain_id` before it is replaced: 5 s on
/// a development chain (one that mines on demand has mined it at once, or was told not to),
/// 60 s elsewhere (five Ethereum blocks that did not take it: its fees were too low).
pub fn default_resend_after(chain_id: u64) -> Duration {
    if DEV_CHAIN_IDS.contains(&chain_id) {
        Duration::from_secs(5)
    } else {
        Duration::from_secs(60)
    }
}

/// The node's [`L1`] over JSON-RPC, sending as one validator's key.
pub struct JsonRpcL1 {
    /// Its own runtime: the L1 boundary is called from the pipeline's threads.
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    /// The validator's key, for a [`L1::connection`] of its own.
    signer: PrivateKeySigner,
    /// The validator's key, as the wallet that signs its transactions.
    wallet: EthereumWallet,
    chain_id: u64,
    /// Where the transaction in flight is recorded before it is sent.
    journal: Arc<dyn Journal>,
    /// The L1 head the watcher last saw: when it moves, the cursor's block is checked.
    seen_head: Option<u64>,
    rollup: EvmAddress,
    genesis: StoredBlock,
    config: JsonRpcConfig,
    /// The first L1 block the watcher reads (the rollup's deployment): a chain's earlier
    /// history holds none of its logs, and a node may refuse so wide a range.
    from_block: u64,
}

pub(super) fn other(e: impl std::fmt::Display) -> L1Error {
    L1Error::Other(e.to_string())
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, L1Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(other)
}

/// An `http://` endpoint (this build has no TLS: see node/Cargo.toml).
pub(super) fn endpoint(url: &str) -> Result<url::Url, L1Error> {
    zkrollup_api::endpoint::http(url).map_err(|e| other(format!("the L1: {e}")))
}

pub use zkrollup_api::endpoint::shown;

/// Chain ids of local development chains (anvil's and hardhat's, ganache's), which mine only
/// on demand and reorganise only when told to.
pub const DEV_CHAIN_IDS: [u64; 2] = [31337, 1337];

/// The confirmations waited for by default on chain `chain_id`: none on a development chain
/// (blocks come only with transactions there), else 12 (about 2.4 minutes on Ethereum; a
/// deeper reorganisation halts the watcher rather than going unnoticed).
pub fn default_confirmations(chain_id: u64) -> u64 {
    if DEV_CHAIN_IDS.contains(&chain_id) {
        0
    } else {
        12
    }
}

/// How often the watcher looks at chain `chain_id` when nothing was new: every 50 ms on a
/// development chain (on loopback; blocks come with each transaction), every 2 s elsewhere (a
/// block comes every 12 s on Ethereum, and a hosted endpoint counts the requests).
pub fn default_poll(chain_id: u64) -> Duration {
    if DEV_CHAIN_IDS.contains(&chain_id) {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(2)
    }
}

/// The signer of a private key (`0x`-hex); the error never repeats the key.
fn signer(key: &str) -> Result<PrivateKeySigner, L1Error> {
    key.trim().parse().map_err(|_| other("the L1 key is not a 32-byte 0x-hex private key"))
}

/// A provider that signs with `key` (`0x`-hex).
pub(super) fn provider(url: &str, key: &str) -> Result<DynProvider, L1Error> {
    signing(url, signer(key)?)
}

/// A provider that signs with `signer`, with an HTTP client of its own: a client's pooled
/// connections are driven by the runtime that opened them, so two runtimes never share one.
fn signing(url: &str, signer: PrivateKeySigner) -> Result<DynProvider, L1Error> {
    Ok(ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(endpoint(url)?).erased())
}

/// `request`, unless it takes longer than the configured timeout (alloy's HTTP transport has
/// none); its error without the endpoint's URL.
pub(super) async fn within<T, E: std::fmt::Display>(
    config: &JsonRpcConfig,
    what: &str,
    request: impl IntoFuture<Output = Result<T, E>>,
) -> Result<T, L1Error> {
    match tokio::time::timeout(config.timeout, request.into_future()).await {
        Ok(r) => r.map_err(|e| scrubbed(config, e)),
        Err(_) => Err(other(format!("{what}: no answer within {} s", config.timeout.as_secs()))),
    }
}

/// A transport's error as it may be shown: without the secret parts of the endpoint's URL,
/// which the HTTP client names when it fails to reach it.
fn scrubbed(config: &JsonRpcConfig, e: impl std::fmt::Display) -> L1Error {
    other(zkrollup_api::endpoint::scrub(&config.url, &e.to_string()))
}

/// `request` for a simulation or an estimate of `tx`: a refusal is the contract's rule, when
/// the JSON-RPC error's `data` (where a node puts a revert's data) names one.
async fn simulated<T>(
    config: &JsonRpcConfig,
    what: &str,
    request: impl IntoFuture<Output = Result<T, alloy_provider::transport::TransportError>>,
) -> Result<T, L1Error> {
    let answer = tokio::time::timeout(config.timeout, request.into_future()).await;
    answer.map_err(|_| other(format!("{what}: no answer in time")))?.map_err(|e| {
        let data = e.as_error_resp().and_then(|r| r.as_revert_data());
        match data.and_then(|d| rejected_rule(&d)) {
            Some(rule) => L1Error::Rejected { rule },
            None => scrubbed(config, e),
        }
    })
}

/// Simulates `tx`, then sends it and waits for its receipt: a refusal of the simulation is the
/// contract's rule, a revert on chain after a good simulation (the state moved between them)
/// an error of its own. For wallets and deployments; the node's sender is [`JsonRpcL1`]'s.
pub(super) async fn send(
    provider: &DynProvider,
    tx: TransactionRequest,
    config: &JsonRpcConfig,
) -> Result<TransactionReceipt, L1Error> {
    simulated(config, "eth_call", provider.call(tx.clone())).await?;
    let pending = within(config, "eth_sendTransaction", provider.send_transaction(tx)).await?;
    let receipt = pending
        .with_required_confirmations(config.confirmations + 1)
        .with_timeout(Some(config.timeout * (config.confirmations as u32 + 1)))
        .get_receipt()
        .await
        .map_err(|e| scrubbed(config, e))?;
    if !receipt.status() {
        return Err(other(format!("transaction {} reverted on chain", receipt.transaction_hash)));
    }
    Ok(receipt)
}

impl JsonRpcL1 {
    /// The node's view of the rollup at `rollup` (deployed with `l1` in L1 block
    /// `from_block`), sending with `key`: refused unless a rollup contract is there and the
    /// key's address is one of its validators.
    pub fn connect(
        config: JsonRpcConfig,
        key: &str,
        rollup: &Address,
        l1: &L1Config,
        from_block: u64,
    ) -> Result<Self, L1Error> {
        let runtime = runtime()?;
        let signer = signer(key)?;
        let provider = signing(&config.url, signer.clone())?;
        let genesis = zkrollup_spec::l1::L1::new(l1.clone(), 0).blocks[0].clone();
        let at = EvmAddress::from(rollup.0);
        let chain_id = runtime.block_on(within(&config, "eth_chainId", provider.get_chain_id()))?;
        let l1 = JsonRpcL1 {
            runtime,
            provider,
            wallet: EthereumWallet::from(signer.clone()),
            signer,
            chain_id,
            journal: Arc::new(InMemory::default()),
            seen_head: None,
            rollup: at,
            genesis,
            config,
            from_block,
        };
        let code = l1.runtime.block_on(within(&l1.config, "eth_getCode", l1.provider.get_code_at(l1.rollup)))?;
        if code.is_empty() {
            return Err(other(format!("no contract at {rollup} on this chain")));
        }
        let operator = l1.signer.address();
        let validator = l1
            .runtime
            .block_on(l1.view(Rollup::isValidatorCall(operator)))
            .map_err(|e| other(format!("{rollup} does not answer as the rollup contract: {e}")))?;
        if !validator {
            return Err(other(format!("{operator} is not a validator of the rollup at {rollup}")));
        }
        Ok(l1)
    }

    /// Sends `call` (named `action`) for block `n` unless the block `counter` already counts
    /// it; after settling whatever was in flight, whose fate decides that. A refusal is checked
    /// against the counter again: a transaction of an earlier attempt may have been mined
    /// between the first look and the simulation.
    fn unless_done<C: SolCall<Return = u32> + Clone>(
        &self,
        action: String,
        counter: C,
        n: u32,
        call: impl SolCall,
    ) -> Result<(), L1Error> {
        self.runtime.block_on(async {
            self.settle().await?;
            let done = || async { self.view(counter.clone()).await.map(|count| count >= n) };
            if done().await? {
                return Ok(());
            }
            match self.transact(action, call.abi_encode()).await {
                Err(e @ L1Error::Rejected { .. }) if !done().await? => Err(e),
                Err(L1Error::Rejected { .. }) | Ok(()) => Ok(()),
                Err(e) => Err(e),
            }
        })
    }

    /// Simulates `input` to the rollup (a refusal comes back with the contract's rule), signs
    /// it with the next nonce and the chain's fees, records it, sends it, and settles it.
    async fn transact(&self, action: String, input: Vec<u8>) -> Result<(), L1Error> {
        let from = self.signer.address();
        let tx = TransactionRequest::default().with_from(from).with_to(self.rollup).with_input(input.clone());
        simulated(&self.config, "eth_call", self.provider.call(tx.clone())).await?;
        let gas = simulated(&self.config, "eth_estimateGas", self.provider.estimate_gas(tx)).await?;
        // A quarter more than estimated (the state may move before it is mined), never above
        // what one transaction may use since Osaka.
        let gas_limit = gas.saturating_add(gas / 4).min(alloy_eips::eip7825::MAX_TX_GAS_LIMIT_OSAKA);
        let nonce =
            within(&self.config, "eth_getTransactionCount", self.provider.get_transaction_count(from).pending())
                .await?;
        let fees = first_fees(self.fees_now().await?, self.config.max_fee);
        let attempt = self.sign(self.rollup, input.into(), nonce, gas_limit, fees).await?;
        let in_flight = InFlight { action: action.clone(), nonce, gas_limit, attempts: vec![attempt] };
        self.journal.record(Some(&in_flight))?;
        crate::kill_points::reached("l1.recorded");
        if let Err(Broadcast::Refused(why)) = self.broadcast(&in_flight.last().raw).await {
            // Refused outright, it was never in flight: the next step starts afresh.
            self.journal.record(None)?;
            return Err(other(format!("{action}: the L1 node refused the transaction: {why}")));
        }
        crate::kill_points::reached("l1.sent");
        match self.settle().await? {
            Settled::Mined { success: true, .. } => Ok(()),
            Settled::Mined { hash, .. } => Err(other(format!("{action}: transaction {hash} reverted on chain"))),
            Settled::Superseded | Settled::Nothing => Err(other(format!(
                "{action}: nonce {nonce} was taken by another transaction of {from} (is the operator's key used elsewhere?)"
            ))),
        }
    }

    /// Settles the transaction in flight, if any: returns once a version of it is mined with
    /// the confirmations asked, or its nonce is taken by a transaction not recorded. Meanwhile
    /// a version left unmined for [`JsonRpcConfig::resend_after`] is replaced by one bidding
    /// higher fees, and one the node does not know (a node restarted, or one that dropped it)
    /// is sent again. After the timeout (per confirmation) it gives up for now, the record
    /// kept: the next step settles it.
    async fn settle(&self) -> Result<Settled, L1Error> {
        let Some(mut in_flight) = self.journal.in_flight()? else { return Ok(Settled::Nothing) };
        let patience = self.config.timeout * (self.config.confirmations as u32 + 1);
        let deadline = tokio::time::Instant::now() + patience;
        let (mut last_refusal, mut taken_since) = (None, None);
        loop {
            if let Some((hash, receipt)) = self.mined(&in_flight).await? {
                let head = within(&self.config, "eth_blockNumber", self.provider.get_block_number()).await?;
                if head >= receipt.block_number.unwrap_or(head) + self.config.confirmations {
                    self.journal.record(None)?;
                    return Ok(Settled::Mined { hash, success: receipt.status() });
                }
            } else if self.nonce_taken(in_flight.nonce).await? {
                // A node may count a mined transaction in the nonce a moment before it serves
                // its receipt (anvil does): only a nonce taken for a while without a receipt
                // of any version is taken by another transaction.
                let since = *taken_since.get_or_insert_with(tokio::time::Instant::now);
                if since.elapsed() >= SUPERSEDED_AFTER {
                    self.journal.record(None)?;
                    return Ok(Settled::Superseded);
                }
            } else {
                let last = in_flight.last().clone();
                let waited = unix_ms().saturating_sub(last.sent_at_ms);
                let replacement = if waited >= self.config.resend_after.as_millis() as u64 {
                    replacement_fees(last.fees, self.fees_now().await?, self.config.max_fee)
                } else {
                    None
                };
                if let Some(fees) = replacement {
                    let tx = decoded(&last.raw)?;
                    let (to, input) = (tx.to().ok_or_else(|| other("a deployment in flight"))?, tx.input().clone());
                    let attempt = self.sign(to, input, in_flight.nonce, in_flight.gas_limit, fees).await?;
                    in_flight.attempts.push(attempt);
                    self.journal.record(Some(&in_flight))?;
                    last_refusal = self.broadcast(&in_flight.last().raw).await.err();
                } else if !self.known(&last.hash).await? {
                    last_refusal = self.broadcast(&last.raw).await.err();
                }
            }
            if tokio::time::Instant::now() >= deadline {
                let said = last_refusal.map(|r| format!("; the L1 node said: {}", r.message())).unwrap_or_default();
                return Err(other(format!(
                    "{} (nonce {}, {} version(s) sent, the last {}) is not mined after {} s; it stays recorded and is \
                     looked at again{said}",
                    in_flight.action,
                    in_flight.nonce,
                    in_flight.attempts.len(),
                    in_flight.last().hash,
                    patience.as_secs()
                )));
            }
            tokio::time::sleep(self.config.poll).await;
        }
    }

    /// The version of `in_flight` that is mined, with its receipt (the newest first).
    async fn mined(&self, in_flight: &InFlight) -> Result<Option<(String, TransactionReceipt)>, L1Error> {
        for attempt in in_flight.attempts.iter().rev() {
            let hash = tx_hash(&attempt.hash)?;
            let receipt =
                within(&self.config, "eth_getTransactionReceipt", self.provider.get_transaction_receipt(hash)).await?;
            if let Some(r) = receipt {
                return Ok(Some((attempt.hash.clone(), r)));
            }
        }
        Ok(None)
    }

    /// Whether a transaction of the operator with `nonce` is mined (the latest block counts it).
    async fn nonce_taken(&self, nonce: u64) -> Result<bool, L1Error> {
        let count = self.provider.get_transaction_count(self.signer.address()).latest();
        Ok(within(&self.config, "eth_getTransactionCount", count).await? > nonce)
    }

    /// Whether the node knows the transaction `hash` (pending or mined).
    async fn known(&self, hash: &str) -> Result<bool, L1Error> {
        let tx = self.provider.get_transaction_by_hash(tx_hash(hash)?);
        Ok(within(&self.config, "eth_getTransactionByHash", tx).await?.is_some())
    }

    /// The fees the chain asks now (alloy's estimate from the fee history: twice the base fee
    /// plus the priority fee).
    async fn fees_now(&self) -> Result<Fees, L1Error> {
        let e = within(&self.config, "eth_feeHistory", self.provider.estimate_eip1559_fees()).await?;
        Ok(Fees { max_fee_per_gas: e.max_fee_per_gas, max_priority_fee_per_gas: e.max_priority_fee_per_gas })
    }

    /// A version of a transaction to `to`, signed, recorded as sent now.
    async fn sign(&self, to: EvmAddress, input: Bytes, nonce: u64, gas: u64, fees: Fees) -> Result<Attempt, L1Error> {
        use alloy_network::{eip2718::Encodable2718, NetworkTransactionBuilder};
        let tx = TransactionRequest::default()
            .with_to(to)
            .with_input(input)
            .with_nonce(nonce)
            .with_gas_limit(gas)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
            .with_chain_id(self.chain_id);
        let envelope = tx.build(&self.wallet).await.map_err(other)?;
        Ok(Attempt {
            hash: format!("{}", envelope.tx_hash()),
            raw: format!("0x{}", hex::encode(envelope.encoded_2718())),
            fees,
            sent_at_ms: unix_ms(),
        })
    }

    /// Sends signed bytes; a node that has them already is no error.
    async fn broadcast(&self, raw: &str) -> Result<(), Broadcast> {
        let bytes = raw_bytes(raw).map_err(|e| Broadcast::Lost(e.to_string()))?;
        let sent = tokio::time::timeout(self.config.timeout, self.provider.send_raw_transaction(&bytes)).await;
        match sent {
            Err(_) => Err(Broadcast::Lost("eth_sendRawTransaction: no answer in time".into())),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                let message = scrubbed(&self.config, &e).to_string();
                match e.as_error_resp() {
                    Some(r) if r.message.contains("already known") || r.message.contains("known transaction") => Ok(()),
                    Some(_) => Err(Broadcast::Refused(message)),
                    None => Err(Broadcast::Lost(message)),
                }
            }
        }
    }

    /// A view of the rollup, by `eth_call`.
    async fn view<C: SolCall>(&self, call: C) -> Result<C::Return, L1Error> {
        let tx = TransactionRequest::default().with_to(self.rollup).with_input(call.abi_encode());
        let out = within(&self.config, "eth_call", self.provider.call(tx)).await?;
        C::abi_decode_returns(&out).map_err(other)
    }

    /// Block `n` as the contract stored it at its commit, from its `BlockCommitted` log.
    fn committed(&self, n: u32) -> Result<StoredBlock, L1Error> {
        let filter = block_committed_logs(self.rollup, self.from_block).topic1(U256::from(n));
        let logs = self.runtime.block_on(within(&self.config, "eth_getLogs", self.provider.get_logs(&filter)))?;
        let log = logs.last().ok_or_else(|| other(format!("block {n} is committed on L1 but its log is not found")))?;
        stored_of(log)
    }
}

/// The filter of the rollup's `BlockCommitted` logs from L1 block `from` on.
pub(super) fn block_committed_logs(rollup: EvmAddress, from: u64) -> Filter {
    use alloy_sol_types::SolEvent;
    Filter::new().address(rollup).event_signature(Rollup::BlockCommitted::SIGNATURE_HASH).from_block(from)
}

/// The block a `BlockCommitted` log records, as the contract stored it.
pub(super) fn stored_of(log: &alloy_rpc_types_eth::Log) -> Result<StoredBlock, L1Error> {
    match zkrollup_contracts::events::decode(&log.inner).map_err(other)? {
        Event::BlockCommitted(stored) => Ok(stored),
        e => Err(other(format!("a BlockCommitted log that decodes as {e:?}"))),
    }
}

impl L1 for JsonRpcL1 {
    fn genesis(&self) -> StoredBlock {
        self.genesis.clone()
    }

    fn commit(&mut self, parent: &StoredBlock, block: &CommitBlock) -> Result<StoredBlock, L1Error> {
        let n = block.block_number;
        let call = Rollup::commitBlockCall { parent: sol_stored(parent), b: sol_commit(block) };
        self.unless_done(format!("commitBlock {n}"), Rollup::blocksCommittedCall {}, n, call)?;
        let stored = self.committed(n)?;
        let ours = stored.state_root == block.new_state_root && stored.timestamp == block.timestamp;
        if !ours {
            return Err(other(format!("block {n} on L1 is not this node's block {n}: {stored:?}")));
        }
        Ok(stored)
    }

    fn prove(&mut self, block: &StoredBlock, proof: &[u8]) -> Result<(), L1Error> {
        let n = block.block_number;
        let call = Rollup::proveBlockCall { b: sol_stored(block), proof: proof_words(proof) };
        self.unless_done(format!("proveBlock {n}"), Rollup::blocksProvenCall {}, n, call)
    }

    fn execute(&mut self, block: &StoredBlock, pending_ops: &[Vec<u8>]) -> Result<(), L1Error> {
        let n = block.block_number;
        let ops = pending_ops.iter().map(|o| Bytes::from(o.clone())).collect();
        let call = Rollup::executeBlockCall { b: sol_stored(block), pendingOps: ops };
        self.unless_done(format!("executeBlock {n}"), Rollup::blocksExecutedCall {}, n, call)
    }

    fn events(&mut self, cursor: L1Cursor) -> Result<(Vec<Event>, L1Cursor), L1Error> {
        let (provider, rollup, config, seen_head) = (&self.provider, self.rollup, &self.config, self.seen_head);
        let next = cursor.next.max(self.from_block);
        let (read, head) = self.runtime.block_on(async move {
            let head = within(config, "eth_blockNumber", provider.get_block_number()).await?;
            // Whenever the head moves (a new block, or a reorganisation), the block before the
            // cursor must still be the one read.
            if seen_head != Some(head) {
                unchanged(provider, config, &cursor).await?;
            }
            let Some(last) = head.checked_sub(config.confirmations).filter(|&last| last >= next) else {
                return Ok(((Vec::new(), cursor), head));
            };
            let last = last.min(next + MAX_LOG_RANGE - 1);
            let last_hash = block_hash(provider, config, last).await?.ok_or_else(|| not_found(last))?;
            let filter = Filter::new().address(rollup).from_block(next).to_block(last);
            let logs = within(config, "eth_getLogs", provider.get_logs(&filter)).await?;
            // Nothing moved while the logs were read: the block before the cursor and the last
            // block read still have the hashes they had.
            unchanged(provider, config, &cursor).await?;
            if block_hash(provider, config, last).await? != Some(last_hash) {
                return Err(other(format!("L1 block {last} changed while it was read: read again")));
            }
            let events = logs.iter().map(|l| zkrollup_contracts::events::decode(&l.inner).map_err(other));
            let read = L1Cursor { next: last + 1, last_hash: Some(last_hash) };
            Ok(((events.collect::<Result<_, _>>()?, read), head))
        })?;
        self.seen_head = Some(head);
        Ok(read)
    }

    fn poll_interval(&self) -> Duration {
        self.config.poll
    }

    fn record_in(&mut self, journal: Arc<dyn Journal>) {
        self.journal = journal;
    }

    fn connection(&self) -> Result<Box<dyn L1>, L1Error> {
        Ok(Box::new(JsonRpcL1 {
            runtime: runtime()?,
            provider: signing(&self.config.url, self.signer.clone())?,
            signer: self.signer.clone(),
            wallet: self.wallet.clone(),
            chain_id: self.chain_id,
            // A connection of its own sends nothing the sender's journal must know of.
            journal: Arc::new(InMemory::default()),
            seen_head: None,
            rollup: self.rollup,
            genesis: self.genesis.clone(),
            config: self.config.clone(),
            from_block: self.from_block,
        }))
    }
}

/// The hash of L1 block `n`, `None` if the node has no such block.
async fn block_hash(provider: &DynProvider, config: &JsonRpcConfig, n: u64) -> Result<Option<[u8; 32]>, L1Error> {
    let block = within(config, "eth_getBlockByNumber", provider.get_block_by_number(n.into())).await?;
    Ok(block.map(|b| b.header.hash.0))
}

/// A block the node does not have: retried (a node behind the chain, or one mid-reorganisation,
/// says so for a moment), not taken for a reorganisation.
fn not_found(n: u64) -> L1Error {
    other(format!("L1 block {n} is not found (the node may be behind or reorganising): looked at again"))
}

/// How long the sender's nonce must stay taken with no receipt of any version of its
/// transaction in flight before it concludes that another transaction took it.
const SUPERSEDED_AFTER: Duration = Duration::from_secs(3);

/// What settling the transaction in flight found.
enum Settled {
    /// Nothing was in flight.
    Nothing,
    /// A version of it, `hash`, is mined with the confirmations asked.
    Mined { hash: String, success: bool },
    /// Its nonce was taken by a transaction not recorded: none of its versions can be mined.
    Superseded,
}

/// Why signed bytes did not reach the node.
enum Broadcast {
    /// The node answered with an error: it does not hold them.
    Refused(String),
    /// No answer, or none that says: the node may hold them.
    Lost(String),
}

impl Broadcast {
    fn message(&self) -> &str {
        match self {
            Broadcast::Refused(m) | Broadcast::Lost(m) => m,
        }
    }
}

fn tx_hash(hex: &str) -> Result<alloy_primitives::TxHash, L1Error> {
    hex.parse().map_err(|_| other(format!("a recorded transaction hash does not parse: {hex}")))
}

/// A recorded version's signed bytes, decoded.
fn decoded(raw: &str) -> Result<alloy_consensus::TxEnvelope, L1Error> {
    use alloy_network::eip2718::Decodable2718;
    alloy_consensus::TxEnvelope::decode_2718_exact(&raw_bytes(raw)?).map_err(other)
}

/// A recorded version's signed bytes (`0x`-hex).
fn raw_bytes(raw: &str) -> Result<Vec<u8>, L1Error> {
    hex::decode(raw.trim_start_matches("0x")).map_err(|e| other(format!("recorded signed bytes do not parse: {e}")))
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// [`L1Error::Reorg`] unless the block before `cursor` still has the hash it was read with.
async fn unchanged(provider: &DynProvider, config: &JsonRpcConfig, cursor: &L1Cursor) -> Result<(), L1Error> {
    let (Some(was), Some(read)) = (cursor.last_hash, cursor.next.checked_sub(1)) else { return Ok(()) };
    match block_hash(provider, config, read).await? {
        Some(now) if now == was => Ok(()),
        Some(now) => Err(L1Error::Reorg {
            block: read,
            was: format!("0x{}", hex::encode(was)),
            now: format!("0x{}", hex::encode(now)),
        }),
        None => Err(not_found(read)),
    }
}

/// The chain's id (`eth_chainId`).
pub fn chain_id(rpc: &JsonRpcConfig) -> Result<u64, L1Error> {
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
    runtime()?.block_on(within(rpc, "eth_chainId", provider.get_chain_id()))
}

/// The L1 address of a private key (`0x`-hex).
pub fn address_of(key: &str) -> Result<Address, L1Error> {
    Ok(Address(signer(key)?.address().0 .0))
}

/// A deployment on a JSON-RPC chain: where the rollup is and the config it was deployed with
/// (its domain's contract and its tokens at their real addresses).
#[derive(Clone, Debug)]
pub struct Deployed {
    pub rollup: Address,
    pub config: L1Config,
    /// The L1 block of the rollup's deployment: the watcher's first cursor.
    pub block: u64,
}

/// Deploys the two Groth16 verifiers (block and exit keys) and the rollup for `config` with
/// `key`, as the chain's transactions. `config.tokens` must already be deployed (ERC-20s);
/// the domain's contract address is the one the chain gives the rollup.
pub fn deploy(
    rpc: &JsonRpcConfig,
    key: &str,
    config: &L1Config,
    block_vk: &zkrollup_circuits::groth16::Vk,
    exit_vk: &zkrollup_circuits::groth16::Vk,
) -> Result<Deployed, L1Error> {
    use zkrollup_contracts::verifier::constructor_args;
    let provider = provider(&rpc.url, key)?;
    runtime()?.block_on(async {
        let create = |code: Vec<u8>| async {
            let tx = TransactionRequest::default().with_deploy_code(code);
            let receipt = send(&provider, tx, rpc).await?;
            let at = receipt.contract_address.ok_or_else(|| other("a deployment without an address"))?;
            Ok::<_, L1Error>((at, receipt.block_number.unwrap_or_default()))
        };
        let verifier = |vk| {
            let args = constructor_args(vk).map_err(other)?;
            Ok::<_, L1Error>([bytecode(GROTH16_VERIFIER), args].concat())
        };
        let (block_verifier, _) = create(verifier(block_vk)?).await?;
        let (exit_verifier, _) = create(verifier(exit_vk)?).await?;
        let tokens: Vec<EvmAddress> = config.tokens.iter().map(|t| EvmAddress::from(t.0)).collect();
        let args =
            RollupOnL1::constructor_args(config, &tokens, RollupOnL1::per_size(config, block_verifier), exit_verifier);
        let (rollup, block) = create([bytecode(ROLLUP), args].concat()).await?;
        let rollup = Address(rollup.0 .0);
        let domain = zkrollup_spec::tx::auth::L1Domain { contract: rollup, ..config.domain };
        Ok(Deployed { rollup, config: L1Config { domain, ..config.clone() }, block })
    })
}
