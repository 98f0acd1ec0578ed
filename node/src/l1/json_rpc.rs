//! The L1 over Ethereum JSON-RPC, through alloy: any node (anvil in the tests, a real one in
//! production). Calls are encoded and events decoded with the contract bindings `sol!` derives
//! from the committed artifacts' ABI (`zkrollup_contracts::artifacts`); no selector or
//! encoding is written here.
//!
//! Each state-changing call is first simulated (`eth_call`), so that a refusal comes back with
//! the contract's rule id (a node puts a custom error's data only in the JSON-RPC error), then
//! sent and followed to its receipt with the configured confirmations. The watcher's cursor is
//! the next L1 block to read: logs are read up to `confirmations` blocks below the head, so a
//! reorg of fewer blocks cannot make it read a deposit that then disappears.

use std::time::Duration;

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address as EvmAddress, Bytes, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use zkrollup_contracts::artifacts::{bytecode, rejected_rule, Rollup, GROTH16_VERIFIER, ROLLUP};
use zkrollup_contracts::rollup::{proof_words, sol_commit, sol_stored, spec_stored, RollupOnL1};
use zkrollup_spec::l1::{CommitBlock, Event, L1Config, StoredBlock};
use zkrollup_spec::primitives::Address;

use super::{L1Error, L1};

/// How the node reaches an L1 over JSON-RPC.
#[derive(Clone, Debug)]
pub struct JsonRpcConfig {
    /// The node's endpoint, `http://…`.
    pub url: String,
    /// Blocks a transaction or a log must have on top before the node relies on it.
    pub confirmations: u64,
    /// How long a call may wait for its receipt.
    pub timeout: Duration,
}

impl JsonRpcConfig {
    /// A local development chain (anvil): nothing reorganises, so no confirmations.
    pub fn dev(url: &str) -> Self {
        JsonRpcConfig { url: url.into(), confirmations: 0, timeout: Duration::from_secs(60) }
    }
}

/// The node's [`L1`] over JSON-RPC, sending as one validator's key.
pub struct JsonRpcL1 {
    /// Its own runtime: the L1 boundary is called from the pipeline's threads.
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    rollup: EvmAddress,
    genesis: StoredBlock,
    config: JsonRpcConfig,
    /// The first L1 block the watcher reads (the rollup's deployment): a chain's earlier
    /// history holds none of its logs, and a node may refuse so wide a range.
    from_block: u64,
}

fn other(e: impl std::fmt::Display) -> L1Error {
    L1Error::Other(e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, L1Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(other)
}

/// A provider that signs with `key` (`0x`-hex).
fn provider(url: &str, key: &str) -> Result<DynProvider, L1Error> {
    let signer: PrivateKeySigner = key.trim().parse().map_err(|e| other(format!("the L1 key: {e}")))?;
    let url = url.parse().map_err(|e| other(format!("the L1 URL {url}: {e}")))?;
    Ok(ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_hyper_http(url).erased())
}

/// A transaction's outcome: its receipt, after a simulation that returned `output`.
struct Sent {
    output: Bytes,
    receipt: TransactionReceipt,
}

/// Simulates `tx`, then sends it and waits for its receipt: a refusal of the simulation is the
/// contract's rule, a revert on chain after a good simulation (the state moved between them)
/// an error of its own.
async fn send(provider: &DynProvider, tx: TransactionRequest, config: &JsonRpcConfig) -> Result<Sent, L1Error> {
    let output = provider.call(tx.clone()).await.map_err(|e| {
        let data = e.as_error_resp().and_then(|r| r.as_revert_data());
        match data.and_then(|d| rejected_rule(&d)) {
            Some(rule) => L1Error::Rejected { rule },
            None => other(e),
        }
    })?;
    let pending = provider.send_transaction(tx).await.map_err(other)?;
    let receipt = pending
        .with_required_confirmations(config.confirmations + 1)
        .with_timeout(Some(config.timeout))
        .get_receipt()
        .await
        .map_err(other)?;
    if !receipt.status() {
        return Err(other(format!("transaction {} reverted on chain", receipt.transaction_hash)));
    }
    Ok(Sent { output, receipt })
}

impl JsonRpcL1 {
    /// The node's view of the rollup at `rollup` (deployed with `l1` in L1 block
    /// `from_block`), sending with `key`.
    pub fn connect(
        config: JsonRpcConfig,
        key: &str,
        rollup: &Address,
        l1: &L1Config,
        from_block: u64,
    ) -> Result<Self, L1Error> {
        let runtime = runtime()?;
        let provider = provider(&config.url, key)?;
        let genesis = zkrollup_spec::l1::L1::new(l1.clone(), 0).blocks[0].clone();
        Ok(JsonRpcL1 { runtime, provider, rollup: EvmAddress::from(rollup.0), genesis, config, from_block })
    }

    fn call(&self, call: impl SolCall) -> Result<Sent, L1Error> {
        let tx = TransactionRequest::default().with_to(self.rollup).with_input(call.abi_encode());
        self.runtime.block_on(send(&self.provider, tx, &self.config))
    }
}

impl L1 for JsonRpcL1 {
    fn genesis(&self) -> StoredBlock {
        self.genesis.clone()
    }

    fn commit(&mut self, parent: &StoredBlock, block: &CommitBlock) -> Result<StoredBlock, L1Error> {
        let sent = self.call(Rollup::commitBlockCall { parent: sol_stored(parent), b: sol_commit(block) })?;
        let stored = Rollup::commitBlockCall::abi_decode_returns(&sent.output).map_err(other)?;
        Ok(spec_stored(&stored))
    }

    fn prove(&mut self, block: &StoredBlock, proof: &[u8]) -> Result<(), L1Error> {
        self.call(Rollup::proveBlockCall { b: sol_stored(block), proof: proof_words(proof) }).map(|_| ())
    }

    fn execute(&mut self, block: &StoredBlock, pending_ops: &[Vec<u8>]) -> Result<(), L1Error> {
        let ops = pending_ops.iter().map(|o| Bytes::from(o.clone())).collect();
        self.call(Rollup::executeBlockCall { b: sol_stored(block), pendingOps: ops }).map(|_| ())
    }

    fn events(&mut self, cursor: u64) -> Result<(Vec<Event>, u64), L1Error> {
        let (provider, rollup, confirmations) = (&self.provider, self.rollup, self.config.confirmations);
        let cursor = cursor.max(self.from_block);
        self.runtime.block_on(async move {
            let head = provider.get_block_number().await.map_err(other)?;
            let Some(last) = head.checked_sub(confirmations).filter(|&last| last >= cursor) else {
                return Ok((Vec::new(), cursor));
            };
            let filter = Filter::new().address(rollup).from_block(cursor).to_block(last);
            let logs = provider.get_logs(&filter).await.map_err(other)?;
            let events = logs.iter().map(|l| zkrollup_contracts::events::decode(&l.inner).map_err(other));
            Ok((events.collect::<Result<_, _>>()?, last + 1))
        })
    }
}

/// The chain's id (`eth_chainId`).
pub fn chain_id(rpc: &JsonRpcConfig) -> Result<u64, L1Error> {
    let url = rpc.url.parse().map_err(|e| other(format!("the L1 URL {}: {e}", rpc.url)))?;
    let provider = ProviderBuilder::new().connect_hyper_http(url);
    runtime()?.block_on(provider.get_chain_id()).map_err(other)
}

/// The L1 address of a private key (`0x`-hex).
pub fn address_of(key: &str) -> Result<Address, L1Error> {
    let signer: PrivateKeySigner = key.trim().parse().map_err(|e| other(format!("the L1 key: {e}")))?;
    Ok(Address(signer.address().0 .0))
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
            let sent = send(&provider, tx, rpc).await?;
            let at = sent.receipt.contract_address.ok_or_else(|| other("a deployment without an address"))?;
            Ok::<_, L1Error>((at, sent.receipt.block_number.unwrap_or_default()))
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

/// `depositETH` of `amount` wei to `to`, sent with `key` (a wallet's deposit, for tests and
/// tools): the L1 block it is in.
pub fn deposit_eth(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    to: &Address,
    amount: u128,
) -> Result<u64, L1Error> {
    let provider = provider(&rpc.url, key)?;
    let call = Rollup::depositETHCall { to: EvmAddress::from(to.0) };
    let tx = TransactionRequest::default()
        .with_to(EvmAddress::from(rollup.0))
        .with_input(call.abi_encode())
        .with_value(U256::from(amount));
    let sent = runtime()?.block_on(send(&provider, tx, rpc))?;
    Ok(sent.receipt.block_number.unwrap_or_default())
}
