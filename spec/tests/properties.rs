//! Invariants of the transition rules over random sequences of valid and invalid inputs.

use std::collections::BTreeMap;

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use zkrollup_spec::op::{decode_pubdata, Op};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::{Account, State, TokenId};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{apply_priority_op, apply_tx, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

/// A random input, in terms of small indices that the test resolves against its users.
#[derive(Clone, Debug)]
enum Action {
    Transfer { from: u32, to: u32, token: TokenId, amount: u128, fee: u128, nonce_skew: i8 },
    Withdraw { from: u32, token: TokenId, amount: u128, fee: u128, nonce_skew: i8 },
    ChangePubKey { account: u32, fee: u128, nonce_skew: i8 },
    ForcedExit { from: u32, target: u32, token: TokenId, fee: u128 },
    Deposit { to: u32, token: TokenId, amount: u128 },
    FullExit { account: u32, owner: u32, token: TokenId },
}

const USERS: u32 = 6;

fn amount_strategy() -> impl Strategy<Value = u128> {
    prop_oneof![0u128..50, 0u128..2000, Just(1000u128)]
}

fn action() -> impl Strategy<Value = Action> {
    let nonce_skew = prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)];
    prop_oneof![
        4 => (0..USERS, 0..USERS + 2, 0u16..2, amount_strategy(), 0u128..20, nonce_skew.clone())
            .prop_map(|(from, to, token, amount, fee, nonce_skew)| Action::Transfer { from, to, token, amount, fee, nonce_skew }),
        2 => (0..USERS, 0u16..2, amount_strategy(), 0u128..20, nonce_skew.clone())
            .prop_map(|(from, token, amount, fee, nonce_skew)| Action::Withdraw { from, token, amount, fee, nonce_skew }),
        1 => (0..USERS, 0u128..20, nonce_skew).prop_map(|(account, fee, nonce_skew)| Action::ChangePubKey { account, fee, nonce_skew }),
        1 => (0..USERS, 0..USERS + 1, 0u16..2, 0u128..20)
            .prop_map(|(from, target, token, fee)| Action::ForcedExit { from, target, token, fee }),
        2 => (0..USERS + 2, 0u16..2, 1u128..3000).prop_map(|(to, token, amount)| Action::Deposit { to, token, amount }),
        1 => (0..USERS + 1, 0..USERS, 0u16..2).prop_map(|(account, owner, token)| Action::FullExit { account, owner, token }),
    ]
}

/// Users 0..3 have keyed accounts 0..3 with 1000 of tokens 0 and 1; user 3 has account 3 without
/// a key; users 4.. have no account.
fn start_state() -> State {
    let mut accounts: Vec<Account> = (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 1000), (1, 1000)])).collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 300);
    accounts.push(keyless);
    State::from_accounts(accounts).unwrap()
}

fn skewed(nonce: u32, skew: i8) -> u32 {
    nonce.wrapping_add_signed(skew as i32)
}

fn nonce_of(state: &State, address: &Address) -> u32 {
    state.id_of(address).and_then(|id| state.account(id)).map_or(0, |a| a.nonce)
}

#[allow(clippy::large_enum_variant)]
enum Input {
    Tx(Tx),
    Priority(PriorityOp),
}

fn resolve(state: &State, a: &Action) -> Input {
    let id = |u: u32| state.id_of(&user(u).address).unwrap_or(state.next_account_id());
    match *a {
        Action::Transfer { from, to, token, amount: v, fee: f, nonce_skew } => {
            let u = user(from);
            let n = skewed(nonce_of(state, &u.address), nonce_skew);
            Input::Tx(transfer(&u, id(from), user(to).address, token, v, f, n))
        }
        Action::Withdraw { from, token, amount: v, fee: f, nonce_skew } => {
            let u = user(from);
            let n = skewed(nonce_of(state, &u.address), nonce_skew);
            Input::Tx(withdraw(&u, id(from), u.address, token, v, f, n))
        }
        Action::ChangePubKey { account, fee: f, nonce_skew } => {
            let u = user(account);
            let n = skewed(nonce_of(state, &u.address), nonce_skew);
            Input::Tx(change_pubkey(&u, id(account), 0, f, n, ChangePubKeyAuth::Onchain))
        }
        Action::ForcedExit { from, target, token, fee: f } => {
            let u = user(from);
            let n = nonce_of(state, &u.address);
            Input::Tx(forced_exit(&u, id(from), user(target).address, token, f, n))
        }
        Action::Deposit { to, token, amount: v } => Input::Priority(PriorityOp::Deposit(DepositRequest {
            from: user(to).address,
            to: user(to).address,
            token,
            amount: v,
        })),
        Action::FullExit { account, owner, token } => Input::Priority(PriorityOp::FullExit(FullExitRequest {
            account_id: account,
            owner: user(owner).address,
            token,
        })),
    }
}

/// Accepted and rejected inputs over the whole run: a generator that only produced rejections
/// would make the invariants vacuous.
static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static REJECTED: AtomicUsize = AtomicUsize::new(0);

#[test]
fn transitions_conserve_value_and_are_atomic() {
    let mut runner = TestRunner::new(ProptestConfig { cases: 48, ..ProptestConfig::default() });
    runner.run(&proptest::collection::vec(action(), 1..12), check_sequence).unwrap();
    let (ok, bad) = (ACCEPTED.load(Relaxed), REJECTED.load(Relaxed));
    assert!(ok * 4 > ok + bad && bad * 10 > ok + bad, "accepted {ok}, rejected {bad}: the mix is off");
}

/// L2 balances + uncollected fees + value withdrawn to L1 = initial balances + deposits;
/// a rejected input leaves the state (and root) unchanged; an accepted signed tx raises its
/// signer's nonce by exactly one and no other nonce; every op's pubdata decodes to itself.
fn check_sequence(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let mut state = start_state();
    let ctx = context();
    let mut inflow: BTreeMap<TokenId, u128> = [(0, state.total_balance(0)), (1, state.total_balance(1))].into();
    let mut outflow: BTreeMap<TokenId, u128> = BTreeMap::new();
    let mut fees: BTreeMap<TokenId, u128> = BTreeMap::new();
    for a in &actions {
        let before = state.clone();
        let root_before = state.root();
        let result = match resolve(&state, a) {
            Input::Tx(tx) => apply_tx(&mut state, &tx, &ctx).map(|ap| {
                if let Some(f) = ap.fee {
                    *fees.entry(f.token).or_default() += f.amount;
                }
                // The signer's nonce rose by one; no other account's nonce moved.
                for (id, acc) in state.accounts() {
                    let old = before.account(id).map_or(0, |b| b.nonce);
                    let want = if id == tx.account_id() { old + 1 } else { old };
                    assert_eq!(acc.nonce, want, "account {id} after {}", tx.name());
                }
                ap.op
            }),
            Input::Priority(p) => {
                if let PriorityOp::Deposit(d) = &p {
                    *inflow.entry(d.token).or_default() += d.amount;
                }
                let r = apply_priority_op(&mut state, &p);
                if r.is_err() {
                    if let PriorityOp::Deposit(d) = &p {
                        *inflow.entry(d.token).or_default() -= d.amount;
                    }
                }
                r
            }
        };
        match result {
            Ok(op) => {
                ACCEPTED.fetch_add(1, Relaxed);
                match &op {
                    Op::Withdraw(w) => *outflow.entry(w.token).or_default() += w.amount,
                    Op::ForcedExit(f) => *outflow.entry(f.token).or_default() += f.amount,
                    Op::FullExit(f) => *outflow.entry(f.token).or_default() += f.amount,
                    _ => {}
                }
                prop_assert_eq!(decode_pubdata(&op.to_pubdata()).unwrap(), vec![op.clone()]);
            }
            Err(_) => {
                REJECTED.fetch_add(1, Relaxed);
                prop_assert_eq!(&state, &before);
                prop_assert_eq!(state.root(), root_before);
            }
        }
        for token in [0u16, 1] {
            let held = state.total_balance(token)
                + fees.get(&token).copied().unwrap_or(0)
                + outflow.get(&token).copied().unwrap_or(0);
            prop_assert_eq!(held, inflow[&token], "token {} after {:?}", token, a);
        }
    }
    Ok(())
}
