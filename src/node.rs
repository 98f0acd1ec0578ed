//! `zkrollup node`: the operator node. On embedded defaults it serves the development chain
//! (`zkrollup l1`'s) from its process, kept in its data folder, deploys the rollup there and
//! funds a few development users; with `--l1-url` it runs on any Ethereum node, deploying the
//! contracts or attaching to deployed ones. Either way it reaches the L1 over JSON-RPC through
//! alloy, with the same code. It serves the JSON-RPC API until interrupted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tracing_subscriber::filter::Targets;

use zkrollup_circuits::keys::CircuitKind;
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_devchain::{Mining, DEV_CHAIN_ID, DEV_KEYS};
use zkrollup_node::config::ApiLimits;
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::{JsonRpcL1, L1};
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_reference::keeper::MempoolLimits;
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::testkit::user;

#[derive(clap::Args)]
pub(crate) struct NodeArgs {
    /// A TOML file of these options, each named as its flag without the dashes (`listen =
    /// "127.0.0.1:3030"`, `fee-per-chunk = ["0=1000", "1=1"]`); each option's environment
    /// variable beats the file, and a flag beats both.
    #[arg(long, value_name = "FILE", env = "ZKROLLUP_CONFIG")]
    config: Option<PathBuf>,
    /// Where the node keeps its store.
    #[arg(long, env = "ZKROLLUP_DATA_DIR", default_value = "target/zkrollup-node")]
    data_dir: PathBuf,
    /// Delete what an earlier run left in --data-dir first: the node's store and, without
    /// --l1-url, its development chain (a later run resumes both otherwise).
    #[arg(long)]
    reset: bool,
    /// Run on this Ethereum node's JSON-RPC endpoint instead of the development chain the node
    /// starts. The operator's L1 key comes from $ZKROLLUP_L1_KEY or --l1-key-file, never the
    /// command line.
    #[arg(long, env = "ZKROLLUP_L1_URL", hide_env_values = true, value_name = "URL")]
    l1_url: Option<String>,
    /// Without --l1-url: where the node serves its development chain (Ethereum JSON-RPC, the
    /// chain of `zkrollup l1`, kept in --data-dir), for wallets and tools; port 0 picks a free one.
    #[arg(
        long,
        env = "ZKROLLUP_L1_LISTEN",
        value_name = "ADDRESS",
        default_value = "127.0.0.1:8545",
        conflicts_with = "l1_url"
    )]
    l1_listen: SocketAddr,
    /// With --l1-url: a file holding the operator's L1 private key (0x-hex).
    #[arg(long, env = "ZKROLLUP_L1_KEY_FILE", value_name = "PATH", requires = "l1_url")]
    l1_key_file: Option<PathBuf>,
    /// With --l1-url: the deployed rollup contract to attach to [default: deploy one, with
    /// verifiers of the --keys]; it must have been deployed for this block size, with the
    /// operator as a validator.
    #[arg(long, env = "ZKROLLUP_ROLLUP", value_name = "ADDRESS", requires_all = ["l1_url", "l1_from_block"])]
    rollup: Option<String>,
    /// With --rollup (required there): the L1 block it was deployed in, where the node starts
    /// reading its logs (an earlier block costs only time; a later one misses requests).
    #[arg(long, env = "ZKROLLUP_L1_FROM_BLOCK", value_name = "BLOCK", requires = "rollup")]
    l1_from_block: Option<u64>,
    /// With --l1-url: blocks on top of a transaction or a log before the node relies on it
    /// [default: 0 on a development chain (chain id 31337 or 1337), which mines only on demand;
    /// else 12]
    #[arg(long, env = "ZKROLLUP_L1_CONFIRMATIONS", value_name = "BLOCKS", requires = "l1_url")]
    l1_confirmations: Option<u64>,
    /// With --l1-url: how often the node looks for new L1 blocks when nothing was new, in
    /// seconds [default: 0.05 on a development chain (chain id 31337 or 1337); else 2]
    #[arg(long, env = "ZKROLLUP_L1_POLL", value_name = "SECONDS", requires = "l1_url", value_parser = poll_seconds)]
    l1_poll: Option<Duration>,
    /// With --l1-url: how long an L1 transaction of the node may stay unmined before it is
    /// replaced by one bidding 12.5 % higher fees (the same nonce), in seconds [default: 5 on a
    /// development chain (chain id 31337 or 1337); else 60]
    #[arg(long, env = "ZKROLLUP_L1_RESEND_AFTER", value_name = "SECONDS", requires = "l1_url", value_parser = resend_seconds)]
    l1_resend_after: Option<Duration>,
    /// With --l1-url: the highest maximum fee per gas the node bids for its L1 transactions, in
    /// gwei; a stuck transaction is not replaced past it
    #[arg(long, env = "ZKROLLUP_L1_MAX_FEE", value_name = "GWEI", requires = "l1_url", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    l1_max_fee: u64,
    /// The API's address (JSON-RPC 2.0 over HTTP); port 0 picks a free one.
    #[arg(long, env = "ZKROLLUP_LISTEN", default_value = "127.0.0.1:3030")]
    listen: SocketAddr,
    /// Block size in chunks: one of 8, 16, 32, 64.
    #[arg(long, env = "ZKROLLUP_BLOCK_CHUNKS", default_value_t = 16)]
    block_chunks: usize,
    /// Seal a non-empty block once its oldest item has waited this many seconds.
    #[arg(long, env = "ZKROLLUP_SEAL_TIMEOUT", default_value_t = 5)]
    seal_timeout: u64,
    /// Where Groth16 keys are cached (made on first use) [default: target/zkrollup-keys, or
    /// $ZKROLLUP_KEYS].
    #[arg(long, env = "ZKROLLUP_KEYS")]
    keys: Option<PathBuf>,
    /// Without --l1-url: development users funded when the rollup is deployed: testkit users
    /// 0..N, from public seeds (insecure), each given 1 ETH on L1 and deposits of 1 ETH and 1000
    /// of token 1; user 0's account (the first) is the fee account.
    #[arg(long, env = "ZKROLLUP_DEV_USERS", default_value_t = 4)]
    dev_users: u32,
    /// The fee asked per chunk of a transaction in a token, TOKEN=AMOUNT in its smallest unit;
    /// repeatable (no price feed is reachable: the operator sets the table).
    #[arg(long = "fee-per-chunk", value_name = "TOKEN=AMOUNT", value_parser = fee_entry, default_values = ["0=1000", "1=1"])]
    fee_per_chunk: Vec<(u16, u128)>,
    /// How far a transaction's nonce may run ahead of its account's.
    #[arg(long, env = "ZKROLLUP_MAX_NONCE_GAP", default_value_t = MempoolLimits::default().max_nonce_gap)]
    max_nonce_gap: u32,
    /// Transactions one account may keep waiting.
    #[arg(long, env = "ZKROLLUP_MAX_PER_ACCOUNT", default_value_t = MempoolLimits::default().per_account)]
    max_per_account: usize,
    /// Transactions waiting in all.
    #[arg(long, env = "ZKROLLUP_MAX_MEMPOOL", default_value_t = MempoolLimits::default().total)]
    max_mempool: usize,
    /// The largest API request body, in bytes.
    #[arg(long, env = "ZKROLLUP_MAX_REQUEST_BYTES", default_value_t = ApiLimits::default().max_request_bytes)]
    max_request_bytes: u32,
    /// The most calls in one JSON-RPC batch.
    #[arg(long, env = "ZKROLLUP_MAX_BATCH_CALLS", default_value_t = ApiLimits::default().max_batch_calls)]
    max_batch_calls: u32,
    /// The most transactions in one zkr_submitBatch.
    #[arg(long, env = "ZKROLLUP_MAX_BATCH_TXS", default_value_t = ApiLimits::default().max_batch_txs)]
    max_batch_txs: usize,
    /// The most open API connections.
    #[arg(long, env = "ZKROLLUP_MAX_CONNECTIONS", default_value_t = ApiLimits::default().max_connections)]
    max_connections: u32,
    /// Messages queued for one WebSocket connection; a subscriber that lets the queue fill is
    /// dropped with an error notification saying so.
    #[arg(long, env = "ZKROLLUP_SUBSCRIPTION_BUFFER", default_value_t = ApiLimits::default().subscription_buffer, value_parser = clap::value_parser!(u32).range(1..))]
    subscription_buffer: u32,
    /// The most subscriptions one WebSocket connection may hold.
    #[arg(long, env = "ZKROLLUP_MAX_SUBSCRIPTIONS", default_value_t = ApiLimits::default().max_subscriptions)]
    max_subscriptions: u32,
    /// Stop after this many seconds (0: run until interrupted).
    #[arg(long, default_value_t = 0)]
    run_for: u64,
    /// What the node logs to stderr (a line per block stage, L1 request and stage failure): a
    /// level (error, warn, info, debug, trace), or levels by module as in
    /// `warn,zkrollup_node=debug`.
    #[arg(long, value_name = "DIRECTIVES", env = "ZKROLLUP_LOG", default_value = "info", value_parser = log_filter)]
    log: Targets,
}

/// Levels by module, as tracing-subscriber's `Targets` reads them, except that a bare word must
/// be a level: `Targets` would take `warning` for a module shown at every level, hiding the
/// node's own lines without a word.
fn log_filter(s: &str) -> Result<Targets, String> {
    const HINT: &str = "a level (error, warn, info, debug, trace, off), or as in warn,zkrollup_node=debug";
    for part in s.split(',') {
        let level = part.trim();
        // (`LevelFilter` reads an empty string as a level.)
        if !part.contains('=')
            && (level.is_empty() || level.parse::<tracing_subscriber::filter::LevelFilter>().is_err())
        {
            return Err(format!("`{part}` is not a level: {HINT}"));
        }
    }
    s.parse().map_err(|e| format!("{e}: {HINT}"))
}

/// Logs to stderr what `filter` lets through, with the time and the level: stdout keeps the
/// lines the node prints for its user (and that tests and scripts read).
///
/// arkworks' constraint-synthesis spans (targets `gr1cs` and `r1cs`) stay off whatever the
/// filter says: ark-r1cs-std opens one on every gadget call with its arguments formatted, and
/// with a subscriber listening a block's synthesis for key generation built gigabytes of text.
fn start_logging(filter: &Targets) {
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = filter.clone().with_target("gr1cs", LevelFilter::OFF).with_target("r1cs", LevelFilter::OFF);
    use std::io::IsTerminal;
    let colours = std::io::stderr().is_terminal();
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false).with_ansi(colours);
    // Only a second call fails (a subscriber is set for the process): the first one's stays.
    let _ = tracing_subscriber::registry().with(layer).with(filter).try_init();
}

fn poll_seconds(s: &str) -> Result<Duration, String> {
    crate::l1::seconds_within(s, 0.01..=600.0)
}

fn resend_seconds(s: &str) -> Result<Duration, String> {
    crate::l1::seconds_within(s, 0.1..=86_400.0)
}

fn fee_entry(s: &str) -> Result<(u16, u128), String> {
    let (t, a) = s.split_once('=').ok_or(format!("{s:?}: expected TOKEN=AMOUNT"))?;
    Ok((t.parse().map_err(|e| format!("token {t:?}: {e}"))?, a.parse().map_err(|e| format!("amount {a:?}: {e}"))?))
}

pub(crate) fn run(args: &NodeArgs) -> Result<(), String> {
    start_logging(&args.log);
    if let Some(file) = &args.config {
        println!("zkrollup node: options from {} (flags and environment variables beat it)", file.display());
    }
    if !BLOCK_CHUNK_SIZES.contains(&args.block_chunks) {
        return Err(format!("--block-chunks {}: supported sizes are {BLOCK_CHUNK_SIZES:?}", args.block_chunks));
    }
    let store = args.data_dir.join("node.redb");
    let dev_state = args.data_dir.join(DEV_CHAIN_FILE);
    if args.reset {
        let own_chain = args.l1_url.is_none().then(|| [dev_state.clone(), crate::l1::deployment_file(&dev_state)]);
        for f in std::iter::once(store.clone()).chain(own_chain.into_iter().flatten()).filter(|f| f.exists()) {
            std::fs::remove_file(&f).map_err(|e| format!("removing {}: {e}", f.display()))?;
        }
    }
    let keys = args.keys.clone().unwrap_or_else(zkrollup_circuits::keys::default_dir);
    println!("zkrollup node: {}", zkrollup_circuits::groth16::INSECURE_SETUP_WARNING);
    println!("  keys: {} (made once for {} chunks, then cached)", keys.display(), args.block_chunks);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    // The development chain's server, when the node runs one: it serves while the node does.
    let mut own_chain = None;
    let chain = match &args.l1_url {
        None => {
            std::fs::create_dir_all(&args.data_dir).map_err(|e| format!("{}: {e}", args.data_dir.display()))?;
            let served = crate::l1::serve(
                &runtime,
                DEV_CHAIN_ID,
                Mining::PerTransaction,
                Some(dev_state.clone()),
                args.l1_listen,
            )?;
            let chain = development(args, &served.url, &dev_state, &keys)?;
            own_chain = Some(served);
            chain
        }
        Some(url) => {
            if args.rollup.is_none() && store.exists() {
                return Err(format!(
                    "{} holds a store: attach to its rollup with --rollup ADDRESS --l1-from-block N, or --reset to \
                     start afresh with a new deployment",
                    args.data_dir.display()
                ));
            }
            let attach = match &args.rollup {
                Some(a) => {
                    Some((a.parse().map_err(|e| format!("--rollup {a}: {e}"))?, args.l1_from_block.unwrap_or_default()))
                }
                None => None,
            };
            json_rpc(args, url, &l1_key(args)?, attach, &keys)?
        }
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
            subscription_buffer: args.subscription_buffer,
            max_subscriptions: args.max_subscriptions,
        },
    };
    // A restart verifies every page of the store and checks the state it loads against the last
    // block's root: seconds on a long chain.
    let opening = crate::progress::spinner(&format!("opening the store in {}", args.data_dir.display()));
    let opened = Node::open(&args.data_dir, config).map_err(|e| e.to_string());
    opening.finish_and_clear();
    let mut node = opened?;
    node.start_pipeline(chain.l1, Box::new(chain.prover)).map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let (addr, handle) = node.serve(args.listen).await.map_err(|e| e.to_string())?;
        println!("  listening on http://{addr} (JSON-RPC 2.0: zkr_status, zkr_submitTx, zkr_getAccount, ...)");
        println!("  metrics: GET http://{addr}/metrics (Prometheus); health: GET /health/live, /health/ready");
        crate::l1::running_for(args.run_for).await?;
        println!("  stopping: the store keeps every accepted transaction");
        handle.stop().map_err(|e| e.to_string())?;
        handle.stopped().await; // requests in flight are answered before the sequencer stops
        Ok::<_, String>(())
    })?;
    node.shutdown();
    if let Some(served) = own_chain {
        runtime.block_on(served.stop())?;
    }
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

/// The development chain's file in --data-dir.
const DEV_CHAIN_FILE: &str = "l1-chain.jsonl";

/// The node's own development chain, served at `url` and kept at `state`: the rollup deployed
/// there (with a test ERC-20) by dev key 0, the operator, or found deployed by an earlier run;
/// the development users funded when it is deployed.
fn development(args: &NodeArgs, url: &str, state: &Path, keys: &Path) -> Result<Chain, String> {
    use zkrollup_node::l1::json_rpc::JsonRpcConfig;
    use zkrollup_node::l1::wallet::{deposit_erc20, deposit_eth, mint_test_token, send_eth};
    println!("  L1: the development chain, served at {url} (chain id {DEV_CHAIN_ID}; `zkrollup l1` runs it alone)");
    let plan = crate::l1::Plan { chain_id: DEV_CHAIN_ID, block_chunks: args.block_chunks, test_tokens: 1 };
    if !crate::l1::deployment_file(state).exists() && args.data_dir.join("node.redb").exists() {
        return Err(format!(
            "{} holds the store of an earlier run whose chain or deployment is gone: --reset starts both afresh",
            args.data_dir.display()
        ));
    }
    let (d, fresh) = crate::l1::deployment(url, &plan, keys, Some(state))?;
    if fresh {
        let rpc = JsonRpcConfig::dev(url);
        let (eth, tokens) = (10u128.pow(18), 10u128.pow(21));
        let operator = zkrollup_node::l1::json_rpc::address_of(DEV_KEYS[0]).map_err(|e| e.to_string())?;
        let funded = (|| {
            mint_test_token(&rpc, DEV_KEYS[0], &d.tokens[0], &operator, tokens * u128::from(args.dev_users))?;
            for i in 0..args.dev_users {
                let a = user(i).address;
                send_eth(&rpc, DEV_KEYS[0], &a, eth)?;
                deposit_eth(&rpc, DEV_KEYS[0], &d.rollup, &a, eth)?;
                deposit_erc20(&rpc, DEV_KEYS[0], &d.rollup, (1, &d.tokens[0]), &a, tokens)?;
                println!("  dev user {i}: {a} (1 ETH on L1; 1 ETH and 1000 of token 1 deposited; insecure public key)");
            }
            Ok::<_, zkrollup_node::l1::L1Error>(())
        })();
        funded.map_err(|e| format!("funding the development users: {e}"))?;
        // Recorded once the users are funded: a run that dies before deploys and funds afresh.
        crate::l1::record(state, &d)?;
    }
    json_rpc(args, url, DEV_KEYS[0], Some((d.rollup, d.block)), keys)
}

/// The operator's L1 key: from --l1-key-file or $ZKROLLUP_L1_KEY, read as the wallet reads its
/// own (a key on the command line would show in every process listing).
fn l1_key(args: &NodeArgs) -> Result<String, String> {
    use crate::key_file::{load, OPERATOR_KEY};
    let key = load(args.l1_key_file.as_deref(), OPERATOR_KEY)?;
    key.map(|k| k.hex)
        .ok_or_else(|| "--l1-url needs the operator's L1 key: set ZKROLLUP_L1_KEY or pass --l1-key-file".to_string())
}

/// An Ethereum node over JSON-RPC, the node sending with `key`: the rollup `attach` names
/// (its address and L1 block), or one deployed there now.
fn json_rpc(
    args: &NodeArgs,
    url: &str,
    key: &str,
    attach: Option<(Address, u64)>,
    keys: &Path,
) -> Result<Chain, String> {
    use zkrollup_node::l1::json_rpc::{
        address_of, chain_id, default_confirmations, default_poll, default_resend_after, deploy, shown, JsonRpcConfig,
    };
    let chain_id = chain_id(&JsonRpcConfig::dev(url)).map_err(|e| e.to_string())?;
    let confirmations = args.l1_confirmations.unwrap_or(default_confirmations(chain_id));
    let poll = args.l1_poll.unwrap_or(default_poll(chain_id));
    let rpc = JsonRpcConfig {
        confirmations,
        poll,
        resend_after: args.l1_resend_after.unwrap_or(default_resend_after(chain_id)),
        max_fee: u128::from(args.l1_max_fee) * 1_000_000_000,
        ..JsonRpcConfig::dev(url)
    };
    let operator = address_of(key).map_err(|e| e.to_string())?;
    let (pk, vk) = crate::progress::keys(keys, CircuitKind::Block(args.block_chunks), BLOCK_SETUP_SEED)?;
    // A deployment by the node lists no tokens: ETH until the governor lists ERC-20s.
    let mut config =
        L1Config { block_sizes: vec![args.block_chunks as u16], tokens: vec![], ..SpecRollup::config(operator) };
    config.domain.chain_id = chain_id;
    let (rollup, from_block, config) = match attach {
        Some((rollup, from_block)) => {
            config.domain.contract = rollup;
            (rollup, from_block, config)
        }
        None => {
            let (_, exit_vk) = crate::progress::keys(keys, CircuitKind::Exit, EXIT_SETUP_SEED)?;
            let d = deploy(&rpc, key, &config, &vk, &exit_vk).map_err(|e| e.to_string())?;
            println!(
                "  deployed the rollup at {} (L1 block {}); attach to it later with --rollup {} --l1-from-block {}",
                d.rollup, d.block, d.rollup, d.block
            );
            (d.rollup, d.block, d.config)
        }
    };
    println!(
        "  L1: {} (chain id {chain_id}, {confirmations} confirmations, polled every {:?}; a transaction unmined for \
         {:?} is resent with fees 12.5 % higher, up to {} gwei), rollup at {rollup}, operator {operator}; wallets \
         deposit on L1 themselves",
        shown(url),
        rpc.poll,
        rpc.resend_after,
        args.l1_max_fee
    );
    let l1 = JsonRpcL1::connect(rpc.clone(), key, &rollup, &config, from_block).map_err(|e| e.to_string())?;
    // The tokens the contract lists (a deployment of `zkrollup l1` lists test ERC-20s).
    let tokens = zkrollup_node::l1::wallet::listed_tokens(&rpc, &rollup).map_err(|e| e.to_string())?;
    Ok(Chain { chain_id, rollup, tokens, l1: Box::new(l1), prover: InProcessProver { pk, vk } })
}
