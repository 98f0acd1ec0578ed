//! `zkrollup l1`: the development chain as its own process. It serves the Ethereum JSON-RPC
//! methods a client needs (crate `zkrollup-devchain`), funds the well-known development keys,
//! and deploys the rollup (Groth16 verifiers of the chosen block size, test ERC-20s) with
//! signed transactions sent to itself over JSON-RPC, as to any chain. The node, wallets and
//! tools in other processes then reach it at its URL; with `--state` it outlives its process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zkrollup_circuits::keys::CircuitKind;
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_devchain::{
    dev_genesis, DevChain, DevChainConfig, Mining, ServerHandle, DEV_ADDRESSES, DEV_CHAIN_ID, DEV_KEYS,
};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::json_rpc::{address_of, deploy, JsonRpcConfig};
use zkrollup_node::l1::wallet::deploy_test_token;
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::Address;

#[derive(clap::Args)]
pub(crate) struct L1Args {
    /// The JSON-RPC address (HTTP); port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8545")]
    listen: SocketAddr,
    /// The chain id (31337 is a development chain's: the node waits for no confirmations there).
    #[arg(long, default_value_t = DEV_CHAIN_ID)]
    chain_id: u64,
    /// Seal a block every SECONDS, empty or not [default: one block per transaction].
    #[arg(long, value_name = "SECONDS", value_parser = block_time)]
    block_time: Option<Duration>,
    /// Keep the chain in this file across restarts (replayed at start), and the deployment
    /// beside it (PATH.deployment.json) [default: in memory, gone with the process].
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Deploy nothing: a bare chain with the development keys funded.
    #[arg(long)]
    no_deploy: bool,
    /// The block size the rollup takes, in chunks: one of 8, 16, 32, 64.
    #[arg(long, default_value_t = 16)]
    block_chunks: usize,
    /// Test ERC-20s (anyone may mint) deployed and listed as tokens 1, 2, ….
    #[arg(long, default_value_t = 1)]
    test_tokens: u32,
    /// Where Groth16 keys are cached (made on first use) [default: target/zkrollup-keys, or
    /// $ZKROLLUP_KEYS].
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Stop after this many seconds (0: run until interrupted).
    #[arg(long, default_value_t = 0)]
    run_for: u64,
}

/// A duration given in seconds, refused outside `range` (an argument's parser).
pub(crate) fn seconds_within(
    s: &str,
    range: impl std::ops::RangeBounds<f64> + std::fmt::Debug,
) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|e| format!("{s:?}: {e}"))?;
    if !range.contains(&secs) {
        return Err(format!("{s}: seconds must be within {range:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A block time: more than 0 and at most an hour.
fn block_time(s: &str) -> Result<Duration, String> {
    match seconds_within(s, 0.0..=3600.0)? {
        d if d.is_zero() => Err(format!("{s}: a block time is more than 0 seconds")),
        d => Ok(d),
    }
}

/// Where the deployment made on a chain kept at `state` is recorded.
pub(crate) fn deployment_file(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".deployment.json");
    name.into()
}

pub(crate) fn run(args: &L1Args) -> Result<(), String> {
    if !BLOCK_CHUNK_SIZES.contains(&args.block_chunks) {
        return Err(format!("--block-chunks {}: supported sizes are {BLOCK_CHUNK_SIZES:?}", args.block_chunks));
    }
    let mining = args.block_time.map_or(Mining::PerTransaction, Mining::Interval);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let served = serve(&runtime, args.chain_id, mining, args.state.clone(), args.listen)?;
    let url = served.url.clone();

    println!("zkrollup l1: a development chain on revm, chain id {}", args.chain_id);
    println!("  INSECURE: its funded keys are public knowledge (the \"test test … junk\" mnemonic's); never use them elsewhere");
    for (i, (key, address)) in DEV_KEYS.iter().zip(DEV_ADDRESSES).enumerate() {
        let role = if i == 0 { " (deploys; the operator's)" } else { "" };
        println!("  dev key {i}: {key}, address {address}, 10000 ETH{role}");
    }
    match &args.state {
        Some(p) => println!("  state: {} (kept across restarts)", p.display()),
        None => println!("  state: in memory"),
    }
    println!("  listening on {url}");

    if !args.no_deploy {
        let keys = args.keys.clone().unwrap_or_else(zkrollup_circuits::keys::default_dir);
        println!("  {}", zkrollup_circuits::groth16::INSECURE_SETUP_WARNING);
        println!("  keys: {} (made once for {} chunks, then cached)", keys.display(), args.block_chunks);
        let plan = Plan { chain_id: args.chain_id, block_chunks: args.block_chunks, test_tokens: args.test_tokens };
        let (d, fresh) = deployment(&url, &plan, &keys, args.state.as_deref())?;
        if let (Some(state), true) = (&args.state, fresh) {
            record(state, &d)?;
        }
        println!(
            "  the node on it: ZKROLLUP_L1_KEY={} zkrollup node --l1-url {url} --rollup {} --l1-from-block {}",
            DEV_KEYS[0], d.rollup, d.block
        );
    }
    println!("  ready");

    runtime.block_on(async {
        running_for(args.run_for).await?;
        println!("  stopping");
        served.stop().await
    })
}

/// Returns after `seconds`, or, if 0, once the process is interrupted (Ctrl-C, SIGINT) or asked
/// to stop (SIGTERM, as service managers and `kill` do): the caller then stops gracefully.
pub(crate) async fn running_for(seconds: u64) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    if seconds > 0 {
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        return Ok(());
    }
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM: {e}"))?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted.map_err(|e| format!("Ctrl-C: {e}")),
        _ = terminate.recv() => Ok(()),
    }
}

/// The development chain, served.
pub(crate) struct Served {
    pub(crate) url: String,
    chain: DevChain,
    server: ServerHandle,
}

impl Served {
    /// Stops serving (requests in flight are answered), then the chain: its open block sealed
    /// and kept, its state file let go.
    pub(crate) async fn stop(self) -> Result<(), String> {
        self.server.stop().map_err(|e| e.to_string())?;
        self.server.stopped().await;
        self.chain.close().await
    }
}

/// Starts the development chain (kept in `state`, if given) and serves it at `listen` on
/// `runtime`.
pub(crate) fn serve(
    runtime: &tokio::runtime::Runtime,
    chain_id: u64,
    mining: Mining,
    state: Option<PathBuf>,
    listen: SocketAddr,
) -> Result<Served, String> {
    let genesis = dev_genesis(chain_id, zkrollup_node::sequencer::unix_now());
    let chain = DevChain::start(DevChainConfig { genesis, mining, state })?;
    let (addr, server) = runtime.block_on(chain.serve(listen)).map_err(|e| {
        format!(
            "the development L1: {e} (another chain there? `zkrollup l1 --listen` or `zkrollup node --l1-listen` \
             another address, port 0 for any free one)"
        )
    })?;
    Ok(Served { url: format!("http://{addr}"), chain, server })
}

/// What a development deployment holds.
pub(crate) struct Plan {
    pub(crate) chain_id: u64,
    pub(crate) block_chunks: usize,
    pub(crate) test_tokens: u32,
}

impl Plan {
    /// The rollup's parameters: dev key 0 its governor and validator, blocks of the plan's size,
    /// `tokens` listed, the domain's contract the domain default (the chain gives the address).
    pub(crate) fn config(&self, tokens: Vec<Address>) -> Result<L1Config, String> {
        let operator = address_of(DEV_KEYS[0]).map_err(|e| e.to_string())?;
        let mut config =
            L1Config { block_sizes: vec![self.block_chunks as u16], tokens, ..SpecRollup::config(operator) };
        config.domain.chain_id = self.chain_id;
        Ok(config)
    }
}

/// A deployment of the rollup on the development chain.
pub(crate) struct Deployment {
    pub(crate) rollup: Address,
    /// The L1 block it was deployed in (where the node starts reading its logs).
    pub(crate) block: u64,
    pub(crate) block_chunks: usize,
    /// The test ERC-20s it lists: token `i + 1` is `tokens[i]`.
    pub(crate) tokens: Vec<Address>,
}

impl Deployment {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rollup": self.rollup.to_string(),
            "block": self.block,
            "block_chunks": self.block_chunks,
            "tokens": self.tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        })
    }

    fn from_json(v: &serde_json::Value) -> Option<Self> {
        let address = |v: &serde_json::Value| v.as_str()?.parse().ok();
        Some(Deployment {
            rollup: address(&v["rollup"])?,
            block: v["block"].as_u64()?,
            block_chunks: usize::try_from(v["block_chunks"].as_u64()?).ok()?,
            tokens: v["tokens"].as_array()?.iter().map(address).collect::<Option<_>>()?,
        })
    }
}

/// The deployment recorded beside `state`, if there is one (and `false`); else a new one by
/// dev key 0 (and `true`): the test tokens, the verifiers (keys from `keys`) and the rollup,
/// by transactions sent over JSON-RPC to `url`. The caller [`record`]s a new one once it is
/// set up (a run that dies before deploys afresh).
pub(crate) fn deployment(
    url: &str,
    plan: &Plan,
    keys: &Path,
    state: Option<&Path>,
) -> Result<(Deployment, bool), String> {
    let recorded = state.map(deployment_file).filter(|f| f.exists());
    let (d, fresh) = match recorded {
        Some(file) => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let d = serde_json::from_str(&text).ok().as_ref().and_then(Deployment::from_json).ok_or_else(|| {
                format!("{} is not a deployment record: delete it with the chain's state", file.display())
            })?;
            if d.block_chunks != plan.block_chunks {
                return Err(format!(
                    "the rollup on this chain ({}) takes {}-chunk blocks, not {}: keep the chain of another block \
                     size elsewhere, or start afresh (zkrollup node --reset)",
                    file.display(),
                    d.block_chunks,
                    plan.block_chunks
                ));
            }
            println!("  the rollup deployed earlier ({})", file.display());
            (d, false)
        }
        None => (deploy_rollup(url, plan, keys)?, true),
    };
    println!("  rollup {}, deployed in L1 block {}, for {}-chunk blocks", d.rollup, d.block, d.block_chunks);
    for (i, t) in d.tokens.iter().enumerate() {
        println!("  token {}: {t} (a test ERC-20: anyone may mint)", i + 1);
    }
    Ok((d, fresh))
}

/// Records `d` beside the chain's `state` (synced), where [`deployment`] finds it.
pub(crate) fn record(state: &Path, d: &Deployment) -> Result<(), String> {
    let file = deployment_file(state);
    let write = || {
        let mut f = std::fs::File::create(&file)?;
        std::io::Write::write_all(&mut f, serde_json::to_string_pretty(&d.to_json()).expect("JSON").as_bytes())?;
        f.sync_all()
    };
    write().map_err(|e| format!("{}: {e}", file.display()))
}

fn deploy_rollup(url: &str, plan: &Plan, keys: &Path) -> Result<Deployment, String> {
    let rpc = JsonRpcConfig::dev(url);
    let (_, block_vk) = crate::progress::keys(keys, CircuitKind::Block(plan.block_chunks), BLOCK_SETUP_SEED)?;
    let (_, exit_vk) = crate::progress::keys(keys, CircuitKind::Exit, EXIT_SETUP_SEED)?;
    let tokens = (0..plan.test_tokens)
        .map(|_| deploy_test_token(&rpc, DEV_KEYS[0]))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let config = plan.config(tokens.clone())?;
    let deployed = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).map_err(|e| e.to_string())?;
    Ok(Deployment { rollup: deployed.rollup, block: deployed.block, block_chunks: plan.block_chunks, tokens })
}
