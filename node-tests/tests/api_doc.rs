//! The API's published description: `api/openrpc.json` (OpenRPC, served as `rpc.discover`) and
//! `docs/API.md` (its reading) must be what the `#[rpc]` trait's source, its types' schemas and
//! a live node's answers give (`zkrollup_node_tests::api_doc`); the node must serve exactly the
//! methods described, and serve the committed description. After a change of the API:
//! `ZKROLLUP_UPDATE_API_DOC=1 cargo test --release -p zkrollup-node-tests --test api_doc`
//! rewrites both files (then run it again: the node serves the description it was built with).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jsonrpsee::core::client::{ClientT, SubscriptionClientT, SubscriptionKind};
use jsonrpsee::rpc_params;
use serde_json::{json, Value};
use zkrollup_api::{TxKind, WsClientBuilder};
use zkrollup_conformance::wire::convert;
use zkrollup_node::config::required_fee;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_node_tests::api_doc::{self, pretty, Example};
use zkrollup_node_tests::{change_pubkey_paying, http};
use zkrollup_spec::testkit::{self, user, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, PriorityOp};

/// The operator's L1 user: its deposit opens the fee account, 0.
const OPERATOR: u32 = 9;
/// What the examples show for a block's timestamp and a subscription's id, which differ per run.
const TIMESTAMP: u64 = 1_765_000_000;
const SUBSCRIPTION: u64 = 4_242_424_242;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One call over HTTP: its result (the test fails on an error).
fn call(addr: SocketAddr, method: &str, params: &Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
    let (code, answer) = http(addr, "POST", "/", body.as_bytes());
    let answer: Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{method}: {e}: {answer}"));
    assert_eq!(code, 200, "{method}: {answer}");
    answer.get("result").cloned().unwrap_or_else(|| panic!("{method}: {answer}"))
}

/// A block's timestamp shown as [`TIMESTAMP`].
fn fixed_time(mut v: Value) -> Value {
    if v.get("timestamp").is_some() {
        v["timestamp"] = json!(TIMESTAMP);
    }
    v
}

/// An example of every method, from a development node with three deposits, keys set and
/// blocks of 8 chunks sealed on request.
async fn examples(node: &Node, addr: SocketAddr, fees: &BTreeMap<u16, u128>) -> BTreeMap<String, Example> {
    let mut out = BTreeMap::new();
    let mut example = |name: &str, params: Vec<Value>, result: Value| {
        let prior = out.insert(name.to_string(), Example { params, result, notification: None });
        assert!(prior.is_none(), "{name} twice");
    };
    let fee = |kind| required_fee(fees, kind, 0).unwrap();
    let ws = WsClientBuilder::default().request_timeout(Duration::from_secs(30)).build(format!("ws://{addr}"));
    let ws = ws.await.unwrap();
    let requests = ws.subscribe::<Value, _>("zkr_subscribePriorityOps", rpc_params![], "zkr_unsubscribePriorityOps");
    let mut requests = requests.await.unwrap();
    let mut blocks =
        ws.subscribe::<Value, _>("zkr_subscribeBlocks", rpc_params![], "zkr_unsubscribeBlocks").await.unwrap();

    let (u0, u1) = (user(0), user(1));
    for (serial, (i, amount)) in [(OPERATOR, 1), (0, 10u128.pow(18)), (1, 10u128.pow(17))].into_iter().enumerate() {
        let a = user(i).address;
        let op = PriorityOp::Deposit(DepositRequest { from: a, to: a, token: 0, amount });
        assert!(node.priority(serial as u64, op).await.unwrap());
    }
    let seal = async || while node.seal().await.unwrap().is_some() {};
    seal().await;
    let key = change_pubkey_paying(&TEST_DOMAIN, &u0, 1, fee(TxKind::ChangePubKey));
    call(addr, "zkr_submitTx", &json!([convert::tx(&key)]));
    seal().await;

    // Each subscription's first notification, then its id and its unsubscription's answer.
    let mut subscribed = Vec::new();
    let mut first = async |sub: &mut jsonrpsee::core::client::Subscription<Value>| {
        let n = tokio::time::timeout(Duration::from_secs(30), sub.next()).await.unwrap().unwrap().unwrap();
        let SubscriptionKind::Subscription(id) = sub.kind() else { panic!("a subscription") };
        subscribed.push(id.clone());
        fixed_time(n)
    };
    let deposit = first(&mut requests).await;
    let block = first(&mut blocks).await;

    let transfer = testkit::transfer(&u0, 1, u1.address, 0, 5 * 10u128.pow(15), fee(TxKind::Transfer), 1);
    let params = vec![json!(convert::tx(&transfer))];
    example("zkr_submitTx", params.clone(), call(addr, "zkr_submitTx", &Value::Array(params)));
    let hash = convert::hex_of(&transfer.hash());
    let batch =
        [2, 3].map(|n| testkit::transfer(&u0, 1, user(7).address, 0, 10u128.pow(15), fee(TxKind::TransferToNew), n));
    let params = vec![json!(batch.iter().map(convert::tx).collect::<Vec<_>>())];
    example("zkr_submitBatch", params.clone(), call(addr, "zkr_submitBatch", &Value::Array(params)));
    for (name, params) in [
        ("zkr_getAccount", vec![json!(1)]),
        ("zkr_getTx", vec![json!(hash)]),
        ("zkr_getPriorityOp", vec![json!(1)]),
        ("zkr_getBlock", vec![json!(1)]),
        ("zkr_tokens", vec![]),
        ("zkr_contracts", vec![]),
        ("zkr_estimateFee", vec![json!("transfer"), json!(0)]),
        ("zkr_status", vec![]),
        ("zkr_version", vec![]),
    ] {
        let result = fixed_time(call(addr, name, &Value::Array(params.clone())));
        example(name, params, result);
    }

    let mut followed =
        ws.subscribe::<Value, _>("zkr_subscribeTx", rpc_params![&hash], "zkr_unsubscribeTx").await.unwrap();
    let tx = first(&mut followed).await;
    let mut account =
        ws.subscribe::<Value, _>("zkr_subscribeAccount", rpc_params![1], "zkr_unsubscribeAccount").await.unwrap();
    let account_now = first(&mut account).await;
    for (name, params, notification) in [
        ("zkr_subscribeTx", vec![json!(hash)], tx),
        ("zkr_subscribeAccount", vec![json!(1)], account_now),
        ("zkr_subscribeBlocks", vec![], block),
        ("zkr_subscribePriorityOps", vec![], deposit),
    ] {
        let e = Example { params, result: json!(SUBSCRIPTION), notification: Some(notification) };
        out.insert(name.to_string(), e);
    }
    // Unsubscribing, for real, from the four subscriptions opened above.
    let ends = ["zkr_unsubscribePriorityOps", "zkr_unsubscribeBlocks", "zkr_unsubscribeTx", "zkr_unsubscribeAccount"];
    for (name, id) in ends.into_iter().zip(subscribed) {
        let answer: bool = ws.request(name, rpc_params![id]).await.unwrap();
        assert!(answer, "{name}");
        out.insert(
            name.to_string(),
            Example { params: vec![json!(SUBSCRIPTION)], result: json!(answer), notification: None },
        );
    }
    out
}

/// `path` (from the repository's root) must hold `text`, or is rewritten with it if asked.
fn committed(path: &str, text: &str) {
    let file = repo().join(path);
    let now = std::fs::read_to_string(&file).unwrap_or_default();
    if now == text {
        return;
    }
    if std::env::var_os("ZKROLLUP_UPDATE_API_DOC").is_some() {
        std::fs::write(&file, text).unwrap();
        eprintln!("rewrote {path}");
        return;
    }
    let line = now
        .lines()
        .zip(text.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(now.lines().count().min(text.lines().count()));
    panic!(
        "{path} is not what the API's trait and a live node give (first difference at line {}); after a change of \
         the API, rewrite it: ZKROLLUP_UPDATE_API_DOC=1 cargo test --release -p zkrollup-node-tests --test api_doc",
        line + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_published_api_description_is_the_traits_and_the_node_serves_it() {
    let source = std::fs::read_to_string(repo().join("api/src/lib.rs")).unwrap();
    let (about, methods) = api_doc::methods(&source).unwrap();
    let doc = api_doc::document(&about, &methods).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let config = NodeConfig {
        block_chunks: 8,
        seal_timeout: Duration::from_secs(3600),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    let fees = config.fee_per_chunk.clone();
    let node = Node::open(dir.path(), config).unwrap();
    let (addr, _handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();

    // The node serves every method described, and no other (but rpc.discover).
    let mut served: Vec<String> = node.api_methods().into_iter().map(String::from).collect();
    served.sort();
    let mut described: Vec<String> =
        doc["methods"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect();
    described.push("rpc.discover".into());
    described.sort();
    assert_eq!(served, described, "served methods against the description");

    let doc = api_doc::with_examples(doc, &examples(&node, addr, &fees).await).unwrap();
    committed("api/openrpc.json", &format!("{}\n", pretty(&doc)));
    committed("docs/API.md", &api_doc::markdown(&doc));

    // What rpc.discover answers is the committed description.
    if std::env::var_os("ZKROLLUP_UPDATE_API_DOC").is_none() {
        assert_eq!(call(addr, "rpc.discover", &json!([])), doc, "rpc.discover");
    }
}
