//! The state keeper and its witness material: receipts, mempool ordering, block packing,
//! dropped transactions, fee-slot limits, sealing on timeout, and witness chains that verify
//! leaf by leaf from the old root to the new one.

use zkrollup_reference::block::SealedBlock;
use zkrollup_reference::keeper::{Bound, KeeperConfig, MempoolLimits, Refusal, StateKeeper};
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
    let config = KeeperConfig { chunks, fee_account: 0, seal_timeout: 30, limits: MempoolLimits::default() };
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
    assert_eq!(
        k.submit(transfer(&u1, 0, u1.address, 0, 1, 0, 2), NOW).unwrap_err().rule(),
        Some(Rule::TxSignerNotAccountKey)
    );
    assert_eq!(
        k.submit(transfer(&u0, 0, u1.address, 0, 10, 0, 1), NOW).unwrap_err().rule(),
        Some(Rule::TxNonceMismatch)
    );
    let Tx::Transfer(mut t) = transfer(&u0, 0, u1.address, 0, 10, 0, 2) else { unreachable!() };
    t.amount = amount(11);
    assert_eq!(k.submit(Tx::Transfer(t), NOW).unwrap_err().rule(), Some(Rule::TxBadSignature));
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
    let singles: Vec<_> = txs.iter().map(|t| one.submit(t.clone(), NOW).map_err(|e| e.rule())).collect();
    let mut many = keeper(&state, 16, false);
    let batch: Vec<_> = many.submit_many(txs, NOW).into_iter().map(|r| r.map_err(|e| e.rule())).collect();
    assert_eq!(singles, batch);
    let rules: Vec<_> = batch.iter().map(|r| r.as_ref().err().copied().flatten()).collect();
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

/// A keeper with small mempool bounds.
fn bounded(state: &State, limits: MempoolLimits) -> StateKeeper {
    let config = KeeperConfig { chunks: 8, fee_account: 0, seal_timeout: 30, limits };
    StateKeeper::new(RefState::from_spec(state), config, 1, false)
}

/// A transfer of 1 from account 0 (user 0) with `nonce`, valid in `[from, until]`.
fn timed(nonce: u32, from: u64, until: u64) -> Tx {
    let Tx::Transfer(mut t) = transfer(&user(0), 0, user(1).address, 0, 1, 0, nonce) else { unreachable!() };
    t.time = zkrollup_spec::tx::TimeWindow { valid_from: from, valid_until: until };
    Tx::Transfer(t).signed(&user(0).l2)
}

/// Re-audit finding 3 (issue 27): transactions that can never run made the keeper seal empty
/// blocks, back to back or one per timeout. Now only what can run counts towards a seal.
#[test]
fn transactions_that_cannot_run_never_make_the_keeper_seal() {
    let state = funded();
    let mut k = keeper(&state, 8, false);
    // Nonces 1..=6 of account 0 wait for nonce 0: twelve chunks, none executable.
    for n in 1..=6 {
        k.submit(transfer(&user(0), 0, user(1).address, 0, 1, 0, n), NOW).unwrap();
    }
    // Account 1's transfer is valid only from NOW + 1000: not yet executable.
    let Tx::Transfer(mut later) = transfer(&user(1), 1, user(0).address, 0, 1, 0, 0) else { unreachable!() };
    later.time.valid_from = NOW + 1_000;
    k.submit(Tx::Transfer(later).signed(&user(1).l2), NOW).unwrap();
    assert_eq!((k.mempool.len(), k.executable(NOW)), (7, 0));
    for wait in [0, 30, 300, 900] {
        assert!(!k.should_seal(NOW + wait), "nothing can run {wait} s later: no seal");
    }
    // Its time comes: one executable transaction, sealed on the timeout.
    assert_eq!(k.executable(NOW + 1_000), 1);
    assert!(k.should_seal(NOW + 1_000));
    // Nonce 0 arrives: the whole run is executable and fills a block at once.
    k.submit(transfer(&user(0), 0, user(1).address, 0, 1, 0, 0), NOW).unwrap();
    assert_eq!(k.executable(NOW), 7);
    assert!(k.should_seal(NOW));
    let (b, dropped) = k.seal(NOW).unwrap();
    assert_eq!((b.ops.len(), dropped.len()), (4, 0));
    assert_eq!(k.executable(NOW), 3, "nonces 4..=6 run next");
}

#[test]
fn a_nonce_too_far_ahead_is_refused() {
    let limits = MempoolLimits { max_nonce_gap: 3, ..MempoolLimits::default() };
    let mut k = bounded(&funded(), limits);
    k.submit(timed(3, 0, u64::MAX), NOW).expect("three ahead: within the gap");
    let refused = k.submit(timed(4, 0, u64::MAX), NOW).unwrap_err();
    assert_eq!(refused, Refusal::Bound(Bound::NonceGap { nonce: 4, account_nonce: 0, max_gap: 3 }));
    assert_eq!(refused.rule(), None, "a bound of the mempool, not a rule of the protocol");
    assert!(refused.to_string().contains("more than 3 ahead"), "{refused}");
}

#[test]
fn an_account_keeps_at_most_its_share_waiting() {
    let limits = MempoolLimits { per_account: 3, ..MempoolLimits::default() };
    let mut k = bounded(&funded(), limits);
    for n in 0..3 {
        k.submit(timed(n, 0, u64::MAX), NOW).unwrap();
    }
    assert_eq!(k.submit(timed(3, 0, u64::MAX), NOW), Err(Refusal::Bound(Bound::AccountFull { account: 0, max: 3 })));
    k.submit(transfer(&user(1), 1, user(0).address, 0, 1, 0, 0), NOW).expect("another account has its own share");
    // A block frees the account's share.
    k.seal(NOW).unwrap();
    k.submit(timed(3, 0, u64::MAX), NOW).expect("room again");
}

#[test]
fn a_full_mempool_evicts_what_can_never_run_then_refuses() {
    let limits = MempoolLimits { total: 3, ..MempoolLimits::default() };
    let mut k = bounded(&funded(), limits);
    // Nonce 1 expires at NOW + 10 while it waits for nonce 0.
    let expiring = timed(1, 0, NOW + 10);
    k.submit(expiring.clone(), NOW).unwrap();
    k.submit(timed(2, 0, u64::MAX), NOW).unwrap();
    k.submit(transfer(&user(1), 1, user(0).address, 0, 1, 0, 0), NOW).unwrap();
    let full = Err(Refusal::Bound(Bound::PoolFull { max: 3 }));
    assert_eq!(k.submit(transfer(&user(2), 2, user(0).address, 0, 1, 0, 0), NOW), full);
    // Later, the expired one is evicted to make room, and reported dropped with the next block.
    let late = NOW + 11;
    k.submit(transfer(&user(2), 2, user(0).address, 0, 1, 0, 0), late).expect("room after eviction");
    assert_eq!(k.mempool.len(), 3);
    assert_eq!(k.submit(timed(3, 0, u64::MAX), late), full, "nothing else can be evicted");
    let (_, dropped) = k.seal(late).unwrap();
    assert_eq!(dropped.len(), 1);
    assert_eq!((dropped[0].tx_hash, dropped[0].rejection.rule), (expiring.hash(), Rule::TxExpired));
}

fn batch(k: &mut StateKeeper, txs: &[Tx]) -> Result<Vec<[u8; 32]>, (usize, Refusal)> {
    let txs = txs.iter().map(|t| (t.clone(), true)).collect();
    k.submit_batch(txs, NOW).map(|rs| rs.iter().map(|r| r.tx_hash).collect())
}

/// Issue 28: a batch runs whole in one block or not at all. Here its last transaction
/// overdraws when the block is built, after the first opened an account and paid: everything
/// it did is undone (state, new id, fees, witness material), and what is left of the block
/// matches the spec's block of the other transaction alone.
#[test]
fn a_batch_that_fails_in_the_block_is_undone_and_dropped_whole() {
    let state = funded();
    let (u0, u1, u5) = (user(0), user(1), user(5));
    let batch_txs = [
        transfer(&u0, 0, u5.address, 0, 60_000, 7, 0), // opens user 5's account
        transfer(&u0, 0, u1.address, 2, 1, 3, 1),      // a second fee token
        transfer(&u0, 0, u1.address, 0, 50_000, 0, 2), // 40,000 left: overdraws
    ];
    let single = transfer(&u1, 1, u0.address, 0, 10, 1, 0);
    for witnessing in [true, false] {
        let mut k = keeper(&state, 16, witnessing);
        let hashes = batch(&mut k, &batch_txs).expect("valid when checked: balances are checked in the block");
        k.submit(single.clone(), NOW).unwrap();
        assert_eq!(k.executable(NOW), 4);
        let (b, dropped) = k.seal(NOW).unwrap();
        let mut dropped_hashes: Vec<_> = dropped.iter().map(|d| d.tx_hash).collect();
        dropped_hashes.sort();
        let mut want = hashes.clone();
        want.sort();
        assert_eq!(dropped_hashes, want, "the whole batch is dropped");
        assert!(dropped.iter().all(|d| d.rejection.rule == Rule::TransferInsufficientBalance), "{dropped:?}");
        assert_eq!(b.tx_hashes, vec![single.hash()]);
        assert_eq!(k.mempool.len() + k.mempool.batches(), 0);

        let mut spec_state = state.clone();
        let params = BlockParams { context: b.context, chunks: 16 };
        let spec = apply_block(&mut spec_state, &params, &[BlockInput::Tx(single.clone())]).unwrap();
        assert_eq!((spec.ops.clone(), spec.commitment()), (b.ops.clone(), b.commitment()));
        assert_eq!(b.fees.keys().copied().collect::<Vec<_>>(), vec![0], "the batch's fee token 2 left with it");
        assert_eq!(k.state().to_spec(), spec_state, "state, ids and address index as if the batch never ran");
        if witnessing {
            check_witness(&b, 4, 4);
        }
        // The id the batch had opened is free again: the next account opened takes it.
        k.submit(transfer(&u0, 0, u5.address, 0, 5, 0, 0), NOW).unwrap();
        let (b2, _) = k.seal(NOW).unwrap();
        assert!(matches!(b2.ops[0], zkrollup_spec::op::Op::TransferToNew(ref t) if t.to == 4), "{:?}", b2.ops);
        if witnessing {
            check_witness(&b2, 4, 5);
        }
    }
}

/// A batch that succeeds runs in one block, in its order, after the transactions of its
/// accounts that came before it; one that does not fit in what is left of a block waits for
/// the next rather than being split.
#[test]
fn a_batch_runs_in_one_block_after_what_came_before_it() {
    let state = funded();
    let (u0, u1, u2) = (user(0), user(1), user(2));
    let mut k = keeper(&state, 8, true);
    let first = transfer(&u0, 0, u1.address, 0, 5, 0, 0);
    k.submit(first.clone(), NOW).unwrap();
    k.submit(transfer(&u2, 2, u1.address, 0, 5, 0, 0), NOW).unwrap();
    let batch_txs = [
        transfer(&u0, 0, u1.address, 0, 1, 0, 1),
        transfer(&u1, 1, u2.address, 0, 2, 0, 0),
        transfer(&u0, 0, u2.address, 0, 3, 0, 2),
    ];
    let hashes = batch(&mut k, &batch_txs).unwrap();
    assert_eq!(k.executable(NOW), 2, "the batch waits for account 0's nonce 0");
    // Block 1: the two singles (4 chunks); the batch (6) does not fit in the 4 left.
    let (b1, d1) = k.seal(NOW).unwrap();
    assert!(d1.is_empty(), "{d1:?}");
    assert_eq!(b1.tx_hashes.len(), 2);
    assert!(b1.tx_hashes.iter().all(|h| !hashes.contains(h)), "no part of the batch in block 1");
    assert_eq!(k.executable(NOW), 3);
    let (b2, d2) = k.seal(NOW).unwrap();
    assert!(d2.is_empty(), "{d2:?}");
    assert_eq!(b2.tx_hashes, hashes, "the whole batch, in its order");
    check_witness(&b2, 4, 4);
}

#[test]
fn a_batch_is_refused_whole_when_it_could_not_run_at_once_or_fit_a_block() {
    let state = funded();
    let (u0, u1) = (user(0), user(1));
    let mut k = keeper(&state, 8, false);
    k.submit(transfer(&u0, 0, u1.address, 0, 1, 0, 0), NOW).unwrap();
    let before = (k.mempool.len(), k.next_nonce(0), k.next_nonce(1));
    // Account 0's next nonce is 1 (0 waits): a batch starting at 2 would wait on a gap.
    let gap = [transfer(&u1, 1, u0.address, 0, 1, 0, 0), transfer(&u0, 0, u1.address, 0, 1, 0, 2)];
    assert_eq!(batch(&mut k, &gap), Err((1, Refusal::Bound(Bound::BatchNonce { account: 0, nonce: 2, expected: 1 }))));
    // Five transfers need ten chunks; the block has eight.
    let big: Vec<Tx> = (1..=5).map(|n| transfer(&u0, 0, u1.address, 0, 1, 0, n)).collect();
    let too_large = Bound::BatchTooLarge { chunks: 10, max: 8, fee_tokens: 0, max_fee_tokens: 4 };
    assert_eq!(batch(&mut k, &big), Err((4, Refusal::Bound(too_large))));
    // A protocol rule comes before the batch's bounds: index 1 has a bad signer *and* a gap.
    let bad = [transfer(&u0, 0, u1.address, 0, 1, 0, 1), transfer(&u0, 1, u0.address, 0, 1, 0, 5)];
    assert_eq!(batch(&mut k, &bad).map_err(|(i, r)| (i, r.rule())), Err((1, Some(Rule::TxSignerNotAccountKey))));
    // A batch must be able to run in the next block: no member, and nothing it follows, valid
    // only later (it would hold its other accounts' transactions meanwhile).
    let later = timed(1, NOW + 100, u64::MAX);
    let would_wait = Bound::BatchWouldWait { account: 0, nonce: 1, valid_from: NOW + 100 };
    assert_eq!(
        batch(&mut k, &[later.clone(), transfer(&u1, 1, u0.address, 0, 1, 0, 0)]),
        Err((0, Refusal::Bound(would_wait)))
    );
    k.submit(later, NOW).expect("alone, it may wait");
    let after_later = [transfer(&u1, 1, u0.address, 0, 1, 0, 0), transfer(&u0, 0, u1.address, 0, 1, 0, 2)];
    assert_eq!(batch(&mut k, &after_later), Err((1, Refusal::Bound(would_wait))));
    k = keeper(&state, 8, false);
    k.submit(transfer(&u0, 0, u1.address, 0, 1, 0, 0), NOW).unwrap();
    assert_eq!((k.mempool.len(), k.next_nonce(0), k.next_nonce(1)), before, "nothing of a refused batch stays");
    assert_eq!(k.mempool.batches(), 0);
}

/// Two transfers to one new address open it once: five chunks and two, not ten.
#[test]
fn a_batch_counts_an_account_it_opens_once() {
    let mut k = keeper(&funded(), 8, false);
    let new = user(5).address;
    let txs = [transfer(&user(0), 0, new, 0, 1, 0, 0), transfer(&user(1), 1, new, 0, 1, 0, 0)];
    let hashes = batch(&mut k, &txs).expect("seven chunks fit eight");
    let (b, dropped) = k.seal(NOW).unwrap();
    assert!(dropped.is_empty(), "{dropped:?}");
    assert_eq!((b.used_chunks(), b.tx_hashes), (7, hashes));
}

/// A batch after a transaction that is dropped from a block (it overdrew) would wait on a gap
/// only that account could fill, holding the batch's other accounts: it is dropped next.
#[test]
fn a_batch_behind_a_dropped_transaction_is_dropped() {
    let mut k = keeper(&funded(), 16, false);
    let (u0, u1) = (user(0), user(1));
    let greedy = transfer(&u0, 0, u1.address, 0, 10_000_000, 0, 0);
    k.submit(greedy.clone(), NOW).unwrap();
    let held = transfer(&u1, 1, u0.address, 0, 1, 0, 0);
    let txs = [transfer(&u0, 0, u1.address, 0, 1, 0, 1), held.clone()];
    batch(&mut k, &txs).unwrap();
    let (b, dropped) = k.seal(NOW).unwrap();
    assert!(b.ops.is_empty());
    assert_eq!(dropped.iter().map(|d| d.tx_hash).collect::<Vec<_>>(), vec![greedy.hash()]);
    assert_eq!(k.executable(NOW), 0, "the batch cannot run: nonce 0 is gone");
    let (_, dropped) = k.seal(NOW).unwrap();
    let got: Vec<_> = dropped.iter().map(|d| (d.tx_hash, d.rejection.rule)).collect();
    assert_eq!(got, vec![(txs[0].hash(), Rule::TxNonceMismatch), (held.hash(), Rule::TxNonceMismatch)]);
    assert_eq!(k.mempool.len() + k.mempool.batches(), 0);
    k.submit(held, NOW).expect("account 1's transaction is free to be sent again");
}

/// A batch member evicted while waiting (it expired) takes the rest of its batch with it.
#[test]
fn a_batch_that_loses_a_member_is_dropped_whole() {
    let state = funded();
    let mut k = keeper(&state, 16, false);
    let expiring = timed(0, 0, NOW + 10);
    let other = transfer(&user(1), 1, user(0).address, 0, 1, 0, 0);
    batch(&mut k, &[expiring.clone(), other.clone()]).unwrap();
    assert_eq!(k.executable(NOW), 2);
    // No block until after account 0's transaction expired.
    let (b, dropped) = k.seal(NOW + 11).unwrap();
    assert!(b.ops.is_empty());
    let got: Vec<_> = dropped.iter().map(|d| (d.tx_hash, d.rejection.rule)).collect();
    assert_eq!(got, vec![(expiring.hash(), Rule::TxExpired), (other.hash(), Rule::TxExpired)]);
    assert!(dropped[1].rejection.detail.contains("its batch's transaction"), "{}", dropped[1].rejection.detail);
    assert_eq!(k.mempool.len() + k.mempool.batches(), 0);
}
