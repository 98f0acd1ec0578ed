//! The declared order of checks, per transaction and per L1 call, against the docs and the rules.

use std::collections::BTreeSet;
use zkrollup_spec::checks::*;

use zkrollup_spec::rules::Rule;

#[test]
fn every_circuit_rule_has_one_place() {
    use zkrollup_spec::rules::Enforcer;
    let mut placed = BTreeSet::new();
    for kind in InputKind::ALL {
        for r in kind.own_checks() {
            assert!(placed.insert(*r), "{r} listed twice");
        }
    }
    placed.extend(ENVELOPE.iter().copied());
    for r in Rule::ALL.iter().filter(|r| r.enforcer() == Enforcer::Circuit) {
        assert!(placed.contains(r), "{r} has no place in any check order");
    }
}

#[test]
#[should_panic(expected = "out of the order")]
fn a_check_out_of_order_is_a_spec_bug() {
    let all = Checks::ALL;
    let mut c = Checker::new(InputKind::Withdraw, &all);
    c.check(true, Rule::TxNonceMismatch, String::new).unwrap();
    c.check(true, Rule::TxBadSignature, String::new).unwrap();
}

#[test]
fn existence_checks_cannot_be_switched_off() {
    assert_eq!(Checks::without(&[Rule::TxAccountMissing]), None);
    let off = Checks::without(&[Rule::TxExpired]).unwrap();
    let mut c = Checker::new(InputKind::Withdraw, &off);
    assert!(c.check(false, Rule::TxExpired, String::new).is_ok());
    assert!(c.check(false, Rule::WithdrawInsufficientBalance, String::new).is_err());
}
