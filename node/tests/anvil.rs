//! The node against anvil, a real Ethereum node, with the same pipeline as on the embedded
//! chain: the contracts deployed over JSON-RPC, wallets' deposits sent as signed transactions
//! and read back by the watcher from the chain's logs, and the blocks holding them committed,
//! proven (real Groth16 proofs of 8-chunk blocks) and executed on anvil.
//!
//! anvil is pinned in tools/anvil (`npm ci` there; `.ci/run` does it). Without it the test says
//! NOT CHECKED, except under `CI=true`, where it fails.

use std::time::{Duration, Instant};

use alloy_provider::ext::AnvilApi;
use alloy_sol_types::SolCall;
use jsonrpsee::server::ServerHandle;
use zkrollup_api::{AccountInfo, AccountRef, HttpClient, HttpClientBuilder, NetworkStatus, RollupApiClient};
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

/// A node on anvil: the rollup deployed there by the operator (anvil's key 0, governor and
/// validator; ETH only, no test tokens on anvil), the node's pipeline on it.
struct Rig {
    anvil: Anvil,
    /// For wallets' transactions: no confirmations asked.
    rpc: JsonRpcConfig,
    rollup: Address,
    operator: Address,
    node: Node,
    runtime: tokio::runtime::Runtime,
    client: HttpClient,
    _server: ServerHandle,
    _store: tempfile::TempDir,
}

fn rig(confirmations: u64, seal_timeout: Duration) -> Option<Rig> {
    let anvil = Anvil::start_for_test(&["--chain-id", &TEST_DOMAIN.chain_id.to_string()])?;
    let rpc = JsonRpcConfig::dev(&anvil.url);
    let keys = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
    let (pk, block_vk, _) = load_or_make(&keys, CircuitKind::Block(CHUNKS), BLOCK_SETUP_SEED).unwrap();
    let (_, exit_vk, _) = load_or_make(&keys, CircuitKind::Exit, EXIT_SETUP_SEED).unwrap();

    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens: vec![], ..SpecRollup::config(operator) };
    let deployed = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).expect("deploys on anvil");
    assert_ne!(deployed.rollup, TEST_DOMAIN.contract, "the chain chose the address");

    let node_rpc = JsonRpcConfig { confirmations, ..rpc.clone() };
    let l1 = JsonRpcL1::connect(node_rpc, DEV_KEYS[0], &deployed.rollup, &deployed.config, deployed.block).unwrap();
    let node_config = NodeConfig {
        block_chunks: CHUNKS,
        seal_timeout,
        tokens: vec![],
        fee_per_chunk: Default::default(),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, deployed.rollup)
    };
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::open(dir.path(), node_config).unwrap();
    node.start_pipeline(Box::new(l1), Box::new(InProcessProver { pk, vk: block_vk })).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (client, server) = runtime.block_on(async {
        let (addr, server) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        (HttpClientBuilder::default().build(format!("http://{addr}")).unwrap(), server)
    });
    Some(Rig { anvil, rpc, rollup: deployed.rollup, operator, node, runtime, client, _server: server, _store: dir })
}

impl Rig {
    /// Waits for `f` to give something, checking the node's status each time (`what` names it).
    fn wait_for<T>(&self, what: &str, mut f: impl FnMut(&NetworkStatus, Option<AccountInfo>) -> Option<T>) -> T {
        let u1 = user(1).address;
        let start = Instant::now();
        loop {
            let (s, info) = self.runtime.block_on(async {
                let s = self.client.status().await.unwrap();
                (s, self.client.get_account(AccountRef::Address(u1.to_string())).await.unwrap())
            });
            if let Some(v) = f(&s, info) {
                return v;
            }
            assert!(start.elapsed() < PATIENCE, "waited {PATIENCE:?} for {what}: {s:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// User 1's balance of ETH as executed on L1, once every sealed block is executed there.
    fn executed_balance_of_user_1(&self) -> (u32, String) {
        self.wait_for("the deposits to be executed", |s, info| {
            assert!(s.stage_errors.is_empty(), "a stage fails: {:?}", s.stage_errors);
            let info = info.filter(|i| i.verified.is_some() && s.last_executed == s.last_sealed)?;
            let verified = info.verified.expect("executed on L1");
            Some((info.id, verified.balances.first().map(|b| b.amount.clone()).unwrap_or_default()))
        })
    }

    /// anvil's own methods (snapshot, revert, mining).
    fn anvil<T>(&self, f: impl AsyncFnOnce(&alloy_provider::DynProvider) -> T) -> T {
        let p = self.anvil.provider();
        self.runtime.block_on(f(&p))
    }
}

#[test]
fn deposits_sent_to_anvil_are_credited_and_their_blocks_executed_there() {
    let Some(rig) = rig(0, Duration::from_secs(1)) else { return };
    // Wallets in their own right: anvil's keys 1 and 2 deposit with signed transactions, first
    // to the operator's address (opening the fee account, 0), then to user 1's.
    let u1 = user(1).address;
    deposit_eth(&rig.rpc, DEV_KEYS[1], &rig.rollup, &rig.operator, 1_000).unwrap();
    deposit_eth(&rig.rpc, DEV_KEYS[2], &rig.rollup, &u1, 5_000_000).unwrap();

    let (id, balance) = rig.executed_balance_of_user_1();
    assert_eq!(id, 1, "the fee account came first");
    assert_eq!(balance, "5000000");

    // The contract on anvil, read over JSON-RPC, executed the blocks the node says it did.
    let last_executed = rig.wait_for("the status", |s, _| Some(s.last_executed));
    let executed = view_u32(&rig.anvil.url, &rig.rollup, Rollup::blocksExecutedCall {}.abi_encode());
    assert!(last_executed >= 1);
    assert_eq!(executed, last_executed, "blocks executed on anvil");
    rig.node.shutdown();
}

/// A deposit in blocks that a reorganisation removes before they have the confirmations the
/// node waits for is never read; the deposit the new branch holds in its place is, once.
#[test]
fn a_deposit_reorganised_away_before_its_confirmations_is_never_credited() {
    let Some(rig) = rig(2, Duration::from_secs(1)) else { return };
    let u1 = user(1).address;
    let snapshot = rig.anvil(async |p| p.anvil_snapshot().await.unwrap());
    deposit_eth(&rig.rpc, DEV_KEYS[1], &rig.rollup, &u1, 1_000).unwrap();
    std::thread::sleep(Duration::from_secs(1)); // the watcher polls every 50 ms
    let (pending, info) = rig.wait_for("the status", |s, info| Some((s.pending_priority_ops, info)));
    assert_eq!((pending, info), (0, None), "a deposit without its 2 confirmations is not read");

    // The branch with the deposit is replaced by one where the same wallet deposits 7,000
    // (the same L1 block number, another hash); then blocks come every second.
    assert!(rig.anvil(async |p| p.anvil_revert(snapshot).await.unwrap()), "anvil reverted");
    deposit_eth(&rig.rpc, DEV_KEYS[1], &rig.rollup, &u1, 7_000).unwrap();
    rig.anvil(async |p| p.anvil_set_interval_mining(1).await.unwrap());

    // The deposit of 7,000 opens account 0 (the fee account) and is executed on L1: the
    // contract agreed with the node's priority operations, so the 1,000 was never taken.
    assert_eq!(rig.executed_balance_of_user_1(), (0, "7000".to_string()));
    rig.node.shutdown();
}

/// A reorganisation deeper than the confirmations (none here) halts the watcher: the deposit
/// it read is gone from the L1, and the one the new branch holds in its place (serial 0 again)
/// would be missed; the node must not read on as if nothing happened.
#[test]
fn a_reorganisation_below_the_confirmations_halts_the_watcher() {
    // Nothing is sealed (the one deposit fills 6 of the block's 8 chunks, and the seal timeout
    // is an hour): the sender has nothing the revert could take away.
    let Some(rig) = rig(0, Duration::from_secs(3600)) else { return };
    let u1 = user(1).address;
    let snapshot = rig.anvil(async |p| p.anvil_snapshot().await.unwrap());
    deposit_eth(&rig.rpc, DEV_KEYS[1], &rig.rollup, &u1, 1_000).unwrap();
    rig.wait_for("the deposit to be read", |s, _| (s.pending_priority_ops == 1).then_some(()));

    assert!(rig.anvil(async |p| p.anvil_revert(snapshot).await.unwrap()), "anvil reverted");
    deposit_eth(&rig.rpc, DEV_KEYS[1], &rig.rollup, &u1, 7_000).unwrap();
    rig.anvil(async |p| p.anvil_mine(Some(1), None).await.unwrap());
    // On the way, the watcher may say for a moment that the block it read is not there.
    let halted = |s: &NetworkStatus| s.stage_errors.iter().any(|e| e.contains("halted"));
    let errors = rig.wait_for("the watcher to halt", |s, _| halted(s).then(|| s.stage_errors.clone()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("l1 watcher: halted: reading the L1: the L1 reorganised below the confirmations"),
        "{errors:?}"
    );
    rig.node.shutdown();
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
