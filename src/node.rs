//! `zkrollup node`: the operator node on embedded defaults. It deploys the rollup on the
//! embedded revm chain (in this process until the chain runs as its own, issue 29), funds a few
//! development users there, and serves the JSON-RPC API until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use zkrollup_conformance::operator::SpecRollup;
use zkrollup_node::config::ApiLimits;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_reference::keeper::MempoolLimits;
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::testkit::{user, TEST_DOMAIN};

#[derive(clap::Args)]
pub(crate) struct NodeArgs {
    /// Where the node keeps its store.
    #[arg(long, default_value = "target/zkrollup-node")]
    data_dir: PathBuf,
    /// Delete a store left in --data-dir by an earlier run first (the embedded chain does not
    /// outlive the process yet, so a store of an earlier run cannot continue on it).
    #[arg(long)]
    reset: bool,
    /// The API's address (JSON-RPC 2.0 over HTTP); port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:3030")]
    listen: SocketAddr,
    /// Block size in chunks: one of 8, 16, 32, 64.
    #[arg(long, default_value_t = 16)]
    block_chunks: usize,
    /// Seal a non-empty block once its oldest item has waited this many seconds.
    #[arg(long, default_value_t = 5)]
    seal_timeout: u64,
    /// Where Groth16 keys are cached (made on first use) [default: target/zkrollup-keys, or
    /// $ZKROLLUP_KEYS].
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Development users funded on the embedded chain at start: testkit users 0..N, from
    /// public seeds (insecure); user 0 is the operator, its account the fee account.
    #[arg(long, default_value_t = 4)]
    dev_users: u32,
    /// The fee asked per chunk of a transaction in a token, TOKEN=AMOUNT in its smallest unit;
    /// repeatable (no price feed is reachable: the operator sets the table).
    #[arg(long = "fee-per-chunk", value_name = "TOKEN=AMOUNT", value_parser = fee_entry, default_values = ["0=1000", "1=1"])]
    fee_per_chunk: Vec<(u16, u128)>,
    /// How far a transaction's nonce may run ahead of its account's.
    #[arg(long, default_value_t = MempoolLimits::default().max_nonce_gap)]
    max_nonce_gap: u32,
    /// Transactions one account may keep waiting.
    #[arg(long, default_value_t = MempoolLimits::default().per_account)]
    max_per_account: usize,
    /// Transactions waiting in all.
    #[arg(long, default_value_t = MempoolLimits::default().total)]
    max_mempool: usize,
    /// The largest API request body, in bytes.
    #[arg(long, default_value_t = ApiLimits::default().max_request_bytes)]
    max_request_bytes: u32,
    /// The most calls in one JSON-RPC batch.
    #[arg(long, default_value_t = ApiLimits::default().max_batch_calls)]
    max_batch_calls: u32,
    /// The most transactions in one zkr_submitBatch.
    #[arg(long, default_value_t = ApiLimits::default().max_batch_txs)]
    max_batch_txs: usize,
    /// The most open API connections.
    #[arg(long, default_value_t = ApiLimits::default().max_connections)]
    max_connections: u32,
    /// Stop after this many seconds (0: run until interrupted).
    #[arg(long, default_value_t = 0)]
    run_for: u64,
}

fn fee_entry(s: &str) -> Result<(u16, u128), String> {
    let (t, a) = s.split_once('=').ok_or(format!("{s:?}: expected TOKEN=AMOUNT"))?;
    Ok((t.parse().map_err(|e| format!("token {t:?}: {e}"))?, a.parse().map_err(|e| format!("amount {a:?}: {e}"))?))
}

pub(crate) fn run(args: &NodeArgs) -> Result<(), String> {
    if !BLOCK_CHUNK_SIZES.contains(&args.block_chunks) {
        return Err(format!("--block-chunks {}: supported sizes are {BLOCK_CHUNK_SIZES:?}", args.block_chunks));
    }
    let store = args.data_dir.join("node.redb");
    if store.exists() {
        if !args.reset {
            return Err(format!(
                "{} holds the store of an earlier run, whose embedded chain is gone (it lives in the node's process \
                 until issue 29): pass --reset to delete it, or another --data-dir",
                store.display()
            ));
        }
        std::fs::remove_file(&store).map_err(|e| format!("removing {}: {e}", store.display()))?;
    }
    let keys = args.keys.clone().unwrap_or_else(zkrollup_circuits::keys::default_dir);
    println!("zkrollup node: {}", zkrollup_circuits::groth16::INSECURE_SETUP_WARNING);
    println!("  keys: {} (made once for {} chunks, then cached)", keys.display(), args.block_chunks);
    let operator = user(0).address;
    let now = zkrollup_node::sequencer::unix_now();
    let dev = zkrollup_node::dev::deploy(&keys, args.block_chunks, &SpecRollup::config(operator), now)?;
    let config = NodeConfig {
        chain_id: TEST_DOMAIN.chain_id,
        rollup: TEST_DOMAIN.contract,
        block_chunks: args.block_chunks,
        fee_account: 0,
        seal_timeout: Duration::from_secs(args.seal_timeout),
        limits: MempoolLimits {
            max_nonce_gap: args.max_nonce_gap,
            per_account: args.max_per_account,
            total: args.max_mempool,
        },
        tokens: dev.config.tokens.clone(),
        fee_per_chunk: args.fee_per_chunk.iter().copied().collect(),
        api: ApiLimits {
            max_request_bytes: args.max_request_bytes,
            max_batch_calls: args.max_batch_calls,
            max_batch_txs: args.max_batch_txs,
            max_connections: args.max_connections,
        },
    };
    let mut node = Node::open(&args.data_dir, config).map_err(|e| e.to_string())?;
    println!("  L1: the embedded chain (chain id {}), rollup at {}", TEST_DOMAIN.chain_id, TEST_DOMAIN.contract);
    for i in 0..args.dev_users {
        let a = user(i).address;
        dev.chain
            .with(move |c| {
                c.deposit(&a, &a, 0, 10u128.pow(18))?;
                c.deposit(&a, &a, 1, 10u128.pow(21))
            })?
            .map_err(|e| e.to_string())?;
        println!("  dev user {i}: {a} (1 ETH and 1000 of token 1 deposited; insecure public key)");
    }
    node.start_pipeline(Box::new(dev.l1), Box::new(dev.prover));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let (addr, handle) = node.serve(args.listen).await.map_err(|e| e.to_string())?;
        println!("  listening on http://{addr} (JSON-RPC 2.0: zkr_status, zkr_submitTx, zkr_getAccount, ...)");
        if args.run_for > 0 {
            tokio::time::sleep(Duration::from_secs(args.run_for)).await;
        } else {
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        }
        println!("  stopping: the store keeps every accepted transaction");
        handle.stop().map_err(|e| e.to_string())?;
        Ok::<_, String>(())
    })?;
    node.shutdown();
    Ok(())
}
