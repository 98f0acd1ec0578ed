//! The node end to end over Ethereum JSON-RPC, on anvil, a real Ethereum node (outside CI,
//! where anvil may be missing, on the development chain served in process: the same client
//! code). Wallets with keys of their own deposit ETH and an ERC-20, set an on-chain ChangePubKey
//! fact and request a full exit with signed L1 transactions; then through the node's HTTP API
//! alone: ChangePubKey (on-chain fact and EIP-191), transfers to an existing and a new account,
//! an atomic batch, a withdrawal and a forced exit. Every block is proven with the block
//! circuit (8 chunks, real Groth16 proofs) and committed, proven and executed on the Solidity
//! contract by the node's L1 sender. Each transaction is followed to "executed"; the node's
//! views are checked against the spec's replay of the same inputs, the contract's counters and
//! stored root against the spec's, and value against what the contract holds on the chain; every
//! transaction the rollup received is replayed from the chain on the spec's L1 (the audit); then
//! the node restarts from its store and answers the same; its metrics and health endpoints agree
//! with what the test did, and so do the WebSocket subscriptions a wallet would follow. A second test keeps the embedded L1 (in process, no JSON-RPC): a call
//! the contract refuses halts the sender, and the node is no longer ready.

use std::time::{Duration, Instant};

use jsonrpsee::server::ServerHandle;
use zkrollup_api::{AccountRef, BlockInfo, BlockStage, NetworkStatus, PriorityOpInfo, RollupApiClient, TxStatus};
use zkrollup_api::{HttpClient, HttpClientBuilder, WsClientBuilder};
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_conformance::wire::convert;
use zkrollup_contracts::dual_l1::NativeVerifier;
use zkrollup_devchain::{dev_genesis, DevChain, DevChainConfig, Mining, DEV_CHAIN_ID};
use zkrollup_node::anvil::{Anvil, DEV_KEYS};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::audit::audit;
use zkrollup_node::l1::json_rpc::{address_of, chain_id, deploy, Deployed, JsonRpcConfig};
use zkrollup_node::l1::wallet;
use zkrollup_node::l1::{EmbeddedL1, JsonRpcL1};
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::sequencer::unix_now;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_node_tests::user_l1_key as key; // a test user's L1 key, as a wallet holds it
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::{self, user, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

use zkrollup_node_tests::{assert_accounts_match, http, metric, notification, replay_on_spec};

const CHUNKS: usize = 8;
/// Everything a test waits for comes within this (proofs of 8-chunk blocks take seconds).
const PATIENCE: Duration = Duration::from_secs(300);

/// The L1 the node runs on, reached only over JSON-RPC: anvil, or the development chain served
/// in process where anvil is not installed (outside CI: `Anvil::start_for_test`).
struct Chain {
    rpc: JsonRpcConfig,
    _anvil: Option<Anvil>,
    _dev: Option<(DevChain, ServerHandle)>,
}

fn chain(runtime: &tokio::runtime::Runtime) -> Chain {
    if let Some(anvil) = Anvil::start_for_test(&[]) {
        return Chain { rpc: JsonRpcConfig::dev(&anvil.url), _anvil: Some(anvil), _dev: None };
    }
    eprintln!("the end-to-end test runs on the development chain instead");
    let genesis = dev_genesis(DEV_CHAIN_ID, unix_now());
    let dev = DevChain::start(DevChainConfig { genesis, mining: Mining::PerTransaction, state: None }).unwrap();
    let (addr, server) = runtime.block_on(dev.serve("127.0.0.1:0".parse().unwrap())).unwrap();
    Chain { rpc: JsonRpcConfig::dev(&format!("http://{addr}")), _anvil: None, _dev: Some((dev, server)) }
}

/// The rollup on the chain: deployed by the operator (dev key 0, governor and validator) with a
/// test ERC-20 as token 1, users 0, 1 and 3 given 1 ETH each for their own transactions.
struct OnChain {
    rpc: JsonRpcConfig,
    rollup: Address,
    token: Address,
    domain: L1Domain,
    l1: JsonRpcL1,
    prover: InProcessProver,
    /// The deployment (its config and L1 block) and the verifier the spec's L1 checks proofs
    /// with, for the audit of the chain.
    deployed: Deployed,
    verifier: NativeVerifier,
}

fn deploy_rollup(rpc: &JsonRpcConfig) -> OnChain {
    let keys = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
    let (pk, block_vk, _) = load_or_make(&keys, CircuitKind::Block(CHUNKS), BLOCK_SETUP_SEED).unwrap();
    let (_, exit_vk, _) = load_or_make(&keys, CircuitKind::Exit, EXIT_SETUP_SEED).unwrap();
    for i in [0, 1, 3] {
        wallet::send_eth(rpc, DEV_KEYS[1], &user(i).address, 10u128.pow(18)).unwrap();
    }
    let token = wallet::deploy_test_token(rpc, DEV_KEYS[2]).unwrap();
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens: vec![token], ..SpecRollup::config(operator) };
    let deployed = deploy(rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).expect("the rollup deploys");
    let domain = L1Domain { chain_id: chain_id(rpc).unwrap(), contract: deployed.rollup };
    let l1 = JsonRpcL1::connect(rpc.clone(), DEV_KEYS[0], &deployed.rollup, &deployed.config, deployed.block).unwrap();
    OnChain {
        rpc: rpc.clone(),
        rollup: deployed.rollup,
        token,
        domain,
        l1,
        prover: InProcessProver { pk, vk: block_vk.clone() },
        verifier: NativeVerifier { block_chunks: CHUNKS as u16, block: block_vk, exit: exit_vk },
        deployed,
    }
}

/// A node's configuration for the rollup of `domain` with `tokens` listed.
fn node_config(domain: &L1Domain, tokens: Vec<Address>) -> NodeConfig {
    NodeConfig {
        block_chunks: CHUNKS,
        seal_timeout: Duration::from_secs(1),
        tokens,
        fee_per_chunk: Default::default(), // fees are the API test's subject
        ..NodeConfig::dev(domain.chain_id, domain.contract)
    }
}

/// Runs a wallet's or a reader's blocking JSON-RPC call off the test's runtime.
async fn on_l1<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("the L1 call panicked")
}

async fn wait_for<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn executed(client: &HttpClient, tx: &Tx) {
    let hash = convert::hex_of(&tx.hash());
    wait_for(&format!("{} {hash} to be executed", tx.name()), async || {
        let info = client.get_tx(hash.clone()).await.unwrap().expect("accepted");
        if let TxStatus::Dropped { rule, message } = &info.status {
            panic!("{} dropped: {rule}: {message}", tx.name());
        }
        matches!(info.status, TxStatus::Executed { .. }).then_some(())
    })
    .await
}

/// A GET of one of the node's JSON endpoints: the status code and the body.
fn get_json(addr: std::net::SocketAddr, path: &str) -> (u16, serde_json::Value) {
    let (code, body) = http(addr, "GET", path, b"");
    (code, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

async fn quiet(client: &HttpClient) -> NetworkStatus {
    wait_for("every sealed block to be executed", async || {
        let s = client.status().await.unwrap();
        assert!(s.stage_errors.is_empty(), "a stage fails: {:?}", s.stage_errors);
        (s.mempool == 0 && s.pending_priority_ops == 0 && s.last_executed == s.last_sealed).then_some(s)
    })
    .await
}

#[test]
fn deposits_transactions_and_exits_reach_l1_and_survive_a_restart() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let chain = chain(&runtime);
    let on_chain = deploy_rollup(&chain.rpc);
    runtime.block_on(end_to_end(on_chain));
}

async fn end_to_end(on_chain: OnChain) {
    let OnChain { rpc, rollup, token, domain, l1, prover, deployed, verifier } = on_chain;
    let config = node_config(&domain, vec![token]);
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::open(dir.path(), config.clone()).unwrap();
    node.start_pipeline(Box::new(l1), Box::new(prover)).unwrap();
    let (addr, handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = HttpClientBuilder::default().build(format!("http://{addr}")).unwrap();
    // A wallet's view over WebSocket, from the start: every block, every L1 request.
    let ws = WsClientBuilder::default().build(format!("ws://{addr}")).await.expect("WebSocket");
    let (mut blocks, mut requests) = (ws.subscribe_blocks().await.unwrap(), ws.subscribe_priority_ops().await.unwrap());

    // On L1, each from its own key: user 0 (its deposit opens account 0, the fee account), users
    // 1 and 3 deposit; the priority requests' serial ids are their order here.
    let (u0, u1, u3) = (user(0), user(1), user(3));
    let mut priority = Vec::new();
    for (i, token_id, amount) in [(0, 0, 1_000_000u128), (1, 0, 800_000), (1, 1, 9_000), (3, 0, 50_000)] {
        let (to, rpc) = (user(i).address, rpc.clone());
        on_l1(move || match token_id {
            0 => wallet::deposit_eth(&rpc, &key(i), &rollup, &to, amount),
            _ => wallet::mint_test_token(&rpc, &key(i), &token, &to, amount)
                .and_then(|()| wallet::deposit_erc20(&rpc, &key(i), &rollup, (1, &token), &to, amount)),
        })
        .await
        .expect("a deposit on L1");
        priority.push(PriorityOp::Deposit(DepositRequest { from: to, to, token: token_id, amount }));
    }
    let id_of = async |c: &HttpClient, a: &Address| {
        c.get_account(AccountRef::Address(a.to_string())).await.unwrap().map(|i| i.id)
    };
    let ids = wait_for("the deposits' accounts", async || {
        let mut out = Vec::new();
        for u in [&u0, &u1, &u3] {
            out.push(id_of(&client, &u.address).await?);
        }
        Some(out)
    })
    .await;
    let (a0, a1) = (ids[0], ids[1]);
    assert_eq!(a0, zkrollup_node_tests::FEE_ACCOUNT);

    // Keys: user 0 by an on-chain fact, user 1 by an EIP-191 signature of its L1 key.
    let (pkh, fact_rpc) = (u0.pubkey_hash, rpc.clone());
    on_l1(move || wallet::set_auth_pubkey_hash(&fact_rpc, &key(0), &rollup, &pkh, 0)).await.expect("the fact is set");
    let mut sent = vec![
        testkit::change_pubkey(&u0, a0, 0, 0, 0, ChangePubKeyAuth::Onchain),
        zkrollup_node_tests::change_pubkey(&domain, &u1, a1),
    ];
    // The on-chain fact counts once the node's watcher has seen it.
    for tx in &sent {
        wait_for("the ChangePubKey to be accepted", async || match client.submit_tx(convert::tx(tx)).await {
            Ok(_) => Some(()),
            Err(e) if e.to_string().contains("l1.change_pubkey_unauthorised") => None,
            Err(e) => panic!("ChangePubKey refused: {e}"),
        })
        .await;
    }
    // Transactions are checked against the state the sealed blocks made: the keys first.
    for tx in &sent {
        let hash = convert::hex_of(&tx.hash());
        wait_for("the keys to be in a block", async || {
            let status = client.get_tx(hash.clone()).await.unwrap().expect("accepted").status;
            (status != TxStatus::Queued).then_some(())
        })
        .await;
    }
    // Transfers to an existing and to a new account, a batch, a forced exit and a withdrawal.
    let fresh = user(60).address;
    let singles = vec![
        testkit::transfer(&u0, a0, u1.address, 0, 10_000, 2_000, 1),
        testkit::transfer(&u0, a0, fresh, 0, 20_000, 5_000, 2),
        testkit::forced_exit(&u0, a0, u3.address, 0, 6_000, 3),
    ];
    for tx in &singles {
        client.submit_tx(convert::tx(tx)).await.expect("accepted");
    }
    sent.extend(singles);
    let batch = vec![
        testkit::transfer(&u1, a1, u0.address, 1, 4_000, 0, 1),
        testkit::withdraw(&u1, a1, u1.address, 0, 100_000, 6_000, 2),
    ];
    client.submit_batch(batch.iter().map(convert::tx).collect()).await.expect("batch accepted");
    let mut withdrawal = ws.subscribe_tx(convert::hex_of(&batch[1].hash())).await.unwrap();
    sent.extend(batch);
    for tx in &sent {
        executed(&client, tx).await;
    }
    // Then a full exit of what the batch left of user 1's token 1, requested on L1.
    let exit_rpc = rpc.clone();
    on_l1(move || wallet::request_full_exit(&exit_rpc, &key(1), &rollup, a1, 1)).await.expect("full exit requested");
    priority.push(PriorityOp::FullExit(FullExitRequest { account_id: a1, owner: u1.address, token: 1 }));
    wait_for("the full exit to be executed", async || {
        let op = client.get_priority_op(4).await.unwrap()?;
        (op.stage == Some(zkrollup_api::BlockStage::Executed)).then_some(())
    })
    .await;
    let status = quiet(&client).await;
    let spec = replay_on_spec(&client, &priority, &sent).await;
    assert_accounts_match(&client, &spec).await;
    for (id, _) in spec.accounts() {
        let info = client.get_account(AccountRef::Id(id)).await.unwrap().unwrap();
        assert_eq!(info.verified.as_ref(), Some(&info.committed), "account {id}: every block is executed");
    }

    // What the subscriptions saw: each block at each stage, in order, each stage reached by the
    // blocks in their order; each request read, then at each stage of its block; the withdrawal
    // from its receipt (or its block, sealed at once) to executed.
    let n = status.last_sealed;
    let mut reached = vec![Vec::new(); n as usize + 1];
    for i in 0..4 * n {
        let b = notification(&mut blocks).await;
        let stage = b.stage;
        assert_eq!(
            BlockInfo { stage: BlockStage::Executed, ..b.clone() },
            client.get_block(b.number).await.unwrap().unwrap()
        );
        reached[b.number as usize].push(stage);
        let earlier = reached[..b.number as usize].iter().skip(1);
        assert!(
            earlier.clone().all(|r| r.contains(&stage)),
            "notification {i}: block {} {stage:?} before an earlier block",
            b.number
        );
    }
    let stages = [BlockStage::Sealed, BlockStage::Committed, BlockStage::Proven, BlockStage::Executed];
    assert!(reached[1..].iter().all(|r| r == &stages), "{reached:?}");
    let mut seen = vec![Vec::new(); priority.len()];
    for _ in 0..5 * priority.len() {
        let info = notification(&mut requests).await;
        seen[info.serial_id as usize].push(info);
    }
    for (serial_id, got) in seen.into_iter().enumerate() {
        let op = client.get_priority_op(serial_id as u64).await.unwrap().unwrap();
        let mut want = vec![PriorityOpInfo { block: None, stage: None, ..op.clone() }];
        want.extend(stages.map(|s| PriorityOpInfo { stage: Some(s), ..op.clone() }));
        assert_eq!(got, want, "request {serial_id}");
    }
    let mut followed = Vec::new();
    while followed.last().is_none_or(|s| !matches!(s, TxStatus::Executed { .. })) {
        followed.push(notification(&mut withdrawal).await.status);
    }
    let block = followed
        .last()
        .and_then(|s| match s {
            TxStatus::Executed { block } => Some(*block),
            _ => None,
        })
        .unwrap();
    let all = [
        TxStatus::Queued,
        TxStatus::InBlock { block },
        TxStatus::Committed { block },
        TxStatus::Proven { block },
        TxStatus::Executed { block },
    ];
    // From whatever it was when subscribed (the withdrawal seals its block at once), each stage.
    assert!(all.ends_with(&followed), "{followed:?}");

    // What the node counts and says of its health, as Prometheus and a load balancer read them
    // beside the API, against what this test sent and saw: each receipt, each block proven once
    // and sent to L1 at each stage (at least once: a call may be retried), nothing waiting.
    let store_size = || std::fs::metadata(dir.path().join("node.redb")).unwrap().len() as f64;
    let before = store_size();
    let (code, scrape) = http(addr, "GET", "/metrics", b"");
    let after = store_size(); // a write (the watcher's cursor) may land between the two
    assert_eq!(code, 200, "{scrape}");
    assert_eq!(metric(&scrape, "zkrollup_receipts_total"), sent.len() as f64);
    assert_eq!(metric(&scrape, "zkrollup_proof_seconds_count"), n as f64);
    for call in ["commit", "prove", "execute"] {
        let calls = metric(&scrape, &format!("zkrollup_l1_call_seconds_count{{call=\"{call}\"}}"));
        assert!(calls >= n as f64, "{call}: {calls} calls for {n} blocks");
    }
    for stage in ["sealed", "proven_off_chain", "committed", "proven", "executed"] {
        assert_eq!(metric(&scrape, &format!("zkrollup_last_block{{stage=\"{stage}\"}}")), n as f64, "{stage}");
    }
    assert_eq!(metric(&scrape, "zkrollup_mempool_transactions"), 0.0);
    assert_eq!(metric(&scrape, "zkrollup_l1_transactions_in_flight"), 0.0);
    let store_bytes = metric(&scrape, "zkrollup_store_bytes");
    assert!(store_bytes == before || store_bytes == after, "{store_bytes}: the file had {before}, then {after}");
    assert_eq!(get_json(addr, "/health/ready"), (200, serde_json::json!({ "ready": true, "failing": [] })));
    assert_eq!(get_json(addr, "/health/live"), (200, serde_json::json!({ "live": true })));

    // The contract agrees: every block executed, its last stored root the spec's, and what it
    // holds the L2 balances plus what it owes (pending balances of the withdrawal, the forced
    // exit and the full exit).
    let stored_root = client.get_block(n).await.unwrap().unwrap().new_root;
    assert_eq!(stored_root, convert::fr_dec(&spec.root()));
    let (l2, users) = ([spec.total_balance(0), spec.total_balance(1)], [u1.address, u3.address]);
    let audit_rpc = rpc.clone();
    let (blocks, held, pending) = on_l1(move || {
        let held = [None, Some(&token)].map(|t| wallet::balance_of(&rpc, &rollup, t).unwrap());
        let pending = users.map(|u| [0, 1].map(|t| wallet::pending_balance(&rpc, &rollup, &u, t).unwrap()));
        (wallet::blocks(&rpc, &rollup).unwrap(), held, pending)
    })
    .await;
    assert_eq!(blocks, (n, n, n));
    for token in 0..2 {
        let owed: u128 = pending.iter().map(|p| p[token]).sum();
        assert_eq!(held[token], alloy_primitives::U256::from(l2[token] + owed), "token {token}: held = L2 + pending");
    }
    assert_eq!(pending[0][0], 100_000, "the withdrawal is payable");
    assert_eq!(pending[1][0], 50_000, "the forced exit paid the keyless account's balance");
    assert_eq!(pending[0][1], 5_000, "the full exit paid what the batch left");

    // Every transaction the rollup received (the wallets' deposits, fact and full-exit request,
    // the node's commits, proofs and executions) replayed from the chain alone on the spec's
    // L1, proofs checked by arkworks: the same verdicts and the same logs, and the spec's L1
    // ends holding what the contract holds.
    let (audit, skewed) = on_l1(move || {
        let config = &deployed.config;
        let audit = audit(&audit_rpc, &rollup, config, deployed.block, &verifier).unwrap();
        // The audit can fail: against a spec whose validator is someone else, each of the
        // node's calls is one the chain accepted and the spec refuses.
        let skewed = L1Config { validators: vec![user(9).address], ..config.clone() };
        (audit, self::audit(&audit_rpc, &rollup, &skewed, deployed.block, &verifier).unwrap())
    })
    .await;
    assert_eq!(audit.mismatches, Vec::<String>::new());
    let refused = |m: &String| m.contains("(commitBlock, L1 block") && m.contains("l1.not_validator");
    assert!(skewed.mismatches.iter().any(refused), "{:?}", skewed.mismatches);
    let accepted = |f: &str| audit.calls.get(f).map_or(0, |c| c.0);
    for (f, times) in [("depositETH", 3), ("depositERC20", 1), ("setAuthPubkeyHash", 1), ("requestFullExit", 1)] {
        assert_eq!(accepted(f), times, "{f}: {:?}", audit.calls);
    }
    for f in ["commitBlock", "proveBlock", "executeBlock"] {
        assert_eq!(accepted(f), n as usize, "{f}: {:?}", audit.calls);
    }
    let spec_l1 = &audit.spec;
    assert_eq!((spec_l1.blocks_committed, spec_l1.blocks_proven, spec_l1.blocks_executed), (n, n, n));
    assert_eq!(spec_l1.last_executed().state_root, spec.root(), "the audited L1's root is the node's");
    for (token, held) in held.iter().enumerate() {
        assert_eq!(alloy_primitives::U256::from(spec_l1.held[&(token as u16)]), *held, "token {token} held");
    }
    for (u, p) in users.iter().zip(&pending) {
        assert_eq!([0, 1].map(|t| spec_l1.pending_balance(u, t)), *p, "{u}: pending balances");
    }
    // And the L2 state, restored from the blocks' calldata alone, is the one the node built.
    assert_eq!(audit.executed_state().unwrap(), spec, "the state restored from L1");

    // A restart from the store answers the same.
    let views = |spec: &State| spec.accounts().map(|(id, _)| id).collect::<Vec<_>>();
    let mut before = Vec::new();
    for id in views(&spec) {
        before.push(client.get_account(AccountRef::Id(id)).await.unwrap());
    }
    handle.stop().unwrap();
    handle.stopped().await; // the server lets go of the store
    node.shutdown();
    let node = zkrollup_node_tests::open_node(dir.path(), config).await;
    let (addr, _handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = HttpClientBuilder::default().build(format!("http://{addr}")).unwrap();
    assert_eq!(client.status().await.unwrap(), status);
    for (id, b) in views(&spec).into_iter().zip(before) {
        assert_eq!(client.get_account(AccountRef::Id(id)).await.unwrap(), b, "account {id} after the restart");
    }
}

/// The contract refusing a call by one of its rules halts the sender (the same call would be
/// refused again), and the status says why: here the node sends as an address that is not a
/// validator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_the_contract_refuses_halts_the_sender() {
    use zkrollup_node::l1::L1;
    let dev = zkrollup_node::dev::deploy(
        &std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys"),
        CHUNKS,
        &SpecRollup::config(user(0).address),
        unix_now(),
    )
    .unwrap();
    let (chain, config, prover) = (dev.chain, node_config(&TEST_DOMAIN, dev.config.tokens.clone()), dev.prover);
    let l1 = EmbeddedL1::new(chain.clone(), user(5).address, dev.l1.genesis());
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::open(dir.path(), config).unwrap();
    node.start_pipeline(Box::new(l1), Box::new(prover)).unwrap();
    let (addr, handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = HttpClientBuilder::default().build(format!("http://{addr}")).unwrap();

    let a = user(1).address;
    chain.with(move |c| c.deposit(&a, &a, 0, 1_000)).unwrap().expect("deposit on L1");
    let errors = wait_for("the sender to fail", async || {
        let s = client.status().await.unwrap();
        (!s.stage_errors.is_empty()).then_some(s.stage_errors)
    })
    .await;
    assert_eq!(
        errors,
        ["l1 sender: halted: committing block 1: the contract refused it: l1.not_validator (a restart of the node \
          tries again)"]
    );
    assert_eq!(client.status().await.unwrap().last_committed, 0);
    // Not ready while a stage has halted (a load balancer stops sending to it), yet alive; the
    // metrics say which stage fails, and the commit was tried.
    let ready = serde_json::json!({ "ready": false, "halted": errors, "failing": errors });
    assert_eq!(get_json(addr, "/health/ready"), (503, ready));
    assert_eq!(get_json(addr, "/health/live"), (200, serde_json::json!({ "live": true })));
    let (_, scrape) = http(addr, "GET", "/metrics", b"");
    assert_eq!(metric(&scrape, r#"zkrollup_stage_failing{stage="l1_sender"}"#), 1.0);
    assert_eq!(metric(&scrape, r#"zkrollup_stage_failing{stage="l1_watcher"}"#), 0.0);
    assert!(metric(&scrape, r#"zkrollup_l1_call_seconds_count{call="commit"}"#) >= 1.0);
    handle.stop().unwrap();
    handle.stopped().await; // the server lets go of the store
    node.shutdown();
}
