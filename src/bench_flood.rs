//! `zkrollup bench flood`: the economics of flooding the priority queue (issue 11, item 3).
//!
//! Requests are free to make but cost the operator a share of a block to serve, and at most
//! `chunks / 6` fit a block. The bench measures, side by side in one run:
//! - the attacker's L1 gas per request (`requestFullExit` and the cheapest deposit, 1 wei);
//! - the operator's cost of serving requests at each block size: blocks holding nothing but
//!   full exits (what a flood makes), committed, proven and executed, their gas per request,
//!   and how many requests per day one prover serves (the proving time measured here);
//! - before deadlines were spaced (every request due 3 days after it is made): how many
//!   requests (and how much gas) force exodus, the queue outrunning the operator;
//! - after (each deadline at least `PRIORITY_REQUEST_SPACING_SECONDS` after the one before):
//!   the operator's margin over the one request per spacing it must serve (no flood forces
//!   exodus while it is above 1), and what a day of delay to every later request costs the
//!   attacker against what serving that flood costs the operator.
//!
//! Every call also runs on the spec's L1 (`DualL1`) and must agree.

use std::time::Instant;

use zkrollup_circuits::block::{self, BlockCircuit};
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{dev_setup, prove};
use zkrollup_conformance::operator::{L1Backend, SpecRollup};
use zkrollup_contracts::dual_l1::{DualL1, NativeVerifier};
use zkrollup_contracts::verifier::proof_bytes;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::l1::{commit_info, pending_ops, L1Config};
use zkrollup_spec::params::{PRIORITY_EXPIRATION_SECONDS, PRIORITY_REQUEST_SPACING_SECONDS};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::user;
use zkrollup_spec::transition::BlockContext;

const DAY: f64 = 86_400.0;
const START: u64 = 1_000;

/// One size's figures.
struct Served {
    chunks: usize,
    per_block: usize,
    prove_seconds: f64,
    /// commit + prove + execute gas of one block of `per_block` full exits.
    block_gas: u64,
}

impl Served {
    fn per_day(&self) -> f64 {
        DAY / self.prove_seconds * self.per_block as f64
    }
    fn gas_per_request(&self) -> f64 {
        self.block_gas as f64 / self.per_block as f64
    }
}

fn config(genesis: &State) -> L1Config {
    let mut c = SpecRollup::config(user(0).address);
    c.genesis_root = genesis.root();
    c
}

/// Serves one block of flood requests (full exits of an account the attacker does not own) on
/// a Groth16-verifying contract: the measured proving time and the L1 gas.
fn serve(chunks: usize) -> Result<Served, String> {
    let per_block = chunks / 6;
    let genesis = State::new();
    let (pk, vk) = dev_setup(BlockCircuit::blank(chunks), 1).map_err(|e| e.to_string())?;
    let (_, exit_vk) = dev_setup(ExitCircuit::blank(), 1).map_err(|e| e.to_string())?;
    let mut l1 = DualL1::deploy(config(&genesis), START, chunks, &vk, &exit_vk)?;
    let (attacker, op) = (Address([0xa7; 20]), user(0).address);
    // The first request opens the fee account (account 0) that the block needs; the rest are
    // the flood.
    l1.deposit(op, op, 0, 1).map_err(|e| e.to_string())?;
    for k in 1..per_block {
        l1.request_full_exit(attacker, k as u32, 0).map_err(|e| e.to_string())?;
    }
    l1.set_time(START + 12);
    let state = l1.state();
    let parent = state.blocks[0].clone();
    let ctx = BlockContext { block_number: 1, fee_account: 0, timestamp: state.now };
    let inputs: Vec<BlockInput> = state.open_requests().iter().map(|r| BlockInput::Priority(r.op.clone())).collect();
    let mut l2 = genesis.clone();
    let b = apply_block(&mut l2, &BlockParams { context: ctx, chunks }, &inputs).map_err(|e| e.to_string())?;
    let stored = l1.commit_block(op, &parent, &commit_info(&b, &inputs)).map_err(|e| e.to_string())?;
    let w = block::build(&mut RefState::from_spec(&genesis), &ctx, chunks, &inputs).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let proof = proof_bytes(
        &prove(&pk, BlockCircuit::new(chunks, w).map_err(|e| e.to_string())?, 1).map_err(|e| e.to_string())?,
    );
    let prove_seconds = t.elapsed().as_secs_f64();
    let native = NativeVerifier { block_chunks: chunks as u16, block: vk, exit: exit_vk };
    l1.prove_block(op, &stored, &proof, &native).map_err(|e| e.to_string())?;
    l1.execute_block(op, &stored, &pending_ops(&b)).map_err(|e| e.to_string())?;
    if let Some(m) = l1.mismatches.first() {
        return Err(format!("the contract and the spec disagree: {m}"));
    }
    let block_gas = ["commitBlock", "proveBlock", "executeBlock"]
        .iter()
        .map(|k| l1.gas.get(k).and_then(|g| g.last().copied()).unwrap_or(0))
        .sum();
    Ok(Served { chunks, per_block, prove_seconds, block_gas })
}

/// The attacker's gas per request: the mean of `n` full-exit requests and of `n` 1-wei deposits
/// into a queue that has room.
fn request_gas(n: u64) -> Result<(f64, f64), String> {
    let genesis = State::new();
    let (_, exit_vk) = dev_setup(ExitCircuit::blank(), 1).map_err(|e| e.to_string())?;
    let mut l1 = DualL1::deploy_symbolic(config(&genesis), START, &exit_vk)?;
    let attacker = Address([0xa7; 20]);
    for k in 0..n {
        l1.request_full_exit(attacker, k as u32, 0).map_err(|e| e.to_string())?;
        l1.deposit(attacker, attacker, 0, 1).map_err(|e| e.to_string())?;
    }
    if let Some(m) = l1.mismatches.first() {
        return Err(format!("the contract and the spec disagree: {m}"));
    }
    let mean = |k: &str| {
        let g = l1.gas.get(k).cloned().unwrap_or_default();
        g.iter().sum::<u64>() as f64 / g.len().max(1) as f64
    };
    Ok((mean("requestFullExit"), mean("depositETH")))
}

pub(crate) fn run(sizes: &[usize]) -> Result<(), String> {
    println!("zkrollup bench flood: flooding the priority queue, attacker against operator (one 2-core prover)\n");
    let (exit_gas, deposit_gas) = request_gas(64)?;
    let request = exit_gas.min(deposit_gas);
    println!("attacker, gas per request: requestFullExit {exit_gas:.0}, depositETH of 1 wei {deposit_gas:.0}\n");

    println!(
        "{:>7} {:>13} {:>10} {:>15} {:>15} {:>16}",
        "chunks", "requests/blk", "proof (s)", "served per day", "operator gas/req", "attacker/operator"
    );
    let mut served = Vec::new();
    for &chunks in sizes {
        let s = serve(chunks)?;
        println!(
            "{:>7} {:>13} {:>10.1} {:>15.0} {:>15.0} {:>16.2}",
            s.chunks,
            s.per_block,
            s.prove_seconds,
            s.per_day(),
            s.gas_per_request(),
            request / s.gas_per_request()
        );
        served.push(s);
    }

    let expiry_days = PRIORITY_EXPIRATION_SECONDS as f64 / DAY;
    println!(
        "\nbefore (every request due {expiry_days:.0} days after it is made): a flood forces exodus once the queue"
    );
    println!("holds more than the operator serves before the oldest request expires:");
    for s in &served {
        let needed = s.per_day() * expiry_days;
        println!(
            "  {:>2} chunks: {:>9.0} requests, {:>7.2} Ggas of requests ({:.1} full 36M-gas L1 blocks) force exodus",
            s.chunks,
            needed,
            needed * request / 1e9,
            needed * request / 36e6
        );
    }
    let spacing = PRIORITY_REQUEST_SPACING_SECONDS;
    let demanded = DAY / spacing as f64;
    println!(
        "\nafter (each deadline at least {spacing} s after the one before): the operator must serve {demanded:.0} requests a day"
    );
    println!("under a flood; one day of delay to every later request costs the attacker {demanded:.0} requests:");
    for s in &served {
        let margin = s.per_day() / demanded;
        let verdict = if margin >= 1.0 { "no flood can force exodus" } else { "A FLOOD OUTRUNS ONE PROVER" };
        println!(
            "  {:>2} chunks: one prover serves {margin:>4.1}x what is demanded ({verdict}); a day of delay costs the attacker {:.2} Ggas, serving it the operator {:.2} Ggas",
            s.chunks,
            demanded * request / 1e9,
            demanded * s.gas_per_request() / 1e9
        );
    }
    println!("\n(no request is refused; one made behind n others waits at most n spacings past its own expiry)");
    Ok(())
}
