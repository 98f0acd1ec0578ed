//! The whole protocol on the spec alone: deposits on L1, blocks of every op kind committed,
//! proven (symbolically) and executed, withdrawals, then exodus with exit claims for every
//! remaining balance. Value is reconciled between L1 and L2 after every step.

use zkrollup_conformance::operator::SpecRollup;
use zkrollup_spec::exit::{check_exit, exit_witness};
use zkrollup_spec::l1::SymbolicVerifier;
use zkrollup_spec::op::Op;
use zkrollup_spec::params::PRIORITY_EXPIRATION_SECONDS;
use zkrollup_spec::state::TokenId;
use zkrollup_spec::testkit::*;
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, eip712_change_pubkey_digest};
use zkrollup_spec::tx::ChangePubKeyAuth;

const OPERATOR: u32 = 9;
const TOKENS: [TokenId; 2] = [0, 1];

#[test]
fn full_lifecycle_with_exodus() {
    let mut w = SpecRollup::new(user(OPERATOR).address, 1_000);
    let (op, u0, u1, u2, u3, u5) = (user(OPERATOR), user(0), user(1), user(2), user(3), user(5));

    // Deposits: the operator's fee account first, then users 0..3 in ETH and the ERC-20.
    w.l1.deposit(op.address, op.address, 0, 1).unwrap();
    for u in [&u0, &u1, &u2, &u3] {
        w.l1.deposit(u.address, u.address, 0, 1_000_000).unwrap();
        w.l1.deposit(u.address, u.address, 1, 5_000).unwrap();
    }
    let ops = w.block(vec![], 64).unwrap();
    w.reconcile().unwrap();
    assert_eq!(ops.len(), 9);
    assert_eq!(w.l2.next_account_id(), 5);

    // Keys: on-chain fact for user 0, EIP-191 for user 1, EIP-712 for user 2; user 3 stays keyless.
    w.l1.set_auth_pubkey_hash(u0.address, u0.pubkey_hash, 0).unwrap();
    let sig191 = u1.l1.personal_sign(&eip191_change_pubkey_message(&TEST_DOMAIN, &u1.pubkey_hash, 0, 2));
    let sig712 = u2.l1.sign_digest(&eip712_change_pubkey_digest(&w.l1.config.domain, &u2.pubkey_hash, 0, 3));
    w.block(
        vec![
            change_pubkey(&u0, 1, 0, 0, 0, ChangePubKeyAuth::Onchain),
            change_pubkey(&u1, 2, 0, 10, 0, ChangePubKeyAuth::Eip191(sig191)),
            change_pubkey(&u2, 3, 1, 5, 0, ChangePubKeyAuth::Eip712(sig712)),
        ],
        32,
    )
    .unwrap();
    w.reconcile().unwrap();

    // Transfers (to an existing and a new account), a withdrawal, a forced exit, a full exit.
    w.l1.request_full_exit(u1.address, 2, 1).unwrap();
    let ops = w
        .block(
            vec![
                transfer(&u0, 1, u1.address, 0, 1_000, 3, 1),
                transfer(&u1, 2, u5.address, 0, 700, 1, 1),
                withdraw(&u0, 1, u0.address, 0, 50_000, 2, 2),
                forced_exit(&u2, 3, u3.address, 0, 4, 1),
            ],
            64,
        )
        .unwrap();
    w.reconcile().unwrap();
    let kinds: Vec<&str> = ops.iter().map(Op::name).collect();
    assert_eq!(kinds, ["FullExit", "Transfer", "TransferToNew", "Withdraw", "ForcedExit"]);
    assert_eq!(w.l2.account(5).unwrap().balance(0), 700);
    assert_eq!(w.l2.account(2).unwrap().balance(1), 0, "full exit emptied user 1's token 1");
    assert_eq!(w.l2.account(4).unwrap().balance(0), 0, "forced exit emptied user 3's ETH");
    assert_eq!(w.l2.account(0).unwrap().balance(0), 1 + 10 + 3 + 1 + 2 + 4, "ETH fees reached the fee account");
    assert_eq!(w.l2.account(0).unwrap().balance(1), 5, "token fees reached the fee account");

    // The operator goes silent: a full exit and a deposit go unserved, exodus begins.
    w.l1.request_full_exit(u2.address, 3, 0).unwrap();
    w.l1.deposit(u5.address, u5.address, 0, 777).unwrap();
    w.l1.set_time(w.l1.now + PRIORITY_EXPIRATION_SECONDS + 1);
    w.l1.activate_exodus_mode().unwrap();
    let last = w.l1.last_executed().clone();
    assert_eq!(last.state_root, w.l2.root());
    for (id, account) in w.l2.accounts().map(|(i, a)| (i, a.clone())).collect::<Vec<_>>() {
        for token in TOKENS {
            let (claim, witness) = exit_witness(&w.l2, id, token).unwrap();
            assert!(check_exit(&claim, &witness));
            assert_eq!(claim.amount, account.balance(token));
            let proof = SymbolicVerifier::proof_of(&claim.public_input());
            w.l1.perform_exodus(&last, &claim, &proof, &SymbolicVerifier).unwrap();
        }
    }
    w.l1.cancel_outstanding_deposits(10).unwrap();
    w.withdraw_all();
    w.reconcile().unwrap();
    for token in TOKENS {
        assert_eq!(w.l1.held.get(&token).copied().unwrap_or(0), 0, "token {token} left in the contract");
    }
}
