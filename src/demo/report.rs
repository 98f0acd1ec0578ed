//! What the demo checks and shows at the end: the chain audited against the spec (every
//! transaction the rollup received, replayed on the spec's L1), value reconciled (what was
//! deposited against what was paid out, and nothing left in the contract), and the figures:
//! blocks, proof times as the node measured them, L1 gas per call and per transfer, op kinds.

use std::collections::BTreeMap;

use zkrollup_circuits::groth16::Vk;
use zkrollup_contracts::calldata;
use zkrollup_contracts::dual_l1::NativeVerifier;
use zkrollup_node::l1::audit::{self, Audit};
use zkrollup_node::l1::wallet;
use zkrollup_spec::l1::{Call, L1Config};
use zkrollup_spec::op::{decode_pubdata, Op};
use zkrollup_spec::transition::PriorityOp;

use super::OnL1;

/// Replays the chain on the spec's L1, knowing the deployment as `zkrollup l1` made it.
pub(crate) struct Auditor {
    config: L1Config,
    verifier: NativeVerifier,
}

impl Auditor {
    pub(crate) fn new(l1: &OnL1, chain_id: u64, block_chunks: usize, block: Vk, exit: Vk) -> Result<Self, String> {
        let plan = crate::l1::Plan { chain_id, block_chunks, test_tokens: 1 };
        let mut config = plan.config(vec![l1.token])?;
        config.domain.contract = l1.rollup;
        Ok(Auditor { config, verifier: NativeVerifier { block_chunks: block_chunks as u16, block, exit } })
    }

    /// The audit of everything the rollup received so far; an error on any disagreement.
    pub(crate) fn audit(&self, l1: &OnL1) -> Result<Audit, String> {
        let audit =
            audit::audit(&l1.rpc, &l1.rollup, &self.config, l1.block, &self.verifier).map_err(|e| e.to_string())?;
        match audit.mismatches.first() {
            None => Ok(audit),
            Some(first) => Err(format!(
                "the contract and the spec disagree on {} transaction(s); the first: {first}",
                audit.mismatches.len()
            )),
        }
    }
}

/// What the node measured of its own work, read from its metrics before it stopped.
pub(crate) struct NodeFigures {
    proofs: f64,
    proof_seconds: f64,
}

impl NodeFigures {
    pub(crate) fn scrape(api: &str) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let url = format!("{api}/metrics");
        let text = runtime
            .block_on(async { reqwest::get(&url).await?.error_for_status()?.text().await })
            .map_err(|e| format!("GET {url}: {e}"))?;
        let sample = |series: &str| -> Result<f64, String> {
            let value = text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' '));
            value.and_then(|v| v.parse().ok()).ok_or(format!("the node's metrics have no {series}"))
        };
        Ok(NodeFigures {
            proofs: sample("zkrollup_proof_seconds_count")?,
            proof_seconds: sample("zkrollup_proof_seconds_sum")?,
        })
    }
}

/// Audits the whole run and prints its figures; an error if the contract holds anything, or
/// paid out other than what was deposited.
pub(crate) fn finish(auditor: &Auditor, l1: &OnL1, node: &NodeFigures, chunks: usize) -> Result<(), String> {
    let audit = auditor.audit(l1)?;
    let history = &audit.history;
    let mut gas: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut block_gas: BTreeMap<u32, u64> = BTreeMap::new();
    let mut paid: BTreeMap<u16, u128> = BTreeMap::new();
    for tx in history.txs.iter().filter(|t| t.success) {
        gas.entry(tx.function()).or_default().push(tx.gas_used);
        match calldata::decode(&tx.from, tx.value, &tx.input) {
            Ok(Some(Call::CommitBlock { block, .. })) => {
                *block_gas.entry(block.block_number).or_default() += tx.gas_used
            }
            Ok(Some(Call::ProveBlock { block, .. } | Call::ExecuteBlock { block, .. })) => {
                *block_gas.entry(block.block_number).or_default() += tx.gas_used
            }
            Ok(Some(Call::WithdrawPendingBalance { token, amount, .. })) => *paid.entry(token).or_default() += amount,
            _ => {}
        }
    }
    let mut ops_by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut transfers, mut transfer_gas) = (0, 0);
    for block in &audit.committed {
        let ops: Vec<Op> = decode_pubdata(&block.pubdata).map_err(|e| e.to_string())?;
        let ops: Vec<&Op> = ops.iter().filter(|o| !matches!(o, Op::Noop)).collect();
        for op in &ops {
            *ops_by_kind.entry(op.name()).or_default() += 1;
        }
        if !ops.is_empty() && ops.iter().all(|o| matches!(o, Op::Transfer(_) | Op::TransferToNew(_))) {
            transfers += ops.len();
            transfer_gas += block_gas.get(&block.block_number).copied().unwrap_or_default();
        }
    }

    let spec = &audit.spec;
    println!("\n  {:<46} {:>12}", "figure", "value");
    println!("  {:<46} {:>12}", "L1 transactions to the rollup (all audited)", history.txs.len());
    println!("  {:<46} {:>12}", "blocks committed, proven, executed on L1", spec.blocks_executed);
    let mean_proof = node.proof_seconds / node.proofs.max(1.0);
    println!("  {:<46} {:>11.1}s", format!("proving time per block ({chunks} chunks, the node's)"), mean_proof);
    if transfers > 0 {
        println!("  {:<46} {:>12}", "L1 gas per transfer (commit+prove+execute)", transfer_gas / transfers as u64);
    }
    let width = gas.keys().map(|k| k.len()).max().unwrap_or(0).max(8);
    println!("\n  {:<width$} {:>6} {:>12}", "L1 call", "calls", "mean gas");
    for (kind, g) in &gas {
        println!("  {kind:<width$} {:>6} {:>12}", g.len(), g.iter().sum::<u64>() / g.len() as u64);
    }
    println!("\n  {:<16} {:>6}", "op kind", "count");
    for (kind, n) in &ops_by_kind {
        println!("  {kind:<16} {n:>6}");
    }
    let mut deposited: BTreeMap<u16, u128> = BTreeMap::new();
    for r in &spec.requests {
        if let PriorityOp::Deposit(d) = &r.op {
            *deposited.entry(d.token).or_default() += d.amount;
        }
    }
    println!("\n  {:<8} {:>16} {:>16} {:>12}", "token", "deposited", "paid out", "in contract");
    for (token, deposited) in deposited {
        let address = (token > 0).then(|| &spec.tokens[token as usize - 1]);
        let held = wallet::balance_of(&l1.rpc, &l1.rollup, address).map_err(|e| e.to_string())?;
        let paid = paid.get(&token).copied().unwrap_or_default();
        println!("  {token:<8} {deposited:>16} {paid:>16} {held:>12}");
        if !held.is_zero() || paid != deposited {
            return Err(format!("token {token}: {deposited} deposited, {paid} paid out, {held} left in the contract"));
        }
    }
    Ok(())
}
