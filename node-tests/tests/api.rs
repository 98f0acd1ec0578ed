//! The node through its HTTP API on loopback: transactions accepted durably, blocks sealed and
//! checked against the spec's own replay of the same inputs, a restart that resumes from the
//! store, and one test per kind of bad request.

use std::net::SocketAddr;
use std::time::Duration;

use jsonrpsee::core::client::{ClientT, Error as ClientError};
use jsonrpsee::rpc_params;
use serde_json::{json, Value};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};
use zkrollup_api::error::{data_of, FEE_TOO_LOW, INVALID_PARAMS, MEMPOOL_BOUND, RULE_BROKEN};
use zkrollup_api::{AccountRef, BlockStage, L1TxInFlight, PriorityOpInfo, RollupApiClient, TxStatus};
use zkrollup_api::{HttpClient, HttpClientBuilder};
use zkrollup_api::{Subscription, WsClientBuilder};
use zkrollup_conformance::wire::convert;
use zkrollup_node::store::StoreError;
use zkrollup_node::{Node, NodeConfig, NodeError};
use zkrollup_spec::testkit::{self, user, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, PriorityOp};
use zkrollup_spec::tx::auth::eip191_change_pubkey_message;
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

use zkrollup_node_tests::{assert_accounts_match, change_pubkey, metric, notification, replay_on_spec};

const OPERATOR: u32 = 9;

/// 8-chunk blocks, sealed when full or when the test asks; no fees asked (but in the fee test).
fn config() -> NodeConfig {
    NodeConfig {
        block_chunks: 8,
        seal_timeout: Duration::from_secs(3600),
        fee_per_chunk: Default::default(),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    }
}

async fn start(dir: &std::path::Path) -> (Node, HttpClient, SocketAddr, jsonrpsee::server::ServerHandle) {
    start_with(dir, config()).await
}

async fn start_with(
    dir: &std::path::Path,
    config: NodeConfig,
) -> (Node, HttpClient, SocketAddr, jsonrpsee::server::ServerHandle) {
    let node = zkrollup_node_tests::open_node(dir, config).await;
    let (addr, handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.expect("serves");
    let client =
        HttpClientBuilder::default().request_timeout(Duration::from_secs(30)).build(format!("http://{addr}")).unwrap();
    (node, client, addr, handle)
}

fn deposit(i: u32, token: u16, amount: u128) -> PriorityOp {
    let a = user(i).address;
    PriorityOp::Deposit(DepositRequest { from: a, to: a, token, amount })
}

/// Seals until nothing waits; the blocks sealed.
async fn seal_all(node: &Node) -> Vec<u32> {
    let mut out = Vec::new();
    while let Some(n) = node.seal().await.expect("seals") {
        out.push(n);
        assert!(out.len() < 100, "sealing does not converge");
    }
    out
}

fn call_error(e: ClientError) -> jsonrpsee::types::ErrorObjectOwned {
    match e {
        ClientError::Call(e) => e,
        e => panic!("expected a JSON-RPC error, got {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_through_the_api_agree_with_the_spec_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (node, client, _, handle) = start(dir.path()).await;

    // Deposits from L1 (the operator's fee account first), handed to the node by serial id.
    let priority =
        vec![deposit(OPERATOR, 0, 1), deposit(0, 0, 1_000_000), deposit(1, 0, 500_000), deposit(1, 1, 7_000)];
    for (serial, op) in priority.iter().enumerate() {
        assert!(node.priority(serial as u64, op.clone()).await.unwrap());
    }
    // The same serial id again is applied once.
    assert!(!node.priority(1, priority[1].clone()).await.unwrap());
    seal_all(&node).await;
    let op = client.get_priority_op(2).await.unwrap().expect("seen");
    assert!(op.block.is_some(), "deposit 2 is in a block");

    // Keys, then transfers to an existing and to a new account, a batch and a withdrawal.
    let (u0, u1) = (user(0), user(1));
    let mut sent: Vec<Tx> = Vec::new();
    for (u, id) in [(&u0, 1), (&u1, 2)] {
        let tx = change_pubkey(&TEST_DOMAIN, u, id);
        let r = client.submit_tx(convert::tx(&tx)).await.expect("ChangePubKey accepted");
        assert_eq!((r.account_id, r.nonce), (id, 0));
        assert_eq!(r.hash, convert::hex_of(&tx.hash()));
        sent.push(tx);
    }
    seal_all(&node).await;
    let to_new = user(50).address;
    let singles =
        [testkit::transfer(&u0, 1, u1.address, 0, 1_000, 10, 1), testkit::transfer(&u0, 1, to_new, 0, 2_000, 10, 2)];
    for tx in &singles {
        client.submit_tx(convert::tx(tx)).await.expect("transfer accepted");
        sent.push(tx.clone());
    }
    // Not enough waits to fill a block yet.
    let queued = client.get_tx(convert::hex_of(&singles[0].hash())).await.unwrap().unwrap();
    assert_eq!(queued.status, TxStatus::Queued);
    let batch = vec![
        testkit::transfer(&u1, 2, u0.address, 1, 300, 1, 1),
        testkit::withdraw(&u1, 2, u1.address, 0, 5_000, 10, 2),
    ];
    let receipts = client.submit_batch(batch.iter().map(convert::tx).collect()).await.expect("batch accepted");
    assert_eq!(receipts.len(), 2);
    sent.extend(batch);
    let info = client.get_account(AccountRef::Id(1)).await.unwrap().unwrap();
    assert_eq!(info.next_nonce, 3, "two queued transactions count towards the next nonce");
    seal_all(&node).await;
    for tx in &sent {
        let info = client.get_tx(convert::hex_of(&tx.hash())).await.unwrap().expect("accepted");
        assert!(matches!(info.status, TxStatus::InBlock { .. }), "{:?}", info.status);
    }
    let spec = replay_on_spec(&client, &priority, &sent).await;
    assert_accounts_match(&client, &spec).await;

    // One more transfer stays queued across the restart, and so does a batch whose second
    // transaction overdraws: the first would run alone, but the batch runs whole or not at all.
    let late = testkit::transfer(&u0, 1, u1.address, 0, 77, 10, 3);
    client.submit_tx(convert::tx(&late)).await.unwrap();
    sent.push(late.clone());
    let doomed = [
        testkit::transfer(&u1, 2, u0.address, 0, 1_000, 10, 3),
        testkit::transfer(&u1, 2, u0.address, 0, 10u128.pow(12), 10, 4),
    ];
    client
        .submit_batch(doomed.iter().map(convert::tx).collect())
        .await
        .expect("accepted: balances are checked in the block");
    let before = client.status().await.unwrap();
    handle.stop().unwrap();
    handle.stopped().await; // the server lets go of the store
    node.shutdown();

    let (node, client, _, _handle) = start(dir.path()).await;
    let after = client.status().await.unwrap();
    assert_eq!(after, before, "the restarted node resumes where it stopped");
    assert!(!node.priority(0, priority[0].clone()).await.unwrap(), "a served request is not applied again");
    let err = node.priority(priority.len() as u64 + 1, priority[0].clone()).await.unwrap_err();
    assert!(err.contains("arrived before"), "{err}");
    assert_eq!(client.get_tx(convert::hex_of(&late.hash())).await.unwrap().unwrap().status, TxStatus::Queued);
    assert_accounts_match(&client, &spec).await;
    seal_all(&node).await;
    // `sent` lacks the doomed batch: the replay fails if any part of it is in a block.
    let spec = replay_on_spec(&client, &priority, &sent).await;
    assert_accounts_match(&client, &spec).await;
    for tx in &doomed {
        let status = client.get_tx(convert::hex_of(&tx.hash())).await.unwrap().unwrap().status;
        assert!(
            matches!(&status, TxStatus::Dropped { rule, .. } if rule == "transfer.insufficient_balance"),
            "{status:?}"
        );
    }
    assert_eq!(client.version().await.unwrap().api, zkrollup_api::API_VERSION);
    let contracts = client.contracts().await.unwrap();
    assert_eq!((contracts.chain_id, contracts.rollup), (TEST_DOMAIN.chain_id, TEST_DOMAIN.contract.to_string()));
}

/// A raw HTTP/1.1 POST of `body`: the status code and the body.
fn post(addr: SocketAddr, body: &[u8]) -> (u16, String) {
    zkrollup_node_tests::http(addr, "POST", "/", body)
}

fn error_code(body: &str) -> i64 {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["error"]["code"].as_i64().unwrap_or_else(|| panic!("no error in {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_bad_request_gets_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let (node, client, addr, _handle) = start(dir.path()).await;
    for (serial, op) in [deposit(OPERATOR, 0, 1), deposit(0, 0, 1_000_000)].into_iter().enumerate() {
        node.priority(serial as u64, op).await.unwrap();
    }
    seal_all(&node).await;
    let u0 = user(0);
    // A ChangePubKey needs its owner's L1 authorisation: a fact on L1 the node has seen, or a
    // signature by the account's address.
    let onchain = testkit::change_pubkey(&u0, 1, 0, 0, 0, ChangePubKeyAuth::Onchain);
    let e = call_error(client.submit_tx(convert::tx(&onchain)).await.unwrap_err());
    assert_eq!(data_of(&e).and_then(|d| d.rule).as_deref(), Some("l1.change_pubkey_unauthorised"), "{e}");
    let mut stolen = change_pubkey(&TEST_DOMAIN, &user(5), 1);
    if let Tx::ChangePubKey(c) = &mut stolen {
        // user 5 signs as owner for its own key over account 1, which user 0 owns
        c.auth = ChangePubKeyAuth::Eip191(user(5).l1.personal_sign(&eip191_change_pubkey_message(
            &TEST_DOMAIN,
            &user(5).pubkey_hash,
            0,
            1,
        )));
    }
    let e = call_error(client.submit_tx(convert::tx(&stolen)).await.unwrap_err());
    assert_eq!(data_of(&e).and_then(|d| d.rule).as_deref(), Some("l1.change_pubkey_unauthorised"), "{e}");
    client.submit_tx(convert::tx(&change_pubkey(&TEST_DOMAIN, &u0, 1))).await.unwrap();
    seal_all(&node).await;
    let good = testkit::transfer(&u0, 1, user(1).address, 0, 100, 1, 1);

    // Not JSON; not JSON-RPC; an unknown method; a field of the wrong type.
    let (_, body) = post(addr, b"{\"jsonrpc\": \"2.0\", \"method\": ");
    assert_eq!(error_code(&body), -32700, "parse error");
    let (_, body) = post(addr, br#"{"jsonrpc":"2.0","id":1}"#);
    assert_eq!(error_code(&body), -32600, "invalid request");
    let (_, body) = post(addr, br#"{"jsonrpc":"2.0","id":1,"method":"zkr_noSuchMethod","params":[]}"#);
    assert_eq!(error_code(&body), -32601, "unknown method");
    // A field of the wrong type is named by its path, in a transaction and in a batch's, with
    // the parameter given by position or by name.
    let mut wrong = serde_json::to_value(convert::tx(&good)).unwrap();
    wrong["nonce"] = json!("one");
    let mut wrong_s = serde_json::to_value(convert::tx(&good)).unwrap();
    wrong_s["signature"]["s"] = json!(5);
    let ok = serde_json::to_value(convert::tx(&good)).unwrap();
    for (method, params, field) in [
        ("zkr_submitTx", json!([wrong]), "tx.nonce"),
        ("zkr_submitTx", json!({ "tx": wrong }), "tx.nonce"),
        ("zkr_submitBatch", json!([[ok, wrong_s]]), "txs[1].signature.s"),
        ("zkr_submitBatch", json!([ok]), "txs"),
        ("zkr_submitTx", json!([]), "tx"),
    ] {
        let req = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let (_, body) = post(addr, req.to_string().as_bytes());
        assert_eq!(error_code(&body), -32602, "wrong type: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["data"]["field"], json!(field), "{body}");
        assert!(v["error"]["message"].as_str().unwrap().starts_with(field), "{body}");
    }

    // A value that parses as JSON but not as a transaction names its field.
    let mut bad_point = convert::tx(&good);
    if let zkrollup_conformance::wire::TxJson::Transfer { signature, .. } = &mut bad_point {
        signature.s = "not a number".into();
    }
    let e = call_error(client.submit_tx(bad_point).await.unwrap_err());
    assert_eq!(e.code(), -32602);
    assert_eq!(data_of(&e).and_then(|d| d.field).as_deref(), Some("tx"));

    // An oversized body; a JSON-RPC batch longer than allowed; a submitBatch too long.
    let huge = vec![b' '; config().api.max_request_bytes as usize + 1];
    let (status, body) = post(addr, &huge);
    assert!(status == 413 || error_code(&body) == -32007, "oversized: {status} {body}");
    let calls: Vec<Value> = (0..=config().api.max_batch_calls)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "zkr_version"}))
        .collect();
    let (_, body) = post(addr, serde_json::to_string(&calls).unwrap().as_bytes());
    assert_eq!(error_code(&body), -32010, "batch too long: {body}");
    let too_many = vec![convert::tx(&good); config().api.max_batch_txs + 1];
    let e = call_error(client.submit_batch(too_many).await.unwrap_err());
    assert_eq!((e.code(), data_of(&e).and_then(|d| d.field)), (-32602, Some("txs".into())));

    // Protocol refusals carry the spec's rule id; mempool bounds name the bound.
    let rule_of = |e: ClientError| {
        let e = call_error(e);
        assert_eq!(e.code(), RULE_BROKEN, "{e}");
        data_of(&e).and_then(|d| d.rule).expect("a rule id")
    };
    let forged = testkit::transfer(&user(1), 1, user(1).address, 0, 100, 1, 1);
    assert_eq!(rule_of(client.submit_tx(convert::tx(&forged)).await.unwrap_err()), "tx.signer_not_account_key");
    let mut bad_sig = good.clone();
    if let Tx::Transfer(t) = &mut bad_sig {
        t.amount = testkit::amount(101);
    }
    assert_eq!(rule_of(client.submit_tx(convert::tx(&bad_sig)).await.unwrap_err()), "tx.bad_signature");
    let missing = testkit::transfer(&u0, 77, user(1).address, 0, 100, 1, 0);
    assert_eq!(rule_of(client.submit_tx(convert::tx(&missing)).await.unwrap_err()), "tx.account_missing");
    let used = testkit::transfer(&u0, 1, user(1).address, 0, 100, 1, 0);
    assert_eq!(rule_of(client.submit_tx(convert::tx(&used)).await.unwrap_err()), "tx.nonce_mismatch");
    let far = testkit::transfer(&u0, 1, user(1).address, 0, 100, 1, 1 + config().limits.max_nonce_gap + 1);
    let e = call_error(client.submit_tx(convert::tx(&far)).await.unwrap_err());
    assert_eq!((e.code(), data_of(&e).and_then(|d| d.bound)), (MEMPOOL_BOUND, Some("nonce_gap".into())));

    // A batch is all or nothing: its second transaction is refused, so the first is not queued.
    let batch = vec![convert::tx(&good), convert::tx(&bad_sig)];
    let e = call_error(client.submit_batch(batch).await.unwrap_err());
    assert_eq!(data_of(&e).map(|d| (d.rule, d.index)), Some((Some("tx.bad_signature".into()), Some(1))));
    assert_eq!(client.get_tx(convert::hex_of(&good.hash())).await.unwrap(), None);
    // A batch runs at once: a nonce gap in it is refused (the bound, and the index).
    let gapped = vec![convert::tx(&good), convert::tx(&testkit::transfer(&u0, 1, user(1).address, 0, 100, 1, 3))];
    let e = call_error(client.submit_batch(gapped).await.unwrap_err());
    assert_eq!(
        (e.code(), data_of(&e).map(|d| (d.bound, d.index))),
        (MEMPOOL_BOUND, Some((Some("batch_nonce".into()), Some(1))))
    );
    assert_eq!(client.get_account(AccountRef::Id(1)).await.unwrap().unwrap().next_nonce, 1);
    client.submit_tx(convert::tx(&good)).await.expect("the same transaction alone is accepted");
    seal_all(&node).await;

    // A withdrawal of more than the balance is accepted (balances are checked when a block is
    // built), then dropped with its rule; no empty block is sealed for it.
    let sealed = client.status().await.unwrap().last_sealed;
    let greedy = testkit::withdraw(&u0, 1, u0.address, 0, 1_000_000_000, 1, 2);
    client.submit_tx(convert::tx(&greedy)).await.expect("accepted: the balance is checked in the block");
    assert_eq!(node.seal().await.unwrap(), None, "nothing could go in a block");
    assert_eq!(client.status().await.unwrap().last_sealed, sealed);
    let status = client.get_tx(convert::hex_of(&greedy.hash())).await.unwrap().unwrap().status;
    assert!(matches!(&status, TxStatus::Dropped { rule, .. } if rule == "withdraw.insufficient_balance"), "{status:?}");

    // Lookups of what does not exist answer null; a malformed hash or address is invalid params.
    assert_eq!(client.get_block(999).await.unwrap(), None);
    assert_eq!(client.get_priority_op(999).await.unwrap(), None);
    assert_eq!(client.get_account(AccountRef::Id(12345)).await.unwrap(), None);
    assert_eq!(call_error(client.get_tx("0x12".into()).await.unwrap_err()).code(), -32602);
    let e = call_error(client.get_account(AccountRef::Address("0xzz".into())).await.unwrap_err());
    assert_eq!(e.code(), -32602);
    let _: Value = client.request("zkr_version", rpc_params![]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_below_the_price_table_are_refused() {
    use zkrollup_api::TxKind;
    let dir = tempfile::tempdir().unwrap();
    // The development table: 1,000 per chunk in ETH, 1 in token 1.
    let priced = NodeConfig { fee_per_chunk: NodeConfig::dev(0, Default::default()).fee_per_chunk, ..config() };
    let (node, client, _, _handle) = start_with(dir.path(), priced).await;
    for (serial, op) in [deposit(OPERATOR, 0, 1), deposit(0, 0, 1_000_000)].into_iter().enumerate() {
        node.priority(serial as u64, op).await.unwrap();
    }
    seal_all(&node).await;
    let fee_of = async |kind, token| client.estimate_fee(kind, token).await.map(|f| f.fee);
    assert_eq!(fee_of(TxKind::Transfer, 0).await.unwrap(), "2000", "2 chunks at 1,000");
    assert_eq!(fee_of(TxKind::TransferToNew, 0).await.unwrap(), "5000", "5 chunks");
    assert_eq!(fee_of(TxKind::ChangePubKey, 1).await.unwrap(), "7", "7 chunks at 1");
    assert_eq!(call_error(fee_of(TxKind::Transfer, 9).await.unwrap_err()).code(), -32602, "no price for token 9");

    let fee_refusal = |e: ClientError| {
        let e = call_error(e);
        assert_eq!((e.code(), data_of(&e).and_then(|d| d.bound)), (FEE_TOO_LOW, Some("fee".into())), "{e}");
    };
    let u0 = user(0);
    fee_refusal(client.submit_tx(convert::tx(&change_pubkey(&TEST_DOMAIN, &u0, 1))).await.unwrap_err());
    let sig = u0.l1.personal_sign(&eip191_change_pubkey_message(&TEST_DOMAIN, &u0.pubkey_hash, 0, 1));
    let paid = testkit::change_pubkey(&u0, 1, 0, 7_000, 0, ChangePubKeyAuth::Eip191(sig));
    client.submit_tx(convert::tx(&paid)).await.expect("a ChangePubKey paying the table's fee");
    seal_all(&node).await;
    let operator = user(OPERATOR).address;
    fee_refusal(
        client.submit_tx(convert::tx(&testkit::transfer(&u0, 1, operator, 0, 10, 1_000, 1))).await.unwrap_err(),
    );
    // To a new account a transfer takes 5 chunks, and pays for them.
    let fresh = user(40).address;
    fee_refusal(client.submit_tx(convert::tx(&testkit::transfer(&u0, 1, fresh, 0, 10, 2_000, 1))).await.unwrap_err());
    client.submit_tx(convert::tx(&testkit::transfer(&u0, 1, operator, 0, 10, 2_000, 1))).await.expect("paid");
    client.submit_tx(convert::tx(&testkit::transfer(&u0, 1, fresh, 0, 10, 5_000, 2))).await.expect("paid");
}

/// The refusal of a store at start: its error, which names the file.
fn refusal(dir: &std::path::Path, config: NodeConfig) -> (StoreError, String) {
    match Node::open(dir, config) {
        Err(e @ NodeError::Store { .. }) => {
            let text = e.to_string();
            let path = dir.join("node.redb").display().to_string();
            assert!(text.starts_with(&format!("the store {path}: ")), "the file is named first: {text}");
            let NodeError::Store { source, .. } = e else { unreachable!() };
            (source, text)
        }
        Err(e) => panic!("not a store refusal: {e}"),
        Ok(_) => panic!("the store was accepted"),
    }
}

#[test]
fn a_store_of_another_chain_contract_size_or_format_or_in_use_is_refused_naming_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::open(dir.path(), config()).unwrap();
    let (e, text) = refusal(dir.path(), config());
    assert!(matches!(e, StoreError::Locked), "a second node on one store: {text}");
    assert!(text.contains("in use by another process"), "{text}");
    node.shutdown();
    let (e, text) = refusal(dir.path(), NodeConfig { chain_id: 1, ..config() });
    assert!(matches!(e, StoreError::OtherChain { .. }), "{text}");
    assert!(text.contains(&format!("belongs to chain {} (this node: chain 1)", TEST_DOMAIN.chain_id)), "{text}");
    let other = zkrollup_spec::primitives::Address([0xee; 20]);
    let (_, text) = refusal(dir.path(), NodeConfig { rollup: other, ..config() });
    assert!(text.contains(&format!("belongs to rollup contract {} (this node: {other})", config().rollup)), "{text}");
    let (_, text) = refusal(dir.path(), NodeConfig { block_chunks: 16, ..config() });
    assert!(text.contains("belongs to 8-chunk blocks (this node: 16)"), "{text}");
    let bad_size = NodeConfig { block_chunks: 12, ..config() };
    assert!(matches!(Node::open(dir.path(), bad_size), Err(NodeError::BlockSize(12))));
    Node::open(dir.path(), config()).expect("its own chain's store opens again").shutdown();

    // Stores of another format, as another version of the node would have written them.
    use zkrollup_node::store::{Identity, Store, STORE_FORMAT};
    for (format, newer) in [(STORE_FORMAT + 1, true), (STORE_FORMAT - 1, false)] {
        let dir = tempfile::tempdir().unwrap();
        let identity = Identity { format, ..config().store_identity() };
        drop(Store::open(&dir.path().join("node.redb"), &identity).unwrap());
        let (e, text) = refusal(dir.path(), config());
        match newer {
            true => assert!(matches!(e, StoreError::NewerFormat { .. }) && text.contains("newer zkrollup"), "{text}"),
            false => assert!(matches!(e, StoreError::OlderFormat { .. }) && text.contains("cannot migrate"), "{text}"),
        }
        assert!(text.contains(&format!("store format {format}")), "{text}");
    }
}

/// A store whose file was damaged since the node wrote it (cut short, or a byte flipped on
/// disk) is refused at start, naming the file and the damage, and the node does not start on
/// what is left. The store holds a sealed block first, so that there is something to lose.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_store_is_refused_at_start_naming_the_file_and_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _client, _addr, handle) = start(dir.path()).await;
    let u = user(1);
    let deposit = PriorityOp::Deposit(DepositRequest { from: u.address, to: u.address, token: 0, amount: 77 });
    assert!(node.priority(0, deposit).await.unwrap());
    assert_eq!(node.seal().await.unwrap(), Some(1));
    handle.stop().unwrap();
    node.shutdown();
    let file = dir.path().join("node.redb");
    let intact = std::fs::read(&file).unwrap();

    let damaged = |bytes: &[u8]| -> String {
        let copy = tempfile::tempdir().unwrap();
        std::fs::write(copy.path().join("node.redb"), bytes).unwrap();
        let (e, text) = refusal(copy.path(), config());
        assert!(matches!(e, StoreError::Damaged { .. }), "{text}");
        assert!(text.contains("the node will not start on it"), "{text}");
        text
    };
    // Cut short: at half its length, and inside its header.
    for len in [intact.len() / 2, 100] {
        eprintln!("cut to {len} bytes: {}", damaged(&intact[..len]));
    }
    // A byte flipped in every copy of a record (redb keeps the previous commit's pages too): the
    // block's record, and the account the deposit opened.
    for needle in [&b"\"new_root\""[..], &u.address.to_string().into_bytes()[..]] {
        let mut bytes = intact.clone();
        let mut hits = 0;
        for at in 0..bytes.len() - needle.len() {
            if &bytes[at..at + needle.len()] == needle {
                bytes[at + 2] ^= 0x01;
                hits += 1;
            }
        }
        assert!(hits > 0, "the record is in the file");
        eprintln!("{} flipped: {}", String::from_utf8_lossy(needle), damaged(&bytes));
    }
    // The intact file still opens: the refusals were the damage's.
    let copy = tempfile::tempdir().unwrap();
    std::fs::write(copy.path().join("node.redb"), &intact).unwrap();
    Node::open(copy.path(), config()).expect("the intact store opens").shutdown();
}

/// `zkr_status` shows the node's own L1 transaction in flight from its store's record (here
/// written before the node opens: a node without its pipeline never settles it).
#[tokio::test]
async fn the_status_shows_the_l1_transaction_in_flight() {
    use zkrollup_node::l1::in_flight::{Attempt, Fees, InFlight};
    use zkrollup_node::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let (node, client, _, handle) = start(dir.path()).await;
    assert_eq!(client.status().await.unwrap().l1_in_flight, None, "nothing sent yet");
    handle.stop().unwrap();
    handle.stopped().await;
    node.shutdown();

    let identity = config().store_identity();
    let version = |hash: &str, max_fee: u128, at: u64| Attempt {
        hash: hash.into(),
        raw: "0x02".into(),
        fees: Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: 1 },
        sent_at_ms: at,
    };
    let in_flight = InFlight {
        action: "commitBlock 3".into(),
        nonce: 41,
        gas_limit: 200_000,
        attempts: vec![version("0xaa", 2_000_000_000, 1_000), version("0xbb", 2_250_000_000, 6_000)],
    };
    let store = Store::open(&dir.path().join("node.redb"), &identity).unwrap();
    store.set_l1_in_flight(Some(&in_flight)).unwrap();
    drop(store);

    let (node, client, _, handle) = start(dir.path()).await;
    let shown = client.status().await.unwrap().l1_in_flight.expect("the record is shown");
    assert_eq!(
        shown,
        L1TxInFlight {
            action: "commitBlock 3".into(),
            nonce: 41,
            hash: "0xbb".into(),
            versions: 2,
            max_fee_per_gas: "2250000000".into(),
            since_ms: 1_000,
        }
    );
    handle.stop().unwrap();
    handle.stopped().await;
    node.shutdown();
}

/// How a malformed parameter is located: the field named from the wire schema, where serde
/// refuses the value.
mod locating_a_malformed_parameter {
    use serde_json::{json, Value};
    use zkrollup_api::locate::locate;
    use zkrollup_api::TxJson;

    fn schema() -> Value {
        serde_json::to_value(schemars::schema_for!(TxJson)).unwrap()
    }

    fn transfer() -> Value {
        json!({
            "type": "Transfer", "account_id": 1, "to": "0x00", "token": 0,
            "amount": {"mantissa": 1, "exponent": 0}, "fee": {"mantissa": 0, "exponent": 0},
            "nonce": 0, "valid_from": "0", "valid_until": "1",
            "signature": {"pub_key": {"x": "1", "y": "2"}, "r8": {"x": "1", "y": "2"}, "s": "3"}
        })
    }

    #[test]
    fn a_value_serde_and_the_schema_accept_has_no_place_named() {
        assert!(serde_json::from_value::<TxJson>(transfer()).is_ok(), "the template parses");
        assert_eq!(locate(&schema(), &transfer()), None);
    }

    /// Each value below is one serde refuses (the locator names the place; serde judges).
    #[test]
    fn each_kind_of_departure_is_named_with_its_path() {
        let mut cases: Vec<(Value, &str)> = [
            ("/nonce", json!("one"), "nonce"),
            ("/nonce", json!(1u64 << 32), "nonce"),
            ("/token", json!(-1), "token"),
            ("/fee/mantissa", json!(1.5), "fee.mantissa"),
            ("/signature/r8/x", json!(7), "signature.r8.x"),
            ("/signature", json!([]), "signature"),
            ("/type", json!("Teleport"), "type"),
            ("", json!(5), ""),
        ]
        .into_iter()
        .map(|(pointer, bad, path)| {
            let mut v = transfer();
            *v.pointer_mut(pointer).unwrap() = bad;
            (v, path)
        })
        .collect();
        let mut missing = transfer();
        missing.as_object_mut().unwrap().remove("valid_until");
        cases.push((missing, "valid_until"));
        let mut extra = transfer();
        extra["extra"] = json!(1);
        cases.push((extra, "extra"));
        // A wrong type is found before a missing field, as serde finds it.
        let mut both = transfer();
        both["nonce"] = json!("one");
        both.as_object_mut().unwrap().remove("valid_until");
        cases.push((both, "nonce"));
        for (v, path) in cases {
            assert!(serde_json::from_value::<TxJson>(v.clone()).is_err(), "serde accepts {v}");
            let (got, what) = locate(&schema(), &v).unwrap_or_else(|| panic!("{path}: not located in {v}"));
            assert_eq!(got, path, "{what}");
        }
    }
}

/// Reads `sub` until a notification equals `want` (the state the subscriber must reach).
async fn until_equal<T: jsonrpsee::core::DeserializeOwned + PartialEq + std::fmt::Debug>(
    sub: &mut Subscription<T>,
    want: &T,
) {
    let mut seen = Vec::new();
    while seen.len() < 1_000 {
        let got = notification(sub).await;
        if &got == want {
            return;
        }
        seen.push(got);
    }
    panic!("never {want:?}; saw {seen:?}");
}

/// A WebSocket connection that subscribes and then does not read, with a small receive buffer
/// so that the node's queue for it fills after a few notifications rather than megabytes.
async fn slow_subscriber(
    addr: SocketAddr,
    requests: &[String],
) -> soketto::connection::Receiver<Compat<tokio::net::TcpStream>> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let host = addr.to_string();
    let mut client = soketto::handshake::Client::new(stream.compat(), &host, "/");
    let accepted = client.handshake().await.unwrap();
    assert!(matches!(accepted, soketto::handshake::ServerResponse::Accepted { .. }), "the WebSocket handshake");
    let (mut sender, receiver) = client.into_builder().finish();
    for r in requests {
        sender.send_text(r).await.unwrap();
    }
    sender.flush().await.unwrap();
    // The sending half is dropped, not closed: the connection stays open, unread.
    std::mem::forget(sender);
    receiver
}

/// The subscriptions over WebSocket, on a node without L1, so its blocks stay sealed (the L1
/// stages of blocks, transactions and requests are followed end to end, in end_to_end.rs): each
/// notification is checked against what the `get` methods answer. Then a subscriber that stops
/// reading is dropped with an error notification saying why, counted in the metrics, while
/// the subscriber that reads keeps up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_follow_the_node_and_a_subscriber_that_does_not_read_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config();
    config.api.subscription_buffer = 16;
    let (node, client, addr, _handle) = start_with(dir.path(), config).await;
    let ws = WsClientBuilder::default().request_timeout(Duration::from_secs(30)).build(format!("ws://{addr}")).await;
    let ws = ws.expect("the API answers WebSocket on its port");
    let mut blocks = ws.subscribe_blocks().await.unwrap();
    let mut requests = ws.subscribe_priority_ops().await.unwrap();
    let fresh = user(50).address;
    let mut opened = ws.subscribe_account(AccountRef::Address(fresh.to_string())).await.unwrap();

    // Refused: a hash the node never accepted, an address that is not one, over plain HTTP.
    let e = call_error(ws.subscribe_tx(convert::hex_of(&[7; 32])).await.unwrap_err());
    assert_eq!(e.code(), INVALID_PARAMS, "{e:?}");
    assert!(e.message().contains("accepted no transaction"), "{e:?}");
    let e = call_error(ws.subscribe_account(AccountRef::Address("0x12".into())).await.unwrap_err());
    assert_eq!((e.code(), data_of(&e).and_then(|d| d.field).as_deref()), (INVALID_PARAMS, Some("account")), "{e:?}");
    let (_, body) = post(addr, br#"{"jsonrpc":"2.0","id":1,"method":"zkr_subscribeBlocks","params":[]}"#);
    assert!(body.contains("\"error\""), "a subscription over HTTP: {body}");

    // Requests from L1: each announced when read, then with its block at sealing (a full block
    // seals as soon as it fills: reads and seals interleave).
    let priority = [deposit(OPERATOR, 0, 1), deposit(0, 0, 1_000_000), deposit(1, 0, 500_000)];
    for (serial, op) in priority.iter().enumerate() {
        assert!(node.priority(serial as u64, op.clone()).await.unwrap());
    }
    seal_all(&node).await;
    let mut seen = vec![Vec::new(); priority.len()];
    for _ in 0..2 * priority.len() {
        let info = notification(&mut requests).await;
        seen[info.serial_id as usize].push(info);
    }
    for (serial, op) in priority.iter().enumerate() {
        let read = PriorityOpInfo { serial_id: serial as u64, op: convert::priority(op), block: None, stage: None };
        let sealed = client.get_priority_op(serial as u64).await.unwrap().unwrap();
        assert_eq!(sealed.stage, Some(BlockStage::Sealed));
        assert_eq!(seen[serial], [read, sealed], "request {serial}: read, then sealed");
    }
    let (u0, u1) = (user(0), user(1));
    let mut account1 = ws.subscribe_account(AccountRef::Id(1)).await.unwrap();
    assert_eq!(
        Some(notification(&mut account1).await),
        client.get_account(AccountRef::Id(1)).await.unwrap(),
        "at once"
    );

    // A transaction followed from its receipt: queued, then in a block.
    let key = change_pubkey(&TEST_DOMAIN, &u0, 1);
    client.submit_tx(convert::tx(&key)).await.unwrap();
    let mut followed = ws.subscribe_tx(convert::hex_of(&key.hash())).await.unwrap();
    assert_eq!(notification(&mut followed).await.status, TxStatus::Queued);
    let after_key = client.get_account(AccountRef::Id(1)).await.unwrap().unwrap();
    assert_eq!(after_key.next_nonce, 1);
    until_equal(&mut account1, &after_key).await;
    seal_all(&node).await;
    let in_block = client.get_tx(convert::hex_of(&key.hash())).await.unwrap().unwrap();
    assert!(matches!(in_block.status, TxStatus::InBlock { .. }), "{in_block:?}");
    assert_eq!(notification(&mut followed).await, in_block);

    // An account that opens is announced as it opens (in a block).
    client.submit_tx(convert::tx(&testkit::transfer(&u0, 1, fresh, 0, 2_000, 0, 1))).await.unwrap();
    seal_all(&node).await;
    let now_open = client.get_account(AccountRef::Address(fresh.to_string())).await.unwrap().expect("opened");
    assert_eq!(notification(&mut opened).await, now_open, "its first notification");

    // A transaction dropped when its block is built: queued, then dropped with the rule.
    client.submit_tx(convert::tx(&change_pubkey(&TEST_DOMAIN, &u1, 2))).await.unwrap();
    seal_all(&node).await;
    let doomed = [
        testkit::transfer(&u1, 2, u0.address, 0, 1_000, 0, 1),
        testkit::transfer(&u1, 2, u0.address, 0, 10u128.pow(12), 0, 2),
    ];
    client.submit_batch(doomed.iter().map(convert::tx).collect()).await.unwrap();
    let mut doomed_sub = ws.subscribe_tx(convert::hex_of(&doomed[1].hash())).await.unwrap();
    assert_eq!(notification(&mut doomed_sub).await.status, TxStatus::Queued);
    seal_all(&node).await;
    let status = notification(&mut doomed_sub).await.status;
    assert!(matches!(&status, TxStatus::Dropped { rule, .. } if rule == "transfer.insufficient_balance"), "{status:?}");
    // A dropped transaction's subscription ends there; the one in a block waits for L1.
    settles(addr, "a dropped transaction's subscription ends", |m| m(r#"zkrollup_subscriptions{kind="tx"}"#) == 1.0);

    // Every block once, in order, sealed, as zkr_getBlock answers.
    let last = client.status().await.unwrap().last_sealed;
    assert!(last >= 3, "{last} blocks");
    for n in 1..=last {
        assert_eq!(notification(&mut blocks).await, client.get_block(n).await.unwrap().unwrap());
    }

    // A connection that subscribes 40 times to account 1 and reads nothing, while user 0
    // transfers: its queue fills, and its subscriptions are dropped, not its backlog grown.
    let subscribe = |i: usize| format!(r#"{{"jsonrpc":"2.0","id":{i},"method":"zkr_subscribeAccount","params":[1]}}"#);
    let mut slow = slow_subscriber(addr, &(0..40).map(subscribe).collect::<Vec<_>>()).await;
    let series = r#"zkrollup_subscriptions_dropped_total{reason="slow"}"#;
    let mut nonce = 1;
    let scrape = loop {
        assert!(nonce < 500, "500 transfers and no subscriber dropped");
        for _ in 0..4 {
            nonce += 1;
            let tx = testkit::transfer(&u0, 1, u1.address, 0, 1, 0, nonce);
            client.submit_tx(convert::tx(&tx)).await.unwrap();
        }
        seal_all(&node).await;
        let (_, scrape) = zkrollup_node_tests::http(addr, "GET", "/metrics", b"");
        if metric(&scrape, series) >= 1.0 {
            break scrape;
        }
    };
    assert_eq!(metric(&scrape, r#"zkrollup_subscriptions{kind="block"}"#), 1.0);
    // The subscriber that reads is still there, and reaches the account's state.
    until_equal(&mut account1, &client.get_account(AccountRef::Id(1)).await.unwrap().unwrap()).await;

    // What the slow connection finds when it reads at last: the notifications queued, then for
    // each dropped subscription an error notification saying why.
    let mut frame = Vec::new();
    let mut notified = 0;
    let mut ended = std::collections::BTreeSet::new();
    while ended.len() < metric(&scrape, series) as usize {
        frame.clear();
        let read = tokio::time::timeout(Duration::from_secs(30), slow.receive_data(&mut frame)).await;
        read.expect("the slow connection's queue drains").expect("a frame");
        let msg: Value = serde_json::from_slice(&frame).unwrap();
        let (params, id) = (&msg["params"], msg["params"]["subscription"].to_string());
        match (&params["result"], &params["error"]) {
            (Value::Object(_), Value::Null) if msg["method"] == "zkr_account" => {
                assert!(!ended.contains(&id), "a notification after its subscription's end: {msg}");
                notified += 1;
            }
            (Value::Null, Value::String(why)) => {
                assert!(why.contains("dropped: notifications came faster than this subscriber read them"), "{why}");
                assert!(why.contains("at most 16 messages per connection"), "{why}");
                assert!(ended.insert(id), "one end per subscription: {msg}");
            }
            _ => assert!(msg["id"].is_u64() && !msg["result"].is_null(), "a subscription's id: {msg}"),
        }
    }
    assert!(notified > 0, "the notifications queued before the ends arrive");
    // Every account subscription the node dropped is closed; the others, and the reader's two,
    // are open.
    settles(addr, "42 account subscriptions less those dropped are open", |m| {
        m(r#"zkrollup_subscriptions{kind="account"}"#) == 42.0 - m(series)
    });
}

/// Waits (up to 10 s) until the node's metrics satisfy `holds`: a subscription's task ends just
/// after its last notification is queued.
fn settles(addr: SocketAddr, what: &str, holds: impl Fn(&dyn Fn(&str) -> f64) -> bool) {
    for _ in 0..200 {
        let (_, scrape) = zkrollup_node_tests::http(addr, "GET", "/metrics", b"");
        if holds(&|series| metric(&scrape, series)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what}: not within 10 s");
}
