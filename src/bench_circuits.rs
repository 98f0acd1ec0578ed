//! `zkrollup bench circuits`: constraint counts (per chunk, per op kind, exit circuit), then for
//! each block size the development setup, a real proof of a block of transfers, its
//! verification, and the process's peak memory, all in one run.

use std::time::Instant;

use zkrollup_circuits::block::{self, BlockCircuit};
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{dev_setup, prove, prove_as_ark_groth16, verify, INSECURE_SETUP_WARNING};
use zkrollup_circuits::keys::{shape, CircuitKind};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::op::{chunks_of, op_code};
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::testkit::{context, funded_state, transfer, user};

/// Peak resident memory of this process so far (Linux), in MiB.
pub(crate) fn peak_rss_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// A memory figure of this process's `/proc/self/status` (`VmRSS:`, `VmHWM:`; Linux), in MiB.
pub(crate) fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn constraints(kind: CircuitKind) -> Result<usize, String> {
    shape(kind).map(|s| s.constraints).map_err(|e| e.to_string())
}

pub(crate) fn run(sizes: &[usize]) -> Result<(), String> {
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    sizes.dedup();
    if let Some(bad) = sizes.iter().find(|s| !BLOCK_CHUNK_SIZES.contains(s)) {
        return Err(format!("--sizes: {bad} is not a block size; sizes are {BLOCK_CHUNK_SIZES:?}"));
    }
    let threads = rayon::current_num_threads();
    println!("zkrollup bench circuits: {threads} threads\n");

    // Constraints. Every chunk is the same universal gadget, so an op costs its chunks times
    // the marginal cost of a chunk (which includes its half of a signature slot and its share
    // of the commitment's SHA-256).
    let (small, large) = (8, 16);
    let (c_small, c_large) = (constraints(CircuitKind::Block(small))?, constraints(CircuitKind::Block(large))?);
    let per_chunk = (c_large - c_small) as f64 / (large - small) as f64;
    let fixed = c_small as f64 - per_chunk * small as f64;
    println!("constraints");
    println!("  per chunk (marginal, {small} -> {large} chunks)   {per_chunk:>10.0}");
    println!("  per block (header, roots, 4 fee slots, padding) {fixed:>10.0}");
    let kinds = [
        ("Transfer", op_code::TRANSFER),
        ("TransferToNew", op_code::TRANSFER_TO_NEW),
        ("Deposit", op_code::DEPOSIT),
        ("Withdraw", op_code::WITHDRAW),
        ("ChangePubKey", op_code::CHANGE_PUBKEY),
        ("ForcedExit", op_code::FORCED_EXIT),
        ("FullExit", op_code::FULL_EXIT),
    ];
    for (name, code) in kinds {
        let chunks = chunks_of(code).expect("known op");
        println!("  {name:<16} {chunks} chunks {:>26.0}", per_chunk * chunks as f64);
    }
    println!("  exit circuit {:>36}", constraints(CircuitKind::Exit)?);
    println!("  target: Transfer <= 38000 (issue 35; Hermez v1: about 47600 per transaction)\n");

    println!("{INSECURE_SETUP_WARNING}\n");
    println!(
        "{:>7} {:>11} {:>10} {:>10} {:>12} {:>10} {:>12} {:>12}",
        "chunks", "constraints", "setup s", "prove s", "us/constraint", "verify ms", "peak MiB", "ark prove s"
    );
    for &n in &sizes {
        let c = constraints(CircuitKind::Block(n))?;
        let t = Instant::now();
        let (pk, vk) = dev_setup(BlockCircuit::blank(n), 1).map_err(|e| e.to_string())?;
        let setup = t.elapsed().as_secs_f64();
        // A block of n/2 transfers among 8 accounts.
        let accounts = 8;
        let pre = funded_state(accounts, &[(0, 1 << 60)]);
        let inputs: Vec<BlockInput> = (0..n as u32 / 2)
            .map(|k| {
                let from = k % accounts;
                BlockInput::Tx(transfer(
                    &user(from),
                    from,
                    user((from + 1) % accounts).address,
                    0,
                    100,
                    1,
                    k / accounts,
                ))
            })
            .collect();
        let mut state = RefState::from_spec(&pre);
        let witness = block::build(&mut state, &context(), n, &inputs).map_err(|e| e.to_string())?;
        let circuit = BlockCircuit::new(n, witness).map_err(|e| e.to_string())?;
        let v = block::check(&circuit).map_err(|e| e.to_string())?;
        if !v.satisfied {
            return Err(format!("the {n}-chunk bench block does not satisfy the circuit: {:?}", v.failure));
        }
        let t = Instant::now();
        let proof = prove(&pk, circuit.clone(), 7).map_err(|e| e.to_string())?;
        let prove_s = t.elapsed().as_secs_f64();
        let peak = peak_rss_mib().unwrap_or(f64::NAN);
        let t = Instant::now();
        let ok = verify(&vk, &[v.public_input], &proof).map_err(|e| e.to_string())?;
        let verify_ms = t.elapsed().as_secs_f64() * 1e3;
        if !ok {
            return Err(format!("the {n}-chunk proof does not verify"));
        }
        // ark-groth16's own prover beside ours, after our peak was read: the same proof.
        let t = Instant::now();
        let theirs = prove_as_ark_groth16(&pk, circuit, 7).map_err(|e| e.to_string())?;
        let ark_s = t.elapsed().as_secs_f64();
        if theirs != proof {
            return Err(format!("the {n}-chunk proof differs from ark-groth16's for the same seed"));
        }
        println!(
            "{n:>7} {c:>11} {setup:>10.1} {prove_s:>10.1} {:>12.1} {verify_ms:>10.1} {peak:>12.0} {ark_s:>12.1}",
            prove_s * 1e6 / c as f64,
        );
    }
    let t = Instant::now();
    let (pk, _) = dev_setup(ExitCircuit::blank(), 1).map_err(|e| e.to_string())?;
    let exit_setup = t.elapsed().as_secs_f64();
    let mut a = zkrollup_spec::state::Account::new(user(0).address);
    a.set_balance(0, 5);
    let st = zkrollup_spec::state::State::from_accounts(vec![a]).map_err(|e| e.to_string())?;
    let (claim, w) = zkrollup_spec::exit::exit_witness(&st, 0, 0).ok_or("exit witness")?;
    let t = Instant::now();
    prove(&pk, ExitCircuit { claim, witness: Some(w) }, 1).map_err(|e| e.to_string())?;
    println!("\nexit circuit: setup {exit_setup:.1}s, prove {:.2}s", t.elapsed().as_secs_f64());
    println!("(peak MiB is the process's high-water mark so far: sizes run in increasing order)");
    Ok(())
}
