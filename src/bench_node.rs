//! `zkrollup bench node`: the node through its API on loopback, with load from a second process.
//!
//! - accepted transfers/s with durable receipts (each answered only once it is in the store),
//!   beside the state keeper accepting the same transfers in memory in this process, and the
//!   receipt latency (p50, p99) the load process saw, in three rounds on one node: over HTTP,
//!   over WebSocket, and over HTTP while a subscriber that never reads holds subscriptions to
//!   the blocks and to 60 sending accounts, and reads them after the round: how many it left
//!   unread (held by the kernel's socket buffers and the node's queue for it, 1,024 messages)
//!   and how many of its subscriptions the node dropped when that queue filled; and a fourth
//!   round through the SDK (`zkrollup-sdk`), as a wallet sends: each transfer signed when it is
//!   sent, each account's nonces from a `NonceManager`;
//! - each SDK call's time against the node (p50, p99);
//! - the node's memory (resident set, this process) after each round, and its peak;
//! - a withdrawal's time from submission to its block executed on the embedded L1, per block
//!   size of `--sizes`, proven in process.
//!
//! The load process (`zkrollup bench-node-load`, hidden) signs every transfer before it starts
//! the clock, then sends them over `--concurrency` connections, each account's in nonce order.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::json;
use zkrollup_api::{AccountRef, HttpClient, HttpClientBuilder, RollupApiClient, TxStatus, WsClientBuilder};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_conformance::wire::convert;
use zkrollup_node::sequencer::unix_now;
use zkrollup_node::{Node, NodeConfig};

use crate::bench_circuits::{peak_rss_mib, status_mib};
use zkrollup_reference::keeper::{KeeperConfig, MempoolLimits, StateKeeper};
use zkrollup_reference::state::RefState;
use zkrollup_spec::testkit::{self, keyed_account, user, User, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, PriorityOp};
use zkrollup_spec::tx::auth::eip191_change_pubkey_message;
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

/// The load's transfers: `txs[a][k]` is account `a`'s `k`-th, nonce `first_nonce + k`, to the
/// next account.
fn load(accounts: u32, per_account: u32, first_nonce: u32) -> Vec<Vec<Tx>> {
    (0..accounts)
        .into_par_iter()
        .map(|a| {
            let to = user((a + 1) % accounts).address;
            (0..per_account).map(|k| testkit::transfer(&user(a), a, to, 0, 1, 2_000, first_nonce + k)).collect()
        })
        .collect()
}

const BALANCE: u128 = 1 << 100;
/// How long the load process may take before it is stopped.
const LOAD_LIMIT: Duration = Duration::from_secs(600);

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())
}

pub(crate) fn client(url: &str) -> Result<HttpClient, String> {
    HttpClientBuilder::default().request_timeout(Duration::from_secs(60)).build(url).map_err(|e| e.to_string())
}

/// How the load process reaches the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Transport {
    /// Signed before the clock starts, sent over HTTP.
    Http,
    /// Signed before the clock starts, sent over WebSocket.
    Ws,
    /// Through the SDK over HTTP: signed as sent, nonces from a `NonceManager` per account.
    Sdk,
}

/// One round of load: what the load process measured, and the node's memory after it.
struct Round {
    label: &'static str,
    rate: f64,
    p50: f64,
    p99: f64,
    rss_mib: Option<f64>,
}

/// The rounds, in order: a label, the transport, whether a subscriber that never reads is
/// attached.
const ROUNDS: [(&str, Transport, bool); 4] = [
    ("HTTP", Transport::Http, false),
    ("WebSocket", Transport::Ws, false),
    ("HTTP, silent subscriber", Transport::Http, true),
    ("SDK, signing as it sends", Transport::Sdk, false),
];

pub(crate) fn run(
    accounts: u32,
    transfers: u32,
    chunks: usize,
    concurrency: u32,
    sizes: &[usize],
) -> Result<(), String> {
    if accounts < 2 || transfers < accounts {
        return Err("need at least 2 accounts and a transfer per account".into());
    }
    let per_account = transfers / accounts;
    let total = (per_account * accounts) as usize;
    println!(
        "zkrollup bench node: {accounts} accounts, {total} transfers, {chunks}-chunk blocks, {concurrency} connections"
    );
    let dir = std::env::temp_dir().join(format!("zkrollup-bench-node-{}", std::process::id()));
    // Each round starts once the one before is sealed: the bounds hold one round.
    let limits =
        MempoolLimits { max_nonce_gap: per_account + 1, per_account: per_account as usize + 1, total: total + 1 };
    let config = NodeConfig {
        block_chunks: chunks,
        seal_timeout: Duration::from_secs(1),
        limits,
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    let rt = runtime()?;
    let result = rt.block_on(accept(&dir, config, accounts, per_account, concurrency));
    let _ = std::fs::remove_dir_all(&dir);
    let (rounds, (unread, dropped), peak_mib, calls) = result?;

    // The baseline: the keeper accepting the same transfers in memory, in one call.
    let genesis = zkrollup_spec::state::State::from_accounts(
        (0..accounts).map(|a| keyed_account(&user(a), 1, &[(0, BALANCE)])).collect(),
    )
    .map_err(|e| e.to_string())?;
    let txs: Vec<Tx> = transpose(load(accounts, per_account, 1));
    let keeper_config = KeeperConfig { chunks, fee_account: 0, seal_timeout: 1, limits };
    let mut keeper = StateKeeper::new(RefState::from_spec(&genesis), keeper_config, 1, false);
    keeper.state().root();
    let t = Instant::now();
    let ok = keeper.submit_many(txs, unix_now()).iter().filter(|r| r.is_ok()).count();
    let keeper_rate = ok as f64 / t.elapsed().as_secs_f64();
    if ok != total {
        return Err(format!("the keeper accepted {ok} of {total}"));
    }
    println!("\n{:<62} {:>10} {:>10} {:>8}", "figure (node: durable receipts)", "keeper", "node", "ratio");
    for r in &rounds {
        let figure = format!("accepted transfers/s ({})", r.label);
        println!("{figure:<62} {keeper_rate:>10.0} {:>10.0} {:>7.2}x", r.rate, r.rate / keeper_rate);
    }
    for r in &rounds {
        println!(
            "{:<62} {:>10} {:>10}",
            format!("receipt latency p50 / p99, ms ({})", r.label),
            "",
            format!("{:.1} / {:.1}", r.p50, r.p99)
        );
    }
    for r in &rounds {
        let rss = r.rss_mib.map_or("n/a".into(), |m| format!("{m:.0}"));
        println!("{:<62} {:>10} {rss:>10}", format!("node memory after the round, MiB ({})", r.label), "");
    }
    println!(
        "{:<62} {:>10} {:>10}",
        "node memory, peak, MiB",
        "",
        peak_mib.map_or("n/a".into(), |m| format!("{m:.0}"))
    );
    let subscriptions = accounts.min(60) + 1;
    println!("{:<62} {:>10} {unread:>10}", "silent subscriber: notifications left unread", "");
    println!(
        "{:<62} {:>10} {dropped:>10}",
        format!("silent subscriber: subscriptions dropped (of {subscriptions})"),
        ""
    );

    for (call, p50, p99) in &calls {
        println!("{:<62} {:>10} {:>10}", format!("SDK {call}, p50 / p99, ms"), "", format!("{p50:.2} / {p99:.2}"));
    }

    for &size in sizes {
        let secs = rt.block_on(withdrawal_latency(size))?;
        println!(
            "{:<62} {:>10} {secs:>10.1}",
            format!("withdrawal: submitted → executed on L1, s ({size} chunks)"),
            ""
        );
    }
    Ok(())
}

/// Groups per-account lists into the order the load process sends them: round by round.
fn transpose(per_account: Vec<Vec<Tx>>) -> Vec<Tx> {
    let rounds = per_account.first().map_or(0, Vec::len);
    let mut out = Vec::with_capacity(rounds * per_account.len());
    for k in 0..rounds {
        out.extend(per_account.iter().map(|txs| txs[k].clone()));
    }
    out
}

/// Funds and keys the accounts, then runs the rounds of load against the node: each round's
/// figures, the silent subscriber's (notifications it left unread, subscriptions the node
/// dropped), and the node's peak memory.
async fn accept(
    dir: &std::path::Path,
    config: NodeConfig,
    accounts: u32,
    per_account: u32,
    concurrency: u32,
) -> Result<(Vec<Round>, (usize, usize), Option<f64>, Vec<(&'static str, f64, f64)>), String> {
    let node = Node::open(dir, config).map_err(|e| e.to_string())?;
    let (addr, handle) = node.serve("127.0.0.1:0".parse().expect("an address")).await.map_err(|e| e.to_string())?;
    let url = format!("http://{addr}");
    let c = client(&url)?;
    print!("funding and keying {accounts} accounts... ");
    for a in 0..accounts {
        let to = user(a).address;
        let deposit = PriorityOp::Deposit(DepositRequest { from: to, to, token: 0, amount: BALANCE });
        node.priority(a as u64, deposit).await?;
    }
    while node.seal().await?.is_some() {}
    for a in 0..accounts {
        let u = user(a);
        let sig = u.l1.personal_sign(&eip191_change_pubkey_message(&TEST_DOMAIN, &u.pubkey_hash, 0, a));
        let cpk = testkit::change_pubkey(&u, a, 0, 7_000, 0, ChangePubKeyAuth::Eip191(sig));
        c.submit_tx(convert::tx(&cpk)).await.map_err(|e| format!("ChangePubKey of {a}: {e}"))?;
    }
    while node.seal().await?.is_some() {}
    println!("done");
    let mut rounds = Vec::new();
    let mut silent_figures = (0, 0);
    for (i, &(label, transport, silent)) in ROUNDS.iter().enumerate() {
        let first_nonce = 1 + i as u32 * per_account;
        let silent = match silent {
            true => Some(silent_subscriber(addr, accounts.min(60)).await?),
            false => None,
        };
        let load = LoadArgs { url: url.clone(), transport, accounts, per_account, first_nonce, concurrency };
        let v = load_round(&load).await?;
        // Sealed before the next round (the mempool's bounds hold one round).
        let deadline = Instant::now() + Duration::from_secs(120);
        while c.status().await.map_err(|e| e.to_string())?.mempool > 0 {
            if Instant::now() > deadline {
                return Err("the node did not seal the round's transfers within 120 s".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let status = c.status().await.map_err(|e| e.to_string())?;
        println!(
            "{label}: {} receipts in {:.2}s; the node has sealed {} blocks",
            v["accepted"],
            v["secs"].as_f64().unwrap_or(0.0),
            status.last_sealed
        );
        if let Some(conn) = silent {
            silent_figures = unread(conn).await;
        }
        let f = |k: &str| v[k].as_f64().ok_or(format!("the load's report lacks {k}"));
        let rss_mib = status_mib("VmRSS:");
        rounds.push(Round { label, rate: f("rate")?, p50: f("p50_ms")?, p99: f("p99_ms")?, rss_mib });
    }
    let calls = sdk_calls(&url, accounts, &node).await.map_err(|e| format!("timing the SDK's calls: {e}"))?;
    handle.stop().map_err(|e| e.to_string())?;
    node.shutdown();
    Ok((rounds, silent_figures, peak_rss_mib(), calls))
}

/// Each SDK call kind's time against the node at `url`, one call after another on one
/// connection (`CALLS` of each): p50 and p99 in ms. The transfers are sent by accounts
/// `0..accounts` in turn (each account's nonces from its `NonceManager`), and sealed after.
async fn sdk_calls(
    url: &str,
    accounts: u32,
    node: &Node,
) -> Result<Vec<(&'static str, f64, f64)>, zkrollup_sdk::SdkError> {
    use zkrollup_sdk::api::TxKind;
    use zkrollup_sdk::{NonceManager, Provider, Stage, Wallet};
    const CALLS: u32 = 200;
    let sdk = Provider::http(url)?;
    let wallets: Vec<Wallet> = (0..accounts)
        .map(|a| Wallet::from_l1_key(&testkit::user_l1_secret(a), TEST_DOMAIN))
        .collect::<Result<_, _>>()?;
    let nonces: Vec<NonceManager> = wallets.iter().map(|w| NonceManager::new(sdk.clone(), w.address())).collect();
    let mut times: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    let mut timed = |name: &'static str, d: Duration| match times.iter_mut().find(|(n, _)| *n == name) {
        Some((_, ds)) => ds.push(d),
        None => times.push((name, vec![d])),
    };
    let mut hashes = Vec::new();
    for k in 0..CALLS {
        let a = k % accounts;
        let (wallet, to) = (&wallets[a as usize], user((a + 1) % accounts).address);
        let t = Instant::now();
        wallet.transfer(a, to, (0, 1, 2_000), 0)?;
        timed("Wallet::transfer (signing alone)", t.elapsed());
        let t = Instant::now();
        let handle = nonces[a as usize].submit(|n| wallet.transfer(a, to, (0, 1, 2_000), n)).await?;
        timed("NonceManager::submit (sign and send a transfer)", t.elapsed());
        hashes.push(handle.hash.clone());
        let t = Instant::now();
        sdk.account(&wallet.address()).await?;
        timed("Provider::account", t.elapsed());
        let t = Instant::now();
        sdk.fee(TxKind::Transfer, 0).await?;
        timed("Provider::fee", t.elapsed());
        let t = Instant::now();
        sdk.tx(&handle.hash).await?;
        timed("Provider::tx", t.elapsed());
        let t = Instant::now();
        sdk.status().await?;
        timed("Provider::status", t.elapsed());
        let t = Instant::now();
        sdk.block(1).await?;
        timed("Provider::block", t.elapsed());
        let t = Instant::now();
        sdk.domain().await?;
        timed("Provider::domain", t.elapsed());
    }
    while node.seal().await.map_err(zkrollup_sdk::SdkError::Node)?.is_some() {}
    for hash in &hashes {
        let t = Instant::now();
        sdk.handle_of(hash).wait(Stage::InBlock, Duration::from_secs(60)).await?;
        timed("TxHandle::wait (in a block already)", t.elapsed());
    }
    Ok(times
        .into_iter()
        .map(|(name, mut ds)| {
            ds.sort();
            let at = |p: f64| ds[((ds.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
            (name, at(0.5), at(0.99))
        })
        .collect())
}

/// What the load process sends, and how (`zkrollup bench-node-load`'s options).
#[derive(clap::Args, Clone, Debug)]
pub(crate) struct LoadArgs {
    /// The node's API.
    #[arg(long)]
    url: String,
    #[arg(long, value_enum, default_value = "http")]
    transport: Transport,
    /// Accounts `0..accounts` send, each to the next.
    #[arg(long)]
    accounts: u32,
    #[arg(long)]
    per_account: u32,
    /// Each account's first nonce.
    #[arg(long, default_value_t = 1)]
    first_nonce: u32,
    /// Connections.
    #[arg(long)]
    concurrency: u32,
}

/// One round: the load process sends its transfers; its report.
async fn load_round(a: &LoadArgs) -> Result<serde_json::Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let transport = format!("{:?}", a.transport).to_lowercase();
    let mut child = Command::new(exe)
        .args(["bench-node-load", "--url", &a.url, "--transport", &transport])
        .args(["--accounts", &a.accounts.to_string(), "--per-account", &a.per_account.to_string()])
        .args(["--first-nonce", &a.first_nonce.to_string(), "--concurrency", &a.concurrency.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting the load process: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if started.elapsed() > LOAD_LIMIT {
            let _ = child.kill();
            return Err(format!("the load process ran over {LOAD_LIMIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("piped"), &mut out).map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("the load process failed ({status})"));
    }
    let v: serde_json::Value =
        serde_json::from_str(out.trim()).map_err(|e| format!("the load's report {out:?}: {e}"))?;
    let refused = v["refused"].as_u64().unwrap_or(u64::MAX);
    if refused != 0 {
        return Err(format!("the node refused {refused} transfers, first: {}", v["first_refusal"]));
    }
    Ok(v)
}

type Silent = soketto::connection::Receiver<tokio_util::compat::Compat<tokio::net::TcpStream>>;

/// A WebSocket peer that subscribes to the blocks and to accounts `0..accounts` and never
/// reads (a 4 KiB receive buffer: the node's queue for it fills after a few notifications).
async fn silent_subscriber(addr: std::net::SocketAddr, accounts: u32) -> Result<Silent, String> {
    use tokio_util::compat::TokioAsyncReadCompatExt;
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.set_recv_buffer_size(4096).map_err(|e| e.to_string())?;
    let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    let host = addr.to_string();
    let mut ws = soketto::handshake::Client::new(stream.compat(), &host, "/");
    match ws.handshake().await.map_err(|e| e.to_string())? {
        soketto::handshake::ServerResponse::Accepted { .. } => {}
        other => return Err(format!("the WebSocket handshake: {other:?}")),
    }
    let (mut sender, receiver) = ws.into_builder().finish();
    let call = |id: u32, method: &str, params: serde_json::Value| {
        json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
    };
    sender.send_text(call(0, "zkr_subscribeBlocks", json!([]))).await.map_err(|e| e.to_string())?;
    for a in 0..accounts {
        sender.send_text(call(a + 1, "zkr_subscribeAccount", json!([a]))).await.map_err(|e| e.to_string())?;
    }
    sender.flush().await.map_err(|e| e.to_string())?;
    // Dropped, not closed: the connection stays open, unread.
    std::mem::forget(sender);
    Ok(receiver)
}

/// Reads what the silent peer was sent, at last, until nothing more comes for a second: the
/// notifications it had left unread, and the subscriptions the node ended (their error
/// notifications).
async fn unread(mut conn: Silent) -> (usize, usize) {
    let (mut unread, mut ended) = (0, 0);
    let mut frame = Vec::new();
    loop {
        frame.clear();
        match tokio::time::timeout(Duration::from_secs(1), conn.receive_data(&mut frame)).await {
            Ok(Ok(_)) => {
                let msg: serde_json::Value = serde_json::from_slice(&frame).unwrap_or_default();
                unread += usize::from(msg["params"]["result"].is_object());
                ended += usize::from(msg["params"]["error"].is_string());
            }
            _ => return (unread, ended),
        }
    }
}

/// The load process: signs every transfer, then sends them and reports one JSON line (through
/// the SDK: signs each as it sends it).
pub(crate) fn load_process(args: &LoadArgs) -> Result<(), String> {
    if args.transport == Transport::Sdk {
        let report = runtime()?.block_on(sdk_load(args))?;
        println!("{report}");
        return Ok(());
    }
    let LoadArgs { url, transport, accounts, per_account, first_nonce, concurrency } = args.clone();
    let url = url.as_str();
    let txs = load(accounts, per_account, first_nonce);
    let concurrency = concurrency.clamp(1, accounts) as usize;
    // Worker w sends the accounts a ≡ w (mod concurrency), round by round: nonces in order.
    let mut work: Vec<Vec<zkrollup_api::TxJson>> = vec![Vec::new(); concurrency];
    for k in 0..per_account as usize {
        for (a, account) in txs.iter().enumerate() {
            work[a % concurrency].push(convert::tx(&account[k]));
        }
    }
    let rt = runtime()?;
    let report = rt.block_on(async {
        // Connections first, then the clock.
        let mut clients = Vec::new();
        for _ in 0..work.len() {
            clients.push(match transport {
                Transport::Http => Connection::Http(client(url)?),
                Transport::Sdk => unreachable!("the SDK's load is sdk_load"),
                Transport::Ws => Connection::Ws(
                    WsClientBuilder::default()
                        .request_timeout(Duration::from_secs(60))
                        .build(url.replacen("http://", "ws://", 1))
                        .await
                        .map_err(|e| e.to_string())?,
                ),
            });
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (batch, c) in work.into_iter().zip(clients) {
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(batch.len());
                let mut refusals = Vec::new();
                for tx in batch {
                    let t = Instant::now();
                    let r = match &c {
                        Connection::Http(c) => c.submit_tx(tx).await,
                        Connection::Ws(c) => c.submit_tx(tx).await,
                    };
                    latencies.push(t.elapsed());
                    if let Err(e) = r {
                        refusals.push(e.to_string());
                    }
                }
                (latencies, refusals)
            }));
        }
        report(started, tasks).await
    })?;
    println!("{report}");
    Ok(())
}

/// The load through the SDK, as wallets send: a provider (its own HTTP connection) per
/// worker, each of its accounts a `Wallet` whose transfers are signed as they are sent with the
/// nonce its `NonceManager` gives (read from the node first, so `first_nonce` is not used).
async fn sdk_load(a: &LoadArgs) -> Result<serde_json::Value, String> {
    use zkrollup_sdk::{NonceManager, Provider, Wallet};
    let concurrency = a.concurrency.clamp(1, a.accounts);
    // Connections and wallets first (keys derived, nonces read), then the clock.
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let sdk = Provider::http(&a.url).map_err(|e| e.to_string())?;
        let mut mine = Vec::new();
        for account in (w..a.accounts).step_by(concurrency as usize) {
            let wallet =
                Wallet::from_l1_key(&testkit::user_l1_secret(account), TEST_DOMAIN).map_err(|e| e.to_string())?;
            let nonces = NonceManager::new(sdk.clone(), wallet.address());
            mine.push((account, wallet, nonces));
        }
        workers.push(mine);
    }
    let (accounts, per_account) = (a.accounts, a.per_account);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mine in workers {
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut refusals = Vec::new();
            for _ in 0..per_account {
                for (account, wallet, nonces) in &mine {
                    let to = user((account + 1) % accounts).address;
                    let t = Instant::now();
                    let r = nonces.submit(|n| wallet.transfer(*account, to, (0, 1, 2_000), n)).await;
                    latencies.push(t.elapsed());
                    if let Err(e) = r {
                        refusals.push(e.to_string());
                    }
                }
            }
            (latencies, refusals)
        }));
    }
    report(started, tasks).await
}

/// What one sending task saw: each submission's latency, and the refusals' messages.
type Sent = tokio::task::JoinHandle<(Vec<Duration>, Vec<String>)>;

/// The load's report once its `tasks` (started at `started`) are done: receipts, refusals,
/// rate, latency percentiles.
async fn report(started: Instant, tasks: Vec<Sent>) -> Result<serde_json::Value, String> {
    let mut latencies = Vec::new();
    let mut refusals = Vec::new();
    for t in tasks {
        let (l, r) = t.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        refusals.extend(r);
    }
    let secs = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    let accepted = latencies.len() - refusals.len();
    Ok(json!({
        "accepted": accepted,
        "refused": refusals.len(),
        "first_refusal": refusals.first(),
        "secs": secs,
        "rate": accepted as f64 / secs,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
    }))
}

/// A load connection.
enum Connection {
    Http(HttpClient),
    Ws(zkrollup_api::WsClient),
}

/// A node with its pipeline on the embedded chain, sealing `chunks`-chunk blocks: the time from
/// a withdrawal's submission to its block executed on L1.
async fn withdrawal_latency(chunks: usize) -> Result<f64, String> {
    print!("withdrawal: keys and deployment for {chunks}-chunk blocks... ");
    let keys = zkrollup_circuits::keys::default_dir();
    let (u0, u1) = (user(0), user(1));
    let dev = zkrollup_node::dev::deploy(&keys, chunks, &SpecRollup::config(u0.address), unix_now())?;
    let dir = std::env::temp_dir().join(format!("zkrollup-bench-withdrawal-{}", std::process::id()));
    let config = NodeConfig {
        tokens: dev.config.tokens.clone(),
        block_chunks: chunks,
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    let mut node = Node::open(&dir, config).map_err(|e| e.to_string())?;
    // One deposit (6 chunks: a block of its own), opening account 0, the fee account: the
    // fewer blocks before the withdrawal, the fewer proofs this measure waits for.
    let a = u1.address;
    dev.chain.with(move |c| c.deposit(&a, &a, 0, 1_000_000)).map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    node.start_pipeline(Box::new(dev.l1), Box::new(dev.prover)).map_err(|e| e.to_string())?;
    let (addr, handle) = node.serve("127.0.0.1:0".parse().expect("an address")).await.map_err(|e| e.to_string())?;
    let c = client(&format!("http://{addr}"))?;
    let deadline = Instant::now() + Duration::from_secs(600);
    let id = keyed(&c, &u1, &TEST_DOMAIN, deadline).await?;
    println!("done");
    let withdraw = testkit::withdraw(&u1, id, u1.address, 0, 1_000, 6_000, 1);
    let t = Instant::now();
    wait_executed(&c, &withdraw, deadline).await?;
    let secs = t.elapsed().as_secs_f64();
    handle.stop().map_err(|e| e.to_string())?;
    node.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(secs)
}

/// `u`'s account id, once a deposit has opened it, after `u` sets its L2 key there (a
/// ChangePubKey authorised by an EIP-191 signature of its L1 key for `domain`, paying 7,000 of
/// token 0), executed on L1.
pub(crate) async fn keyed(c: &HttpClient, u: &User, domain: &L1Domain, deadline: Instant) -> Result<u32, String> {
    let id = loop {
        if let Some(i) = c.get_account(AccountRef::Address(u.address.to_string())).await.map_err(|e| e.to_string())? {
            break i.id;
        }
        if Instant::now() > deadline {
            return Err("the deposit never reached the node".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let sig = u.l1.personal_sign(&eip191_change_pubkey_message(domain, &u.pubkey_hash, 0, id));
    let cpk = testkit::change_pubkey(u, id, 0, 7_000, 0, ChangePubKeyAuth::Eip191(sig));
    wait_executed(c, &cpk, deadline).await?;
    Ok(id)
}

/// Submits `tx` and waits until its block is executed on L1.
pub(crate) async fn wait_executed(c: &HttpClient, tx: &Tx, deadline: Instant) -> Result<(), String> {
    let r = c.submit_tx(convert::tx(tx)).await.map_err(|e| format!("{}: {e}", tx.name()))?;
    loop {
        match c.get_tx(r.hash.clone()).await.map_err(|e| e.to_string())?.map(|i| i.status) {
            Some(TxStatus::Executed { .. }) => return Ok(()),
            Some(TxStatus::Dropped { rule, message }) => {
                return Err(format!("{} dropped: {rule}: {message}", tx.name()))
            }
            _ if Instant::now() > deadline => return Err(format!("{} not executed in time", tx.name())),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}
