//! The SDK's L1 client on real chains over JSON-RPC — anvil and the development chain
//! (`zkrollup-devchain`), the rollup deployed on each with a test ERC-20 listed: every operation
//! a wallet sends there (ETH and ERC-20 deposits, the approval first, an on-chain ChangePubKey
//! fact, a full-exit request, a payout), each read back through the SDK and checked against
//! the spec's L1 replaying every transaction the chain holds (the node's audit: another reader,
//! and the spec as the authority). A refusal by the contract carries the spec's rule id and
//! costs no gas; concurrent sends from one key get distinct nonces; a client without a key
//! refuses to send; an endpoint's secrets never appear in an error.

use std::time::Duration;

use tokio::runtime::Runtime;
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_contracts::dual_l1::NativeVerifier;
use zkrollup_node::anvil::{Anvil, DEV_KEYS};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::audit::audit;
use zkrollup_node::l1::json_rpc::{address_of, chain_id, deploy, JsonRpcConfig};
use zkrollup_node::l1::wallet::{balance_of, deploy_test_token, mint_test_token};
use zkrollup_sdk::spec::l1::{L1Config, QueuedRequest};
use zkrollup_sdk::spec::primitives::keys::keccak256;
use zkrollup_sdk::spec::primitives::Address;
use zkrollup_sdk::spec::rules::Rule;
use zkrollup_sdk::spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_sdk::{SdkError, Wallet, L1};

const CHUNKS: usize = 8;

/// The wallet of dev key `i` on the rollup at `rollup` of the chain at `url`.
fn wallet(url: &str, i: usize, rollup: Address) -> Wallet {
    let domain = zkrollup_sdk::spec::tx::auth::L1Domain {
        chain_id: chain_id(&JsonRpcConfig::dev(url)).unwrap(),
        contract: rollup,
    };
    Wallet::from_l1_key_hex(DEV_KEYS[i], domain).unwrap()
}

/// Every L1 operation of the SDK on the chain at `url` (its dev keys funded).
fn every_l1_operation(url: &str) {
    let rpc = JsonRpcConfig::dev(url);
    let keys = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
    let (_, block_vk, _) = load_or_make(&keys, CircuitKind::Block(CHUNKS), BLOCK_SETUP_SEED).unwrap();
    let (_, exit_vk, _) = load_or_make(&keys, CircuitKind::Exit, EXIT_SETUP_SEED).unwrap();
    let (token, token2) =
        (deploy_test_token(&rpc, DEV_KEYS[2]).unwrap(), deploy_test_token(&rpc, DEV_KEYS[2]).unwrap());
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let tokens = vec![token, token2];
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens, ..SpecRollup::config(operator) };
    let deployed = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).expect("the rollup deploys");
    let rollup = deployed.rollup;
    let rt = Runtime::new().unwrap();

    let me = wallet(url, 3, rollup);
    let l1 = L1::with_wallet(url, &me).unwrap().with_timeout(Duration::from_secs(60));
    let domain = rt.block_on(l1.domain()).unwrap();
    assert_eq!(domain, me.domain(), "the chain's id and the rollup: the wallet's deployment");
    assert_eq!(rt.block_on(l1.listed_tokens()).unwrap(), vec![token, token2]);

    // ETH deposits, two at once from clones of one client: distinct nonces, one request each.
    let (a, b) = rt.block_on(async {
        let (other, to) = (l1.clone(), me.address());
        tokio::join!(l1.deposit_eth(&to, 1_000), other.deposit_eth(&to, 2_000))
    });
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut serials = vec![a.request, b.request];
    serials.sort();
    assert_eq!(serials, [Some(0), Some(1)], "each deposit's request");
    assert_eq!((a.credited, b.credited), (Some(1_000), Some(2_000)));
    let mut hashes = vec![a.hash_hex(), b.hash_hex()];
    // An ERC-20 deposit: approved first (the test token says no decimals()).
    mint_test_token(&rpc, DEV_KEYS[3], &token, &me.address(), 700).unwrap();
    assert_eq!(rt.block_on(l1.erc20_decimals(&token)).unwrap(), None, "the test token has no decimals()");
    let erc20 = rt.block_on(l1.deposit_erc20(1, &me.address(), 700)).unwrap();
    assert_eq!((erc20.request, erc20.credited), (Some(2), Some(700)));
    hashes.push(erc20.hash_hex());
    assert_eq!(balance_of(&rpc, &rollup, Some(&token)).unwrap().to::<u128>(), 700, "the rollup holds the ERC-20");
    assert_eq!(rt.block_on(l1.balance(&me.address(), Some(&token))).unwrap().to::<u128>(), 0);
    // With an allowance left over from elsewhere, too small: set to zero first (tokens like USDT
    // refuse a non-zero allowance changed into another), then to the amount.
    approve_elsewhere(&rt, url, &token, &rollup, 100);
    mint_test_token(&rpc, DEV_KEYS[3], &token, &me.address(), 300).unwrap();
    assert_eq!(rt.block_on(l1.deposit_erc20(1, &me.address(), 300)).unwrap().request, Some(3));
    assert_eq!(balance_of(&rpc, &rollup, Some(&token)).unwrap().to::<u128>(), 1_000);
    assert_eq!(approvals(&rt, url, &token), [700, 100, 0, 300], "the rollup's allowances, in order");
    // Token 2, with an allowance large enough already: no approval of the SDK's.
    approve_elsewhere(&rt, url, &token2, &rollup, 10_000);
    mint_test_token(&rpc, DEV_KEYS[3], &token2, &me.address(), 500).unwrap();
    let second = rt.block_on(l1.deposit_erc20(2, &me.address(), 500)).unwrap();
    assert_eq!((second.request, second.credited), (Some(4), Some(500)));
    assert_eq!(approvals(&rt, url, &token2), [10_000], "the allowance was enough");
    assert_eq!(balance_of(&rpc, &rollup, Some(&token2)).unwrap().to::<u128>(), 500, "token 2, not token 1");
    for unlisted in [0, 3] {
        let e = rt.block_on(l1.deposit_erc20(unlisted, &me.address(), 1)).unwrap_err();
        assert_eq!(e.rule(), Some(Rule::L1TokenNotListed.id()), "token {unlisted}: {e}");
    }
    // An on-chain fact for the wallet's L2 key, read back; set twice, refused by its rule.
    rt.block_on(l1.set_auth_pubkey_hash(&me.pubkey_hash(), 0)).unwrap();
    assert_eq!(rt.block_on(l1.auth_fact(&me.address(), 0)).unwrap(), keccak256(&me.pubkey_hash().0));
    let twice = rt.block_on(l1.set_auth_pubkey_hash(&me.pubkey_hash(), 0)).unwrap_err();
    assert_eq!(twice.rule(), Some(Rule::L1AuthFactExists.id()), "{twice}");
    // A full exit of account 5's ERC-20.
    let exit = rt.block_on(l1.request_full_exit(5, 1)).unwrap();
    assert_eq!((exit.request, exit.credited), (Some(5), None));
    hashes.push(exit.hash_hex());
    // Refusals of the simulation: no transaction is sent.
    let zero = rt.block_on(l1.deposit_eth(&me.address(), 0)).unwrap_err();
    assert_eq!(zero.rule(), Some(Rule::L1DepositZeroAmount.id()), "{zero}");
    let owed = rt.block_on(l1.pending_balance(&me.address(), 0)).unwrap();
    assert_eq!(owed, 0);
    let payout = rt.block_on(l1.withdraw_pending_balance(&me.address(), 0, 1)).unwrap_err();
    assert_eq!(payout.rule(), Some(Rule::L1InsufficientPendingBalance.id()), "{payout}");

    // The spec's L1, replaying every transaction on the chain, agrees with each.
    let verifier = NativeVerifier { block_chunks: CHUNKS as u16, block: block_vk, exit: exit_vk };
    let replayed = audit(&rpc, &rollup, &deployed.config, deployed.block, &verifier).unwrap();
    assert!(replayed.mismatches.is_empty(), "{:#?}", replayed.mismatches);
    let spec = replayed.spec;
    let ops: Vec<&PriorityOp> = spec.requests.iter().map(|r: &QueuedRequest| &r.op).collect();
    let from = me.address();
    let deposit = |token, amount| PriorityOp::Deposit(DepositRequest { from, to: from, token, amount });
    let amounts: Vec<u128> = ops[..2]
        .iter()
        .map(|op| match op {
            PriorityOp::Deposit(d) => d.amount,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(amounts == [1_000, 2_000] || amounts == [2_000, 1_000], "{amounts:?}");
    assert_eq!(ops[..2].iter().filter(|op| ***op == deposit(0, 1_000) || ***op == deposit(0, 2_000)).count(), 2);
    assert_eq!(ops[2..5], [&deposit(1, 700), &deposit(1, 300), &deposit(2, 500)]);
    assert_eq!(ops[5], &PriorityOp::FullExit(FullExitRequest { account_id: 5, owner: from, token: 1 }));
    assert_eq!(ops.len(), 6, "the refused calls made no request");
    let mined: Vec<String> = replayed.history.txs.iter().map(|t| t.hash.to_string()).collect();
    assert!(hashes.iter().all(|h| mined.contains(h)), "the hashes the SDK gave are the chain's: {hashes:?} {mined:?}");
    assert_eq!(spec.auth_facts.get(&(from, 0)), Some(&keccak256(&me.pubkey_hash().0)));
    assert_eq!(spec.pending_balance(&from, 0), owed);
    // approve and depositERC20 were separate transactions; nothing refused was mined.
    assert_eq!(replayed.calls.get("depositETH"), Some(&(2, 0)), "{:?}", replayed.calls);
    assert_eq!(replayed.calls.get("setAuthPubkeyHash"), Some(&(1, 0)), "{:?}", replayed.calls);
    assert!(!replayed.calls.contains_key("withdrawPendingBalance"), "{:?}", replayed.calls);

    // Without a key: reads only. An unreachable endpoint whose URL holds secrets: none shown.
    let reader = L1::http(url, rollup).unwrap();
    assert_eq!(rt.block_on(reader.listed_tokens()).unwrap(), vec![token, token2]);
    let refused = rt.block_on(reader.deposit_eth(&from, 1)).unwrap_err();
    assert!(matches!(&refused, SdkError::L1(m) if m.contains("reads only")), "{refused}");
    let secret = L1::http("http://user:hunter2@127.0.0.1:1/v3/KEY1234", rollup).unwrap();
    let e = rt.block_on(secret.domain()).unwrap_err().to_string();
    assert!(e.contains("127.0.0.1:1") && !e.contains("hunter2") && !e.contains("KEY1234"), "{e}");
    let e = L1::http("https://example.com", rollup).err().expect("no TLS in this build").to_string();
    assert!(e.contains("http://"), "{e}");
    // A wallet for another chain's deployment at the same address: its transactions are signed
    // for that chain, and this one refuses them.
    let elsewhere = zkrollup_sdk::spec::tx::auth::L1Domain { chain_id: 999, contract: rollup };
    let stranger = Wallet::from_l1_key_hex(DEV_KEYS[3], elsewhere).unwrap();
    let e = rt.block_on(L1::with_wallet(url, &stranger).unwrap().deposit_eth(&from, 1)).unwrap_err();
    assert!(matches!(&e, SdkError::L1(m) if m.contains("refused")), "{e}");
}

/// Dev key 3 approves `spender` for `amount` of the ERC-20 at `token`, as another wallet of the
/// same key would.
fn approve_elsewhere(rt: &Runtime, url: &str, token: &Address, spender: &Address, amount: u64) {
    use alloy_network::TransactionBuilder;
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_sol_types::SolCall;
    use zkrollup_contracts::artifacts::TestToken;
    let signer: alloy_signer_local::PrivateKeySigner = DEV_KEYS[3].parse().unwrap();
    let provider = ProviderBuilder::new().wallet(signer).connect_http(url.parse().unwrap());
    let call = TestToken::approveCall { spender: spender.0.into(), amount: alloy_primitives::U256::from(amount) };
    let tx = alloy_rpc_types_eth::TransactionRequest::default().with_to(token.0.into()).with_input(call.abi_encode());
    let receipt = rt.block_on(async { provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap() });
    assert!(receipt.status(), "the approval");
}

/// The values of every `Approval` the ERC-20 at `token` logged, in order.
fn approvals(rt: &Runtime, url: &str, token: &Address) -> Vec<u64> {
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_sol_types::SolEvent;
    use zkrollup_contracts::artifacts::TestToken;
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let filter = alloy_rpc_types_eth::Filter::new()
        .address(alloy_primitives::Address::from(token.0))
        .event_signature(TestToken::Approval::SIGNATURE_HASH)
        .from_block(0);
    let logs = rt.block_on(provider.get_logs(&filter)).unwrap();
    logs.iter().map(|l| TestToken::Approval::decode_log(&l.inner).unwrap().value.to::<u64>()).collect()
}

#[test]
fn every_l1_operation_on_the_development_chain() {
    use zkrollup_devchain::{dev_genesis, DevChain, DevChainConfig, Mining, DEV_CHAIN_ID};
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let config =
        DevChainConfig { genesis: dev_genesis(DEV_CHAIN_ID, now), mining: Mining::PerTransaction, state: None };
    let chain = DevChain::start(config).unwrap();
    let rt = Runtime::new().unwrap();
    let (addr, _server) = rt.block_on(chain.serve("127.0.0.1:0".parse().unwrap())).unwrap();
    every_l1_operation(&format!("http://{addr}"));
}

#[test]
fn every_l1_operation_on_anvil() {
    let Some(anvil) = Anvil::start_for_test(&[]) else { return };
    every_l1_operation(&anvil.url);
}
