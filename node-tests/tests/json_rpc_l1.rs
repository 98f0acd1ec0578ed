//! The node on anvil, a real Ethereum node, which it reaches over Ethereum JSON-RPC with the
//! same code as the development chain (`zkrollup-devchain`). The contracts and a test ERC-20 are
//! deployed over JSON-RPC; anvil's own methods (snapshot, revert, mining switched off) show what
//! the node does when the chain reorganises and when its transactions are stuck; a differential
//! test sends the same signed transactions to both chains. (Wallets depositing ETH and the
//! ERC-20 on anvil and their full exits, proven and executed there, are `end_to_end.rs`, which
//! runs on anvil under CI, and the wallet command line's anvil test in tests/processes.)
//!
//! anvil is pinned in tools/anvil (`npm ci` there; `.ci/run` does it). Without it the anvil
//! tests say NOT CHECKED, except under `CI=true`, where they fail.

use std::time::{Duration, Instant};

use alloy_provider::ext::AnvilApi;
use alloy_sol_types::SolCall;
use jsonrpsee::server::ServerHandle;
use zkrollup_api::{AccountInfo, AccountRef, HttpClient, HttpClientBuilder, NetworkStatus, RollupApiClient};
use zkrollup_circuits::groth16::{Pk, Vk};
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_conformance::operator::SpecRollup;
use zkrollup_contracts::artifacts::Rollup;
use zkrollup_devchain::{dev_genesis, DevChain, DevChainConfig, Mining, DEV_CHAIN_ID};
use zkrollup_node::anvil::{Anvil, DEV_KEYS};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_node::l1::json_rpc::{address_of, deploy, JsonRpcConfig};
use zkrollup_node::l1::wallet::{blocks, deposit_eth, pending_balance};
use zkrollup_node::l1::JsonRpcL1;
use zkrollup_node::prover::InProcessProver;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_spec::l1::L1Config;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::testkit::{user, TEST_DOMAIN};
use zkrollup_spec::transition::BlockContext;

const CHUNKS: usize = 8;
const PATIENCE: Duration = Duration::from_secs(300);

/// A node on an L1 over JSON-RPC: the rollup deployed there by the operator (dev key 0,
/// governor and validator), ETH only, the node's pipeline on it.
struct Rig {
    anvil: Anvil,
    /// For wallets' transactions: no confirmations asked.
    rpc: JsonRpcConfig,
    rollup: Address,
    node: Node,
    runtime: tokio::runtime::Runtime,
    client: HttpClient,
    _server: ServerHandle,
    _store: tempfile::TempDir,
}

/// A rig on anvil (`None`: anvil is not installed, said as NOT CHECKED).
fn on_anvil(confirmations: u64, seal_timeout: Duration) -> Option<Rig> {
    let anvil = Anvil::start_for_test(&["--chain-id", &TEST_DOMAIN.chain_id.to_string()])?;
    let url = anvil.url.clone();
    Some(rig(anvil, url, tokio::runtime::Runtime::new().unwrap(), confirmations, seal_timeout))
}

/// The 8-chunk block circuit's proving and verifying keys and the exit circuit's verifying key
/// (made once for the tests, then loaded).
fn keys() -> (Pk, Vk, Vk) {
    let (pk, block_vk, _) = load_or_make(&keys_dir(), CircuitKind::Block(CHUNKS), BLOCK_SETUP_SEED).unwrap();
    (pk, block_vk, exit_vk())
}

fn keys_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys")
}

/// The exit circuit's verifying key alone (a deployment needs it; no block key is loaded).
fn exit_vk() -> Vk {
    load_or_make(&keys_dir(), CircuitKind::Exit, EXIT_SETUP_SEED).unwrap().1
}

fn rig(anvil: Anvil, url: String, runtime: tokio::runtime::Runtime, confirmations: u64, seal_timeout: Duration) -> Rig {
    let rpc = JsonRpcConfig::dev(&url);
    let (pk, block_vk, exit_vk) = keys();

    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens: vec![], ..SpecRollup::config(operator) };
    let deployed = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).expect("the rollup deploys");
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
    let (client, server) = runtime.block_on(async {
        let (addr, server) = node.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        (HttpClientBuilder::default().build(format!("http://{addr}")).unwrap(), server)
    });
    Rig { anvil, rpc, rollup: deployed.rollup, node, runtime, client, _server: server, _store: dir }
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

/// A deposit in blocks that a reorganisation removes before they have the confirmations the
/// node waits for is never read; the deposit the new branch holds in its place is, once.
#[test]
fn a_deposit_reorganised_away_before_its_confirmations_is_never_credited() {
    let Some(rig) = on_anvil(2, Duration::from_secs(1)) else { return };
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
    let Some(rig) = on_anvil(0, Duration::from_secs(3600)) else { return };
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

/// What a chain answered to one transaction of the differential sequence.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    status: bool,
    block: Option<u64>,
    gas_used: u64,
    created: Option<alloy_primitives::Address>,
    /// Each log's address, topics and data.
    logs: Vec<(alloy_primitives::Address, Vec<alloy_primitives::B256>, alloy_primitives::Bytes)>,
}

type LogAt = (Option<u64>, Option<u64>, Option<u64>, alloy_primitives::B256);

/// Everything the sequence saw on one chain.
#[derive(Debug, PartialEq)]
struct Seen {
    outcomes: Vec<Outcome>,
    /// `eth_call` answers: return data, or the revert data of an error.
    calls: Vec<Result<alloy_primitives::Bytes, Option<alloy_primitives::Bytes>>>,
    /// The rollup's logs by `eth_getLogs`: their block, transaction and log index, and the
    /// hash of their data.
    logs: Vec<LogAt>,
}

/// A proof of block 1 of the differential sequence, made once and sent to both chains: its
/// block context and inputs, and the proof.
type Proved = Option<(BlockContext, Vec<zkrollup_spec::block::BlockInput>, Vec<u8>)>;

/// The differential sequence: the same signed transactions (deployments, an ERC-20 mint,
/// approval and deposit, an ETH deposit, a full-exit request, a refused call mined with its
/// gas, a Groth16 pairing check; then block 1, serving the ERC-20 deposit, committed, proven
/// with a real proof of the 8-chunk block circuit, and executed) and views, sent to the chain at
/// `url`. The block's proof is made on the first chain and kept in `proved`; the second chain
/// gets the same bytes if its block has the same context and inputs (else a proof of its own).
async fn differential_sequence(url: &str, proved: &mut Proved) -> Seen {
    use alloy_network::{EthereumWallet, TransactionBuilder};
    use alloy_primitives::{Address as EvmAddress, U256};
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_rpc_types_eth::{Filter, TransactionRequest};
    use alloy_signer_local::PrivateKeySigner;
    use zkrollup_circuits::block::{self as block_circuit, BlockCircuit};
    use zkrollup_circuits::groth16::prove;
    use zkrollup_contracts::artifacts::{bytecode, Groth16Verifier, TestToken, GROTH16_VERIFIER, ROLLUP, TEST_TOKEN};
    use zkrollup_contracts::rollup::{proof_words, sol_commit, sol_stored, RollupOnL1};
    use zkrollup_contracts::verifier::proof_bytes;
    use zkrollup_reference::state::RefState;
    use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
    use zkrollup_spec::l1::{commit_info, pending_ops};
    use zkrollup_spec::state::State;

    let (block_pk, block_vk, exit_vk) = keys();
    let wallet = |i: usize| {
        let signer: PrivateKeySigner = DEV_KEYS[i].parse().unwrap();
        ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.parse().unwrap())
    };
    let me = |i: usize| EvmAddress::from(address_of(DEV_KEYS[i]).unwrap().0);
    let mut outcomes = vec![];
    // Each transaction carries its gas limit: estimates are each node's own search (anvil's
    // finds the least gas at which the pairing check below runs out of gas and returns false,
    // ours the gas at which it runs), and a call's gas decides what it does.
    let mut send = async |i: usize, tx: TransactionRequest| {
        let tx = if tx.gas.is_none() { tx.with_gas_limit(10_000_000) } else { tx };
        let r = wallet(i).send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
        let logs = r.inner.logs().iter().map(|l| (l.address(), l.topics().to_vec(), l.data().data.clone())).collect();
        let o = Outcome {
            status: r.status(),
            block: r.block_number,
            gas_used: r.gas_used,
            created: r.contract_address,
            logs,
        };
        outcomes.push(o.clone());
        o
    };
    let create = |code: Vec<u8>| TransactionRequest::default().with_deploy_code(code);
    let to = |at: EvmAddress, data: Vec<u8>| TransactionRequest::default().with_to(at).with_input(data);

    let token = send(3, create(bytecode(TEST_TOKEN))).await.created.unwrap();
    let verifier =
        |vk| [bytecode(GROTH16_VERIFIER), zkrollup_contracts::verifier::constructor_args(vk).unwrap()].concat();
    let block_verifier = send(0, create(verifier(&block_vk))).await.created.unwrap();
    let exit_verifier = send(0, create(verifier(&exit_vk))).await.created.unwrap();
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config {
        block_sizes: vec![CHUNKS as u16],
        tokens: vec![Address(token.0 .0)],
        ..SpecRollup::config(operator)
    };
    let args =
        RollupOnL1::constructor_args(&config, &[token], RollupOnL1::per_size(&config, block_verifier), exit_verifier);
    let rollup = send(0, create([bytecode(ROLLUP), args].concat())).await.created.unwrap();

    send(3, to(token, TestToken::mintCall { to: me(3), amount: U256::from(1_000) }.abi_encode())).await;
    send(3, to(token, TestToken::approveCall { spender: rollup, amount: U256::from(700) }.abi_encode())).await;
    let erc20_deposit =
        send(3, to(rollup, Rollup::depositERC20Call { token: 1, amount: 700, to: me(3) }.abi_encode())).await;
    send(1, to(rollup, Rollup::depositETHCall { to: me(2) }.abi_encode()).with_value(U256::from(5_000))).await;
    send(3, to(rollup, Rollup::requestFullExitCall { accountId: 2, token: 1 }.abi_encode())).await;
    // Not the governor: refused, and mined as a revert with its gas (the gas limit given, so
    // that no estimate refuses it first).
    send(2, to(rollup, Rollup::listTokenCall { token: me(2) }.abi_encode()).with_gas_limit(200_000)).await;
    // A pairing check of the generators (valid points; not a valid proof).
    let g2 = [
        "11559732032986387107991004021392285783925812861821192530917403151452391805634",
        "10857046999023057135944570762232829481370756359578518086990519993285655852781",
        "4082367875863433681332203403145435568316851327593401208105741076214120093531",
        "8495653923123431417604973247489272438418190587263600148770280649306958101930",
    ]
    .map(|w| w.parse::<U256>().unwrap());
    let one_two = [U256::from(1), U256::from(2)];
    let proof = [one_two[0], one_two[1], g2[0], g2[1], g2[2], g2[3], one_two[0], one_two[1]];
    let pairing = Groth16Verifier::verifyProofCall { proof, input: U256::from(5) }.abi_encode();
    send(0, to(block_verifier, pairing.clone())).await;

    // Block 1: the ERC-20 deposit (request 0, as the rollup logged it; a Deposit takes 6 of the
    // block's 8 chunks), at the chain's latest time.
    let reader = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let logs_of = |o: &Outcome| -> Vec<zkrollup_spec::l1::Event> {
        let log = |(at, topics, data): &(EvmAddress, Vec<alloy_primitives::B256>, alloy_primitives::Bytes)| {
            alloy_primitives::Log::new_unchecked(*at, topics.clone(), data.clone())
        };
        let ours = o.logs.iter().filter(|l| l.0 == rollup);
        ours.map(|l| zkrollup_contracts::events::decode(&log(l)).unwrap()).collect()
    };
    let request = logs_of(&erc20_deposit)
        .into_iter()
        .find_map(|e| match e {
            zkrollup_spec::l1::Event::PriorityRequest { request, .. } => Some(request),
            _ => None,
        })
        .expect("the ERC-20 deposit's request");
    let latest = reader.get_block_by_number(Default::default()).await.unwrap().unwrap();
    let context = BlockContext { block_number: 1, fee_account: 0, timestamp: latest.header.timestamp };
    let inputs = vec![BlockInput::Priority(request)];
    let block = apply_block(&mut State::new(), &BlockParams { context, chunks: CHUNKS }, &inputs)
        .expect("the spec accepts block 1");
    let genesis = zkrollup_spec::l1::L1::new(config.clone(), 0).blocks[0].clone();
    let commit = Rollup::commitBlockCall { parent: sol_stored(&genesis), b: sol_commit(&commit_info(&block, &inputs)) };
    let committed = send(0, to(rollup, commit.abi_encode())).await;
    let stored = logs_of(&committed)
        .into_iter()
        .find_map(|e| match e {
            zkrollup_spec::l1::Event::BlockCommitted(stored) => Some(stored),
            _ => None,
        })
        .expect("block 1 committed");
    let proof = match proved {
        Some((c, i, proof)) if *c == context && *i == inputs => proof.clone(),
        _ => {
            let mut pre = RefState::from_spec(&State::new());
            let witness = block_circuit::build(&mut pre, &context, CHUNKS, &inputs).unwrap();
            let proof = prove(&block_pk, BlockCircuit::new(CHUNKS, witness).unwrap(), 1).unwrap();
            proved.insert((context, inputs, proof_bytes(&proof))).2.clone()
        }
    };
    send(0, to(rollup, Rollup::proveBlockCall { b: sol_stored(&stored), proof: proof_words(&proof) }.abi_encode()))
        .await;
    let pending = pending_ops(&block).into_iter().map(alloy_primitives::Bytes::from).collect();
    send(0, to(rollup, Rollup::executeBlockCall { b: sol_stored(&stored), pendingOps: pending }.abi_encode())).await;

    let views = [
        to(rollup, Rollup::totalRequestsCall {}.abi_encode()),
        to(rollup, Rollup::requestsCall::new((0,)).abi_encode()),
        to(rollup, Rollup::requestsCall::new((2,)).abi_encode()),
        to(rollup, Rollup::listedTokensCall {}.abi_encode()),
        to(rollup, Rollup::heldFromDepositsCall::new((1,)).abi_encode()),
        to(block_verifier, pairing),
        to(rollup, Rollup::depositETHCall { to: me(2) }.abi_encode()).with_from(me(1)),
        to(rollup, Rollup::requestFullExitCall { accountId: u32::MAX, token: 1 }.abi_encode()).with_from(me(1)),
        to(rollup, Rollup::blocksExecutedCall {}.abi_encode()),
        to(rollup, Rollup::storedBlockHashesCall::new((1,)).abi_encode()),
    ];
    let mut calls = vec![];
    for v in views {
        calls.push(reader.call(v).await.map_err(|e| e.as_error_resp().and_then(|r| r.as_revert_data())));
    }
    let logs = reader.get_logs(&Filter::new().address(rollup).from_block(0u64)).await.unwrap();
    let logs = logs
        .iter()
        .map(|l| {
            (l.block_number, l.transaction_index, l.log_index, alloy_primitives::keccak256(l.data().data.as_ref()))
        })
        .collect();
    Seen { outcomes, calls, logs }
}

/// The development chain and anvil, given the same signed transactions and views, answer the
/// same: the same addresses, statuses, blocks, gas used (to the unit: the same rules, Osaka),
/// logs, return data and revert data. Both chains start at the same time, a day ahead of the
/// clock, and each block is a second after its parent on both (the development chain's rule
/// when its blocks run ahead of the clock; anvil's when told so): the contract's request
/// expiries, which count from the block's time, agree too. Block 1 is committed, proven with
/// a real proof and executed on both. The gas of every call is printed (`--nocapture`).
#[test]
fn the_development_chain_answers_as_anvil_does() {
    let start = zkrollup_node::sequencer::unix_now() + 86_400;
    let args = ["--chain-id", &DEV_CHAIN_ID.to_string(), "--timestamp", &start.to_string()];
    let Some(anvil) = Anvil::start_for_test(&args) else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async { anvil.provider().anvil_set_block_timestamp_interval(1).await.unwrap() });
    let genesis = dev_genesis(DEV_CHAIN_ID, start);
    let dev = DevChain::start(DevChainConfig { genesis, mining: Mining::PerTransaction, state: None }).unwrap();
    let (addr, _server) = runtime.block_on(dev.serve("127.0.0.1:0".parse().unwrap())).unwrap();
    let mut proved = None;
    let on_dev = runtime.block_on(differential_sequence(&format!("http://{addr}"), &mut proved));
    let on_anvil = runtime.block_on(differential_sequence(&anvil.url, &mut proved));
    assert_eq!(on_dev.outcomes.len(), 14);
    assert!(!on_dev.outcomes[9].status && on_dev.outcomes.iter().filter(|o| o.status).count() == 13, "{on_dev:#?}");
    assert_eq!(on_dev.calls.iter().filter(|c| c.is_err()).count(), 2, "two refused views: {:?}", on_dev.calls);
    let executed = on_dev.calls[8].as_ref().expect("blocksExecuted");
    assert_eq!(Rollup::blocksExecutedCall::abi_decode_returns(executed).unwrap(), 1, "block 1 executed");
    for (i, (d, a)) in on_dev.outcomes.iter().zip(&on_anvil.outcomes).enumerate() {
        assert_eq!(d, a, "transaction {i}: the development chain (left) and anvil (right) differ");
    }
    assert_eq!(on_dev.calls, on_anvil.calls, "views");
    assert_eq!(on_dev.logs, on_anvil.logs, "the rollup's logs");
    let sent = [
        "deploy the test ERC-20",
        "deploy the block verifier",
        "deploy the exit verifier",
        "deploy the rollup",
        "ERC-20 mint",
        "ERC-20 approve",
        "depositERC20",
        "depositETH",
        "requestFullExit",
        "listToken (not the governor: reverts)",
        "verifyProof (a pairing check)",
        "commitBlock (one deposit)",
        "proveBlock (8 chunks)",
        "executeBlock",
    ];
    eprintln!("{:<40} {:>12} {:>12}", "gas used", "dev chain", "anvil");
    for ((what, d), a) in sent.iter().zip(&on_dev.outcomes).zip(&on_anvil.outcomes) {
        eprintln!("{what:<40} {:>12} {:>12}", d.gas_used, a.gas_used);
    }
}

/// The L1 sender's transaction in flight, on anvil with mining switched off: a commit left
/// unmined is replaced, with its nonce, by versions bidding at least 12.5 % more; when a block
/// is mined, one of them is in it and the block is committed once. Then a sender stops with a
/// commit unmined (a crash), anvil forgets its transaction (a node restarted), and a second
/// sender on the reopened store finds the record, sends the same signed bytes again and
/// settles them: one transaction per nonce, none reverted, no block committed twice.
#[test]
fn a_stuck_transaction_is_replaced_with_higher_fees_and_survives_a_restart() {
    use alloy_provider::Provider;
    use std::future::IntoFuture;
    use std::sync::Arc;
    use zkrollup_node::l1::{L1Cursor, L1};
    use zkrollup_node::store::Store;
    use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
    use zkrollup_spec::l1::{commit_info, Event};
    use zkrollup_spec::state::State;

    let Some(anvil) = Anvil::start_for_test(&["--chain-id", &TEST_DOMAIN.chain_id.to_string()]) else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let p = anvil.provider();
    let rpc = JsonRpcConfig::dev(&anvil.url);
    let (_, block_vk, exit_vk) = keys();
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let config = L1Config { block_sizes: vec![CHUNKS as u16], tokens: vec![], ..SpecRollup::config(operator) };
    let d = deploy(&rpc, DEV_KEYS[0], &config, &block_vk, &exit_vk).unwrap();
    // A deposit opens account 0 (block 1's fee account); the node's watcher would read it so.
    deposit_eth(&rpc, DEV_KEYS[1], &d.rollup, &operator, 1_000).unwrap();
    let connect = |resend_after: Duration, timeout: Duration, store: &Arc<Store>| {
        let c = JsonRpcConfig { resend_after, timeout, ..rpc.clone() };
        let mut l1 = JsonRpcL1::connect(c, DEV_KEYS[0], &d.rollup, &d.config, d.block).unwrap();
        l1.record_in(store.clone());
        l1
    };
    let dir = tempfile::tempdir().unwrap();
    let identity =
        NodeConfig { block_chunks: CHUNKS, ..NodeConfig::dev(TEST_DOMAIN.chain_id, d.rollup) }.store_identity();
    let open = || Arc::new(Store::open(&dir.path().join("node.redb"), &identity).unwrap());
    let store = open();
    let mut l1 = connect(Duration::from_millis(400), Duration::from_secs(60), &store);
    let (events, _) = l1.events(L1Cursor::default()).unwrap();
    let Some(Event::PriorityRequest { request, .. }) =
        events.into_iter().find(|e| matches!(e, Event::PriorityRequest { .. }))
    else {
        panic!("the deposit's request is logged")
    };
    // The blocks, by the spec: the deposit, then an empty one; each stamped with the L1's time.
    let mut l2 = State::new();
    let mut next = |n: u32, inputs: Vec<BlockInput>| {
        let at = runtime
            .block_on(p.get_block_by_number(Default::default()).into_future())
            .unwrap()
            .unwrap()
            .header
            .timestamp;
        let params =
            BlockParams { context: BlockContext { block_number: n, fee_account: 0, timestamp: at }, chunks: CHUNKS };
        commit_info(&apply_block(&mut l2, &params, &inputs).unwrap(), &inputs)
    };
    let block_1 = next(1, vec![BlockInput::Priority(request)]);
    let nonce = |p: &alloy_provider::DynProvider| {
        runtime.block_on(p.get_transaction_count(evm(&operator)).into_future()).unwrap()
    };
    let first_nonce = nonce(&p);
    runtime.block_on(p.anvil_set_auto_mine(false)).unwrap();

    let genesis = l1.genesis();
    let b1 = block_1.clone();
    let sending = std::thread::spawn(move || {
        let r = l1.commit(&genesis, &b1);
        (l1, r)
    });
    let start = Instant::now();
    let in_flight = loop {
        let f = store.l1_in_flight().unwrap();
        if let Some(f) = f.filter(|f| f.attempts.len() >= 3) {
            break f;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no replacements: {:?}", store.l1_in_flight());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!((in_flight.action.as_str(), in_flight.nonce), ("commitBlock 1", first_nonce));
    for pair in in_flight.attempts.windows(2) {
        let (a, b) = (&pair[0].fees, &pair[1].fees);
        assert!(b.max_fee_per_gas * 8 >= a.max_fee_per_gas * 9, "{in_flight:?}");
        assert!(b.max_priority_fee_per_gas * 8 >= a.max_priority_fee_per_gas * 9, "{in_flight:?}");
        assert_ne!(pair[0].hash, pair[1].hash);
    }
    runtime.block_on(p.anvil_mine(Some(1), None)).unwrap();
    let (_, committed) = sending.join().unwrap();
    let stored_1 = committed.expect("block 1 commits");
    assert_eq!(stored_1.state_root, block_1.new_state_root);
    assert_eq!(store.l1_in_flight().unwrap(), None, "settled");
    assert_eq!(nonce(&p), first_nonce + 1, "one transaction mined for the commit");
    let versions = receipts_of(&runtime, &p, &in_flight);
    assert_eq!(versions.iter().filter(|r| r.is_some()).count(), 1, "exactly one version mined: {versions:?}");

    // A commit the sender gives up waiting for (2 s), the record kept: then it stops.
    let block_2 = next(2, vec![]);
    let mut l1 = connect(Duration::from_secs(600), Duration::from_secs(2), &store);
    let e = l1.commit(&stored_1, &block_2).expect_err("nothing is mined");
    assert!(e.to_string().contains("commitBlock 2 (nonce"), "{e}");
    let left = store.l1_in_flight().unwrap().expect("the record outlives the attempt");
    assert_eq!(left.attempts.len(), 1, "no replacement before resend_after");
    drop((l1, store));
    // anvil forgets it, as a node restarted without its pool would.
    runtime.block_on(p.anvil_drop_all_transactions()).unwrap();
    let hash: alloy_primitives::TxHash = left.last().hash.parse().unwrap();
    assert!(runtime.block_on(p.get_transaction_by_hash(hash)).unwrap().is_none());

    let store = open();
    let mut l1 = connect(Duration::from_secs(600), Duration::from_secs(60), &store);
    let (s1, b2) = (stored_1.clone(), block_2.clone());
    let sending = std::thread::spawn(move || l1.commit(&s1, &b2));
    let start = Instant::now();
    while runtime.block_on(p.get_transaction_by_hash(hash)).unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(30), "the recorded bytes were not sent again");
        std::thread::sleep(Duration::from_millis(50));
    }
    runtime.block_on(p.anvil_mine(Some(1), None)).unwrap();
    let stored_2 = sending.join().unwrap().expect("block 2 commits");
    assert_eq!(stored_2.state_root, block_2.new_state_root);
    let receipt = runtime.block_on(p.get_transaction_receipt(hash)).unwrap().expect("the recorded version is mined");
    assert!(receipt.status());
    assert_eq!(nonce(&p), first_nonce + 2, "one transaction per commit");
    assert_eq!(blocks(&rpc, &d.rollup).unwrap().0, 2, "blocks committed on L1");
}

fn evm(a: &Address) -> alloy_primitives::Address {
    alloy_primitives::Address::from(a.0)
}

/// The receipt of each recorded version of `in_flight`, if it has one.
fn receipts_of(
    runtime: &tokio::runtime::Runtime,
    p: &alloy_provider::DynProvider,
    in_flight: &zkrollup_node::l1::in_flight::InFlight,
) -> Vec<Option<alloy_rpc_types_eth::TransactionReceipt>> {
    use alloy_provider::Provider;
    let hashes = in_flight.attempts.iter().map(|a| a.hash.parse::<alloy_primitives::TxHash>().unwrap());
    hashes.map(|h| runtime.block_on(p.get_transaction_receipt(h)).unwrap()).collect()
}

/// A circuit that proves any public input (`x · 1 = x`): a verifier deployed with its key
/// accepts a proof for any block, at the block verifier's cost (one public input: the pairing
/// check costs the same whatever the key).
struct AnyInput(zkrollup_spec::primitives::Fr);

impl ark_relations::gr1cs::ConstraintSynthesizer<zkrollup_spec::primitives::Fr> for AnyInput {
    fn generate_constraints(
        self,
        cs: ark_relations::gr1cs::ConstraintSystemRef<zkrollup_spec::primitives::Fr>,
    ) -> Result<(), ark_relations::gr1cs::SynthesisError> {
        use ark_relations::{gr1cs::Variable, lc};
        let x = cs.new_input_variable(|| Ok(self.0))?;
        cs.enforce_r1cs_constraint(|| lc!() + x, || lc!() + Variable::one(), || lc!() + x)
    }
}

/// Every L1 transaction of the pipeline fits EIP-7825's cap of 2^24 gas per transaction, which
/// anvil enforces under Osaka (checked first: a transfer asking for 2^24 + 1 gas is refused), at
/// the largest block size the project builds, 64 chunks: the node's sender commits, proves and
/// executes a block of ten deposits (each a priority request the commit consumes), then one of
/// an EIP-191 ChangePubKey (the commit recovers its signature) and nine withdrawals to nine new
/// owners (execution writes nine pending balances). The blocks are the spec's. The verifier's
/// key is [`AnyInput`]'s, so the proofs are real Groth16 proofs checked on chain without the
/// 64-chunk setup (44 s, 2.6 GB); the block circuit's keys for 64 chunks are `bench circuits`'.
#[test]
fn the_l1_calls_of_the_largest_blocks_fit_the_per_transaction_gas_cap() {
    use alloy_provider::Provider;
    use std::future::IntoFuture;
    use zkrollup_circuits::groth16::{dev_setup, prove};
    use zkrollup_contracts::verifier::proof_bytes;
    use zkrollup_node::l1::json_rpc::chain_id;
    use zkrollup_node::l1::wallet::rollup_calls;
    use zkrollup_node::l1::{L1Cursor, L1};
    use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
    use zkrollup_spec::l1::{commit_info, pending_ops, Event};
    use zkrollup_spec::state::State;
    use zkrollup_spec::testkit;
    use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, L1Domain};
    use zkrollup_spec::tx::ChangePubKeyAuth;
    const BIG: usize = 64;
    const CAP: u64 = 1 << 24;

    let Some(anvil) = Anvil::start_for_test(&["--chain-id", &TEST_DOMAIN.chain_id.to_string()]) else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let p = anvil.provider();
    let rpc = JsonRpcConfig::dev(&anvil.url);
    let operator = address_of(DEV_KEYS[0]).unwrap();
    let over_cap = alloy_rpc_types_eth::TransactionRequest::default()
        .from(evm(&operator))
        .to(evm(&address_of(DEV_KEYS[1]).unwrap()))
        .value(alloy_primitives::U256::from(1u8))
        .gas_limit(CAP + 1);
    let refused = runtime.block_on(p.send_transaction(over_cap).into_future()).map(|_| ()).unwrap_err();
    assert!(refused.to_string().contains("tx_gas_limit_cap"), "the cap is enforced: {refused}");

    let (pk, vk) = dev_setup(AnyInput(Default::default()), 1).unwrap();
    let exit_vk = exit_vk();
    let config = L1Config { block_sizes: vec![BIG as u16], tokens: vec![], ..SpecRollup::config(operator) };
    let d = deploy(&rpc, DEV_KEYS[0], &config, &vk, &exit_vk).unwrap();
    let domain = L1Domain { chain_id: chain_id(&rpc).unwrap(), contract: d.rollup };
    // Ten deposits: the operator's opens account 0 (the fee account), user 1's account 1.
    let owners: Vec<Address> =
        [operator, user(1).address].into_iter().chain((10..18).map(|i| user(i).address)).collect();
    for to in &owners {
        deposit_eth(&rpc, DEV_KEYS[1], &d.rollup, to, 1_000_000).unwrap();
    }
    let mut l1 = JsonRpcL1::connect(rpc.clone(), DEV_KEYS[0], &d.rollup, &d.config, d.block).unwrap();
    let (events, _) = l1.events(L1Cursor::default()).unwrap();
    let deposits: Vec<BlockInput> = events
        .into_iter()
        .filter_map(|e| match e {
            Event::PriorityRequest { request, .. } => Some(BlockInput::Priority(request)),
            _ => None,
        })
        .collect();
    assert_eq!(deposits.len(), owners.len());

    let u1 = user(1);
    let sig = u1.l1.personal_sign(&eip191_change_pubkey_message(&domain, &u1.pubkey_hash, 0, 1));
    let mut keyed = vec![BlockInput::Tx(testkit::change_pubkey(&u1, 1, 0, 0, 0, ChangePubKeyAuth::Eip191(sig)))];
    for k in 0..9u32 {
        keyed.push(BlockInput::Tx(testkit::withdraw(&u1, 1, user(30 + k).address, 0, 50_000, 0, k + 1)));
    }
    let mut l2 = State::new();
    let mut stored = l1.genesis();
    for (n, inputs) in [(1, deposits), (2, keyed)] {
        let at = runtime.block_on(p.get_block_by_number(Default::default()).into_future()).unwrap().unwrap();
        let context = BlockContext { block_number: n, fee_account: 0, timestamp: at.header.timestamp };
        let block = apply_block(&mut l2, &BlockParams { context, chunks: BIG }, &inputs).unwrap();
        let used: usize = block.ops.iter().map(|o| o.chunks()).sum();
        assert!(used >= 60, "block {n} fills {used} of its {BIG} chunks");
        stored = l1.commit(&stored, &commit_info(&block, &inputs)).unwrap();
        let proof = prove(&pk, AnyInput(block.public_input()), 1).unwrap();
        l1.prove(&stored, &proof_bytes(&proof)).unwrap();
        l1.execute(&stored, &pending_ops(&block)).unwrap();
    }
    for k in 0..9 {
        assert_eq!(pending_balance(&rpc, &d.rollup, &user(30 + k).address, 0).unwrap(), 50_000, "withdrawal {k}");
    }
    let calls = rollup_calls(&rpc, &d.rollup, d.block).unwrap();
    let blocks: Vec<_> = calls.iter().filter(|c| c.0.ends_with("Block")).collect();
    eprintln!("64-chunk blocks on anvil, gas per call: {blocks:?}");
    assert_eq!(blocks.len(), 6, "{calls:?}");
    assert!(blocks.iter().all(|c| c.1 && c.2 < CAP), "every call succeeded under the cap: {blocks:?}");
}

/// The sender's fee bids (a stuck transaction is replaced, never underbid) and how the JSON-RPC
/// L1 shows and paces an endpoint: pure functions, no chain needed.
mod without_a_chain {
    use std::time::Duration;

    use zkrollup_node::l1::in_flight::{first_fees, replacement_fees, Fees};
    use zkrollup_node::l1::json_rpc::{chain_id, default_confirmations, default_poll, shown, JsonRpcConfig};

    const GWEI: u128 = 1_000_000_000;

    fn fees(max: u128, priority: u128) -> Fees {
        Fees { max_fee_per_gas: max, max_priority_fee_per_gas: priority }
    }

    #[test]
    fn a_replacement_raises_both_fees_by_at_least_an_eighth() {
        // 20 gwei + 12.5 % = 22.5 gwei; 1 gwei + 12.5 % = 1.125 gwei.
        let r = replacement_fees(fees(20 * GWEI, GWEI), fees(10 * GWEI, GWEI / 2), 1000 * GWEI).unwrap();
        assert_eq!(r, fees(22_500_000_000, 1_125_000_000));
        // Rounded up, and raised even from zero or one wei.
        assert_eq!(replacement_fees(fees(9, 0), fees(0, 0), 1000).unwrap(), fees(11, 1));
        assert_eq!(replacement_fees(fees(1, 1), fees(0, 0), 1000).unwrap(), fees(2, 2));
    }

    #[test]
    fn a_replacement_bids_what_the_chain_asks_now_when_that_is_more() {
        let r = replacement_fees(fees(20 * GWEI, GWEI), fees(50 * GWEI, 3 * GWEI), 1000 * GWEI).unwrap();
        assert_eq!(r, fees(50 * GWEI, 3 * GWEI));
    }

    #[test]
    fn no_replacement_past_the_cap_and_never_a_lower_bid() {
        // 100 → 112.5 gwei is past a 110 gwei cap: no replacement, rather than a bid of 110
        // gwei that nodes would refuse (under 10 % more) or one below the last.
        assert_eq!(replacement_fees(fees(100 * GWEI, GWEI), fees(GWEI, GWEI), 110 * GWEI), None);
        assert!(replacement_fees(fees(100 * GWEI, GWEI), fees(GWEI, GWEI), 113 * GWEI).is_some());
        for (max, priority, cap) in [(7u128, 7u128, 100u128), (50, 3, 60), (1, 0, 2), (u128::MAX / 16, 1, u128::MAX)] {
            if let Some(r) = replacement_fees(fees(max, priority), fees(0, 0), cap) {
                assert!(r.max_fee_per_gas * 8 >= max * 9, "{r:?}");
                assert!(r.max_fee_per_gas <= cap && r.max_priority_fee_per_gas <= r.max_fee_per_gas, "{r:?}");
            }
        }
    }

    #[test]
    fn the_priority_fee_never_exceeds_the_maximum_fee() {
        // A priority fee raised past the maximum fee is held at it.
        let r = replacement_fees(fees(10, 10), fees(0, 40), 1000).unwrap();
        assert_eq!(r, fees(12, 12));
        assert_eq!(first_fees(fees(30 * GWEI, 2 * GWEI), 20 * GWEI), fees(20 * GWEI, 2 * GWEI));
        assert_eq!(first_fees(fees(30 * GWEI, 40 * GWEI), 20 * GWEI), fees(20 * GWEI, 20 * GWEI));
    }

    const SECRET_URL: &str = "http://operator:hunter2@127.0.0.1:1/v3/APIKEY123?token=TOKEN456";

    fn leaks(text: &str) -> bool {
        ["hunter2", "operator", "APIKEY123", "TOKEN456"].iter().any(|s| text.contains(s))
    }

    #[test]
    fn a_url_is_shown_without_credentials_path_or_query() {
        assert_eq!(shown(SECRET_URL), "http://127.0.0.1:1/…");
        assert_eq!(shown("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
        assert_eq!(shown("http://localhost:8545/"), "http://localhost:8545");
        assert_eq!(shown("not a url"), "(a URL that does not parse)");
    }

    #[test]
    fn errors_of_an_unreachable_endpoint_do_not_repeat_its_url() {
        // Port 1 on loopback refuses the connection: the HTTP client's error names the URL.
        let e = chain_id(&JsonRpcConfig::dev(SECRET_URL)).expect_err("nothing listens on port 1");
        assert!(!leaks(&e.to_string()), "{e}");
        assert!(e.to_string().contains("http://127.0.0.1:1/…"), "{e}");
        let e = chain_id(&JsonRpcConfig::dev("https://operator:hunter2@example.invalid/APIKEY123"))
            .expect_err("https is refused");
        assert!(!leaks(&e.to_string()), "{e}");
        assert!(e.to_string().contains("only http://"), "{e}");
    }

    #[test]
    fn a_key_that_a_response_echoes_alone_or_decoded_is_taken_out() {
        use zkrollup_api::endpoint::scrub;
        let url = "http://127.0.0.1:1/v3/APIKEY123?token=TOK%2FEN456&n=1";
        let echoed = "HTTP 401: unknown key APIKEY123, token TOK/EN456 (as sent: TOK%2FEN456)";
        let m = scrub(url, echoed);
        assert!(!["APIKEY123", "TOK/EN456", "TOK%2FEN456"].iter().any(|s| m.contains(s)), "{m}");
        assert!(m.starts_with("HTTP 401: unknown key …"), "{m}");
        // Short parts (a user name, a page number) would take letters out of every word: left.
        let m = scrub("http://a@127.0.0.1:1/?n=1", "a connection to 127.0.0.1 was refused");
        assert_eq!(m, "a connection to 127.0.0.1 was refused");
    }

    #[test]
    fn development_chains_wait_for_no_confirmations_others_for_twelve() {
        assert_eq!(default_confirmations(31337), 0);
        assert_eq!(default_confirmations(1337), 0);
        assert_eq!(default_confirmations(1), 12);
        assert_eq!(default_confirmations(11155111), 12);
    }

    #[test]
    fn a_public_chain_is_polled_every_two_seconds() {
        assert_eq!(default_poll(31337), Duration::from_millis(50));
        assert_eq!(default_poll(1), Duration::from_secs(2));
        assert_eq!(JsonRpcConfig::dev("http://127.0.0.1:8545").poll, Duration::from_millis(50));
    }
}
