//! The node against anvil, a real Ethereum node, with the same pipeline as on the embedded
//! chain: the contracts deployed over JSON-RPC, wallets' deposits sent as signed transactions
//! and read back by the watcher from the chain's logs, and the blocks holding them committed,
//! proven (real Groth16 proofs of 8-chunk blocks) and executed on anvil.
//!
//! anvil is pinned in tools/anvil (`npm ci` there; `.ci/run` does it). Without it the test says
//! NOT CHECKED, except under `CI=true`, where it fails.

use std::time::{Duration, Instant};

use alloy_sol_types::SolCall;
use zkrollup_api::{AccountRef, HttpClientBuilder, RollupApiClient};
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_contracts::artifacts::Rollup;
use zkrollup_node::anvil::{Anvil, DEV_KEYS};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::json_rpc::{address_of, deploy, deposit_eth, JsonRpcConfig};
use zkrollup_node::l1::JsonRpcL1;
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::testkit::{user, TEST_DOMAIN};

const CHUNKS: usize = 8;
const PATIENCE: Duration = Duration::from_secs(300);

#[test]
fn deposits_sent_to_anvil_are_credited_and_their_blocks_executed_there() {
    let Some(anvil) = Anvil::start_for_test(&["--chain-id", &TEST_DOMAIN.chain_id.to_string()]) else { return };
    let rpc = JsonRpcConfig::dev(&anvil.url);
    let keys = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
    let (pk, block_vk, _) = load_or_make(&keys, CircuitKind::Block(CHUNKS), BLOCK_SETUP_SEED).unwrap();
    let (_, exit_vk, _) = load_or_make(&keys, CircuitKind::Exit, EXIT_SETUP_SEED).unwrap();

    // The operator (anvil's key 0) governs and validates; ETH only (no test tokens on anvil).
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens: vec![], ..SpecRollup::config(operator) };
    let deployed = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).expect("deploys on anvil");
    assert_ne!(deployed.rollup, TEST_DOMAIN.contract, "the chain chose the address");

    let l1 = JsonRpcL1::connect(rpc.clone(), DEV_KEYS[0], &deployed.rollup, &deployed.config, deployed.block).unwrap();
    let node_config = NodeConfig {
        block_chunks: CHUNKS,
        seal_timeout: Duration::from_secs(1),
        tokens: vec![],
        fee_per_chunk: Default::default(),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, deployed.rollup)
    };
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::open(dir.path(), node_config).unwrap();
    node.start_pipeline(Box::new(l1), Box::new(InProcessProver { pk, vk: block_vk }));

    // Wallets in their own right: anvil's keys 1 and 2 deposit with signed transactions, first
    // to the operator's address (opening the fee account, 0), then to user 1's.
    let (fee_owner, u1) = (operator, user(1).address);
    deposit_eth(&rpc, DEV_KEYS[1], &deployed.rollup, &fee_owner, 1_000).unwrap();
    deposit_eth(&rpc, DEV_KEYS[2], &deployed.rollup, &u1, 5_000_000).unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let last_executed = runtime.block_on(async {
        let (addr, _handle) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let client = HttpClientBuilder::default().build(format!("http://{addr}")).unwrap();
        let start = Instant::now();
        let (account, last_executed) = loop {
            let s = client.status().await.unwrap();
            assert!(s.stage_errors.is_empty(), "a stage fails: {:?}", s.stage_errors);
            let info = client.get_account(AccountRef::Address(u1.to_string())).await.unwrap();
            if let Some(info) = info.filter(|i| i.verified.is_some() && s.last_executed == s.last_sealed) {
                break (info, s.last_executed);
            }
            assert!(start.elapsed() < PATIENCE, "waited {PATIENCE:?} for the deposits to execute: {s:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(account.id, 1, "the fee account came first");
        let verified = account.verified.expect("executed on L1");
        assert_eq!(verified.balances.first().map(|b| (b.token, b.amount.clone())), Some((0, "5000000".into())));
        last_executed
    });

    // The contract on anvil, read over JSON-RPC, executed the blocks the node says it did.
    let executed = view_u32(&anvil.url, &deployed.rollup, Rollup::blocksExecutedCall {}.abi_encode());
    assert!(last_executed >= 1);
    assert_eq!(executed, last_executed, "blocks executed on anvil");
    node.shutdown();
}

/// A `uint32` view of the rollup, by `eth_call` over JSON-RPC.
fn view_u32(url: &str, rollup: &Address, data: Vec<u8>) -> u32 {
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_rpc_types_eth::TransactionRequest;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
        let tx = TransactionRequest::default().to(alloy_primitives::Address::from(rollup.0)).input(data.into());
        let out = provider.call(tx).await.unwrap();
        Rollup::blocksExecutedCall::abi_decode_returns(&out).unwrap()
    })
}
