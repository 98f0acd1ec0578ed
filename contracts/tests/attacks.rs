//! The contract audit's attacks (issue 11), each reproduced against the contract in revm and
//! shown to fail.

use zkrollup_contracts::artifacts::{bytecode, SYMBOLIC_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::rollup::{CallError, RollupOnL1, DEPLOYER};
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::l1::{commit_info, pending_ops, CommitBlock, Event, L1Config, StoredBlock, SymbolicVerifier, L1};
use zkrollup_spec::params::{
    CHUNK_BYTES, MAX_LISTED_TOKENS, PRIORITY_EXPIRATION_SECONDS, PRIORITY_REQUEST_SPACING_SECONDS,
};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::genesis_root;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::TEST_DOMAIN;
use zkrollup_spec::transition::BlockContext;

const START: u64 = 1_000;

fn validator() -> Address {
    Address([0x99; 20])
}

/// A rollup with the symbolic verifier: commits need no proof.
fn deploy() -> (RollupOnL1, StoredBlock) {
    let config = c_config();
    let mut evm = L1Evm::new();
    let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).expect("deploys");
    let genesis = L1::new(config.clone(), START).blocks[0].clone();
    (RollupOnL1::deploy_with(evm, &config, START, symbolic, symbolic).expect("deploys"), genesis)
}

/// The gas of activating exodus mode after a validator committed `junk` blocks (an 8-chunk
/// block of Noops each, no proof needed) and stopped, leaving a deposit unserved.
fn activation_gas_after(junk: u32) -> u64 {
    let (mut c, mut parent) = deploy();
    c.deposit(&Address([1; 20]), &Address([1; 20]), 0, 5).expect("a deposit");
    for n in 1..=junk {
        let b = CommitBlock {
            block_number: n,
            fee_account: 0,
            timestamp: START,
            new_state_root: parent.state_root,
            pubdata: vec![0; 8 * CHUNK_BYTES],
            onchain_ops: vec![],
        };
        parent = c.commit_block(&validator(), &parent, &b).expect("a junk commit").0;
    }
    assert_eq!(c.blocks(), (junk, 0, 0));
    c.set_time(START + PRIORITY_EXPIRATION_SECONDS);
    let gas = c.activate_exodus_mode().unwrap_or_else(|e| panic!("activation after {junk} junk blocks: {e}"));
    assert!(c.exodus_mode());
    assert_eq!(c.blocks(), (0, 0, 0), "the unexecuted blocks are dropped");
    gas
}

/// Finding 1 (high): activation used to delete every unexecuted block's hash in one loop
/// (about 5,300 gas each), so ~3,000 junk commits pushed it past the transaction gas cap
/// (2^24, EIP-7825; the harness's limit is 16,000,000) and nobody could start exodus. Now it
/// costs the same with 10 and with 4,000 unexecuted blocks.
#[test]
fn exodus_activation_costs_the_same_however_many_blocks_are_unexecuted() {
    let few = activation_gas_after(10);
    let many = activation_gas_after(4_000);
    println!("exodus activation: {few} gas after 10 unexecuted blocks, {many} after 4,000");
    assert_eq!(few, many, "activation gas after 10 junk blocks: {few}, after 4,000: {many}");
    assert!(many < 100_000, "activation costs {many} gas");
}

fn governor() -> Address {
    Address([0x60; 20])
}

/// Finding 3 (medium): requests were free and their deadline fixed, so a flood queued more
/// within the 3-day expiry than the operator can prove and forced exodus for everyone (`bench
/// flood` has the figures). Now each deadline is at least `PRIORITY_REQUEST_SPACING_SECONDS`
/// after the one before: a flood made at once falls due one request per spacing, and an operator
/// serving one request per spacing (a third of what one prover manages) is never overtaken,
/// even starting at the last moment. The honest request behind the flood is queued, not
/// refused, and waits one spacing per request ahead of it.
#[test]
fn a_flood_cannot_force_exodus_against_an_operator_that_keeps_pace() {
    const FLOOD: u64 = 12;
    let (mut c, mut parent) = deploy();
    let mut spec = L1::new(c_config(), START);
    let (attacker, honest) = (Address([0xa7; 20]), Address([0x0b; 20]));
    // The first request opens the fee account (account 0) that the serving blocks need.
    c.deposit(&attacker, &attacker, 0, 1).expect("the first request");
    spec.deposit(attacker, attacker, 0, 1).unwrap();
    for k in 1..FLOOD {
        c.request_full_exit(&attacker, k as u32, 0).expect("a flood request");
        spec.request_full_exit(attacker, k as u32, 0).unwrap();
    }
    c.deposit(&honest, &honest, 0, 5).expect("the honest request is queued");
    spec.deposit(honest, honest, 0, 5).unwrap();
    let logged: Vec<u64> = c
        .log
        .iter()
        .filter_map(|e| match e {
            Event::PriorityRequest { expires_at, .. } => Some(*expires_at),
            _ => None,
        })
        .collect();
    let spaced: Vec<u64> =
        (0..=FLOOD).map(|k| START + PRIORITY_EXPIRATION_SECONDS + k * PRIORITY_REQUEST_SPACING_SECONDS).collect();
    assert_eq!(logged, spaced, "the contract's deadlines");
    // The operator starts at the last moment and serves one request per spacing, each one
    // second before its deadline, in 8-chunk blocks; exodus is never due.
    let mut l2 = State::new();
    for (k, &due) in spaced.iter().enumerate() {
        c.set_time(due - 1);
        let not_due = Err(CallError::Rejected("l1.exodus_not_due".into()));
        assert_eq!(c.activate_exodus_mode().map(drop), not_due, "before serving request {k}");
        let inputs = vec![BlockInput::Priority(spec.requests[k].op.clone())];
        let ctx = BlockContext { block_number: k as u32 + 1, fee_account: 0, timestamp: due - 1 };
        let block = apply_block(&mut l2, &BlockParams { context: ctx, chunks: 8 }, &inputs).unwrap();
        let (stored, _) = c.commit_block(&validator(), &parent, &commit_info(&block, &inputs)).unwrap();
        c.prove_block(&validator(), &stored, &SymbolicVerifier::proof_of(&block.public_input())).unwrap();
        c.execute_block(&validator(), &stored, &pending_ops(&block)).unwrap();
        parent = stored;
    }
    assert_eq!(c.requests(), (FLOOD + 1, FLOOD + 1), "every request served");
    assert_eq!(l2.account(1).map(|a| a.address), Some(honest), "the honest deposit reached L2");
}

fn c_config() -> L1Config {
    L1Config {
        domain: TEST_DOMAIN,
        governor: governor(),
        validators: vec![validator()],
        genesis_root: genesis_root(),
        tokens: vec![],
        max_tokens: MAX_LISTED_TOKENS,
        block_sizes: L1Config::all_block_sizes(),
    }
}

/// Finding 6 (low): validators were fixed at deployment, so a leaked validator key could revert
/// honest blocks until exodus. Now the governor removes it, and its next revert is refused;
/// nobody but the governor can add one back.
#[test]
fn a_leaked_validator_key_is_retired_by_the_governor() {
    let (mut c, genesis) = deploy();
    let leaked = Address([0x66; 20]);
    assert_eq!(c.set_validator(&leaked, &leaked, true).map(drop), Err(CallError::Rejected("l1.not_governor".into())));
    c.set_validator(&governor(), &leaked, true).expect("the governor adds a validator");
    let b = CommitBlock {
        block_number: 1,
        fee_account: 0,
        timestamp: START,
        new_state_root: genesis.state_root,
        pubdata: vec![0; 8 * CHUNK_BYTES],
        onchain_ops: vec![],
    };
    let (honest, _) = c.commit_block(&validator(), &genesis, &b).expect("an honest block");
    // The key leaks; the governor removes it before the attacker reverts the honest block.
    c.set_validator(&governor(), &leaked, false).expect("the governor removes it");
    let revert = c.revert_blocks(&leaked, std::slice::from_ref(&honest)).map(drop);
    assert_eq!(revert, Err(CallError::Rejected("l1.not_validator".into())));
    assert_eq!(c.blocks(), (1, 0, 0), "the honest block stands");
}

/// Re-audit finding 4 (issue 27): governance moved in one call, so one mistyped address lost it
/// for good. Now the named address must accept: a typo leaves the governor in charge, nobody
/// else can take the role, and the governor proposes again.
#[test]
fn a_mistyped_governor_address_does_not_take_governance() {
    let (mut c, _) = deploy();
    let refused =
        |r: Result<u64, CallError>, rule: &str| assert_eq!(r.map(drop), Err(CallError::Rejected(rule.into())));
    let (typo, intended, stranger) = (Address([0x5e; 20]), Address([0x5f; 20]), Address([0x66; 20]));
    c.propose_governor(&governor(), &typo).expect("the governor proposes (a typo)");
    assert_eq!((c.governor(), c.pending_governor()), (governor(), typo), "proposed, not handed over");
    refused(c.accept_governor(&stranger), "l1.not_pending_governor");
    refused(c.accept_governor(&governor()), "l1.not_pending_governor");
    refused(c.propose_governor(&typo, &stranger), "l1.not_governor");
    c.set_validator(&governor(), &stranger, true).expect("the governor still governs");
    c.propose_governor(&governor(), &intended).expect("the governor corrects the proposal");
    refused(c.accept_governor(&typo), "l1.not_pending_governor");
    c.accept_governor(&intended).expect("the intended governor accepts");
    assert_eq!((c.governor(), c.pending_governor()), (intended, Address::ZERO));
    refused(c.set_validator(&governor(), &stranger, false), "l1.not_governor");
    refused(c.accept_governor(&intended), "l1.not_pending_governor");
    // The zero address is never a governor by acceptance: proposing it withdraws a proposal.
    c.propose_governor(&intended, &stranger).unwrap();
    c.propose_governor(&intended, &Address::ZERO).unwrap();
    refused(c.accept_governor(&stranger), "l1.not_pending_governor");
    refused(c.accept_governor(&Address::ZERO), "l1.not_pending_governor");
    c.renounce_governor(&intended).expect("renouncing is a call of its own");
    assert_eq!(c.governor(), Address::ZERO);
    refused(c.set_validator(&Address::ZERO, &stranger, false), "l1.not_governor");
}

/// Re-audit finding 5 (issue 27): one block verifier served every block size, though a Groth16
/// key is one circuit's, so a block of a size without a key could be committed and never
/// proven (the queue stalls until exodus). Now each size has its own verifier or none: a size
/// without one is refused at commit, and a proof goes to the verifier of its block's size.
#[test]
fn a_block_is_proven_by_its_sizes_verifier_and_no_size_lacks_one() {
    use zkrollup_contracts::artifacts::TEST_TOKEN;
    let mut evm = L1Evm::new();
    let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).expect("deploys");
    // A contract without `verifyProof`: the 16-chunk slot refuses every proof.
    let (refuses, _) = evm.deploy(DEPLOYER, &bytecode(TEST_TOKEN), &[]).expect("deploys");
    let config = L1Config { block_sizes: vec![8, 16], ..c_config() };
    let genesis = L1::new(config.clone(), START).blocks[0].clone();
    let none = alloy_primitives::Address::ZERO;
    let mut c = RollupOnL1::deploy_with_verifiers(evm, &config, START, [symbolic, refuses, none, none], symbolic)
        .expect("deploys");
    let block = |chunks: usize| CommitBlock {
        block_number: 1,
        fee_account: 0,
        timestamp: START,
        new_state_root: genesis.state_root,
        pubdata: vec![0; chunks * CHUNK_BYTES],
        onchain_ops: vec![],
    };
    let rejected = |rule: &str| Err(CallError::Rejected(rule.into()));
    assert_eq!(c.commit_block(&validator(), &genesis, &block(32)).map(drop), rejected("l1.block_size_unverifiable"));
    assert_eq!(c.commit_block(&validator(), &genesis, &block(64)).map(drop), rejected("l1.block_size_unverifiable"));
    let proof = |b: &StoredBlock| SymbolicVerifier::proof_of(&zkrollup_spec::block::public_input(&b.commitment));
    let (sixteen, _) = c.commit_block(&validator(), &genesis, &block(16)).expect("a size with a verifier");
    assert_eq!(sixteen.chunks, 16);
    // The symbolic proof the 8-chunk verifier takes goes to the 16-chunk one, which refuses it.
    assert_eq!(c.prove_block(&validator(), &sixteen, &proof(&sixteen)).map(drop), rejected("l1.invalid_proof"));
    // A stored block that names another size is not the stored block.
    let relabelled = StoredBlock { chunks: 8, ..sixteen.clone() };
    assert_eq!(
        c.prove_block(&validator(), &relabelled, &proof(&sixteen)).map(drop),
        rejected("l1.block_not_committed")
    );
    c.revert_blocks(&validator(), std::slice::from_ref(&sixteen)).expect("reverted");
    let (eight, _) = c.commit_block(&validator(), &genesis, &block(8)).expect("committed");
    c.prove_block(&validator(), &eight, &proof(&eight)).expect("the 8-chunk verifier takes it");
    assert_eq!(c.blocks(), (1, 1, 0));
}

/// Finding 8: the constructor accepted a zero or duplicate token address and a genesis root
/// outside the field. It now refuses each (the listing rules' ids for tokens).
#[test]
fn the_constructor_refuses_a_bad_token_list_or_genesis_root() {
    use alloy_primitives::{Address as EvmAddress, U256};
    use alloy_sol_types::SolConstructor;
    use zkrollup_contracts::artifacts::{rejected_rule, Rollup, ROLLUP};
    use zkrollup_contracts::evm::EvmError;
    let deploy_raw = |tokens: Vec<EvmAddress>, root: U256| {
        let mut evm = L1Evm::new();
        let args = Rollup::constructorCall {
            governor_: EvmAddress::repeat_byte(0x60),
            validators: vec![EvmAddress::repeat_byte(0x99)],
            genesisRoot: root,
            tokenList: tokens,
            maxTokens_: 2,
            blockVerifiers: [EvmAddress::repeat_byte(1); 4],
            exitVerifier_: EvmAddress::repeat_byte(1),
        }
        .abi_encode();
        match evm.deploy(DEPLOYER, &bytecode(ROLLUP), &args) {
            Ok(_) => Ok(()),
            Err(EvmError::Revert { output, .. }) => {
                Err(rejected_rule(&output).unwrap_or_else(|| "a plain revert".into()))
            }
            Err(e) => Err(e.to_string()),
        }
    };
    let (a, b, c) = (EvmAddress::repeat_byte(0x70), EvmAddress::repeat_byte(0x71), EvmAddress::repeat_byte(0x72));
    let p = U256::from_str_radix("21888242871839275222246405745257275088548364400416034343698204186575808495617", 10)
        .unwrap();
    assert_eq!(deploy_raw(vec![a, b], U256::from(7)), Ok(()));
    assert_eq!(deploy_raw(vec![a, EvmAddress::ZERO], U256::from(7)), Err("l1.token_zero_address".into()));
    assert_eq!(deploy_raw(vec![a, a], U256::from(7)), Err("l1.token_already_listed".into()));
    assert_eq!(deploy_raw(vec![a, b, c], U256::from(7)), Err("l1.too_many_tokens".into()));
    assert_eq!(deploy_raw(vec![a], p - U256::from(1)), Ok(()));
    assert_eq!(deploy_raw(vec![a], p), Err("a plain revert".into()));
}
