//! The SDK against the node's API over loopback (the node in process, its L1 requests handed to
//! it, blocks sealed by the test): a wallet derived from an L1 key registers its L2 key and
//! transfers, waiting for its transactions' blocks; fees as the node quotes them; and each bad
//! input comes back typed: an amount that does not pack (before anything is sent), a balance
//! too low (dropped when its block is built) and a used nonce (refused at once), each with the
//! spec's rule id, and a wait that times out.

use std::sync::Arc;
use std::time::Duration;

use zkrollup_node::{Node, NodeConfig};
use zkrollup_sdk::api::{TxKind, TxStatus};
use zkrollup_sdk::{amount, Authorisation, NonceManager, Provider, SdkError, Stage, Wallet};
use zkrollup_spec::testkit::{self, user, user_l1_secret, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, PriorityOp};

const WAIT: Duration = Duration::from_secs(30);

fn deposit(i: u32, amount: u128) -> PriorityOp {
    let a = user(i).address;
    PriorityOp::Deposit(DepositRequest { from: a, to: a, token: 0, amount })
}

async fn seal_all(node: &Node) {
    for _ in 0..100 {
        if node.seal().await.expect("seals").is_none() {
            return;
        }
    }
    panic!("sealing does not converge");
}

/// A node serving its API over loopback, which seals only when the test asks, user 9's deposit
/// opening account 0 (the fee account) and user 0's of `amount` opening account 1.
struct Started {
    node: Node,
    sdk: Provider,
    /// The API's URL (`http://…`; its WebSocket is `ws://` on the same port).
    url: String,
    _server: Box<dyn std::any::Any + Send + Sync>,
    _dir: tempfile::TempDir,
}

async fn start(amount: u128) -> Started {
    // Fees as a development node asks them (1,000 wei a chunk).
    let config = NodeConfig {
        block_chunks: 8,
        seal_timeout: Duration::from_secs(3600),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    let dir = tempfile::tempdir().unwrap();
    let node = zkrollup_node_tests::open_node(dir.path(), config).await;
    let (addr, server) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    for (serial, op) in [deposit(9, 1), deposit(0, amount)].into_iter().enumerate() {
        assert!(node.priority(serial as u64, op).await.unwrap());
    }
    seal_all(&node).await;
    let url = format!("http://{addr}");
    let sdk = Provider::http(&url).unwrap();
    Started { node, sdk, url, _server: Box::new(server), _dir: dir }
}

/// Testkit user `i`'s wallet on the test deployment, from its L1 key in hex.
fn wallet_of(i: u32) -> Wallet {
    let hex: String = user_l1_secret(i).iter().map(|b| format!("{b:02x}")).collect();
    Wallet::from_l1_key_hex(&format!("0x{hex}"), TEST_DOMAIN).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_registers_its_key_and_transfers_and_bad_input_comes_back_typed() {
    let Started { node, sdk, .. } = &start(1_000_000).await;
    let wallet = wallet_of(0);
    assert_eq!(wallet.address(), user(0).address);
    let me = sdk.account(&wallet.address()).await.unwrap().expect("the deposit opened it");
    assert_eq!((me.id, me.next_nonce), (1, 0));

    // Fees: 1,000 wei a chunk; a ChangePubKey is 7 chunks, a transfer to a new account 5.
    let cpk_fee = sdk.fee(TxKind::ChangePubKey, 0).await.unwrap();
    let new_fee = sdk.fee(TxKind::TransferToNew, 0).await.unwrap();
    assert_eq!((cpk_fee, new_fee), (7_000, 5_000));
    let cpk = wallet.change_pubkey(me.id, (0, cpk_fee), 0, Authorisation::Eip191).unwrap();
    let registered = sdk.submit(&cpk).await.unwrap();

    // An amount in people's units; the transaction the SDK signs is the one the spec's
    // fixtures build for the same user, byte for byte.
    let to = user(50).address;
    let value = amount::parse_units("0.000000000000001", 18).unwrap();
    let tx = wallet.transfer(me.id, to, (0, value, new_fee), 1).unwrap();
    assert_eq!(tx, testkit::transfer(&user(0), me.id, to, 0, 1_000, new_fee, 1));
    seal_all(node).await; // the key first: a transfer is checked against sealed blocks
    let sent = sdk.submit(&tx).await.unwrap();
    seal_all(node).await;
    assert!(matches!(registered.wait(Stage::InBlock, WAIT).await, Ok(TxStatus::InBlock { .. })));
    let status = sent.wait(Stage::InBlock, WAIT).await.unwrap();
    assert!(matches!(status, TxStatus::InBlock { .. }), "{status:?}");
    let theirs = sdk.account(&to).await.unwrap().expect("the transfer opened it");
    assert_eq!(theirs.committed.balances.len(), 1);
    assert_eq!(theirs.committed.balances[0].amount, "1000");
    let mine = sdk.account(&wallet.address()).await.unwrap().unwrap();
    assert_eq!(mine.committed.balances[0].amount, (1_000_000 - cpk_fee - 1_000 - new_fee).to_string());

    // Bad input, typed.
    let unpackable = wallet.transfer(me.id, to, (0, 1_000_000_000_000_000_001, 1_000), 2).unwrap_err();
    assert!(matches!(unpackable, SdkError::NotPackable { below: 1_000_000_000_000_000_000, .. }), "{unpackable}");
    // A balance too low shows when its block is built (the mempool takes it: balances move
    // until then): the handle says which rule dropped it.
    let too_much = sdk.submit(&wallet.transfer(me.id, to, (0, 10_000_000, 2_000), 2).unwrap()).await.unwrap();
    seal_all(node).await;
    let dropped = too_much.wait(Stage::InBlock, WAIT).await.unwrap_err();
    assert_eq!(dropped.rule(), Some("transfer.insufficient_balance"), "{dropped}");
    let used_nonce = wallet.transfer(me.id, to, (0, 10, 2_000), 1).unwrap();
    let refused = sdk.submit(&used_nonce).await.err().expect("refused");
    assert_eq!(refused.rule(), Some("tx.nonce_mismatch"), "{refused}");
    let queued = sdk.submit(&wallet.transfer(me.id, to, (0, 10, 2_000), 2).unwrap()).await.unwrap();
    let late = queued.wait(Stage::InBlock, Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(late, SdkError::Timeout { .. }), "{late}");
}

/// Eight tasks send four transfers each from one account through one [`NonceManager`], while
/// one of them also sends a transaction the node refuses at once (signed with another key):
/// every transfer is taken and lands in a block, and the account's nonce after the blocks, read
/// back from the node, is one past the 32 transfers — so their nonces were 1 to 32, each once,
/// and the refusal spent none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_sharing_a_nonce_manager_get_distinct_nonces_and_a_refusal_leaves_no_gap() {
    let Started { node, sdk, .. } = &start(10_000_000).await;
    let wallet = Arc::new(wallet_of(0));
    let me = sdk.account(&wallet.address()).await.unwrap().expect("the deposit opened it");
    let fee = sdk.fee(TxKind::ChangePubKey, 0).await.unwrap();
    sdk.submit(&wallet.change_pubkey(me.id, (0, fee), 0, Authorisation::Eip191).unwrap()).await.unwrap();
    seal_all(node).await; // the key first: a transfer is checked against sealed blocks

    let nonces = Arc::new(NonceManager::new(sdk.clone(), wallet.address()));
    let fee = sdk.fee(TxKind::TransferToNew, 0).await.unwrap();
    let to = user(50).address;
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let (nonces, wallet) = (nonces.clone(), wallet.clone());
            tokio::spawn(async move {
                let mut handles = vec![];
                for k in 0..4 {
                    if task == 3 && k == 2 {
                        let forger = wallet_of(1);
                        let refused = nonces.submit(|n| forger.transfer(me.id, to, (0, 10, fee), n)).await;
                        let rule = refused.err().expect("refused").rule().map(str::to_string);
                        assert_eq!(rule.as_deref(), Some("tx.signer_not_account_key"));
                    }
                    handles.push(nonces.submit(|n| wallet.transfer(me.id, to, (0, 10, fee), n)).await.unwrap());
                }
                handles
            })
        })
        .collect();
    let mut handles = vec![];
    for t in tasks {
        handles.extend(t.await.unwrap());
    }
    seal_all(node).await;
    for h in &handles {
        assert!(matches!(h.wait(Stage::InBlock, WAIT).await, Ok(TxStatus::InBlock { .. })), "{}", h.hash);
    }
    let mine = sdk.account(&wallet.address()).await.unwrap().unwrap();
    assert_eq!((handles.len(), mine.committed.nonce), (32, 33), "a ChangePubKey, then 32 transfers");
    assert_eq!(mine.committed.balances[0].amount, (10_000_000 - 7_000 - 32 * (10 + fee)).to_string());
}

/// Handles of a provider with a WebSocket are told their transaction's status by the node's
/// subscription: a wait started before the block is sealed returns once it is; a transaction
/// dropped when its block is built comes back with the rule; a wait that times out says the
/// last status the node told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_websocket_handles_are_told_their_status() {
    let Started { node, url, .. } = &start(1_000_000).await;
    let sdk = Provider::ws(url).await.unwrap();
    assert!(matches!(Provider::ws("ws://127.0.0.1:1").await, Err(SdkError::Node(_))), "an http:// URL is asked for");
    let wallet = wallet_of(0);
    let me = sdk.account(&wallet.address()).await.unwrap().unwrap();
    let fee = sdk.fee(TxKind::ChangePubKey, 0).await.unwrap();
    let registered =
        sdk.submit(&wallet.change_pubkey(me.id, (0, fee), 0, Authorisation::Eip191).unwrap()).await.unwrap();
    let waiting = tokio::spawn(async move { registered.wait(Stage::InBlock, WAIT).await });
    tokio::time::sleep(Duration::from_millis(200)).await; // the subscription is open, the block not sealed
    seal_all(node).await;
    assert!(matches!(waiting.await.unwrap(), Ok(TxStatus::InBlock { .. })));

    let to = user(50).address;
    let too_much = sdk.submit(&wallet.transfer(me.id, to, (0, 10_000_000, 5_000), 1).unwrap()).await.unwrap();
    let dropped = tokio::spawn(async move { too_much.wait(Stage::InBlock, WAIT).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    seal_all(node).await;
    assert_eq!(dropped.await.unwrap().unwrap_err().rule(), Some("transfer.insufficient_balance"));

    let sent = sdk.submit(&wallet.transfer(me.id, to, (0, 10, 5_000), 1).unwrap()).await.unwrap();
    seal_all(node).await;
    let late = sent.wait(Stage::Executed, Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(&late, SdkError::Timeout { what, .. } if what.contains("InBlock")), "{late}");
}
