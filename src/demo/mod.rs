//! `zkrollup demo`: the main job, the rollup as its users meet it. It starts the development L1
//! (`zkrollup l1`: the Solidity rollup with Groth16 verifiers, on revm, over Ethereum JSON-RPC)
//! and the operator node (`zkrollup node`) as processes of their own, then acts only as wallets
//! do, through public interfaces: signed L1 transactions over JSON-RPC and the node's API over
//! HTTP. Users deposit ETH and an ERC-20, register their L2 keys three ways, transfer (to
//! existing and new accounts, one atomic batch), withdraw, force the exit of a keyless account
//! and request a full exit on L1; the node proves every block and settles it on L1. Then the
//! node stops for good, a request expires unserved, exodus mode begins, and every balance
//! leaves with an exit proof against the state each owner rebuilds from L1 alone.
//!
//! Every transaction the rollup received is finally replayed from the chain on the spec's L1
//! ([`zkrollup_node::l1::audit`]): any disagreement with the contract (verdict or event) fails
//! the demo, as does a unit of value left in the contract.
//!
//! Data flows one way: [`processes`] starts the two servers; [`users`] acts on them as wallets;
//! [`exodus`] rebuilds the state from L1 and proves the exits; [`report`] audits and reconciles.

mod exodus;
mod processes;
mod report;
mod users;

use std::time::{Duration, Instant};

use zkrollup_circuits::groth16::{Pk, Vk, INSECURE_SETUP_WARNING};
use zkrollup_circuits::keys::{self, CircuitKind};
use zkrollup_devchain::{DEV_CHAIN_ID, DEV_KEYS};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::json_rpc::JsonRpcConfig;
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::Address;

use crate::progress;
use processes::Process;

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Transfers to run between the demo's users.
    #[arg(long, default_value_t = 12)]
    pub transfers: u32,
    /// Block size in chunks (one of the supported sizes).
    #[arg(long, default_value_t = 16)]
    pub block_chunks: usize,
    /// Where Groth16 keys are cached (made on first use).
    #[arg(long)]
    pub keys: Option<std::path::PathBuf>,
}

/// How long a server may take to start (keys are made before: loading them takes seconds).
const STARTUP: Duration = Duration::from_secs(120);

/// The rollup on the demo's L1, as `zkrollup l1` announced it.
pub(crate) struct OnL1 {
    pub rpc: JsonRpcConfig,
    pub rollup: Address,
    /// The L1 block it was deployed in.
    pub block: u64,
    /// Token 1, a test ERC-20.
    pub token: Address,
}

pub(crate) fn run(args: &DemoArgs) -> Result<(), String> {
    if !BLOCK_CHUNK_SIZES.contains(&args.block_chunks) {
        return Err(format!("--block-chunks {}: supported sizes are {BLOCK_CHUNK_SIZES:?}", args.block_chunks));
    }
    let started = Instant::now();
    println!("zkrollup demo: the rollup through its public interfaces.");
    println!("  L1:     `zkrollup l1`, the Solidity rollup with Groth16 verifiers in revm, over Ethereum JSON-RPC");
    println!("  node:   `zkrollup node`, proving every block ({} chunks) and settling it on L1", args.block_chunks);
    println!("  users:  wallets, through the node's API and signed L1 transactions only");
    println!("  {INSECURE_SETUP_WARNING}\n");

    let dir = args.keys.clone().unwrap_or_else(keys::default_dir);
    let (_, block_vk) = progress::keys(&dir, CircuitKind::Block(args.block_chunks), BLOCK_SETUP_SEED)?;
    let (exit_pk, exit_vk) = progress::keys(&dir, CircuitKind::Exit, EXIT_SETUP_SEED)?;
    // The servers' logs and the node's store: kept if the demo fails, and named in its error.
    let work = std::env::temp_dir().join(format!("zkrollup-demo-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    run_in(args, &work, (block_vk, exit_vk, exit_pk))
        .map_err(|e| format!("{e}\n(the servers' logs and the node's store: {})", work.display()))?;
    std::fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    println!(
        "\nreconciled: every transaction the rollup received agrees with the spec, and every deposited unit left \
         ({:.1}s).",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The demo with its keys, its servers' files in `work`.
fn run_in(args: &DemoArgs, work: &std::path::Path, (block_vk, exit_vk, exit_pk): (Vk, Vk, Pk)) -> Result<(), String> {
    let dir = args.keys.clone().unwrap_or_else(keys::default_dir);
    let (keys_arg, chunks) = (dir.display().to_string(), args.block_chunks.to_string());

    let mut l1 = Process::start(
        "l1",
        &["l1", "--listen", "127.0.0.1:0", "--block-chunks", &chunks, "--keys", &keys_arg],
        &[],
        &work.join("l1.log"),
    )?;
    let url = l1.after("listening on ", STARTUP)?;
    let token = l1.after("token 1: ", STARTUP)?;
    let rollup = l1.after("--rollup ", STARTUP)?;
    let block = l1.after("--l1-from-block ", STARTUP)?;
    let parse = |what: &str, s: &str| format!("zkrollup l1 printed {what} {s:?}");
    let on_l1 = OnL1 {
        rpc: JsonRpcConfig::dev(&url),
        rollup: rollup.parse().map_err(|_| parse("the rollup", &rollup))?,
        block: block.parse().map_err(|_| parse("the L1 block", &block))?,
        token: token.parse().map_err(|_| parse("token 1", &token))?,
    };
    println!("  L1 at {url}: rollup {rollup} (L1 block {block}), token 1 {token}");

    let data = work.join("node").display().to_string();
    let mut node = Process::start(
        "node",
        &[
            "node",
            "--l1-url",
            &url,
            "--rollup",
            &rollup,
            "--l1-from-block",
            &block,
            "--listen",
            "127.0.0.1:0",
            "--block-chunks",
            &chunks,
            "--seal-timeout",
            "1",
            "--keys",
            &keys_arg,
            "--data-dir",
            &data,
            "--log",
            "warn",
        ],
        &[("ZKROLLUP_L1_KEY", DEV_KEYS[0])],
        &work.join("node.log"),
    )?;
    let api = node.after("listening on ", STARTUP)?;
    println!("  node at {api}\n");

    let auditor = report::Auditor::new(&on_l1, DEV_CHAIN_ID, args.block_chunks, block_vk, exit_vk)?;
    let mut wallets = users::Wallets::new(&on_l1, &api, DEV_CHAIN_ID)?;
    wallets.run(args.transfers)?;
    let figures = report::NodeFigures::scrape(&api)?;
    node.stop(Duration::from_secs(60))?;
    println!("\n  the node has stopped for good: the operator is gone");
    exodus::run(&on_l1, &wallets, &auditor, &exit_pk)?;
    report::finish(&auditor, &on_l1, &figures, args.block_chunks)?;
    l1.stop(Duration::from_secs(30))
}

/// An L1 call's result, its error saying what the call was for.
pub(crate) fn on_l1<T>(what: &str, r: Result<T, zkrollup_node::l1::L1Error>) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {e}"))
}

/// A long number shortened for a line: its first and last six characters.
pub(crate) fn short(s: &str) -> String {
    if s.len() > 14 {
        format!("{}…{}", &s[..6], &s[s.len() - 6..])
    } else {
        s.to_string()
    }
}
