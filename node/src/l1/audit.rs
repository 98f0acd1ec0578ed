//! The rollup's history on a JSON-RPC chain, read as an auditor reads it: every transaction
//! the rollup received, whoever sent it (the node, wallets, anyone), replayed in chain order on
//! the spec's L1 state machine, each at its L1 block's time. The chain's verdict and the
//! rollup's logs are compared with the spec's verdict and events; any difference is reported,
//! naming the transaction. Nothing here trusts the node: the transactions, receipts and logs
//! come from the chain, the calls are decoded from calldata ([`zkrollup_contracts::calldata`]),
//! and proofs are checked by the spec's verifier (arkworks), not the contract's.
//!
//! The blocks' calldata also carries the whole L2 state (data availability): the audit keeps the
//! committed blocks, from which [`Audit::executed_state`] restores the state an exodus exit is
//! proven against, without the node.
//!
//! What standard JSON-RPC cannot show is reported rather than guessed: a refused transaction's
//! rule id (a receipt carries no revert data, so a refusal is compared as a refusal), and a
//! call to the rollup made from another contract (no traces: its logs are found, and reported
//! as a call that cannot be audited). A transaction that ran out of gas shows as a refusal the
//! spec does not make.

use std::collections::BTreeMap;

use alloy_consensus::Transaction as _;
use alloy_primitives::{Address as EvmAddress, B256, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, Log};
use alloy_sol_types::SolEvent;
use zkrollup_contracts::artifacts::{Rollup, TestToken};
use zkrollup_contracts::calldata::decode;
use zkrollup_spec::l1::{Call, CommitBlock, L1Config, ProofVerifier, L1};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::restore::restore;
use zkrollup_spec::state::State;

use super::json_rpc::{endpoint, other, runtime, within, JsonRpcConfig, MAX_LOG_RANGE};
use super::L1Error;

/// One mined transaction sent to the rollup.
#[derive(Clone, Debug)]
pub struct RollupTx {
    pub hash: B256,
    /// The L1 block it was mined in, and that block's timestamp.
    pub l1_block: u64,
    pub timestamp: u64,
    pub from: Address,
    pub value: U256,
    pub input: Vec<u8>,
    /// Whether it succeeded, and the gas it used.
    pub success: bool,
    pub gas_used: u64,
    /// Every log of its receipt (the rollup's and, for a deposit, the token's).
    pub logs: Vec<Log>,
}

impl RollupTx {
    /// The rollup function it called, by selector (`(unknown)` if none matches).
    pub fn function(&self) -> &'static str {
        self.input
            .get(..4)
            .and_then(|s| Rollup::RollupCalls::name_by_selector(s.try_into().expect("4 bytes")))
            .unwrap_or("(unknown)")
    }
}

fn evm(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

/// What the chain holds of the rollup at `rollup` from L1 block `from` to the head: every
/// transaction sent to it, in order, and the transactions whose logs show the rollup was
/// called from another contract.
pub struct History {
    pub txs: Vec<RollupTx>,
    pub called_from_contracts: Vec<B256>,
}

async fn history(
    provider: &DynProvider,
    rpc: &JsonRpcConfig,
    rollup: EvmAddress,
    from: u64,
) -> Result<History, L1Error> {
    let head = within(rpc, "eth_blockNumber", provider.get_block_number()).await?;
    let mut txs = Vec::new();
    for n in from..=head {
        let block = within(rpc, "eth_getBlockByNumber", provider.get_block_by_number(n.into()).full()).await?;
        let block = block.ok_or_else(|| other(format!("L1 block {n} is missing below the head {head}")))?;
        for tx in block.transactions.txns().filter(|t| alloy_consensus::Transaction::to(*t) == Some(rollup)) {
            let hash = *tx.inner.tx_hash();
            let receipt = within(rpc, "eth_getTransactionReceipt", provider.get_transaction_receipt(hash)).await?;
            let receipt = receipt.ok_or_else(|| other(format!("no receipt for mined transaction {hash}")))?;
            txs.push(RollupTx {
                hash,
                l1_block: n,
                timestamp: block.header.timestamp,
                from: Address(tx.inner.signer().0 .0),
                value: tx.value(),
                input: tx.input().to_vec(),
                success: receipt.status(),
                gas_used: receipt.gas_used,
                logs: receipt.inner.logs().to_vec(),
            });
        }
    }
    // The rollup's logs over the same range, in the ranges public endpoints allow: a log of a
    // transaction not sent to the rollup is a call from another contract.
    let mut called_from_contracts = Vec::new();
    let mut start = from;
    while start <= head {
        let end = (start + MAX_LOG_RANGE - 1).min(head);
        let filter = Filter::new().address(rollup).from_block(start).to_block(end);
        for log in within(rpc, "eth_getLogs", provider.get_logs(&filter)).await? {
            let hash = log.transaction_hash.unwrap_or_default();
            if !txs.iter().any(|t| t.hash == hash) && !called_from_contracts.contains(&hash) {
                called_from_contracts.push(hash);
            }
        }
        start = end + 1;
    }
    Ok(History { txs, called_from_contracts })
}

/// Reads [`History`] from the chain at `rpc`.
pub fn read_history(rpc: &JsonRpcConfig, rollup: &Address, from: u64) -> Result<History, L1Error> {
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?).erased();
    runtime()?.block_on(history(&provider, rpc, evm(rollup), from))
}

/// The outcome of [`audit`].
pub struct Audit {
    /// The spec's L1 after every transaction: what the contract should now hold.
    pub spec: L1,
    /// Transactions by function: accepted, refused (by both the chain and the spec).
    pub calls: BTreeMap<&'static str, (usize, usize)>,
    /// Every disagreement, in order, each naming its transaction.
    pub mismatches: Vec<String>,
    /// The blocks committed and not reverted, as their `commitBlock` calldata states them:
    /// what the L2 state restores from ([`Audit::executed_state`]).
    pub committed: Vec<CommitBlock>,
    /// What was read from the chain (for figures: each transaction's gas, its call).
    pub history: History,
}

impl Audit {
    /// The L2 state of the last executed block, restored from the committed blocks' calldata
    /// alone (`zkrollup_spec::restore`) and checked against the root the L1 stored for it:
    /// what an owner proves an exodus exit against when the operator is gone.
    pub fn executed_state(&self) -> Result<State, String> {
        let executed = self.spec.blocks_executed as usize;
        let state = restore(self.committed.iter().take(executed))?;
        let stored = &self.spec.last_executed().state_root;
        if state.root() != *stored {
            return Err(format!(
                "the state restored to block {executed} has root {}, the L1 stored {stored}",
                state.root()
            ));
        }
        Ok(state)
    }
}

/// What an ERC-20 deposit of `token` delivered to the rollup: the sum of the listed token's
/// `Transfer` logs to it in the receipt (the token's own account of what moved, which the spec
/// credits; a hostile token could log what it did not move: the audit is of the rollup, not of
/// its tokens).
fn received(tx: &RollupTx, rollup: EvmAddress, spec: &L1, token: u16) -> Option<u128> {
    let token = spec.tokens.get((token as usize).checked_sub(1)?)?;
    let moved = tx
        .logs
        .iter()
        .filter(|l| l.address() == evm(token))
        .filter_map(|l| TestToken::Transfer::decode_log(&l.inner).ok())
        .filter(|t| t.to == rollup)
        .try_fold(U256::ZERO, |sum, t| sum.checked_add(t.value))?;
    moved.try_into().ok()
}

/// Replays every transaction the rollup at `rollup`, deployed with `config` in L1 block
/// `from`, received up to the chain's head on the spec's L1, with `verifier` checking proofs.
pub fn audit(
    rpc: &JsonRpcConfig,
    rollup: &Address,
    config: &L1Config,
    from: u64,
    verifier: &dyn ProofVerifier,
) -> Result<Audit, L1Error> {
    let history = read_history(rpc, rollup, from)?;
    let mut spec = L1::new(config.clone(), history.txs.first().map_or(0, |t| t.timestamp));
    let mut calls = BTreeMap::new();
    let mut committed = Vec::new();
    let mut mismatches: Vec<String> = history
        .called_from_contracts
        .iter()
        .map(|hash| format!("{hash}: the rollup was called from another contract, which cannot be audited"))
        .collect();
    let at = evm(rollup);
    for tx in &history.txs {
        let name = tx.function();
        let says = |what: String| format!("{} ({name}, L1 block {}): {what}", tx.hash, tx.l1_block);
        let chain_events: Result<Vec<_>, String> = tx
            .logs
            .iter()
            .filter(|l| l.address() == at)
            .map(|l| zkrollup_contracts::events::decode(&l.inner))
            .collect();
        let chain_events = match chain_events {
            Ok(events) => events,
            Err(e) => {
                mismatches.push(says(format!("the rollup logged {e}")));
                continue;
            }
        };
        let mut call = match decode(&tx.from, tx.value, &tx.input) {
            Ok(Some(call)) => call,
            Ok(None) if chain_events.is_empty() => {
                count(&mut calls, name, tx.success);
                continue;
            }
            Ok(None) => {
                mismatches.push(says(format!("a view logged {chain_events:?}")));
                continue;
            }
            // Refused by the chain, and not a call the spec can state.
            Err(_) if !tx.success => {
                count(&mut calls, name, false);
                continue;
            }
            Err(e) => {
                mismatches.push(says(format!("the chain accepted a call the spec cannot state: {e}")));
                continue;
            }
        };
        if let Call::Deposit { token: token @ 1.., amount, .. } = &mut call {
            if let Some(arrived) = tx.success.then(|| received(tx, at, &spec, *token)).flatten() {
                *amount = arrived;
            }
        }
        spec.call(&Call::SetTime { now: tx.timestamp }, verifier).expect("setting the time is never refused");
        let logged = spec.log.len();
        let verdict = spec.call(&call, verifier);
        let spec_events = &spec.log[logged..];
        match (&verdict, tx.success) {
            (Ok(_), true) if spec_events == chain_events.as_slice() => {
                count(&mut calls, name, true);
                match call {
                    Call::CommitBlock { block, .. } => committed.push(block),
                    Call::RevertBlocks { .. } => committed.truncate(spec.blocks_committed as usize),
                    _ => {}
                }
            }
            (Ok(_), true) => {
                mismatches.push(says(format!("the rollup logged {chain_events:?}, the spec {spec_events:?}")))
            }
            (Err(_), false) => count(&mut calls, name, false),
            (Err(r), true) => mismatches.push(says(format!("the chain accepted it, the spec refuses: {r}"))),
            (Ok(_), false) => mismatches.push(says("the chain refused it, the spec accepts it".into())),
        }
    }
    Ok(Audit { spec, calls, mismatches, committed, history })
}

fn count(calls: &mut BTreeMap<&'static str, (usize, usize)>, name: &'static str, accepted: bool) {
    let entry = calls.entry(name).or_default();
    match accepted {
        true => entry.0 += 1,
        false => entry.1 += 1,
    }
}
