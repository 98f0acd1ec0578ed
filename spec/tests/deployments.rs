//! Re-audit finding 1 (issue 27): the L2 signing message names no deployment, so a transaction
//! signed once was valid on every deployment where its key is registered for the same account
//! id and nonce. Two deployments, one owner, the same account id and nonce on both: what is
//! signed for one is refused on the other, and the owner's approval for one does not register
//! that key on the other.

use zkrollup_spec::primitives::eddsa::PrivateKey;
use zkrollup_spec::primitives::keys::pubkey_hash;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::apply_tx;
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, ChangePubKeyAuth, L1Domain};

const A: L1Domain = L1Domain { chain_id: 1, contract: Address([0xaa; 20]) };
const B: L1Domain = L1Domain { chain_id: 1, contract: Address([0xbb; 20]) };

/// The owner at account 0 with `key` registered and 1,000 wei, and a recipient at account 1.
fn deployment(owner: &User, key: &PrivateKey) -> State {
    let mut a = Account::new(owner.address);
    a.pubkey_hash = pubkey_hash(&key.public_key());
    a.set_balance(0, 1_000);
    State::from_accounts(vec![a, Account::new(user(1).address)]).unwrap()
}

#[test]
fn a_transfer_signed_for_one_deployment_is_refused_on_another() {
    let owner = user(0);
    let (on_a, on_b) = (owner.l1.derive_l2_key(&A), owner.l1.derive_l2_key(&B));
    assert_ne!(on_a, on_b, "one L2 key per deployment");
    let (mut state_a, mut state_b) = (deployment(&owner, &on_a), deployment(&owner, &on_b));
    let mut tx = transfer(&owner, 0, user(1).address, 0, 100, 0, 0);
    tx = tx.signed(&on_a);
    apply_tx(&mut state_a, &tx, &context()).expect("valid where it was signed");
    assert_eq!(apply_tx(&mut state_b, &tx, &context()).unwrap_err().rule, Rule::TxSignerNotAccountKey);
}

#[test]
fn an_eip191_approval_for_one_deployment_does_not_register_its_key_on_another() {
    let owner = user(0);
    let key_a = pubkey_hash(&owner.l1.derive_l2_key(&A).public_key());
    let approval = ChangePubKeyAuth::Eip191(owner.l1.personal_sign(&eip191_change_pubkey_message(&A, &key_a, 0, 0)));
    assert_eq!(approval.signer(&A, &key_a, 0, 0), Some(owner.address));
    assert_ne!(approval.signer(&B, &key_a, 0, 0), Some(owner.address), "replayed on B, it names no owner");
}
