//! A transfer on the rollup, step by step, with `zkrollup-sdk` against a running node.
//!
//! Start a node on embedded defaults in another terminal — `cargo run --release -- node`: its
//! API on http://127.0.0.1:3030 and its development L1 on http://127.0.0.1:8545 — and give a
//! wallet an account with a deposit on L1 (here anvil's well-known development key 3, public):
//!
//! ```text
//! printf 0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6 > dev3.key
//! chmod 600 dev3.key
//! cargo run --release -- wallet --key-file dev3.key deposit 0.5
//! cargo run --release --example transfer -- dev3.key 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 0.01
//! ```
//!
//! It registers the wallet's L2 key if the account has none yet, transfers the amount (in ETH)
//! to the address, follows the transaction until its block is executed on L1, and prints both
//! balances. `ZKROLLUP_NODE` points it at another node.

use std::time::Duration;

use zkrollup_sdk::api::{AccountInfo, TxKind};
use zkrollup_sdk::spec::primitives::Address;
use zkrollup_sdk::{amount, Authorisation, NonceManager, Provider, Stage, Wallet};

/// How long each wait may take: a block is proven in seconds on embedded defaults.
const WAIT: Duration = Duration::from_secs(300);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key_file, to, value] = &args[..] else {
        return Err(
            "usage: transfer KEY_FILE TO AMOUNT (the key file holds an L1 private key, hex; AMOUNT in ETH)".into()
        );
    };
    let url = std::env::var("ZKROLLUP_NODE").unwrap_or_else(|_| "http://127.0.0.1:3030".into());
    let node = Provider::http(&url)?;

    // Step 1: the wallet. Its L2 key is derived from its L1 key for the node's deployment (the
    // chain and the rollup contract), so the same L1 key gives the same L2 key anywhere.
    let domain = node.domain().await?;
    let key = std::fs::read_to_string(key_file).map_err(|e| format!("{key_file}: {e}"))?;
    let wallet = Wallet::from_l1_key_hex(&key, domain)?;
    println!("wallet {} on chain {}, rollup {}", wallet.address(), domain.chain_id, domain.contract);

    // Step 2: its account, which a deposit on L1 opened.
    let Some(me) = node.account(&wallet.address()).await? else {
        return Err("no account yet: deposit first (cargo run --release -- wallet --key-file KEY deposit 0.5)".into());
    };
    // One account's nonces, handed out in order even if several tasks send at once.
    let nonces = NonceManager::new(node.clone(), wallet.address());

    // Step 3: the L2 key registered once, authorised by an EIP-191 signature of the L1 key.
    if me.committed.pubkey_hash != wallet.pubkey_hash().to_string() {
        let fee = node.fee(TxKind::ChangePubKey, 0).await?;
        let registered = nonces.submit(|n| wallet.change_pubkey(me.id, (0, fee), n, Authorisation::Eip191)).await?;
        registered.wait(Stage::InBlock, WAIT).await?;
        println!("registered the L2 key {} (fee {} wei)", wallet.pubkey_hash(), fee);
    }

    // Step 4: the transfer. The amount is read in ETH and must pack exactly (an amount that
    // does not is an error naming the closest that do); the fee is the node's quote, higher
    // when the transfer opens the recipient's account.
    let to: Address = to.parse().map_err(|e| format!("{to}: {e}"))?;
    let value = amount::parse_units(value, 18)?;
    let kind = match node.account(&to).await? {
        Some(_) => TxKind::Transfer,
        None => TxKind::TransferToNew,
    };
    let fee = node.fee(kind, 0).await?;
    let sent = nonces.submit(|n| wallet.transfer(me.id, to, (0, value, fee), n)).await?;
    println!("sent {} ETH to {to} (fee {fee} wei): {}", amount::format_units(value, 18), sent.hash);

    // Step 5: the node's receipt meant it is stored; now its block, then L1's verdict.
    for stage in [Stage::InBlock, Stage::Executed] {
        println!("  {stage:?}: {:?}", sent.wait(stage, WAIT).await?);
    }

    // Step 6: both balances, in the verified view (the state after the last executed block).
    for who in [wallet.address(), to] {
        let info = node.account(&who).await?;
        println!("  {who}: {} ETH", verified_eth(info.as_ref()).map_or("?".into(), |v| amount::format_units(v, 18)));
    }
    Ok(())
}

/// The ETH an account holds in the verified view.
fn verified_eth(info: Option<&AccountInfo>) -> Option<u128> {
    let verified = info?.verified.as_ref()?;
    let eth = verified.balances.iter().find(|b| b.token == 0);
    eth.map_or(Some(0), |b| b.amount.parse().ok())
}
