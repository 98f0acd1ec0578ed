//! The node end to end on the embedded L1: deposits (ETH and an ERC-20) and a full-exit request
//! made on the contract, then through the HTTP API alone ChangePubKey (on-chain fact and
//! EIP-191), transfers to an existing and a new account, an atomic batch, a withdrawal and a
//! forced exit; every block proven with the block circuit (8 chunks) and committed, proven and
//! executed on the Solidity contract. Each transaction is followed to "executed"; the node's
//! views are checked against the spec's replay of the same inputs, the contract's stored root
//! against the spec's, and value against the contract's real balances; then the node restarts
//! from its store and answers the same.

use std::time::{Duration, Instant};

use zkrollup_api::{AccountRef, NetworkStatus, RollupApiClient, TxStatus};
use zkrollup_api::{HttpClient, HttpClientBuilder};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_conformance::wire::convert;
use zkrollup_node::l1::{EmbeddedChain, EmbeddedL1};
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::sequencer::unix_now;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::{self, user, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

mod common;
use common::{assert_accounts_match, replay_on_spec};

const CHUNKS: usize = 8;
/// Everything a test waits for comes within this (proofs of 8-chunk blocks take seconds).
const PATIENCE: Duration = Duration::from_secs(300);

struct Rig {
    chain: EmbeddedChain,
    config: NodeConfig,
    l1: EmbeddedL1,
    prover: InProcessProver,
}

fn rig() -> Rig {
    let keys = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
    let dev = zkrollup_node::dev::deploy(&keys, CHUNKS, &SpecRollup::config(user(0).address), unix_now()).unwrap();
    let config = NodeConfig {
        block_chunks: CHUNKS,
        seal_timeout: Duration::from_secs(1),
        tokens: dev.config.tokens.clone(),
        fee_per_chunk: Default::default(), // fees are the API test's subject

        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    Rig { chain: dev.chain, config, l1: dev.l1, prover: dev.prover }
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

async fn quiet(client: &HttpClient) -> NetworkStatus {
    wait_for("every sealed block to be executed", async || {
        let s = client.status().await.unwrap();
        assert!(s.stage_errors.is_empty(), "a stage fails: {:?}", s.stage_errors);
        (s.mempool == 0 && s.pending_priority_ops == 0 && s.last_executed == s.last_sealed).then_some(s)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deposits_transactions_and_exits_reach_l1_and_survive_a_restart() {
    let Rig { chain, config, l1, prover } = rig();
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::open(dir.path(), config.clone()).unwrap();
    node.start_pipeline(Box::new(l1), Box::new(prover)).unwrap();
    let (addr, handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = HttpClientBuilder::default().build(format!("http://{addr}")).unwrap();

    // On L1: user 0 (the operator, so account 0 is the fee account), users 1 and 3 deposit; the
    // priority requests' serial ids are their order here.
    let (u0, u1, u3) = (user(0), user(1), user(3));
    let mut priority = Vec::new();
    for (u, token, amount) in [(&u0, 0, 1_000_000u128), (&u1, 0, 800_000), (&u1, 1, 9_000), (&u3, 0, 50_000)] {
        let a = u.address;
        chain.with(move |c| c.deposit(&a, &a, token, amount)).unwrap().expect("deposit on L1");
        priority.push(PriorityOp::Deposit(DepositRequest { from: u.address, to: u.address, token, amount }));
    }
    let id_of = async |c: &HttpClient, a: &zkrollup_spec::primitives::Address| {
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
    assert_eq!(a0, common::FEE_ACCOUNT);

    // Keys: user 0 by an on-chain fact, user 1 by an EIP-191 signature of its L1 key.
    let (a, pkh) = (u0.address, u0.pubkey_hash);
    chain.with(move |c| c.set_auth_pubkey_hash(&a, &pkh, 0)).unwrap().expect("the fact is set");
    let mut sent =
        vec![testkit::change_pubkey(&u0, a0, 0, 0, 0, ChangePubKeyAuth::Onchain), common::change_pubkey(&u1, a1)];
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
    sent.extend(batch);
    for tx in &sent {
        executed(&client, tx).await;
    }
    // Then a full exit of what the batch left of user 1's token 1, requested on L1.
    let owner = u1.address;
    chain.with(move |c| c.request_full_exit(&owner, a1, 1)).unwrap().expect("full exit requested");
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

    // The contract agrees: every block executed, its last stored root the spec's, and what it
    // holds the L2 balances plus what it owes (pending balances of the withdrawal, the forced
    // exit and the full exit).
    let n = status.last_sealed;
    let stored_root = client.get_block(n).await.unwrap().unwrap().new_root;
    assert_eq!(stored_root, convert::fr_dec(&spec.root()));
    let (l2, users) = ([spec.total_balance(0), spec.total_balance(1)], [u1.address, u3.address]);
    let (blocks, held, pending) = chain
        .with(move |c| {
            let held = [0, 1].map(|t| c.held(t));
            let pending = users.map(|u| [0, 1].map(|t| c.pending_balance(&u, t)));
            (c.blocks(), held, pending)
        })
        .unwrap();
    assert_eq!(blocks, (n, n, n));
    for token in 0..2 {
        let owed: u128 = pending.iter().map(|p| p[token]).sum();
        assert_eq!(held[token], alloy_primitives::U256::from(l2[token] + owed), "token {token}: held = L2 + pending");
    }
    assert_eq!(pending[0][0], 100_000, "the withdrawal is payable");
    assert_eq!(pending[1][0], 50_000, "the forced exit paid the keyless account's balance");
    assert_eq!(pending[0][1], 5_000, "the full exit paid what the batch left");

    // A restart from the store answers the same.
    let views = |spec: &State| spec.accounts().map(|(id, _)| id).collect::<Vec<_>>();
    let mut before = Vec::new();
    for id in views(&spec) {
        before.push(client.get_account(AccountRef::Id(id)).await.unwrap());
    }
    handle.stop().unwrap();
    handle.stopped().await; // the server lets go of the store
    node.shutdown();
    let node = Node::open(dir.path(), config).unwrap();
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
    let Rig { chain, config, l1, prover } = rig();
    let l1 = EmbeddedL1::new(chain.clone(), user(5).address, l1.genesis());
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
    handle.stop().unwrap();
    handle.stopped().await; // the server lets go of the store
    node.shutdown();
}
