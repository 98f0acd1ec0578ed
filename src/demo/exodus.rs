//! The operator is gone. A user's full-exit request goes unserved past its deadline; anyone
//! then switches the contract to exodus mode. Each owner rebuilds the L2 state of the last
//! executed block from L1 alone (the blocks' calldata, [`Audit::executed_state`]), proves with
//! the exit circuit what it held there, and the contract, checking the proof with its Groth16
//! verifier, owes it that much. Deposits still waiting are cancelled (refundable), and every
//! owner's pending balance is paid out: nothing stays in the contract.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use zkrollup_circuits::exit::ExitCircuit;
use zkrollup_circuits::groth16::{prove, Pk};
use zkrollup_contracts::verifier::proof_bytes;
use zkrollup_node::l1::audit::Audit;
use zkrollup_node::l1::wallet;
use zkrollup_spec::exit::{check_exit, exit_witness};
use zkrollup_spec::primitives::Address;

use super::report::Auditor;
use super::users::{l1_key, Wallets, FAUCET};
use super::{on_l1, short, OnL1};

pub(crate) fn run(l1: &OnL1, wallets: &Wallets, auditor: &Auditor, exit_pk: &Pk) -> Result<(), String> {
    let (rpc, rollup) = (&l1.rpc, &l1.rollup);
    println!("  6. user 2 requests a full exit on L1; no one serves it; its deadline, three days on, passes");
    wallets.request_full_exit(2, 0)?;
    // Its deadline, as the contract logged it; the chain's clock moves just past it.
    let before = auditor.audit(l1)?;
    let deadline = before.spec.open_requests().first().ok_or("the request is not open")?.expires_at;
    let mut now = before.spec.now;
    for _ in 0..3 {
        if now >= deadline {
            break;
        }
        now = on_l1("letting time pass", wallet::increase_time(rpc, deadline - now))?;
    }
    if now < deadline {
        return Err(format!("the L1's clock stays at {now}, before the deadline {deadline}"));
    }
    on_l1("activating exodus mode", wallet::activate_exodus_mode(rpc, &l1_key(3), rollup))?;
    println!("  7. exodus mode: each owner rebuilds the state from L1 and proves its exit");

    let audit: Audit = auditor.audit(l1)?;
    let state = audit.executed_state()?;
    let last = audit.spec.last_executed().clone();
    let exits: Vec<(u32, u16, Address)> = state
        .accounts()
        .flat_map(|(id, a)| a.balances.iter().filter(|(_, v)| **v > 0).map(move |(t, _)| (id, *t, a.address)))
        .collect();
    let bar = ProgressBar::new(exits.len() as u64).with_style(
        ProgressStyle::with_template("    proving exits {bar:30} {pos}/{len} {elapsed}").expect("static template"),
    );
    let started = Instant::now();
    for (id, token, _) in &exits {
        let (claim, witness) = exit_witness(&state, *id, *token).ok_or("no exit witness for a listed balance")?;
        if !check_exit(&claim, &witness) {
            return Err(format!("the exit claim of account {id}, token {token} does not hold"));
        }
        let proof = prove(exit_pk, ExitCircuit { claim: claim.clone(), witness: Some(witness) }, u64::from(*id))
            .map_err(|e| e.to_string())?;
        on_l1("an exodus exit", wallet::perform_exodus(rpc, FAUCET, rollup, &last, &claim, &proof_bytes(&proof)))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "    {} balances of {} accounts exited against root {}, each with a Groth16 proof checked on L1 ({:.1}s each)",
        exits.len(),
        state.accounts().count(),
        short(&last.state_root.to_string()),
        started.elapsed().as_secs_f64() / exits.len().max(1) as f64
    );

    let open = audit.spec.open_requests().len() as u64;
    if open > 0 {
        on_l1("cancelling the open requests", wallet::cancel_outstanding_deposits(rpc, FAUCET, rollup, open))?;
        println!("    {open} open L1 request(s) cancelled (deposits among them refundable)");
    }
    // Everyone L1 may owe: every account's owner and every depositor.
    let mut owners: Vec<Address> = exits.iter().map(|e| e.2).collect();
    owners.extend(audit.spec.open_requests().iter().filter_map(|r| match &r.op {
        zkrollup_spec::transition::PriorityOp::Deposit(d) => Some(d.from),
        _ => None,
    }));
    owners.sort();
    owners.dedup();
    let mut paid = 0;
    for owner in &owners {
        for token in 0..=audit.spec.tokens.len() as u16 {
            if wallets.pay_out(owner, token)? > 0 {
                paid += 1;
            }
        }
    }
    println!("    {paid} pending balances paid out to their owners");
    Ok(())
}
