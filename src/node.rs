//! `zkrollup node`: the operator node. On embedded defaults it deploys the rollup on the
//! embedded revm chain (in this process until the chain runs as its own, issue 29) and funds a
//! few development users there; with `--l1-url` it runs on any Ethereum node over JSON-RPC,
//! deploying the contracts or attaching to deployed ones. It serves the JSON-RPC API until
//! interrupted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_node::config::ApiLimits;
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::{JsonRpcL1, L1};
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_reference::keeper::MempoolLimits;
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::Address;
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
    /// Run on this Ethereum node's JSON-RPC endpoint instead of the embedded chain. The
    /// operator's L1 key comes from $ZKROLLUP_L1_KEY or --l1-key-file, never the command line.
    #[arg(long, value_name = "URL")]
    l1_url: Option<String>,
    /// With --l1-url: a file holding the operator's L1 private key (0x-hex).
    #[arg(long, value_name = "PATH", requires = "l1_url")]
    l1_key_file: Option<PathBuf>,
    /// With --l1-url: the deployed rollup contract to attach to [default: deploy one, with
    /// verifiers of the --keys]; it must have been deployed for this block size, with the
    /// operator as a validator.
    #[arg(long, value_name = "ADDRESS", requires_all = ["l1_url", "l1_from_block"])]
    rollup: Option<String>,
    /// With --rollup (required there): the L1 block it was deployed in, where the node starts
    /// reading its logs (an earlier block costs only time; a later one misses requests).
    #[arg(long, value_name = "BLOCK", requires = "rollup")]
    l1_from_block: Option<u64>,
    /// With --l1-url: blocks on top of a transaction or a log before the node relies on it
    /// [default: 0 on a development chain (chain id 31337 or 1337), which mines only on demand;
    /// else 12]
    #[arg(long, value_name = "BLOCKS", requires = "l1_url")]
    l1_confirmations: Option<u64>,
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
    if store.exists() && args.reset {
        std::fs::remove_file(&store).map_err(|e| format!("removing {}: {e}", store.display()))?;
    }
    if store.exists() && args.l1_url.is_none() {
        return Err(format!(
            "{} holds the store of an earlier run, whose embedded chain is gone (it lives in the node's process \
             until issue 29): pass --reset to delete it, or another --data-dir",
            store.display()
        ));
    }
    let keys = args.keys.clone().unwrap_or_else(zkrollup_circuits::keys::default_dir);
    println!("zkrollup node: {}", zkrollup_circuits::groth16::INSECURE_SETUP_WARNING);
    println!("  keys: {} (made once for {} chunks, then cached)", keys.display(), args.block_chunks);
    let chain = match &args.l1_url {
        None => embedded(args, &keys)?,
        Some(url) => json_rpc(args, url, &keys)?,
    };
    let config = NodeConfig {
        chain_id: chain.chain_id,
        rollup: chain.rollup,
        block_chunks: args.block_chunks,
        fee_account: 0,
        seal_timeout: Duration::from_secs(args.seal_timeout),
        limits: MempoolLimits {
            max_nonce_gap: args.max_nonce_gap,
            per_account: args.max_per_account,
            total: args.max_mempool,
        },
        tokens: chain.tokens,
        fee_per_chunk: args.fee_per_chunk.iter().copied().collect(),
        api: ApiLimits {
            max_request_bytes: args.max_request_bytes,
            max_batch_calls: args.max_batch_calls,
            max_batch_txs: args.max_batch_txs,
            max_connections: args.max_connections,
        },
    };
    let mut node = Node::open(&args.data_dir, config).map_err(|e| e.to_string())?;
    node.start_pipeline(chain.l1, Box::new(chain.prover)).map_err(|e| e.to_string())?;
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
        handle.stopped().await; // requests in flight are answered before the sequencer stops
        Ok::<_, String>(())
    })?;
    node.shutdown();
    Ok(())
}

/// The L1 the node runs on, and what the node needs of it.
struct Chain {
    chain_id: u64,
    rollup: Address,
    tokens: Vec<Address>,
    l1: Box<dyn L1>,
    prover: InProcessProver,
}

/// The embedded chain, with the development users funded.
fn embedded(args: &NodeArgs, keys: &Path) -> Result<Chain, String> {
    let operator = user(0).address;
    let now = zkrollup_node::sequencer::unix_now();
    let dev = zkrollup_node::dev::deploy(keys, args.block_chunks, &SpecRollup::config(operator), now)?;
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
    let tokens = dev.config.tokens.clone();
    Ok(Chain {
        chain_id: TEST_DOMAIN.chain_id,
        rollup: TEST_DOMAIN.contract,
        tokens,
        l1: Box::new(dev.l1),
        prover: dev.prover,
    })
}

/// The operator's L1 key: from $ZKROLLUP_L1_KEY or --l1-key-file (a key on the command line
/// would show in every process listing).
fn l1_key(args: &NodeArgs) -> Result<String, String> {
    if let Some(path) = &args.l1_key_file {
        return std::fs::read_to_string(path)
            .map(|k| k.trim().to_string())
            .map_err(|e| format!("--l1-key-file {}: {e}", path.display()));
    }
    std::env::var("ZKROLLUP_L1_KEY")
        .map_err(|_| "--l1-url needs the operator's L1 key: set ZKROLLUP_L1_KEY or pass --l1-key-file".to_string())
}

/// An Ethereum node over JSON-RPC: the rollup deployed there, or attached to.
fn json_rpc(args: &NodeArgs, url: &str, keys: &Path) -> Result<Chain, String> {
    use zkrollup_node::l1::json_rpc::{address_of, chain_id, default_confirmations, deploy, shown, JsonRpcConfig};
    if args.rollup.is_none() && args.data_dir.join("node.redb").exists() {
        return Err(format!(
            "{} holds a store: attach to its rollup with --rollup ADDRESS --l1-from-block N, or --reset to start \
             afresh with a new deployment",
            args.data_dir.display()
        ));
    }
    let key = l1_key(args)?;
    let chain_id = chain_id(&JsonRpcConfig::dev(url)).map_err(|e| e.to_string())?;
    let confirmations = args.l1_confirmations.unwrap_or(default_confirmations(chain_id));
    let rpc = JsonRpcConfig { confirmations, ..JsonRpcConfig::dev(url) };
    let operator = address_of(&key).map_err(|e| e.to_string())?;
    let (pk, vk, _) =
        load_or_make(keys, CircuitKind::Block(args.block_chunks), BLOCK_SETUP_SEED).map_err(|e| e.to_string())?;
    // No test tokens on a real chain: ETH until the governor lists ERC-20s.
    let mut config =
        L1Config { block_sizes: vec![args.block_chunks as u16], tokens: vec![], ..SpecRollup::config(operator) };
    config.domain.chain_id = chain_id;
    let (rollup, from_block, config) = match &args.rollup {
        Some(a) => {
            let rollup: Address = a.parse().map_err(|e| format!("--rollup {a}: {e}"))?;
            config.domain.contract = rollup;
            (rollup, args.l1_from_block.unwrap_or_default(), config)
        }
        None => {
            let (_, exit_vk, _) = load_or_make(keys, CircuitKind::Exit, EXIT_SETUP_SEED).map_err(|e| e.to_string())?;
            let d = deploy(&rpc, &key, &config, &vk, &exit_vk).map_err(|e| e.to_string())?;
            println!(
                "  deployed the rollup at {} (L1 block {}); attach to it later with --rollup {} --l1-from-block {}",
                d.rollup, d.block, d.rollup, d.block
            );
            (d.rollup, d.block, d.config)
        }
    };
    println!(
        "  L1: {} (chain id {chain_id}, {confirmations} confirmations), rollup at {rollup}, operator {operator}; \
         wallets deposit on L1 themselves",
        shown(url)
    );
    let l1 = JsonRpcL1::connect(rpc, &key, &rollup, &config, from_block).map_err(|e| e.to_string())?;
    Ok(Chain { chain_id, rollup, tokens: vec![], l1: Box::new(l1), prover: InProcessProver { pk, vk } })
}
