//! The kill tests (issue 30): the node in a process of its own, on an L1 in another, killed as
//! by `kill -9` (an abort at a named kill point, `ZKROLLUP_KILL_AT`, or SIGKILL from the test)
//! and started again on its store; after every death, nothing a receipt promised is lost or
//! done twice, on the rollup or on L1. Every run is bounded in time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use zkrollup_conformance::wire::convert;
use zkrollup_spec::tx::Tx;

use crate::support::*;

/// Starts the node (`node`) killed at each of `points` in turn (each run must die), then
/// without a kill point, and waits for block 1 (a deposit waiting on L1 made it) to be
/// executed: the chain must hold exactly one successful call of each kind for it.
fn resumes_after_kills(
    node: &dyn Fn(Option<&str>) -> Serving,
    url: &str,
    rollup: &str,
    from_block: &str,
    points: &[&str],
) {
    use zkrollup_api::{HttpClientBuilder, RollupApiClient};
    use zkrollup_node::l1::json_rpc::JsonRpcConfig;
    use zkrollup_node::l1::wallet::rollup_calls;
    for point in points {
        let status = node(Some(point)).ended();
        assert!(!status.success(), "killed at {point}: {status:?}");
    }
    let mut node = node(None);
    let client = HttpClientBuilder::default().build(node.after("listening on ")).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    loop {
        let s = runtime.block_on(client.status()).unwrap();
        assert!(s.stage_errors.is_empty(), "a stage of the node fails: {:?}", s.stage_errors);
        if s.last_executed >= 1 && s.last_executed == s.last_sealed {
            break;
        }
        assert!(started.elapsed() < HANG_GUARD, "block 1 is not executed: {s:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (rpc, rollup) = (JsonRpcConfig::dev(url), rollup.parse().unwrap());
    let calls = rollup_calls(&rpc, &rollup, from_block.parse().unwrap()).unwrap();
    let sent: Vec<(&str, bool)> = calls.iter().filter(|c| c.0.ends_with("Block")).map(|c| (c.0, c.1)).collect();
    assert_eq!(sent, [("commitBlock", true), ("proveBlock", true), ("executeBlock", true)], "{calls:?}");
}

/// The node killed at each step of its L1 sender on anvil, mining a block every 2 s, so that a
/// transaction sent before the kill may still wait in its pool when the node starts again (on
/// `zkrollup l1`, which mines each transaction at once, the kill test covers the same points):
/// with a transaction recorded but not sent, sent but not mined, and mined but its block's
/// stage not recorded. The node deploys the rollup on its first run, which dies at its first
/// transaction to it. The block still gets committed, proven and executed, and the chain holds
/// exactly one successful call of each kind for it: nothing sent twice, nothing reverted.
#[test]
fn on_anvil_the_node_killed_at_each_step_of_its_l1_sender_resumes_without_a_second_transaction() {
    use zkrollup_node::anvil::{Anvil, DEV_KEYS};
    use zkrollup_node::l1::json_rpc::{address_of, JsonRpcConfig};
    use zkrollup_node::l1::wallet::deposit_eth;

    let Some(anvil) = Anvil::start_for_test(&["--block-time", "2"]) else { return };
    let (_dir, keys, data) = process_setup();
    let mut first = node_process(&["--l1-url", &anvil.url], [&keys, &data], Some("l1.recorded"));
    let (rollup, from_block) = (first.after("--rollup "), first.after("--l1-from-block "));
    let operator = address_of(DEV_KEYS[0]).unwrap();
    deposit_eth(&JsonRpcConfig::dev(&anvil.url), DEV_KEYS[1], &rollup.parse().unwrap(), &operator, 1_000).unwrap();
    assert!(!first.ended().success(), "killed at l1.recorded");
    let l1 = ["--l1-url", &anvil.url, "--rollup", &rollup, "--l1-from-block", &from_block];
    let node = |kill_at: Option<&str>| node_process(&l1, [&keys, &data], kill_at);
    resumes_after_kills(&node, &anvil.url, &rollup, &from_block, &["l1.sent", "l1.settled"]);
}

/// How the node dies in one of its lives.
#[derive(Clone, Debug)]
enum Death {
    /// At a kill point (`ZKROLLUP_KILL_AT`, `NAME` or `NAME:N`).
    At(String),
    /// SIGKILL from this test as soon as a receipt reached the wallet: after the node replied.
    AfterReceipt,
    /// SIGKILL after a delay, wherever the node then is.
    After(Duration),
    /// SIGTERM as soon as a receipt reached the wallet: the node stops gracefully (finishing or
    /// abandoning the step in flight of each stage) and exits with success.
    Terminated,
}

impl Death {
    /// The kill point's name without its count, or how the test killed it.
    fn name(&self) -> String {
        match self {
            Death::At(p) => p.split(':').next().unwrap_or(p).to_string(),
            Death::AfterReceipt => "SIGKILL after a receipt".into(),
            Death::After(_) => "SIGKILL at a random instant".into(),
            Death::Terminated => "SIGTERM after a receipt".into(),
        }
    }
}

/// The deaths of the kill test: each stage's kill point, a write of the store cut before its
/// commit (a different write each round), SIGKILL right after a receipt and at a random
/// instant, and a graceful stop (SIGTERM) under load; `ZKROLLUP_KILL_ROUNDS` rounds (1 by
/// default, the CI sample: each death once, 11 lives and 13 blocks proven, about 95 s alone;
/// `.ci/full` runs 3).
fn deaths() -> Vec<Death> {
    const POINTS: [&str; 7] =
        ["accept.durable", "seal.durable", "prover.witnessed", "prover.proved", "l1.recorded", "l1.sent", "l1.settled"];
    let rounds: u64 =
        std::env::var("ZKROLLUP_KILL_ROUNDS").map_or(1, |v| v.parse().expect("ZKROLLUP_KILL_ROUNDS: a count"));
    // A random instant from the clock's nanoseconds: no two runs kill at the same moment.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    let mut deaths = vec![];
    for round in 0..rounds {
        deaths.extend(POINTS.iter().map(|p| Death::At(p.to_string())));
        deaths.push(Death::At(format!("store.write:{}", 1 + 4 * round)));
        deaths.push(Death::AfterReceipt);
        deaths.push(Death::After(Duration::from_millis((nanos >> (8 * round)) % 3_000)));
        deaths.push(Death::Terminated);
    }
    deaths
}

/// Sends `submission` (one transaction, or several as an atomic batch): whether the node took
/// it (false: it died first). A refusal fails the test.
fn submit(runtime: &tokio::runtime::Runtime, client: &zkrollup_api::HttpClient, submission: &[Tx]) -> bool {
    use jsonrpsee::core::client::Error as ClientError;
    use zkrollup_api::RollupApiClient;
    let answer = match submission {
        [tx] => runtime.block_on(client.submit_tx(convert::tx(tx))).map(|_| ()),
        batch => runtime.block_on(client.submit_batch(batch.iter().map(convert::tx).collect())).map(|_| ()),
    };
    match answer {
        Ok(()) => true,
        Err(ClientError::Call(e)) => panic!("the node refused {}: {e}", hash(&submission[0])),
        Err(_) => false,
    }
}

/// What a wallet does with `submission`, sent to a node that died before answering, once a node
/// is back: looks its first transaction up by hash (a batch is accepted whole or not at all) and
/// sends it again only if the node does not know it. Whether the node has it now (false: it
/// died first).
fn resend_if_unknown(runtime: &tokio::runtime::Runtime, client: &zkrollup_api::HttpClient, submission: &[Tx]) -> bool {
    use zkrollup_api::RollupApiClient;
    match runtime.block_on(client.get_tx(hash(&submission[0]))) {
        Ok(Some(_)) => true,
        Ok(None) => submit(runtime, client, submission),
        Err(_) => false,
    }
}

fn hash(tx: &Tx) -> String {
    convert::hex_of(&tx.hash())
}

/// What the wallets send when the kill test needs its `i`-th submission (i ≥ 1; the 0th is the
/// ChangePubKey): user 0's transactions, one at a time or as a batch, and on some, a request on L1
/// first. Each fits one 8-chunk block once user 1 has an account, so that the load costs no
/// more blocks (proofs) than the deaths do: a batch of two transfers (4 chunks; 7 with the
/// transfer that opens user 1's account), a withdrawal (6), or a deposit to user 1 or user 1's
/// full exit (6) beside a transfer (2). (The node sizes a batch on the sealed state, where user
/// 1 may have no account yet: a batch with a withdrawal could need 11 chunks, and be refused.)
fn load(i: usize) -> (Option<L1Request>, &'static [Kind]) {
    match i % 4 {
        1 => (None, &[Kind::Transfer, Kind::Transfer]),
        2 => (None, &[Kind::Withdraw]),
        3 => (Some(L1Request::Deposit), &[Kind::Transfer]),
        _ => (Some(L1Request::FullExit), &[Kind::Transfer]),
    }
}

#[derive(Clone, Copy, Debug)]
enum L1Request {
    /// ETH deposited on L1 to user 1 (by dev key 1).
    Deposit,
    /// User 1's full exit of ETH, requested on L1 with its own key.
    FullExit,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// 1,000 wei from user 0 to user 1 (the first opens user 1's account, unless a deposit has).
    Transfer,
    /// 5,000 wei from user 0 to its own L1 address.
    Withdraw,
}

/// The L1 of a kill test under load.
#[derive(Clone, Copy, Debug)]
enum Chain {
    /// `zkrollup l1`, the development chain in a process of its own, mining each transaction.
    Development,
    /// anvil, mining a block every second.
    Anvil,
}

/// The kill test on the development chain: one round of deaths, each point once (`.ci/full`:
/// three).
#[test]
fn under_load_the_node_killed_at_every_stage_loses_and_repeats_nothing() {
    killed_under_load(Chain::Development);
}

/// The kill test on anvil, mining a block every second, so that the node's L1 transactions
/// wait in a pool when it dies. Left to `.ci/full` (three rounds): CI runs the development
/// chain's round and anvil's L1 sender points.
#[test]
#[ignore = "the kill test on anvil: .ci/full runs it"]
fn on_anvil_under_load_the_node_killed_at_every_stage_loses_and_repeats_nothing() {
    killed_under_load(Chain::Anvil);
}

/// The kill test. The node runs on `chain`; this test is its wallets: user 0 (whose
/// deposit opened account 0, the fee account) sends a ChangePubKey, then in each life of the
/// node one submission of [`load`] (transfers, withdrawals, batches; deposits to user 1 and its
/// full exits on L1), while the node is killed at each of [`deaths`] in turn and started again
/// on its store. The wallet does what a wallet does when its node vanishes: a submission left
/// without an answer is looked up by its hash on the restarted node and sent again only if the
/// node does not know it. After a last life without a kill, when every transaction and every
/// request on L1 is executed: each transaction is in exactly one block and the blocks hold
/// nothing else; the spec's replay of the blocks (with the L1 requests in their order) gives
/// the node's roots and accounts; the contract committed each block once, with the node's root,
/// and every commit, proof and execution on the chain succeeded, one of each per block; and the
/// ETH the contract holds is the L2 balances' sum and what it owes on L1 (the withdrawals and
/// full exits).
fn killed_under_load(chain: Chain) {
    use zkrollup_api::{AccountRef, HttpClientBuilder, RollupApiClient, TxInfo, TxStatus};
    use zkrollup_node::anvil::{Anvil, DEV_KEYS};
    use zkrollup_node::l1::json_rpc::{address_of, chain_id, JsonRpcConfig};
    use zkrollup_node::l1::wallet::{self, balance_of, blocks, committed_blocks, deposit_eth, rollup_calls};
    use zkrollup_node_tests::{assert_accounts_match, replay_on_spec};
    use zkrollup_spec::testkit::{self, user};
    use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
    use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, L1Domain};
    use zkrollup_spec::tx::ChangePubKeyAuth;
    const FEE: u128 = 10_000; // above the default price of every kind (1,000 a chunk)
    const DEPOSIT: u128 = 3_000_000;

    let (_dir, keys, data) = process_setup();
    // What keeps the chain up, its URL, and the rollup's address and block on it.
    let (_up, url, rollup, from_block): (Box<dyn std::any::Any>, _, _, _) = match chain {
        Chain::Development => {
            let (l1, url, rollup, from_block, _) = l1_process(&keys);
            (Box::new(l1), url, rollup, from_block)
        }
        Chain::Anvil => {
            let Some(anvil) = Anvil::start_for_test(&["--block-time", "1"]) else { return };
            // The node deploys the rollup in a first life, which this test ends once it has.
            let mut deployer = node_process(&["--l1-url", &anvil.url], [&keys, &data], None);
            let (rollup, from_block) = (deployer.after("--rollup "), deployer.after("--l1-from-block "));
            deployer.after("listening on ");
            deployer.kill();
            let url = anvil.url.clone();
            (Box::new(anvil), url, rollup, from_block)
        }
    };
    let l1 = ["--l1-url", &url, "--rollup", &rollup, "--l1-from-block", &from_block];
    let (rpc, rollup, from_block) = (JsonRpcConfig::dev(&url), rollup.parse().unwrap(), from_block.parse().unwrap());
    let (u0, u1) = (user(0), user(1));
    let u1_key = zkrollup_node_tests::user_l1_key(1);
    let from = address_of(DEV_KEYS[1]).unwrap();
    deposit_eth(&rpc, DEV_KEYS[1], &rollup, &u0.address, 1_000_000_000).unwrap();
    let mut priority =
        vec![PriorityOp::Deposit(DepositRequest { from, to: u0.address, token: 0, amount: 1_000_000_000 })];
    wallet::send_eth(&rpc, DEV_KEYS[1], &u1.address, 10u128.pow(18)).unwrap(); // user 1's gas
    let domain = L1Domain { chain_id: chain_id(&rpc).unwrap(), contract: rollup };
    let sig = u0.l1.personal_sign(&eip191_change_pubkey_message(&domain, &u0.pubkey_hash, 0, 0));
    let mut submissions = vec![vec![testkit::change_pubkey(&u0, 0, 0, FEE, 0, ChangePubKeyAuth::Eip191(sig))]];
    let mut nonce = 1; // user 0's next
    let mut next = 0; // the next of `submissions` to send for the first time

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut unanswered: Option<Vec<Tx>> = None;
    let mut survived: BTreeMap<String, usize> = BTreeMap::new();
    let deaths = deaths();
    for death in &deaths {
        let kill_at = match death {
            Death::At(point) => Some(point.as_str()),
            _ => None,
        };
        let mut node = node_process(&l1, [&keys, &data], kill_at);
        let api = node.try_after("listening on ");
        let mut alive = api.is_some();
        let client = api.map(|api| HttpClientBuilder::default().build(api).unwrap());
        // Whether `tx` is in a block (waiting while it is queued); false if the node died.
        let in_a_block = |tx: &Tx| loop {
            let Some(c) = &client else { return false };
            match runtime.block_on(c.get_tx(hash(tx))) {
                Ok(Some(TxInfo { status: TxStatus::Queued, .. })) => std::thread::sleep(Duration::from_millis(50)),
                Ok(Some(TxInfo { status: TxStatus::Dropped { .. }, .. }) | None) => {
                    panic!("{} was dropped or lost", hash(tx))
                }
                Ok(Some(_)) => return true,
                Err(_) => return false,
            }
        };
        // The wallet's account (its deposit, read from L1) must be known before it sends.
        while let Some(c) = client.as_ref().filter(|_| alive) {
            match runtime.block_on(c.get_account(AccountRef::Id(0))) {
                Ok(Some(_)) => break,
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => alive = false,
            }
        }
        if let Some(c) = client.as_ref().filter(|_| alive && unanswered.is_some()) {
            let submission = unanswered.take().expect("filtered");
            if !resend_if_unknown(&runtime, c, &submission) {
                (unanswered, alive) = (Some(submission), false);
            }
        }
        // One submission a life: the node checks a signature against the sealed state's key,
        // so the first after the ChangePubKey waits for it to be in a block.
        if alive && (next != 1 || in_a_block(&submissions[0][0])) {
            if next == submissions.len() {
                let (request, kinds) = load(next);
                match request {
                    Some(L1Request::Deposit) => {
                        deposit_eth(&rpc, DEV_KEYS[1], &rollup, &u1.address, DEPOSIT).unwrap();
                        let to = u1.address;
                        priority.push(PriorityOp::Deposit(DepositRequest { from, to, token: 0, amount: DEPOSIT }));
                    }
                    Some(L1Request::FullExit) => {
                        wallet::request_full_exit(&rpc, &u1_key, &rollup, 1, 0).unwrap();
                        priority.push(PriorityOp::FullExit(FullExitRequest {
                            account_id: 1,
                            owner: u1.address,
                            token: 0,
                        }));
                    }
                    None => {}
                }
                let mut submission = vec![];
                for kind in kinds {
                    submission.push(match kind {
                        Kind::Transfer => testkit::transfer(&u0, 0, u1.address, 0, 1_000, FEE, nonce),
                        Kind::Withdraw => testkit::withdraw(&u0, 0, u0.address, 0, 5_000, FEE, nonce),
                    });
                    nonce += 1;
                }
                submissions.push(submission);
            }
            let submission = submissions[next].clone();
            next += 1;
            if !client.as_ref().is_some_and(|c| submit(&runtime, c, &submission)) {
                (unanswered, alive) = (Some(submission), false);
            }
        } else {
            alive = false;
        }
        match death {
            Death::At(_) => {}
            Death::AfterReceipt | Death::Terminated => assert!(alive, "the node died before its receipt"),
            Death::After(delay) => std::thread::sleep(*delay),
        }
        // A kill point ends the node by itself; the test kills or stops it otherwise (unless it
        // died). Only SIGTERM is a graceful stop, said so and ending with success.
        let status = match death {
            Death::Terminated => node.terminate(),
            Death::At(_) => node.ended(),
            _ if node.has_ended() => node.ended(),
            _ => node.kill(),
        };
        let graceful = matches!(death, Death::Terminated);
        assert_eq!(status.success(), graceful, "the node was to die, or to stop if SIGTERM ({death:?}): {status:?}");
        if graceful {
            node.after("stopping:");
        }
        *survived.entry(death.name()).or_default() += 1;
    }
    eprintln!("kills survived on {chain:?}, by how the node died: {survived:?}");
    assert_eq!(survived.values().sum::<usize>(), deaths.len());

    // The last life: everything sent gets executed.
    let mut node = node_process(&l1, [&keys, &data], None);
    let client = HttpClientBuilder::default().build(node.after("listening on ")).unwrap();
    if let Some(submission) = unanswered.take() {
        assert!(resend_if_unknown(&runtime, &client, &submission), "the last life has {}", hash(&submission[0]));
    }
    let sent: Vec<Tx> = submissions.concat();
    let last_request = priority.len() as u64 - 1;
    // Bounded by progress rather than by time: three rounds leave ten blocks or more to prove.
    let (mut progress, mut since) = (None, Instant::now());
    let status = loop {
        let s = runtime.block_on(client.status()).unwrap();
        let now = Some((s.last_proven_off_chain, s.last_committed, s.last_proven, s.last_executed));
        if now != progress {
            (progress, since) = (now, Instant::now());
        }
        assert!(s.stage_errors.is_empty(), "a stage of the node fails: {:?}", s.stage_errors);
        let executed = |tx: &Tx| {
            let info = runtime.block_on(client.get_tx(hash(tx))).unwrap();
            matches!(info.map(|i| i.status), Some(TxStatus::Executed { .. }))
        };
        let requests_executed = runtime.block_on(client.get_priority_op(last_request)).unwrap().map(|op| op.stage)
            == Some(Some(zkrollup_api::BlockStage::Executed));
        if s.last_executed == s.last_sealed && requests_executed && sent.iter().all(executed) {
            break s;
        }
        assert!(since.elapsed() < HANG_GUARD, "no block moved on for {HANG_GUARD:?}: {s:?}");
        std::thread::sleep(Duration::from_millis(200));
    };

    let n = status.last_executed;
    let batches = submissions.iter().filter(|s| s.len() > 1).count();
    // The last request's serial id counts the requests after the first deposit.
    eprintln!("the load: {} transactions ({batches} batches), {last_request} requests on L1; {n} blocks", sent.len());
    let node_blocks: Vec<_> =
        (1..=n).map(|b| runtime.block_on(client.get_block(b)).unwrap().expect("sealed")).collect();
    let mut times_in_blocks: BTreeMap<&str, usize> = BTreeMap::new();
    for h in node_blocks.iter().flat_map(|b| &b.txs) {
        *times_in_blocks.entry(h).or_default() += 1;
    }
    let hashes: Vec<String> = sent.iter().map(hash).collect();
    let want: BTreeMap<&str, usize> = hashes.iter().map(|h| (h.as_str(), 1)).collect();
    assert_eq!(times_in_blocks, want, "every transaction sent, each in exactly one block");
    let requests_in_blocks: Vec<u64> = node_blocks.iter().flat_map(|b| b.priority_ops.iter().copied()).collect();
    assert_eq!(requests_in_blocks, (0..priority.len() as u64).collect::<Vec<_>>(), "each L1 request once, in order");
    let spec = runtime.block_on(replay_on_spec(&client, &priority, &sent));
    runtime.block_on(assert_accounts_match(&client, &spec));

    let stored = committed_blocks(&rpc, &rollup, from_block).unwrap();
    assert_eq!(
        stored.iter().map(|b| b.block_number).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>(),
        "each block committed once"
    );
    for (b, ours) in stored.iter().zip(&node_blocks) {
        assert_eq!(convert::fr_dec(&b.state_root), ours.new_root, "block {}: the contract's root", b.block_number);
    }
    assert_eq!(blocks(&rpc, &rollup).unwrap(), (n, n, n), "committed, proven, executed on L1");
    let calls = rollup_calls(&rpc, &rollup, from_block).unwrap();
    for kind in ["commitBlock", "proveBlock", "executeBlock"] {
        let of_kind: Vec<_> = calls.iter().filter(|c| c.0 == kind).collect();
        assert!(of_kind.len() == n as usize && of_kind.iter().all(|c| c.1), "{kind}: one success a block: {calls:?}");
    }
    let l2: u128 = spec.accounts().map(|(_, a)| a.balance(0)).sum();
    let owed: u128 =
        [u0.address, u1.address].iter().map(|a| wallet::pending_balance(&rpc, &rollup, a, 0).unwrap()).sum();
    assert!(owed > 0, "a withdrawal or a full exit was executed");
    assert_eq!(balance_of(&rpc, &rollup, None).unwrap().to::<u128>(), l2 + owed, "the ETH the contract holds");
}
