//! The state keeper and its witness material: receipts, mempool ordering, block packing,
//! dropped transactions, fee-slot limits, sealing on timeout, and witness chains that verify
//! leaf by leaf from the old root to the new one.

use zkrollup_reference::block::SealedBlock;
use zkrollup_reference::keeper::{KeeperConfig, StateKeeper};
use zkrollup_reference::state::{LeafState, RefState};
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::state::{state_root, Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

const NOW: u64 = 1_000_000;

fn keeper(state: &State, chunks: usize, witnessing: bool) -> StateKeeper {
    let config = KeeperConfig { chunks, fee_account: 0, seal_timeout: 30 };
    StateKeeper::new(RefState::from_spec(state), config, 1, witnessing)
}

fn funded() -> State {
    let mut accounts: Vec<Account> =
        (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 100_000), (1, 100), (2, 100), (3, 100), (4, 100)])).collect();
    accounts.push(Account::new(user(3).address));
    accounts[3].set_balance(0, 55);
    State::from_accounts(accounts).unwrap()
}

fn leaf(s: &LeafState) -> Fr {
    Account::leaf_from_parts(s.nonce, &s.pubkey_hash, &s.address, s.balance_root)
}

/// Every write's paths verify, consecutive writes chain, and the chain runs from the block's
/// old root to its new root.
fn check_witness(block: &SealedBlock, old_next_id: u32, new_next_id: u32) -> usize {
    let writes: Vec<_> = block.op_witnesses.iter().flat_map(|w| &w.writes).chain(&block.fee_writes).collect();
    let mut root: Option<Fr> = None;
    for w in &writes {
        assert!(w.balance_path.verify(w.before.balance_root, w.token as u64, Fr::from(w.before.balance)));
        assert!(w.balance_path.verify(w.after.balance_root, w.token as u64, Fr::from(w.after.balance)));
        let before = w.account_path.root_from(w.account_id as u64, leaf(&w.before));
        let after = w.account_path.root_from(w.account_id as u64, leaf(&w.after));
        match root {
            None => assert_eq!(state_root(before, old_next_id), block.old_root, "first write starts at the old root"),
            Some(r) => assert_eq!(before, r, "writes chain"),
        }
        root = Some(after);
    }
    if let Some(r) = root {
        assert_eq!(state_root(r, new_next_id), block.new_root, "last write ends at the new root");
    }
    for w in &block.op_witnesses {
        assert!(w.writes.len() <= w.op.chunks(), "{}: at most one leaf write per chunk", w.op.name());
    }
    writes.len()
}

#[test]
fn a_witnessed_block_of_every_op_chains_from_old_to_new_root_and_matches_the_spec() {
    let state = funded();
    let (u0, u1, u2, u5) = (user(0), user(1), user(2), user(5));
    let txs = vec![
        transfer(&u0, 0, u1.address, 0, 1_000, 3, 0),
        transfer(&u1, 1, u5.address, 0, 500, 1, 0),
        withdraw(&u2, 2, u2.address, 1, 50, 1, 0),
        forced_exit(&u0, 0, user(3).address, 0, 1, 1),
        change_pubkey(&user(7), 1, 0, 2, 1, ChangePubKeyAuth::Onchain),
    ];
    let priority = vec![
        PriorityOp::Deposit(DepositRequest { from: u2.address, to: user(6).address, token: 1, amount: 9 }),
        PriorityOp::FullExit(FullExitRequest { account_id: 2, owner: u2.address, token: 2 }),
        PriorityOp::FullExit(FullExitRequest { account_id: 99, owner: u2.address, token: 0 }),
    ];
    let mut witnessing = keeper(&state, 64, true);
    let mut batched = keeper(&state, 64, false);
    for k in [&mut witnessing, &mut batched] {
        for p in &priority {
            k.push_priority(p.clone(), NOW);
        }
        for t in &txs {
            k.submit(t.clone(), NOW).expect("valid");
        }
    }
    let (wb, dropped) = witnessing.seal(NOW).unwrap();
    let (bb, _) = batched.seal(NOW).unwrap();
    assert!(dropped.is_empty(), "{dropped:?}");
    assert_eq!(wb.ops.len(), 8);
    assert_eq!((wb.new_root, wb.commitment()), (bb.new_root, bb.commitment()));
    let writes = check_witness(&wb, 4, 6);
    assert!(writes >= 10, "{writes} writes");

    // The keeper serves accounts round-robin in arrival order (0, 1, 2, 0, 1): the order of
    // `txs`. The spec, given the same inputs in that order, agrees byte for byte.
    let mut inputs: Vec<BlockInput> = priority.into_iter().map(BlockInput::Priority).collect();
    inputs.extend(txs.into_iter().map(BlockInput::Tx));
    let mut spec_state = state.clone();
    let spec = apply_block(&mut spec_state, &BlockParams { context: wb.context, chunks: 64 }, &inputs).unwrap();
    assert_eq!(spec.ops, wb.ops);
    assert_eq!(spec.commitment(), wb.commitment());
    assert_eq!(spec.public_input(), wb.public_input());
}

#[test]
fn receipts_order_by_nonce_and_bad_transactions_are_refused_or_dropped() {
    let state = funded();
    let (u0, u1) = (user(0), user(1));
    let mut k = keeper(&state, 16, false);
    // Nonce 1 arrives first and waits for nonce 0.
    let r1 = k.submit(transfer(&u0, 0, u1.address, 0, 10, 0, 1), NOW).unwrap();
    assert_eq!((r1.account_id, r1.nonce), (0, 1));
    k.submit(transfer(&u0, 0, u1.address, 0, 10, 0, 0), NOW).unwrap();
    // Refused at once: someone else's key, a replayed nonce, a duplicate, a tampered signature.
    assert_eq!(k.submit(transfer(&u1, 0, u1.address, 0, 1, 0, 2), NOW).unwrap_err().rule, Rule::TxSignerNotAccountKey);
    assert_eq!(k.submit(transfer(&u0, 0, u1.address, 0, 10, 0, 1), NOW).unwrap_err().rule, Rule::TxNonceMismatch);
    let Tx::Transfer(mut t) = transfer(&u0, 0, u1.address, 0, 10, 0, 2) else { unreachable!() };
    t.amount = amount(11);
    assert_eq!(k.submit(Tx::Transfer(t), NOW).unwrap_err().rule, Rule::TxBadSignature);
    // Accepted, but unaffordable when the block is built: dropped with its rule.
    k.submit(transfer(&u1, 1, u0.address, 0, 200_000, 0, 0), NOW).unwrap();
    let (block, dropped) = k.seal(NOW).unwrap();
    assert_eq!(block.ops.len(), 2);
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].rejection.rule, Rule::TransferInsufficientBalance);
    assert_eq!(k.state().nonce(0), 2);
    assert!(k.mempool.is_empty());
}

#[test]
fn blocks_respect_chunks_and_fee_slots_and_seal_on_timeout() {
    let state = funded();
    let u0 = user(0);
    let mut k = keeper(&state, 8, false);
    for n in 0..6 {
        k.submit(transfer(&u0, 0, user(1).address, 0, 1, 1, n), NOW).unwrap();
    }
    assert!(k.should_seal(NOW), "twelve chunks wait for an eight-chunk block");
    let (b, _) = k.seal(NOW).unwrap();
    assert_eq!((b.ops.len(), b.used_chunks()), (4, 8));
    assert_eq!(k.mempool.len(), 2);
    assert!(!k.should_seal(NOW + 1), "four chunks wait, the timeout has not passed");
    assert!(k.should_seal(NOW + 30));
    k.seal(NOW + 30).unwrap();

    // Five fee tokens: the fifth waits for the next block.
    let mut k = keeper(&state, 64, false);
    for t in 0..5u16 {
        k.submit(withdraw(&u0, 0, u0.address, t, 1, 1, t as u32), NOW).unwrap();
    }
    let (b, _) = k.seal(NOW).unwrap();
    assert_eq!(b.fees.len(), 4);
    assert_eq!(k.mempool.len(), 1);
    let (b2, _) = k.seal(NOW).unwrap();
    assert_eq!(b2.fees.keys().copied().collect::<Vec<_>>(), vec![4]);
}

#[test]
fn batch_submission_answers_as_one_by_one_submission() {
    let state = funded();
    let (u0, u1) = (user(0), user(1));
    let Tx::Transfer(mut tampered) = transfer(&u0, 0, u1.address, 0, 10, 0, 3) else { unreachable!() };
    tampered.amount = amount(11);
    let txs = vec![
        transfer(&u0, 0, u1.address, 0, 10, 0, 0),
        transfer(&u1, 0, u1.address, 0, 10, 0, 1),
        Tx::Transfer(tampered),
        transfer(&u0, 9, u1.address, 0, 10, 0, 0),
        transfer(&u0, 0, u1.address, 0, 10, 0, 0),
    ];
    let mut one = keeper(&state, 16, false);
    let singles: Vec<_> = txs.iter().map(|t| one.submit(t.clone(), NOW).map_err(|e| e.rule)).collect();
    let mut many = keeper(&state, 16, false);
    let batch: Vec<_> = many.submit_many(txs, NOW).into_iter().map(|r| r.map_err(|e| e.rule)).collect();
    assert_eq!(singles, batch);
    let rules: Vec<_> = batch.iter().map(|r| r.as_ref().err().copied()).collect();
    assert_eq!(
        rules,
        vec![
            None,
            Some(Rule::TxSignerNotAccountKey),
            Some(Rule::TxBadSignature),
            Some(Rule::TxAccountMissing),
            Some(Rule::TxNonceMismatch)
        ]
    );
}
