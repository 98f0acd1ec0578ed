//! Witness mutation: for a valid block, changing any single private witness value (amounts,
//! balances, nonces, path elements, signature parts, pubdata bits, op selectors, chunk
//! positions, fee slots) must leave the circuit unsatisfied or change its public input.
//!
//! By default a sample of chunks is mutated (every kind of value at least once);
//! `ZKROLLUP_MUTATIONS=all` mutates every chunk (CI does).

use zkrollup_circuits::block::{self, BlockCircuit, BlockWitness};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::primitives::{Address, Fr};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{DepositRequest, PriorityOp};

type Mutation = (String, Box<dyn Fn(&mut BlockWitness) + Sync>);

fn one() -> Fr {
    Fr::from(1u8)
}

/// Every single-value mutation of chunk `c`.
fn chunk_mutations(c: usize) -> Vec<Mutation> {
    let mut out: Vec<Mutation> = Vec::new();
    let mut add = |name: &str, f: Box<dyn Fn(&mut BlockWitness) + Sync>| out.push((format!("chunk {c}: {name}"), f));
    for byte in [0usize, 1, 3, 4, 6, 9, 13, 15, 21, 30, 41, 47, 55] {
        add(&format!("op byte {byte}, low bit"), Box::new(move |w| w.chunks[c].op_bytes[byte] ^= 1));
    }
    add("op byte 2, high bit", Box::new(move |w| w.chunks[c].op_bytes[2] ^= 0x80));
    add(
        "op selector (code 5 <-> 2, 1 <-> 6)",
        Box::new(move |w| {
            let b = &mut w.chunks[c].op_bytes[0];
            *b = match *b {
                5 => 2,
                2 => 5,
                1 => 6,
                6 => 1,
                x => x ^ 1,
            }
        }),
    );
    add("chunk index + 1", Box::new(move |w| w.chunks[c].chunk_index = (w.chunks[c].chunk_index + 1) % 7));
    add("key A.x", Box::new(move |w| w.chunks[c].auth.a.0 += one()));
    add("key A.y", Box::new(move |w| w.chunks[c].auth.a.1 += one()));
    add("signature R8.x", Box::new(move |w| w.chunks[c].auth.r8.0 += one()));
    add("signature R8.y", Box::new(move |w| w.chunks[c].auth.r8.1 += one()));
    add("signature S", Box::new(move |w| w.chunks[c].auth.s += one()));
    add("tx nonce", Box::new(move |w| w.chunks[c].auth.nonce ^= 1));
    add("valid_from", Box::new(move |w| w.chunks[c].auth.valid_from ^= 1));
    add("valid_until", Box::new(move |w| w.chunks[c].auth.valid_until ^= 1));
    add("recipient address", Box::new(move |w| w.chunks[c].recipient_address.0[19] ^= 1));
    add("opens account", Box::new(move |w| w.chunks[c].opens_account ^= true));
    add("fee slot", Box::new(move |w| w.chunks[c].fee_slot = (w.chunks[c].fee_slot + 1) % 4));
    add("leaf account id", Box::new(move |w| w.chunks[c].leaf.account_id ^= 1));
    add("leaf token", Box::new(move |w| w.chunks[c].leaf.token ^= 1));
    add("leaf nonce", Box::new(move |w| w.chunks[c].leaf.nonce ^= 1));
    add("leaf pubkey hash", Box::new(move |w| w.chunks[c].leaf.pubkey_hash += one()));
    add("leaf address", Box::new(move |w| w.chunks[c].leaf.address += one()));
    add("leaf balance", Box::new(move |w| w.chunks[c].leaf.balance += one()));
    add("balance path, level 0", Box::new(move |w| w.chunks[c].leaf.balance_siblings[0][0] += one()));
    add("balance path, level 7", Box::new(move |w| w.chunks[c].leaf.balance_siblings[7][2] += one()));
    add("account path, level 0", Box::new(move |w| w.chunks[c].leaf.account_siblings[0][1] += one()));
    add("account path, level 11", Box::new(move |w| w.chunks[c].leaf.account_siblings[11][0] += one()));
    out
}

fn block_mutations() -> Vec<Mutation> {
    let mut out: Vec<Mutation> = Vec::new();
    let mut add = |name: &str, f: Box<dyn Fn(&mut BlockWitness) + Sync>| out.push((format!("block: {name}"), f));
    add("account tree root", Box::new(|w| w.tree_root += one()));
    add("id counter", Box::new(|w| w.next_account_id += 1));
    add("block number", Box::new(|w| w.context.block_number += 1));
    add("timestamp", Box::new(|w| w.context.timestamp += 1));
    add("fee account", Box::new(|w| w.context.fee_account ^= 1));
    add("fee account's path", Box::new(|w| w.fees.leaf.account_siblings[3][1] += one()));
    add("fee account's nonce", Box::new(|w| w.fees.leaf.nonce += 1));
    add("fee slot 0 balance", Box::new(|w| w.fees.leaf.balance += one()));
    add("fee slot 0 balance path", Box::new(|w| w.fees.leaf.balance_siblings[2][0] += one()));
    for s in 0..4 {
        add(&format!("fee slot {s} token"), Box::new(move |w| w.fee_tokens[s] ^= 1));
    }
    for s in 1..4 {
        add(&format!("fee slot {s} balance"), Box::new(move |w| w.fees.later[s - 1].balance += one()));
        add(&format!("fee slot {s} balance path"), Box::new(move |w| w.fees.later[s - 1].siblings[5][2] += one()));
    }
    out
}

/// Transfer (chunks 0–1, fee in token 0), Deposit to a new account (chunks 2–7).
fn valid_block() -> BlockWitness {
    let pre = funded_state(2, &[(0, 1_000_000)]);
    let inputs = vec![
        BlockInput::Tx(transfer(&user(0), 0, user(1).address, 0, 5_000, 20, 0)),
        BlockInput::Priority(PriorityOp::Deposit(DepositRequest {
            from: Address([9; 20]),
            to: user(7).address,
            token: 3,
            amount: 12_345,
        })),
    ];
    let mut state = RefState::from_spec(&pre);
    block::build(&mut state, &context(), 8, &inputs).expect("representable")
}

#[test]
fn every_single_value_mutation_is_caught() {
    let honest = valid_block();
    let base = block::check(&BlockCircuit::new(8, honest.clone()).unwrap()).unwrap();
    assert!(base.satisfied, "the honest witness satisfies the circuit");
    let all = std::env::var("ZKROLLUP_MUTATIONS").is_ok_and(|v| v == "all");
    let chunks: Vec<usize> = if all { (0..honest.chunks.len()).collect() } else { vec![0, 1, 2, 5] };
    let mut mutations: Vec<Mutation> = chunks.iter().flat_map(|&c| chunk_mutations(c)).collect();
    mutations.extend(block_mutations());

    let results = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get()).min(4) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, mutate)) = mutations.get(i) else { break };
                let mut w = honest.clone();
                mutate(&mut w);
                if w == honest {
                    results.lock().unwrap().push((name.clone(), "no-op"));
                    continue;
                }
                let outcome = match BlockCircuit::new(8, w).map(|c| block::check(&c)) {
                    Err(_) => "refused: not the circuit's shape",
                    Ok(Err(_)) => "refused at synthesis",
                    Ok(Ok(v)) if !v.satisfied => "unsatisfied",
                    Ok(Ok(v)) if v.public_input != base.public_input => "public input changed",
                    Ok(Ok(_)) => "SURVIVED",
                };
                results.lock().unwrap().push((name.clone(), outcome));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let survived: Vec<&String> = results.iter().filter(|(_, o)| *o == "SURVIVED").map(|(n, _)| n).collect();
    let count = |o: &str| results.iter().filter(|(_, x)| *x == o).count();
    eprintln!(
        "{} mutations: {} unsatisfied, {} changed the public input, {} refused at synthesis, {} no-ops",
        results.len(),
        count("unsatisfied"),
        count("public input changed"),
        count("refused at synthesis"),
        count("no-op")
    );
    assert!(survived.is_empty(), "mutations the circuit did not notice: {survived:#?}");
    assert!(count("unsatisfied") + count("public input changed") >= results.len() - count("no-op"));
    assert!(count("no-op") * 10 < results.len(), "most mutations change the witness");
}
