//! The contract audit's attacks (issue 11), each reproduced against the contract in revm and
//! shown to fail.

use zkrollup_contracts::artifacts::{bytecode, SYMBOLIC_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::rollup::{RollupOnL1, DEPLOYER};
use zkrollup_spec::l1::{CommitBlock, L1Config, StoredBlock, L1};
use zkrollup_spec::params::{CHUNK_BYTES, PRIORITY_EXPIRATION_SECONDS};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::genesis_root;
use zkrollup_spec::tx::auth::L1Domain;

const START: u64 = 1_000;

fn validator() -> Address {
    Address([0x99; 20])
}

/// A rollup with the symbolic verifier: commits need no proof.
fn deploy() -> (RollupOnL1, StoredBlock) {
    let config = L1Config {
        domain: L1Domain { chain_id: 31337, contract: Address([0xcc; 20]) },
        validators: vec![validator()],
        genesis_root: genesis_root(),
        tokens: vec![],
    };
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
