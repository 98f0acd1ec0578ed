//! `zkrollup bench chains`: the node on an L1 it reaches over Ethereum JSON-RPC, the same code
//! on the development chain (`zkrollup l1`'s, served in this process) and on anvil (when it is
//! installed: `npm ci` in tools/anvil), side by side in one run:
//!
//! - a deposit from its L1 receipt to the node reading it (the watcher), and to its credit in
//!   the node's committed view (a block sealed: the seal timeout dominates);
//! - a withdrawal from its submission to the API to its amount pending on L1 for its owner
//!   (sealed, proven in process, committed, proven and executed on the contract);
//! - the gas of every kind of call the rollup received.
//!
//! At the node's defaults: 16-chunk blocks, a 5 s seal timeout, no L1 confirmations.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use zkrollup_api::{AccountRef, RollupApiClient};
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_devchain::{Mining, DEV_CHAIN_ID, DEV_KEYS};
use zkrollup_node::anvil::{Anvil, AnvilError};
use zkrollup_node::dev::BLOCK_SETUP_SEED;
use zkrollup_node::l1::json_rpc::JsonRpcConfig;
use zkrollup_node::l1::wallet::{deposit_eth, pending_balance, rollup_calls};
use zkrollup_node::l1::JsonRpcL1;
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_spec::testkit::{self, user};

use crate::bench_node::{client, keyed, runtime};
use crate::l1::{deployment, serve, Plan};

/// What one chain measured.
#[derive(Default)]
struct Figures {
    /// Seconds from each deposit's L1 receipt to the node reading it, and to its credit.
    read: Vec<f64>,
    credited: Vec<f64>,
    /// Seconds from the withdrawal's submission to its amount pending on L1.
    withdrawal: f64,
    /// Gas of each call the rollup received, by function.
    gas: BTreeMap<&'static str, Vec<u64>>,
}

/// How long any one wait may take.
const PATIENCE: Duration = Duration::from_secs(600);

pub(crate) fn run(deposits: u32) -> Result<(), String> {
    let chunks = NodeConfig::dev(0, Default::default()).block_chunks;
    let keys = zkrollup_circuits::keys::default_dir();
    println!(
        "zkrollup bench chains: the node over JSON-RPC at its defaults ({chunks}-chunk blocks), {deposits} deposits"
    );
    let runtime = runtime()?;
    let dev = serve(&runtime, DEV_CHAIN_ID, Mining::PerTransaction, None, "127.0.0.1:0".parse().expect("an address"))?;
    let mut columns = vec![("development chain", measure(&dev.url, chunks, &keys, deposits)?)];
    runtime.block_on(dev.stop())?;
    match Anvil::start(&["--chain-id", &DEV_CHAIN_ID.to_string()]) {
        Ok(anvil) => columns.push(("anvil", measure(&anvil.url, chunks, &keys, deposits)?)),
        Err(e @ AnvilError::NotInstalled(_)) => println!("anvil: NOT MEASURED: {e}"),
        Err(e) => return Err(e.to_string()),
    }
    report(&columns);
    Ok(())
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

fn report(columns: &[(&str, Figures)]) {
    let mut header = format!("\n{:<58}", "figure");
    for (name, _) in columns {
        header += &format!(" {name:>18}");
    }
    println!("{header}");
    let row = |label: String, cell: &dyn Fn(&Figures) -> String| {
        let mut line = format!("{label:<58}");
        for (_, f) in columns {
            line += &format!(" {:>18}", cell(f));
        }
        println!("{line}");
    };
    let n = columns[0].1.read.len();
    row(format!("deposit: L1 receipt → read by the node (s, mean of {n})"), &|f: &Figures| {
        format!("{:.2}", mean(&f.read))
    });
    row(format!("deposit: L1 receipt → credited, committed view (s, mean of {n})"), &|f: &Figures| {
        format!("{:.2}", mean(&f.credited))
    });
    row("withdrawal: submitted → pending balance on L1 (s)".into(), &|f: &Figures| format!("{:.1}", f.withdrawal));
    let kinds: std::collections::BTreeSet<&str> = columns.iter().flat_map(|(_, f)| f.gas.keys().copied()).collect();
    for kind in kinds {
        row(format!("gas: {kind} (mean; calls)"), &|f: &Figures| match f.gas.get(kind) {
            Some(g) => format!("{} ({})", g.iter().sum::<u64>() / g.len() as u64, g.len()),
            None => "-".into(),
        });
    }
}

/// Deploys the rollup on the chain at `url`, runs a node on it, and measures.
fn measure(url: &str, chunks: usize, keys: &Path, deposits: u32) -> Result<Figures, String> {
    let rpc = JsonRpcConfig::dev(url);
    println!("{url}:");
    let plan = Plan { chain_id: DEV_CHAIN_ID, block_chunks: chunks, test_tokens: 1 };
    let (d, _) = deployment(url, &plan, keys, None)?;
    let (pk, vk, _) = load_or_make(keys, CircuitKind::Block(chunks), BLOCK_SETUP_SEED).map_err(|e| e.to_string())?;
    let mut config = plan.config(d.tokens.clone())?;
    config.domain.contract = d.rollup;
    let l1 = JsonRpcL1::connect(rpc.clone(), DEV_KEYS[0], &d.rollup, &config, d.block).map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("zkrollup-bench-chains-{}-{}", std::process::id(), d.block));
    let _ = std::fs::remove_dir_all(&dir);
    let node_config = NodeConfig { tokens: d.tokens.clone(), ..NodeConfig::dev(DEV_CHAIN_ID, d.rollup) };
    let mut node = Node::open(&dir, node_config).map_err(|e| e.to_string())?;
    node.start_pipeline(Box::new(l1), Box::new(InProcessProver { pk, vk })).map_err(|e| e.to_string())?;
    let runtime = runtime()?;
    let (addr, handle) =
        runtime.block_on(node.serve("127.0.0.1:0".parse().expect("an address"))).map_err(|e| e.to_string())?;
    let c = runtime.block_on(async { client(&format!("http://{addr}")) })?;
    let mut figures = Figures::default();

    // Deposits, one at a time: user 0's first (the fee account), then users 1, 2, ….
    for i in 0..=deposits {
        let u = user(i);
        deposit_eth(&rpc, DEV_KEYS[1 + i as usize % 3], &d.rollup, &u.address, 10u128.pow(18))
            .map_err(|e| e.to_string())?;
        let t = Instant::now();
        until("the deposit to be read", || {
            let op = runtime.block_on(c.get_priority_op(i.into())).map_err(|e| e.to_string())?;
            Ok(op.is_some())
        })?;
        let read = t.elapsed().as_secs_f64();
        until("the deposit to be credited", || {
            let at = AccountRef::Address(u.address.to_string());
            let account = runtime.block_on(c.get_account(at)).map_err(|e| e.to_string())?;
            Ok(account.is_some_and(|a| !a.committed.balances.is_empty()))
        })?;
        if i > 0 {
            figures.read.push(read);
            figures.credited.push(t.elapsed().as_secs_f64());
        }
    }

    // User 1 sets its L2 key, then withdraws to its own L1 address.
    let u1 = user(1);
    let id = runtime.block_on(keyed(&c, &u1, &config.domain, Instant::now() + PATIENCE))?;
    let pending = || pending_balance(&rpc, &d.rollup, &u1.address, 0).map_err(|e| e.to_string());
    let before = pending()?;
    let withdraw = testkit::withdraw(&u1, id, u1.address, 0, 1_000, 6_000, 1);
    let t = Instant::now();
    runtime.block_on(c.submit_tx(zkrollup_conformance::wire::convert::tx(&withdraw))).map_err(|e| e.to_string())?;
    until("the withdrawal to be pending on L1", || Ok(pending()? >= before + 1_000))?;
    figures.withdrawal = t.elapsed().as_secs_f64();

    for (name, ok, gas) in rollup_calls(&rpc, &d.rollup, d.block).map_err(|e| e.to_string())? {
        if ok {
            figures.gas.entry(name).or_default().push(gas);
        }
    }
    handle.stop().map_err(|e| e.to_string())?;
    node.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(figures)
}

/// Polls `done` every 20 ms until it holds; an error naming `what` after [`PATIENCE`].
fn until(what: &str, mut done: impl FnMut() -> Result<bool, String>) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    while !done()? {
        if Instant::now() > deadline {
            return Err(format!("waited {PATIENCE:?} for {what}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
