//! `zkrollup wallet` as users run it: a process per command, against `zkrollup l1` and
//! `zkrollup node` in processes of their own, its results read back through the node's API and
//! the L1's JSON-RPC (not through the wallet), and every bad input refused with a message
//! saying what is wrong.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::tx::auth::L1Domain;

use crate::support::*;

/// The wallet's command line against `node` (its API) and `l1` (its JSON-RPC), the key from
/// `key_file` if given, nothing taken from this process's environment.
fn wallet(node: &str, l1: &str, key_file: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.args(["wallet", "--node", node, "--l1-url", l1]).args(args);
    for var in ["ZKROLLUP_WALLET_KEY", "ZKROLLUP_NODE", "ZKROLLUP_L1_URL"] {
        c.env_remove(var);
    }
    if let Some(f) = key_file {
        c.arg("--key-file").arg(f);
    }
    output_of(c)
}

/// Whether a transaction's `--json` result says it is in a block (sealed, or further: the
/// default wait returns at that stage or a later one).
fn in_a_block(result: &Value) -> bool {
    ["in_block", "committed", "proven", "executed"].contains(&result["status"]["status"].as_str().unwrap_or(""))
}

/// The JSON a `--json` run printed; fails the test unless it succeeded.
fn ok_json(o: &Output) -> Value {
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "the wallet failed: {err}\n{out}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not one JSON object ({e}): {out}"))
}

/// The message of a failed run (stderr), and its `--json` object if it printed one.
fn failed(o: &Output) -> (String, Option<Value>) {
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr).into_owned());
    assert_eq!(o.status.code(), Some(1), "the wallet must fail with its error, not succeed or panic: {out}\n{err}");
    (err, serde_json::from_str(out.trim()).ok())
}

/// The operations on L2 alone, by the wallet of [`every_operation`] (dev key 3, its key file in
/// `dir`, its account funded): an EIP-712 ChangePubKey, a transfer that opens the recipient's
/// account (dev key 2), the recipient's key registered by an on-chain fact an earlier run set,
/// and a withdrawal executed on L1: what it withdrew.
fn l2_operations(dir: &Path, api: &str, url: &str, rollup: &Address, domain: &L1Domain) -> u128 {
    use zkrollup_api::{AccountRef, HttpClientBuilder, RollupApiClient};
    use zkrollup_node::anvil::DEV_KEYS;
    use zkrollup_node::l1::json_rpc::{address_of, JsonRpcConfig};
    use zkrollup_node::l1::wallet::{pending_balance, set_auth_pubkey_hash};
    use zkrollup_spec::primitives::keys::pubkey_hash;

    let (rpc, rollup, domain) = (JsonRpcConfig::dev(url), *rollup, *domain);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = HttpClientBuilder::default().build(api).unwrap();
    let balance = |who: &Address, token: u16| committed_balance(&runtime, &client, who, token);
    // The fees of a development node: 1,000 wei a chunk.
    let (to_new_fee, withdraw_fee) = (5_000, 6_000);
    let me = address_of(DEV_KEYS[3]).unwrap();
    let key = dir.join("wallet.key");
    let run = |args: &[&str]| wallet(api, url, Some(&key), args);
    let pkh = pubkey_hash(&l1_key_of(DEV_KEYS[3]).derive_l2_key(&domain).public_key());
    let to = address_of(DEV_KEYS[2]).unwrap();
    let checksummed = zkrollup_devchain::DEV_ADDRESSES[2].to_checksum(None);

    // The L2 key registered (EIP-712), then a transfer that opens the recipient's account.
    let fee = ok_json(&run(&["--json", "--base-units", "fee", "transfer-to-new"]));
    assert_eq!(fee["fee"], to_new_fee.to_string());
    let cpk = ok_json(&run(&["--json", "change-pubkey", "--auth", "eip712"]));
    assert!(in_a_block(&cpk), "the default wait: {cpk}");
    let looked_up = ok_json(&run(&["--json", "tx", cpk["hash"].as_str().unwrap()]));
    assert_eq!(looked_up["hash"], cpk["hash"]);
    let account = ok_json(&run(&["--json", "account"]));
    assert_eq!(account["committed"]["pubkey_hash"], pkh.to_string());
    let info = runtime.block_on(client.get_account(AccountRef::Address(me.to_string()))).unwrap().unwrap();
    assert_eq!(info.committed.pubkey_hash, pkh.to_string(), "the key the wallet registered");
    let before = balance(&me, 0);
    ok_json(&run(&["--json", "transfer", &checksummed, "0.1"]));
    assert_eq!(balance(&to, 0), 10u128.pow(17));
    assert_eq!(balance(&me, 0), before - 10u128.pow(17) - to_new_fee);

    // The recipient (dev key 2) registers its key by an on-chain fact, which an earlier run
    // set before it died: the wallet finds it rather than failing to set it twice.
    let theirs = key_file(dir, "recipient.key", DEV_KEYS[2]);
    let their_id = runtime.block_on(client.get_account(AccountRef::Address(to.to_string()))).unwrap().unwrap().id;
    let their_pkh = pubkey_hash(&l1_key_of(DEV_KEYS[2]).derive_l2_key(&domain).public_key());
    set_auth_pubkey_hash(&rpc, DEV_KEYS[2], &rollup, &their_pkh, 0).unwrap();
    let cpk = ok_json(&wallet(api, url, Some(&theirs), &["--json", "change-pubkey", "--auth", "onchain"]));
    assert!(in_a_block(&cpk), "{cpk}");
    let info = runtime.block_on(client.get_account(AccountRef::Id(their_id))).unwrap().unwrap();
    assert_eq!(info.committed.pubkey_hash, their_pkh.to_string());

    // A withdrawal executed on L1.
    let before = balance(&me, 0);
    let w = ok_json(&run(&["--json", "--base-units", "withdraw", "5000", "--wait", "executed"]));
    assert_eq!(w["status"]["status"], "executed", "{w}");
    assert_eq!(balance(&me, 0), before - 5000 - withdraw_fee);
    assert_eq!(pending_balance(&rpc, &rollup, &me, 0).unwrap(), 5000, "the withdrawal waits on L1");
    5000
}

/// `who`'s balance of `token` in the node's committed view (0 without an account).
fn committed_balance(
    runtime: &tokio::runtime::Runtime,
    client: &zkrollup_api::HttpClient,
    who: &Address,
    token: u16,
) -> u128 {
    use zkrollup_api::{AccountRef, RollupApiClient};
    let info = runtime.block_on(client.get_account(AccountRef::Address(who.to_string()))).unwrap();
    let b = info.and_then(|i| i.committed.balances.into_iter().find(|b| b.token == token));
    b.map_or(0, |b| b.amount.parse().unwrap())
}

/// The L1 key of `hex` (`0x` and 64 digits).
fn l1_key_of(hex: &str) -> zkrollup_spec::primitives::keys::L1Key {
    let digits = hex.trim_start_matches("0x");
    let secret: [u8; 32] = std::array::from_fn(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap());
    zkrollup_spec::primitives::keys::L1Key::from_bytes(&secret).expect("a key")
}

/// A file holding `key` (hex), readable only by its owner.
fn key_file(dir: &Path, name: &str, key: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{key}\n")).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path
}

/// The wallet's command line on `zkrollup l1`, the development chain in a process of its own
/// (its test ERC-20 listed as token 1), the node attached to it.
#[test]
fn the_wallet_cli_does_every_operation_on_the_development_chain() {
    let (dir, keys, data) = process_setup();
    let (_l1, url, rollup, from_block, token) = l1_process(&keys);
    let mut node =
        node_process(&["--l1-url", &url, "--rollup", &rollup, "--l1-from-block", &from_block], [&keys, &data], None);
    let api = node.after("listening on ");
    every_operation(dir.path(), &api, &url, &rollup, Some(&token));
}

/// The wallet's command line on anvil, the rollup deployed there by the node (ETH only: a
/// deployment by the node lists no ERC-20).
#[test]
fn the_wallet_cli_does_every_operation_on_anvil() {
    use zkrollup_node::anvil::Anvil;
    let Some(anvil) = Anvil::start_for_test(&[]) else { return };
    let (dir, keys, data) = process_setup();
    let mut node = node_process(&["--l1-url", &anvil.url], [&keys, &data], None);
    let rollup = node.after("--rollup ");
    let api = node.after("listening on ");
    every_operation(dir.path(), &api, &anvil.url, &rollup, None);
}

/// Every operation of the wallet's command line against the node's API at `api` and the L1 at
/// `url` holding the rollup at `rollup`, by a wallet whose key is in a file in `dir` (dev key
/// 3): an ETH deposit; with the test ERC-20 `token` (the development chain), its deposit
/// (approved first), the operations on L2 ([`l2_operations`]), the ERC-20's full exit requested
/// with the node unreachable and its payout on L1; without (anvil: the L1 side only), a
/// ChangePubKey by an on-chain fact the wallet sets, the full exit of ETH waited for until
/// executed and its payout — each checked through the node's API or the L1, with amounts computed here from the development node's
/// prices. And the bad inputs: a key on the command line, no key, an unreadable or malformed
/// key file, an unknown token, an amount that does not pack (its packable neighbours named),
/// more than the balance and a used nonce (each with the spec's rule id, in the `--json` error
/// too), an unreachable node and an L1 of another chain.
fn every_operation(dir: &Path, api: &str, url: &str, rollup: &str, token: Option<&str>) {
    use zkrollup_api::{AccountRef, HttpClientBuilder, RollupApiClient};
    use zkrollup_node::anvil::DEV_KEYS;
    use zkrollup_node::l1::json_rpc::{address_of, JsonRpcConfig};
    use zkrollup_node::l1::wallet::{balance_of, deposit_eth, mint_test_token, pending_balance};
    use zkrollup_spec::primitives::keys::pubkey_hash;

    let rpc = JsonRpcConfig::dev(url);
    let rollup: Address = rollup.parse().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = HttpClientBuilder::default().build(api).unwrap();
    let balance = |who: &Address, token: u16| committed_balance(&runtime, &client, who, token);
    // The fee account first (account 0), then the wallet: dev key 3, in a file.
    deposit_eth(&rpc, DEV_KEYS[1], &rollup, &address_of(DEV_KEYS[0]).unwrap(), 1_000).unwrap();
    let me = address_of(DEV_KEYS[3]).unwrap();
    let key = key_file(dir, "wallet.key", DEV_KEYS[3]);
    let run = |args: &[&str]| wallet(api, url, Some(&key), args);

    let address = ok_json(&run(&["--json", "address"]));
    let domain = L1Domain { chain_id: 31337, contract: rollup };
    let pkh = pubkey_hash(&l1_key_of(DEV_KEYS[3]).derive_l2_key(&domain).public_key());
    assert_eq!(address["address"], me.to_string());
    assert_eq!(address["pubkey_hash"], pkh.to_string(), "the L2 key derived for the node's deployment");

    // A deposit of 0.5 ETH (and below, 700 base units of the test ERC-20, which has no
    // decimals()).
    let deposit = ok_json(&run(&["--json", "deposit", "0.5"]));
    let hash = deposit["l1_transaction"].as_str().unwrap_or_default();
    assert!(hash.len() == 66 && hash.starts_with("0x"), "the L1 transaction's hash: {deposit}");
    assert_eq!(deposit["credited"], (5 * 10u128.pow(17)).to_string(), "{deposit}");
    let request = runtime.block_on(client.get_priority_op(deposit["serial_id"].as_u64().unwrap())).unwrap();
    let request = request.expect("the node read the request the wallet reports");
    assert_eq!(request.block.map(u64::from), deposit["block"].as_u64(), "{deposit}");
    let want = zkrollup_api::PriorityOpJson::Deposit {
        from: me.to_string(),
        to: me.to_string(),
        token: 0,
        amount: (5 * 10u128.pow(17)).to_string(),
    };
    assert_eq!(request.op, want, "the request the wallet made");
    assert_eq!(balance(&me, 0), 5 * 10u128.pow(17));
    let token: Option<Address> = token.map(|t| t.parse().expect("the test ERC-20's address"));
    if let Some(token) = &token {
        mint_test_token(&rpc, DEV_KEYS[3], token, &me, 700).unwrap();
        let (why, _) = failed(&run(&["deposit", "700", "--token", "1"]));
        assert!(why.contains("does not say its decimals") && why.contains("--base-units"), "{why}");
        ok_json(&run(&["--json", "--base-units", "deposit", "700", "--token", &token.to_string()]));
        assert_eq!(balance(&me, 1), 700);
    }

    let to = address_of(DEV_KEYS[2]).unwrap();
    // The recipient as wallets show it, EIP-55 checksummed.
    let checksummed = zkrollup_devchain::DEV_ADDRESSES[2].to_checksum(None);
    assert_eq!(checksummed.to_lowercase(), to.to_string());
    // On anvil, the L1 side only (each block is a proof the last wait waits for; the L2
    // operations do not touch the L1): the wallet's key by an on-chain fact, its full exit.
    let withdrawn = if token.is_none() {
        let cpk = ok_json(&run(&["--json", "change-pubkey", "--auth", "onchain"]));
        assert!(in_a_block(&cpk), "{cpk}");
        let account = ok_json(&run(&["--json", "account"]));
        assert_eq!(account["committed"]["pubkey_hash"], pkh.to_string());
        0
    } else {
        l2_operations(dir, api, url, &rollup, &domain)
    };
    match &token {
        Some(token) => {
            // The ERC-20's full exit, requested on L1 alone with the node unreachable (--rollup,
            // --account; anvil's run waits for its full exit with --wait executed instead).
            let mine = runtime.block_on(client.get_account(AccountRef::Address(me.to_string()))).unwrap();
            let id = mine.expect("the wallet's account").id.to_string();
            let alone = ["--json", "--rollup", &rollup.to_string(), "full-exit", "--token", "1", "--account", &id];
            let unreachable =
                wallet("http://127.0.0.1:1", url, Some(&key), &[&alone[..], &["--wait", "none"]].concat());
            let serial = ok_json(&unreachable)["serial_id"].as_u64().expect("the request's serial id");
            let started = std::time::Instant::now();
            let read = loop {
                match runtime.block_on(client.get_priority_op(serial)).unwrap() {
                    Some(op) if op.stage == Some(zkrollup_api::BlockStage::Executed) => break op,
                    _ if started.elapsed() < HANG_GUARD => std::thread::sleep(std::time::Duration::from_millis(100)),
                    _ => panic!("L1 request {serial} was not executed"),
                }
            };
            let want = zkrollup_api::PriorityOpJson::FullExit {
                account_id: id.parse().unwrap(),
                owner: me.to_string(),
                token: 1,
            };
            assert_eq!(read.op, want, "the full exit requested without the node");
            assert_eq!(balance(&me, 1), 0);
            let paid = ok_json(&run(&["--json", "withdraw-pending", "--token", "1"]));
            assert_eq!(paid["amount"], "700", "{paid}");
            assert_eq!(balance_of(&rpc, &me, Some(token)).unwrap().to::<u128>(), 700, "the ERC-20 back on L1");
            assert_eq!(pending_balance(&rpc, &rollup, &me, 1).unwrap(), 0);
        }
        None => {
            // ETH's full exit: the whole L2 balance joins the withdrawal waiting on L1.
            let left = balance(&me, 0);
            ok_json(&run(&["--json", "full-exit", "--wait", "executed"]));
            assert_eq!(balance(&me, 0), 0);
            let on_l1 = balance_of(&rpc, &me, None).unwrap().to::<u128>();
            let paid = ok_json(&run(&["--json", "withdraw-pending"]));
            assert_eq!(paid["amount"], (left + withdrawn).to_string(), "{paid}");
            let gained = balance_of(&rpc, &me, None).unwrap().to::<u128>() - on_l1;
            assert!(gained > left + withdrawn - 10u128.pow(15), "the payout less its gas reached L1: {gained}");
            assert_eq!(pending_balance(&rpc, &rollup, &me, 0).unwrap(), 0);
        }
    }

    // Bad inputs.
    let o = wallet(api, url, None, &["address", "--key", DEV_KEYS[3]]);
    let (why, _) = failed(&o);
    assert!(why.contains("--key") && why.contains("--key-file") && !why.contains(DEV_KEYS[3]), "{why}");
    let (why, _) = failed(&wallet(api, url, None, &["address"]));
    assert!(why.contains("--key-file") && why.contains("ZKROLLUP_WALLET_KEY"), "{why}");
    let missing = dir.join("no-such.key");
    let (why, _) = failed(&wallet(api, url, Some(&missing), &["address"]));
    assert!(why.contains("no-such.key"), "{why}");
    // A key with one bad digit: no piece of it is shown, in text or JSON.
    let almost = format!("{}g", &DEV_KEYS[3][..DEV_KEYS[3].len() - 1]);
    let bad = key_file(dir, "bad.key", &almost);
    let o = wallet(api, url, Some(&bad), &["--json", "address"]);
    let (why, json) = failed(&o);
    assert!(why.contains("bad.key") && why.contains("not a key"), "{why}");
    let shown = format!("{why}{}", json.expect("a JSON error"));
    let digits = almost.trim_start_matches("0x");
    assert!((0..digits.len() - 8).all(|i| !shown.contains(&digits[i..i + 8])), "a piece of the key is shown: {shown}");
    // One letter's case changed: the checksum catches the typo (clap's refusal: exit code 2).
    let i = checksummed[2..].find(|c: char| c.is_ascii_uppercase()).expect("a checksummed address has capitals") + 2;
    let typo = format!("{}{}{}", &checksummed[..i], checksummed[i..=i].to_lowercase(), &checksummed[i + 1..]);
    let o = run(&["transfer", &typo, "0.01"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stderr).contains("EIP-55"), "{}", String::from_utf8_lossy(&o.stderr));
    let (why, _) = failed(&run(&["transfer", &to.to_string(), "0.01", "--token", "DAI"]));
    assert!(why.contains("unknown token \"DAI\"") && why.contains("ETH"), "{why}");
    let (why, _) = failed(&run(&["transfer", &to.to_string(), "0.1234567891234567"]));
    assert!(why.contains("123456789120000000 and 123456789130000000"), "the packable neighbours: {why}");
    let (_, json) = failed(&run(&["--json", "transfer", &to.to_string(), "100"]));
    assert_eq!(json.expect("a JSON error")["rule"], "transfer.insufficient_balance");
    let (_, json) = failed(&run(&["--json", "transfer", &to.to_string(), "0.01", "--nonce", "0"]));
    assert_eq!(json.expect("a JSON error")["rule"], "tx.nonce_mismatch");
    let (why, _) = failed(&wallet("http://127.0.0.1:1", url, Some(&key), &["account", "0"]));
    assert!(why.contains("the node at --node http://127.0.0.1:1"), "{why}");
    let mut other = Command::new(BIN);
    other.args(["l1", "--listen", "127.0.0.1:0", "--no-deploy", "--chain-id", "31338"]);
    let mut other = Serving::start(other);
    let other_url = other.after("listening on ");
    let (why, _) = failed(&wallet(api, &other_url, Some(&key), &["deposit", "0.1"]));
    assert!(why.contains("chain 31338") && why.contains("chain 31337"), "{why}");
    let s = runtime.block_on(client.status()).unwrap();
    assert!(s.stage_errors.is_empty(), "a stage of the node fails: {:?}", s.stage_errors);
}
