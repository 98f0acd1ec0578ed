//! # zkrollup-node-tests: the node's integration tests
//!
//! The node through its HTTP API (`tests/api.rs`), end to end on anvil with real proofs
//! (`tests/end_to_end.rs`), and its L1 over Ethereum JSON-RPC against anvil and the development
//! chain (`tests/json_rpc_l1.rs`). They live in a package of their own, compiled at opt-level 0
//! (the root `Cargo.toml`): their code is alloy's, jsonrpsee's and tokio's generic plumbing, which
//! at opt-level 3 took two minutes of CI's compiling, while their running time is the node's, the
//! prover's and the EVM's, compiled optimised in those crates (docs/ARCHITECTURE.md §5.1).
//!
//! This library is what the tests share: the spec's replay of the node's blocks, the independent
//! expectation every test compares the node's views with; raw HTTP for what the typed client
//! cannot send, and a Prometheus scrape's samples; the API's description generated from its
//! trait ([`api_doc`], checked by `tests/api_doc.rs`).

pub mod api_doc;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use zkrollup_api::HttpClient;
use zkrollup_api::{AccountRef, BlockInfo, RollupApiClient};
use zkrollup_conformance::wire::convert;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::state::AccountId;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::{self, User};
use zkrollup_spec::transition::{BlockContext, PriorityOp};
use zkrollup_spec::tx::auth::eip191_change_pubkey_message;
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

/// The fee account of every test node (the first account opened).
pub const FEE_ACCOUNT: u32 = 0;

/// Replays every sealed block on the spec's state machine, from the node's block records and
/// the inputs the test sent, and checks each root. The spec is the independent implementation.
pub async fn replay_on_spec(client: &HttpClient, priority: &[PriorityOp], txs: &[Tx]) -> State {
    let status = client.status().await.unwrap();
    let mut state = State::new();
    for n in 1..=status.last_sealed {
        let b: BlockInfo = client.get_block(n).await.unwrap().expect("sealed blocks exist");
        // The keeper places priority operations first, then transactions.
        let mut inputs: Vec<BlockInput> =
            b.priority_ops.iter().map(|&s| BlockInput::Priority(priority[s as usize].clone())).collect();
        for h in &b.txs {
            let tx = txs.iter().find(|t| convert::hex_of(&t.hash()) == *h).expect("a transaction the test sent");
            inputs.push(BlockInput::Tx(tx.clone()));
        }
        let context = BlockContext { block_number: n, fee_account: FEE_ACCOUNT, timestamp: b.timestamp };
        apply_block(&mut state, &BlockParams { context, chunks: b.chunks as usize }, &inputs)
            .unwrap_or_else(|r| panic!("block {n}: the spec refuses what the node sealed: {r}"));
        assert_eq!(convert::fr_dec(&state.root()), b.new_root, "block {n}: the node's root is not the spec's");
    }
    state
}

pub async fn assert_accounts_match(client: &HttpClient, spec: &State) {
    for (id, a) in spec.accounts() {
        let info = client.get_account(AccountRef::Id(id)).await.unwrap().expect("the node has the account");
        let want = convert::account(id, a);
        assert_eq!(info.address, want.address);
        assert_eq!(info.committed.nonce, want.nonce, "account {id}");
        assert_eq!(info.committed.pubkey_hash, want.pubkey_hash, "account {id}");
        assert_eq!(info.committed.balances, want.balances, "account {id}");
        let by_address = client.get_account(AccountRef::Address(want.address.clone())).await.unwrap();
        assert_eq!(by_address.map(|i| i.id), Some(id));
    }
}

/// Test user `i`'s L1 key as a wallet holds it (hex, for the L1 wallet calls).
pub fn user_l1_key(i: u32) -> String {
    hex::encode(testkit::user_l1_secret(i))
}

/// A ChangePubKey of account `id` to `u`'s L2 key at nonce 0, authorised by `u`'s L1 key with an
/// EIP-191 signature for the deployment of `domain`.
pub fn change_pubkey(domain: &L1Domain, u: &User, id: AccountId) -> Tx {
    change_pubkey_paying(domain, u, id, 0)
}

/// [`change_pubkey`] paying `fee` in ETH.
pub fn change_pubkey_paying(domain: &L1Domain, u: &User, id: AccountId, fee: u128) -> Tx {
    let sig = u.l1.personal_sign(&eip191_change_pubkey_message(domain, &u.pubkey_hash, 0, id));
    testkit::change_pubkey(u, id, 0, fee, 0, ChangePubKeyAuth::Eip191(sig))
}

/// A raw HTTP/1.1 request to the node's server (the typed client cannot send malformed
/// requests, nor the plain GETs of its metrics and health endpoints): the status code and the
/// body.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer before reading an oversized body, and close.
    let _ = s.write_all(body);
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("an HTTP status line");
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The value of the sample `series` (a metric's name and its labels as the text format writes
/// them, `zkrollup_last_block{stage="sealed"}`) in a Prometheus scrape; fails if absent.
pub fn metric(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no sample {series} in the scrape:\n{scrape}"))
        .parse()
        .unwrap_or_else(|e| panic!("{series}: {e}"))
}

/// The next notification of `sub`, within 30 s; fails if the subscription ends.
pub async fn notification<T: jsonrpsee::core::DeserializeOwned>(sub: &mut zkrollup_api::Subscription<T>) -> T {
    match tokio::time::timeout(Duration::from_secs(30), sub.next()).await {
        Ok(Some(Ok(item))) => item,
        Ok(Some(Err(e))) => panic!("a notification that does not decode: {e}"),
        Ok(None) => panic!("the subscription ended"),
        Err(_) => panic!("no notification within 30 s"),
    }
}

/// Opens the node in `dir`, as a restart in this process does: the API's tasks (a connection's,
/// a subscription's) hold the store a moment after the server stopped, so the store may still
/// be locked for that moment (a restarted process never sees this: an exit releases it).
pub async fn open_node(dir: &std::path::Path, config: zkrollup_node::NodeConfig) -> zkrollup_node::Node {
    use zkrollup_node::{store::StoreError, Node, NodeError};
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match Node::open(dir, config.clone()) {
            Err(NodeError::Store { source: StoreError::Locked, .. }) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            opened => return opened.expect("the node opens"),
        }
    }
}
