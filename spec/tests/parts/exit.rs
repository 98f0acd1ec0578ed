//! The exit relation and its witness.

use zkrollup_spec::exit::*;
use zkrollup_spec::primitives::{Address, Fr};
use zkrollup_spec::state::{Account, State};

#[test]
fn honest_claims_hold_and_altered_ones_do_not() {
    let mut a = Account::new(Address([1; 20]));
    a.set_balance(3, 500);
    let mut b = Account::new(Address([2; 20]));
    b.set_balance(3, 7);
    let state = State::from_accounts(vec![a, b]).unwrap();
    let (claim, w) = exit_witness(&state, 0, 3).unwrap();
    assert_eq!(claim.amount, 500);
    assert!(check_exit(&claim, &w));
    for bad in [
        ExitClaim { amount: 501, ..claim.clone() },
        ExitClaim { owner: Address([2; 20]), ..claim.clone() },
        ExitClaim { token: 4, ..claim.clone() },
        ExitClaim { account_id: 1, ..claim.clone() },
        ExitClaim { root: claim.root + Fr::from(1u8), ..claim.clone() },
    ] {
        assert!(!check_exit(&bad, &w), "{bad:?}");
        assert_ne!(bad.public_input(), claim.public_input());
    }
    // A zero balance can be claimed (and pays nothing).
    let (zero, wz) = exit_witness(&state, 1, 9).unwrap();
    assert_eq!(zero.amount, 0);
    assert!(check_exit(&zero, &wz));
}
