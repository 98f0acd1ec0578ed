//! The state: accounts, balances and the root.

use std::collections::BTreeMap;

use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::*;

fn addr(b: u8) -> Address {
    Address([b; 20])
}

#[test]
fn genesis_root_matches_an_empty_state() {
    assert_eq!(State::new().root(), genesis_root());
}

#[test]
fn invalid_account_lists_are_refused() {
    let one: BTreeMap<_, _> = [(5, Account::new(addr(1)))].into();
    assert_eq!(State::from_parts(one.clone(), 5), Err(StateError::IdNotBelowNext(5, 5)));
    assert_eq!(State::from_parts(one, 1 << 25), Err(StateError::TooManyAccounts(1 << 25)));
    assert_eq!(
        State::from_accounts(vec![Account::new(addr(1)), Account::new(addr(1))]),
        Err(StateError::DuplicateAddress(0, 1, addr(1)))
    );
}

#[test]
fn root_changes_with_every_field() {
    let base = State::from_accounts(vec![Account::new(addr(1))]).unwrap();
    let r0 = base.root();
    let mut variants = Vec::new();
    for f in 0..4 {
        let mut a = Account::new(addr(1));
        match f {
            0 => a.nonce = 1,
            1 => a.pubkey_hash.0[19] = 1,
            2 => a.address = addr(2),
            _ => a.set_balance(7, 1),
        }
        variants.push(State::from_accounts(vec![a]).unwrap().root());
    }
    // A second account opened.
    variants.push(State::from_accounts(vec![Account::new(addr(1)), Account::new(addr(3))]).unwrap().root());
    // An empty account below the counter is the same state as an unlisted one.
    let mut padded: BTreeMap<_, _> = [(0, Account::new(addr(1)))].into();
    padded.insert(1, Account::default());
    let gap = State::from_parts([(0, Account::new(addr(1)))].into(), 2).unwrap();
    assert_eq!(State::from_parts(padded, 2).unwrap(), gap);
    assert_eq!(gap.account(1), Some(&Account::default()));
    assert_eq!(gap.account(2), None);
    assert_eq!(gap.id_of(&Address::ZERO), None);
    for v in &variants {
        assert_ne!(*v, r0);
    }
    let distinct: std::collections::BTreeSet<_> = variants.iter().map(|v| v.to_string()).collect();
    assert_eq!(distinct.len(), variants.len());
}
