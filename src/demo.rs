//! `zkrollup demo`: the main job. The protocol end to end on an in-process L1 (revm): the
//! Solidity rollup contract with Groth16 verifiers deployed; users deposit ETH and an ERC-20;
//! the operator builds blocks, proves each with the block circuit, and commits, proves and
//! executes it on the contract; users withdraw; then the operator goes silent, exodus mode
//! activates and every balance leaves with an exit proof. Every L1 call also runs on the spec's
//! state machine, and any disagreement (verdict, rule id, stored block) fails the demo.

use std::collections::BTreeMap;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::{self, spinner};
use zkrollup_circuits::block::{self as block_circuit, BlockCircuit};
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{prove, INSECURE_SETUP_WARNING};
use zkrollup_circuits::keys::{self, CircuitKind};
use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
use zkrollup_reference::state::RefState;
use zkrollup_spec::exit::{check_exit, exit_witness};
use zkrollup_spec::op::{chunks_of, op_code, Op};

use zkrollup_conformance::operator::{L1Backend, SpecRollup};
use zkrollup_contracts::dual_l1::{DualL1, NativeVerifier};
use zkrollup_contracts::verifier::proof_bytes;
use zkrollup_spec::params::{BLOCK_CHUNK_SIZES, PRIORITY_EXPIRATION_SECONDS};
use zkrollup_spec::testkit::{self, user};
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, eip712_change_pubkey_digest};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Transfers to run between the demo's users.
    #[arg(long, default_value_t = 12)]
    pub transfers: u32,
    /// Block size in chunks (one of the supported sizes).
    #[arg(long, default_value_t = 16)]
    pub block_chunks: usize,
    /// Where Groth16 keys are cached (made on first use).
    #[arg(long)]
    pub keys: Option<std::path::PathBuf>,
}

const OPERATOR: u32 = 9;
const USERS: u32 = 4;
/// Users 0, 1 and 2 register an L2 key (three ways); user 3 stays keyless (a forced-exit target).
const KEYED: usize = 3;

pub(crate) fn run(args: &DemoArgs) -> Result<(), String> {
    if !BLOCK_CHUNK_SIZES.contains(&args.block_chunks) {
        return Err(format!("--block-chunks {}: supported sizes are {BLOCK_CHUNK_SIZES:?}", args.block_chunks));
    }
    let started = Instant::now();
    println!("zkrollup demo: the protocol end to end.");
    println!("  L1:     the Solidity rollup contract in revm, every call checked against the spec's L1");
    println!(
        "  proofs: every block (block circuit, {} chunks) and every exodus exit (exit circuit)",
        args.block_chunks
    );
    println!("  {INSECURE_SETUP_WARNING}\n");

    let dir = args.keys.clone().unwrap_or_else(keys::default_dir);
    let (block_pk, block_vk) = progress::keys(&dir, CircuitKind::Block(args.block_chunks), BLOCK_SETUP_SEED)?;
    let (exit_pk, exit_vk) = progress::keys(&dir, CircuitKind::Exit, EXIT_SETUP_SEED)?;
    let operator = user(OPERATOR).address;
    // One Groth16 key, one block size: the contract refuses blocks of the others.
    let l1 = DualL1::deploy(SpecRollup::config(operator), 1_000, args.block_chunks, &block_vk, &exit_vk)?;
    for (what, gas) in &l1.deploy_gas {
        println!("  deployed {what} ({gas} gas)");
    }
    let verifier =
        NativeVerifier { block_chunks: args.block_chunks as u16, block: block_vk.clone(), exit: exit_vk.clone() };
    println!();

    let mut w = SpecRollup::with_backend(l1, operator);
    let mut transfer_gas: Vec<(usize, u64)> = Vec::new();
    let mut ops_by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut blocks = 0;
    let mut prove_times = Vec::new();
    let chunks = args.block_chunks;
    let mut run_block = |w: &mut SpecRollup<DualL1>, txs: Vec<Tx>, what: &str| -> Result<(), String> {
        let gas_before: u64 = block_gas(&w.l1);
        let spinner = spinner(&format!("block {:>2}: {what}: proving", blocks + 1));
        let mut secs = 0.0;
        let prover = |pre: &zkrollup_spec::state::State,
                      b: &zkrollup_spec::block::Block,
                      inputs: &[zkrollup_spec::block::BlockInput]|
         -> Result<Vec<u8>, String> {
            let mut state = RefState::from_spec(pre);
            let witness =
                block_circuit::build(&mut state, &b.params.context, chunks, inputs).map_err(|e| e.to_string())?;
            let circuit = BlockCircuit::new(chunks, witness).map_err(|e| e.to_string())?;
            let v = block_circuit::check(&circuit).map_err(|e| e.to_string())?;
            if !v.satisfied || v.public_input != b.public_input() {
                return Err(format!("the circuit refuses the block ({:?})", v.failure.map(|t| t.id())));
            }
            let t = Instant::now();
            let proof = prove(&block_pk, circuit, b.params.context.block_number as u64).map_err(|e| e.to_string())?;
            secs = t.elapsed().as_secs_f64();
            Ok(proof_bytes(&proof))
        };
        let ops = w.block_proven(txs, chunks, prover, &verifier).map_err(|e| format!("{what}: {e}"))?;
        w.reconcile().map_err(|e| format!("after {what}: {e}"))?;
        blocks += 1;
        prove_times.push(secs);
        if let Some(m) = w.l1.mismatches.first() {
            return Err(format!("{what}: the contract and the spec disagree: {m}"));
        }
        let transfers = ops.iter().filter(|o| matches!(o, Op::Transfer(_) | Op::TransferToNew(_))).count();
        if transfers > 0 && transfers == ops.len() {
            transfer_gas.push((transfers, block_gas(&w.l1) - gas_before));
        }
        for op in &ops {
            *ops_by_kind.entry(op.name()).or_default() += 1;
        }
        spinner.finish_and_clear();
        println!(
            "  block {blocks:>2}: {what:<34} {:>2} ops, proof {secs:>4.1}s, verified on L1, root {}",
            ops.len(),
            short(&w.l2.root().to_string())
        );
        Ok(())
    };
    let users: Vec<_> = (0..USERS).map(user).collect();
    let op = user(OPERATOR);

    // 1. Deposits: the operator's fee account first (account 0), then every user in ETH and the
    //    keyed users in the listed ERC-20 too; two deposits (6 chunks each) a block.
    let l1_err = |e: zkrollup_spec::rules::Rejection| e.to_string();
    w.l1.deposit(op.address, op.address, 0, 1).map_err(l1_err)?;
    for (i, u) in users.iter().enumerate() {
        w.l1.deposit(u.address, u.address, 0, 1_000_000_000).map_err(l1_err)?;
        if i < KEYED {
            w.l1.deposit(u.address, u.address, 1, 5_000_000).map_err(l1_err)?;
        }
    }
    while w.unserved_requests() > 0 {
        run_block(&mut w, vec![], "deposits")?;
    }

    // 2. Register L2 keys three ways; the last user stays keyless (a forced-exit target).
    let domain = w.l1.state().config.domain;
    w.l1.set_auth_pubkey_hash(users[0].address, users[0].pubkey_hash, 0).map_err(l1_err)?;
    let id = |w: &SpecRollup<DualL1>, i: usize| w.l2.id_of(&users[i].address).expect("deposited");
    let (a1, a2) = (id(&w, 1), id(&w, 2));
    let sig191 = users[1].l1.personal_sign(&eip191_change_pubkey_message(&domain, &users[1].pubkey_hash, 0, a1));
    let sig712 = users[2].l1.sign_digest(&eip712_change_pubkey_digest(&domain, &users[2].pubkey_hash, 0, a2));
    let cpks = vec![
        testkit::change_pubkey(&users[0], id(&w, 0), 0, 0, 0, ChangePubKeyAuth::Onchain),
        testkit::change_pubkey(&users[1], a1, 0, 10, 0, ChangePubKeyAuth::Eip191(sig191)),
        testkit::change_pubkey(&users[2], a2, 1, 5, 0, ChangePubKeyAuth::Eip712(sig712)),
    ];
    let cpk_chunks = chunks_of(op_code::CHANGE_PUBKEY).expect("a known op");
    let mut txs: Vec<(Tx, usize)> = cpks.into_iter().map(|tx| (tx, cpk_chunks)).collect();

    // 3. Transfers among the keyed users and to new addresses (a TransferToNew, 5 chunks), in
    //    the same run of blocks: a transfer after its sender's ChangePubKey, in order, fills the
    //    chunks the ChangePubKeys (7 each) leave.
    let mut nonces = [1u32; KEYED];
    for n in 0..args.transfers {
        let from = n as usize % KEYED;
        let (to, code) = if n % 4 == 3 {
            (user(100 + n).address, op_code::TRANSFER_TO_NEW)
        } else {
            (users[(n as usize + 1) % KEYED].address, op_code::TRANSFER)
        };
        let tx = testkit::transfer(&users[from], id(&w, from), to, 0, 1_000 + n as u128, 1, nonces[from]);
        txs.push((tx, chunks_of(code).expect("a known op")));
        nonces[from] += 1;
    }
    for txs in fill_blocks(txs, chunks) {
        let what = match txs.iter().any(|tx| matches!(tx, Tx::ChangePubKey(_))) {
            true => "ChangePubKey, transfers",
            false => "transfers",
        };
        run_block(&mut w, txs, what)?;
    }

    // 4. A withdrawal, a forced exit of the keyless user, a full exit.
    let keyless = users[KEYED].address;
    w.l1.request_full_exit(users[1].address, a1, 1).map_err(l1_err)?;
    let txs = vec![
        testkit::withdraw(&users[0], id(&w, 0), users[0].address, 0, 50_000, 2, nonces[0]),
        testkit::forced_exit(&users[2], a2, keyless, 0, 4, nonces[2]),
    ];
    run_block(&mut w, txs, "withdraw, forced exit")?;
    while w.unserved_requests() > 0 {
        run_block(&mut w, vec![], "full exit")?;
    }

    // 5. The operator goes silent; a full-exit request expires; exodus. Every remaining balance
    //    leaves with a real Groth16 exit proof, checked by the Solidity verifier in revm.
    w.l1.request_full_exit(users[2].address, a2, 0).map_err(l1_err)?;
    let now = w.l1.state().now;
    w.l1.set_time(now + PRIORITY_EXPIRATION_SECONDS + 1);
    w.l1.activate_exodus_mode().map_err(l1_err)?;
    let last = w.l1.state().last_executed().clone();
    println!("\n  exodus mode: proving exits against root {}", short(&last.state_root.to_string()));
    let accounts: Vec<(u32, Vec<u16>)> =
        w.l2.accounts().map(|(i, a)| (i, a.balances.keys().copied().collect())).collect();
    let total: u64 = accounts.iter().map(|(_, t)| t.len() as u64).sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("  proving exits {bar:30} {pos}/{len} {elapsed}").expect("static template"),
    );
    let t = Instant::now();
    for (account, tokens) in accounts {
        for token in tokens {
            let (claim, witness) = exit_witness(&w.l2, account, token).ok_or("exit witness")?;
            if !check_exit(&claim, &witness) {
                return Err(format!("exit claim of account {account} token {token} does not hold"));
            }
            let proof = prove(&exit_pk, ExitCircuit { claim: claim.clone(), witness: Some(witness) }, account as u64)
                .map_err(|e| e.to_string())?;
            w.l1.perform_exodus(&last, &claim, &proof_bytes(&proof), &verifier).map_err(l1_err)?;
            bar.inc(1);
        }
    }
    bar.finish();
    let exits = total as usize;
    let prove_secs = t.elapsed().as_secs_f64() / exits.max(1) as f64;
    if !w.l1.state().open_requests().is_empty() {
        w.l1.cancel_outstanding_deposits(u64::MAX).map_err(l1_err)?;
    }
    w.withdraw_all();
    w.reconcile()?;
    let mean = |v: &[u64]| v.iter().sum::<u64>() / v.len().max(1) as u64;
    println!(
        "  exodus: {exits} balances exited, each with a Groth16 proof verified on chain ({prove_secs:.1}s to prove)"
    );
    if let Some(m) = w.l1.mismatches.first() {
        return Err(format!("the contract and the spec disagree: {m}"));
    }
    let mean_prove = prove_times.iter().sum::<f64>() / prove_times.len().max(1) as f64;
    println!("\n  {:<44} {:>12}", "figure", "value");
    println!("  {:<44} {:>12}", "blocks committed, proven, executed on L1", blocks);
    println!("  {:<44} {:>11.1}s", format!("proving time per block ({chunks} chunks)"), mean_prove);
    let (n, g) = transfer_gas.iter().fold((0, 0), |(n, g), (k, x)| (n + k, g + x));
    println!("  {:<44} {:>12}", "L1 gas per transfer (commit+prove+execute)", g / n.max(1) as u64);
    let width = w.l1.gas.keys().map(|k| k.len()).max().unwrap_or(0).max(8);
    println!("\n  {:<width$} {:>6} {:>12}", "L1 call", "calls", "mean gas");
    for (kind, gas) in &w.l1.gas {
        println!("  {kind:<width$} {:>6} {:>12}", gas.len(), mean(gas));
    }
    println!("\n  {:<16} {:>6}", "op kind", "count");
    for (kind, n) in &ops_by_kind {
        println!("  {kind:<16} {n:>6}");
    }
    println!("\n  {:<8} {:>16} {:>16} {:>10}", "token", "deposited", "paid out", "in contract");
    let deposited = w.deposited();
    for (token, deposited) in deposited {
        let paid = w.paid_out(token);
        // What the contract really holds: its ETH balance, or its balance of the ERC-20.
        let held = w.l1.contract.held(token);
        println!("  {token:<8} {deposited:>16} {paid:>16} {held:>10}");
        if !held.is_zero() || paid != deposited {
            return Err(format!("token {token}: {held} left in the contract"));
        }
    }
    println!(
        "\nreconciled: every deposited unit left through withdrawals, exits or refunds ({blocks} blocks, {:.1}s).",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Gas the contract spent on commits, proofs and executions so far.
/// Splits transactions, each with the chunks of its op, into blocks of at most `capacity` chunks,
/// in order: every block proof costs the same, full or not.
fn fill_blocks(txs: Vec<(Tx, usize)>, capacity: usize) -> Vec<Vec<Tx>> {
    let mut blocks: Vec<(Vec<Tx>, usize)> = Vec::new();
    for (tx, n) in txs {
        match blocks.last_mut() {
            Some((block, used)) if *used + n <= capacity => {
                block.push(tx);
                *used += n;
            }
            _ => blocks.push((vec![tx], n)),
        }
    }
    blocks.into_iter().map(|(block, _)| block).collect()
}

fn block_gas(l1: &DualL1) -> u64 {
    ["commitBlock", "proveBlock", "executeBlock"].iter().filter_map(|k| l1.gas.get(k)).flatten().sum()
}

fn short(s: &str) -> String {
    if s.len() > 14 {
        format!("{}…{}", &s[..6], &s[s.len() - 6..])
    } else {
        s.to_string()
    }
}
