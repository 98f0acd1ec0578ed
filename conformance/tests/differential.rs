//! Differential tests: the spec and the reference on random sequences of valid and invalid
//! transactions and priority operations. Each case is applied input by input (every verdict,
//! rule id, op and fee must agree, and the roots at the end) and then as one block (roots,
//! pubdata, commitment). Failures shrink; the shrunk case is saved as a block vector under
//! `target/differential-failures/`, ready to be added to the suite.
//!
//! `ZKROLLUP_DIFF_CASES` sets the number of cases: 1,000 by default, 10,000 in CI (`.ci/run`).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use zkrollup_conformance::expected;
use zkrollup_conformance::wire::{self, convert};
use zkrollup_reference::block::apply_block as ref_block;
use zkrollup_reference::executor::Executor;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{apply_priority_op, apply_tx, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, TimeWindow, Tx};

const USERS: u32 = 6;

#[derive(Clone, Debug)]
enum Action {
    Transfer { from: u32, to: u32, token: u16, amount: u128, fee: u128, skew: i8, forged: bool },
    Withdraw { from: u32, token: u16, amount: u128, fee: u128, skew: i8 },
    ChangePubKey { account: u32, key: u32, fee: u128, skew: i8 },
    ForcedExit { from: u32, target: u32, token: u16, fee: u128 },
    Deposit { to: u32, token: u16, amount: u128 },
    FullExit { account: u32, owner: u32, token: u16 },
    Expired { from: u32 },
}

fn value() -> impl Strategy<Value = u128> {
    prop_oneof![3 => 0u128..100, 3 => 0u128..5_000, 1 => Just(u128::MAX), 1 => Just(1u128 << 100)]
}

fn action() -> impl Strategy<Value = Action> {
    let skew = prop_oneof![10 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)];
    let fee = prop_oneof![3 => 0u128..30, 1 => Just(2047u128)];
    prop_oneof![
        6 => (0..USERS + 1, 0..USERS + 3, 0u16..3, value(), fee.clone(), skew.clone(), prop::bool::weighted(0.05))
            .prop_map(|(from, to, token, amount, fee, skew, forged)| Action::Transfer { from, to, token, amount, fee, skew, forged }),
        2 => (0..USERS, 0u16..3, value(), fee.clone(), skew.clone())
            .prop_map(|(from, token, amount, fee, skew)| Action::Withdraw { from, token, amount, fee, skew }),
        1 => (0..USERS, 0..USERS + 2, fee.clone(), skew).prop_map(|(account, key, fee, skew)| Action::ChangePubKey { account, key, fee, skew }),
        1 => (0..USERS, 0..USERS + 2, 0u16..3, fee).prop_map(|(from, target, token, fee)| Action::ForcedExit { from, target, token, fee }),
        2 => (0..USERS + 3, 0u16..3, value()).prop_map(|(to, token, amount)| Action::Deposit { to, token, amount }),
        1 => (0..USERS + 2, 0..USERS, 0u16..3).prop_map(|(account, owner, token)| Action::FullExit { account, owner, token }),
        1 => (0..USERS).prop_map(|from| Action::Expired { from }),
    ]
}

/// Users 0..3 keyed with balances; user 3 keyless; 4.. unknown. `extra` more keyed accounts
/// make a larger state.
fn start_state(extra: u32) -> State {
    let mut accounts: Vec<Account> = (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 10_000), (1, 3_000)])).collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 500);
    accounts.push(keyless);
    accounts.extend((0..extra).map(|i| keyed_account(&user(1000 + i), i, &[(2, i as u128 + 1)])));
    State::from_accounts(accounts).unwrap()
}

/// Turns an action into an input against the current state (nonces read from it).
fn input(state: &State, a: &Action) -> BlockInput {
    let id = |u: u32| state.id_of(&user(u).address).unwrap_or(state.next_account_id());
    let nonce = |u: u32, skew: i8| state.account(id(u)).map_or(0, |a| a.nonce).wrapping_add_signed(skew as i32);
    match *a {
        Action::Transfer { from, to, token, amount: v, fee: f, skew, forged } => {
            let packed = zkrollup_spec::primitives::packing::PackedAmount::closest_packable(v).value();
            let signer = if forged { user(from + 1) } else { user(from) };
            BlockInput::Tx(transfer(&signer, id(from), user(to).address, token, packed, f, nonce(from, skew)))
        }
        Action::Withdraw { from, token, amount: v, fee: f, skew } => {
            BlockInput::Tx(withdraw(&user(from), id(from), user(from).address, token, v, f, nonce(from, skew)))
        }
        Action::ChangePubKey { account, key, fee: f, skew } => BlockInput::Tx(change_pubkey(
            &user(key),
            id(account),
            0,
            f,
            nonce(account, skew),
            ChangePubKeyAuth::Onchain,
        )),
        Action::ForcedExit { from, target, token, fee: f } => {
            BlockInput::Tx(forced_exit(&user(from), id(from), user(target).address, token, f, nonce(from, 0)))
        }
        Action::Deposit { to, token, amount } => {
            let to = if to == USERS + 2 { Address::ZERO } else { user(to).address };
            BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: to, to, token, amount }))
        }
        Action::FullExit { account, owner, token } => BlockInput::Priority(PriorityOp::FullExit(FullExitRequest {
            account_id: account,
            owner: user(owner).address,
            token,
        })),
        Action::Expired { from } => {
            let Tx::Transfer(mut t) = transfer(&user(from), id(from), user(0).address, 0, 1, 0, nonce(from, 0)) else {
                unreachable!()
            };
            t.time = TimeWindow { valid_from: 0, valid_until: context().timestamp - 1 };
            BlockInput::Tx(Tx::Transfer(t).signed(&user(from).l2))
        }
    }
}

static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static REJECTED: AtomicUsize = AtomicUsize::new(0);

/// Saves a block vector (the inputs applied as one block to `pre`) for a failing case.
fn save_failure(pre: &State, inputs: &[BlockInput]) -> String {
    let input = wire::VectorInput::Block(wire::BlockInputJson {
        pre_state: convert::state(pre),
        context: convert::context(&context()),
        chunks: 64,
        inputs: inputs.iter().map(convert::input).collect(),
    });
    let vector = wire::Vector {
        format_version: wire::FORMAT_VERSION,
        name: "block/differential/shrunk".into(),
        description: "a differential failure, shrunk by proptest".into(),
        rules: vec![],
        expected: expected::outcome(&input).expect("the spec answers"),
        input,
    };
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential-failures");
    std::fs::create_dir_all(&dir).ok();
    let path = dir.join("shrunk.json");
    std::fs::write(&path, serde_json::to_string_pretty(&vec![vector]).unwrap()).ok();
    path.display().to_string()
}

fn check(pre: State, actions: Vec<Action>) -> Result<(), TestCaseError> {
    let ctx = context();
    let mut spec = pre.clone();
    let mut reference = Executor::new(RefState::from_spec(&pre), false);
    let mut inputs = Vec::new();
    for a in &actions {
        let i = input(&spec, a);
        inputs.push(i.clone());
        let (s, r) = match &i {
            BlockInput::Tx(tx) => (
                apply_tx(&mut spec, tx, &ctx).map(|ap| (ap.op, ap.fee)),
                reference.apply_tx(tx, &ctx).map(|(op, fee)| (op, Some(fee))),
            ),
            BlockInput::Priority(p) => {
                (apply_priority_op(&mut spec, p).map(|op| (op, None)), reference.apply_priority(p).map(|op| (op, None)))
            }
        };
        match (&s, &r) {
            (Ok(_), Ok(_)) => ACCEPTED.fetch_add(1, Relaxed),
            _ => REJECTED.fetch_add(1, Relaxed),
        };
        let same = match (&s, &r) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a.rule == b.rule,
            _ => false,
        };
        if !same {
            let saved = save_failure(&pre, &inputs);
            return Err(TestCaseError::fail(format!("after {a:?}: spec {s:?}, reference {r:?} (saved {saved})")));
        }
    }
    if spec.root() != reference.state.root() {
        let saved = save_failure(&pre, &inputs);
        return Err(TestCaseError::fail(format!("roots differ (saved {saved})")));
    }
    // The same inputs as one block.
    let mut spec_state = pre.clone();
    let spec_block = apply_block(&mut spec_state, &BlockParams { context: ctx, chunks: 64 }, &inputs);
    let mut ex = Executor::new(RefState::from_spec(&pre), false);
    let ref_block = ref_block(&mut ex, &ctx, 64, &inputs);
    let same = match (&spec_block, &ref_block) {
        (Ok(a), Ok(b)) => a.commitment() == b.commitment() && a.new_root == b.new_root && a.ops == b.ops,
        (Err(a), Err(b)) => a.rule == b.rule && ex.state.root() == pre.root(),
        _ => false,
    };
    if !same {
        let saved = save_failure(&pre, &inputs);
        return Err(TestCaseError::fail(format!(
            "blocks differ: {:?} vs {:?} (saved {saved})",
            spec_block.map(|b| b.new_root),
            ref_block.map(|b| b.new_root)
        )));
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("ZKROLLUP_DIFF_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000)
}

#[test]
fn spec_and_reference_agree_on_small_states() {
    // A runner checks one case at a time: two of them, each with half the cases, use both cores.
    let half = cases().div_ceil(2);
    let run = || {
        let mut runner = TestRunner::new(Config { cases: half, failure_persistence: None, ..Config::default() });
        runner.run(&proptest::collection::vec(action(), 1..7), |actions| check(start_state(0), actions))
    };
    std::thread::scope(|s| {
        let runners = [s.spawn(run), s.spawn(run)];
        for r in runners {
            r.join().expect("a runner panicked").unwrap();
        }
    });
    let (ok, bad) = (ACCEPTED.load(Relaxed), REJECTED.load(Relaxed));
    assert!(ok * 5 > ok + bad && bad * 10 > ok + bad, "accepted {ok}, rejected {bad}: the generator's mix is off");
    eprintln!("differential: {} cases, {ok} accepted and {bad} rejected inputs", cases());
}

#[test]
fn spec_and_reference_agree_on_a_larger_state() {
    let mut runner =
        TestRunner::new(Config { cases: (cases() / 200).max(5), failure_persistence: None, ..Config::default() });
    runner.run(&proptest::collection::vec(action(), 1..10), |actions| check(start_state(60), actions)).unwrap();
}
