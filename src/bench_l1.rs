//! `zkrollup bench l1`: L1 gas of the rollup contract in revm, per block size: commit gas per
//! transfer (blocks full of transfers), execute gas per withdrawal (blocks full of
//! withdrawals), and proof verification with a real Groth16 proof (whose cost does not depend
//! on the block size: one public input). Every call also runs on the spec's L1 and must agree.

use zkrollup_circuits::block::{self, BlockCircuit};
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{dev_setup, prove};
use zkrollup_conformance::operator::{L1Backend, SpecRollup};
use zkrollup_contracts::dual_l1::{DualL1, NativeVerifier};
use zkrollup_contracts::verifier::proof_bytes;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::l1::{commit_info, pending_ops, Call, L1Config, SymbolicVerifier};
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::{funded_state, transfer, user, withdraw};
use zkrollup_spec::transition::BlockContext;
use zkrollup_spec::tx::Tx;

const ACCOUNTS: u32 = 16;

fn config(genesis: &State) -> L1Config {
    let mut c = SpecRollup::config(user(0).address);
    c.genesis_root = genesis.root();
    c
}

/// Commits, proves (real proof if `prove` is given, else symbolic) and executes one block of
/// `txs` on both L1s; returns (commit, prove, execute) gas.
fn run_block(
    l1: &mut DualL1,
    l2: &mut State,
    txs: &[Tx],
    chunks: usize,
    prover: Option<&zkrollup_circuits::groth16::Pk>,
    verifier: &dyn zkrollup_spec::l1::ProofVerifier,
) -> Result<(u64, u64, u64), String> {
    let state = l1.state();
    let parent = state.blocks[state.blocks_committed as usize].clone();
    let ctx = BlockContext { block_number: parent.block_number + 1, fee_account: 0, timestamp: state.now };
    let inputs: Vec<BlockInput> = txs.iter().cloned().map(BlockInput::Tx).collect();
    let pre = l2.clone();
    let b = apply_block(l2, &BlockParams { context: ctx, chunks }, &inputs).map_err(|e| e.to_string())?;
    let op = user(0).address;
    let stored = l1.commit_block(op, &parent, &commit_info(&b, &inputs)).map_err(|e| e.to_string())?;
    let proof = match prover {
        Some(pk) => {
            let w = block::build(&mut RefState::from_spec(&pre), &ctx, chunks, &inputs).map_err(|e| e.to_string())?;
            let p =
                prove(pk, BlockCircuit::new(chunks, w).map_err(|e| e.to_string())?, 1).map_err(|e| e.to_string())?;
            proof_bytes(&p)
        }
        None => SymbolicVerifier::proof_of(&b.public_input()),
    };
    l1.prove_block(op, &stored, &proof, verifier).map_err(|e| e.to_string())?;
    l1.execute_block(op, &stored, &pending_ops(&b)).map_err(|e| e.to_string())?;
    if let Some(m) = l1.mismatches.first() {
        return Err(format!("the contract and the spec disagree: {m}"));
    }
    let last = |k: &str| l1.gas.get(k).and_then(|g| g.last().copied()).unwrap_or(0);
    Ok((last("commitBlock"), last("proveBlock"), last("executeBlock")))
}

/// The gas of each governance call, made by the deployment's governor (the operator).
fn governance_gas(l1: &mut DualL1) -> Result<(), String> {
    let (governor, other) = (user(0).address, user(1).address);
    let calls = [
        ("setValidator (add)", Call::SetValidator { sender: governor, validator: other, active: true }),
        ("setValidator (remove)", Call::SetValidator { sender: governor, validator: other, active: false }),
        ("listToken", Call::ListToken { sender: governor, token: Address([0x77; 20]) }),
        ("proposeGovernor", Call::ProposeGovernor { sender: governor, candidate: other }),
        ("acceptGovernor", Call::AcceptGovernor { sender: other }),
    ];
    let mut line = Vec::new();
    for (what, call) in calls {
        l1.call(&call, &SymbolicVerifier).map_err(|e| format!("{what}: {e}"))?;
        let gas = l1.gas.get(call.name()).and_then(|g| g.last().copied()).ok_or(format!("{what}: no gas recorded"))?;
        line.push(format!("{what} {gas}"));
    }
    if let Some(m) = l1.mismatches.first() {
        return Err(format!("the contract and the spec disagree: {m}"));
    }
    println!("governance calls, gas: {}\n", line.join(", "));
    Ok(())
}

pub(crate) fn run() -> Result<(), String> {
    println!("zkrollup bench l1: rollup contract gas in revm (every call checked against the spec)\n");
    let genesis = funded_state(ACCOUNTS, &[(0, 1 << 100)]);

    // Proof verification with a real Groth16 proof of an 8-chunk block.
    print!("real proof: setting up and proving an 8-chunk block... ");
    let (pk, vk) = dev_setup(BlockCircuit::blank(8), 1).map_err(|e| e.to_string())?;
    let (_, exit_vk) = dev_setup(ExitCircuit::blank(), 1).map_err(|e| e.to_string())?;
    let mut l1 = DualL1::deploy(config(&genesis), 1_000, 8, &vk, &exit_vk)?;
    let mut l2 = genesis.clone();
    let native = NativeVerifier { block_chunks: 8, block: vk.clone(), exit: exit_vk.clone() };
    let txs: Vec<Tx> = (0..4).map(|k| transfer(&user(k), k, user(k + 1).address, 0, 10, 1, 0)).collect();
    let (_, prove_gas, _) = run_block(&mut l1, &mut l2, &txs, 8, Some(&pk), &native)?;
    println!("done");
    println!("proveBlock with a Groth16 proof: {prove_gas} gas (target: verification <= 230000)\n");
    governance_gas(&mut l1)?;

    println!(
        "{:>7} {:>10} {:>12} {:>14} {:>14} {:>16}",
        "chunks", "transfers", "commit gas", "commit/transfer", "execute/withdr.", "all-in/transfer"
    );
    let symbolic_deploy = |g: &State| -> Result<DualL1, String> {
        // Symbolic proofs here: prove gas is taken from the real proof above.
        let (_, b) = dev_setup(ExitCircuit::blank(), 2).map_err(|e| e.to_string())?;
        DualL1::deploy_symbolic(config(g), 1_000, &b)
    };
    for &chunks in BLOCK_CHUNK_SIZES {
        let mut l1 = symbolic_deploy(&genesis)?;
        let mut l2 = genesis.clone();
        let n = chunks / 2;
        let txs: Vec<Tx> = (0..n as u32)
            .map(|k| {
                let from = k % ACCOUNTS;
                transfer(&user(from), from, user((from + 1) % ACCOUNTS).address, 0, 10, 1, k / ACCOUNTS)
            })
            .collect();
        let (commit, _, execute_t) = run_block(&mut l1, &mut l2, &txs, chunks, None, &SymbolicVerifier)?;
        let w = chunks / 6;
        let nonce = |k: u32| (n as u32 / ACCOUNTS) + u32::from(k % ACCOUNTS < n as u32 % ACCOUNTS);
        let wtxs: Vec<Tx> =
            (0..w as u32).map(|k| withdraw(&user(k), k, user(k).address, 0, 1_000, 1, nonce(k))).collect();
        let (_, _, execute_w) = run_block(&mut l1, &mut l2, &wtxs, chunks, None, &SymbolicVerifier)?;
        let all_in = (commit + prove_gas + execute_t) as f64 / n as f64;
        println!(
            "{chunks:>7} {n:>10} {commit:>12} {:>14.0} {:>14.0} {all_in:>16.0}",
            commit as f64 / n as f64,
            execute_w as f64 / w.max(1) as f64
        );
    }
    println!("\n(all-in = commit + proveBlock + execute of a block of transfers, per transfer;");
    println!(
        " zkSync Lite's 1,184 gas per transfer amortises one recursive proof over thousands of blocks' transfers)"
    );
    Ok(())
}
