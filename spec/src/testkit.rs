//! Deterministic fixtures for tests and for the conformance-vector generator: users with L1 and
//! L2 keys, funded states, and builders for signed transactions. Not part of the protocol.

use crate::primitives::eddsa::PrivateKey;
use crate::primitives::keys::{keccak256, pubkey_hash, L1Key};
use crate::primitives::packing::{PackedAmount, PackedFee};
use crate::primitives::{Address, PubKeyHash};
use crate::state::{Account, AccountId, Nonce, State, TokenId};
use crate::transition::BlockContext;
use crate::tx::auth::L1Domain;
use crate::tx::*;

/// The deployment the fixtures' L2 keys are derived for, and the tests' and vectors' L1
/// deployments use: the chain id of local test nodes and a contract at `0xcc…cc`.
pub const TEST_DOMAIN: L1Domain = L1Domain { chain_id: 31337, contract: Address([0xcc; 20]) };

/// A user: an L1 key and the L2 key derived from it (for [`TEST_DOMAIN`]).
#[derive(Clone, Debug)]
pub struct User {
    /// The L1 key, from a fixed seed.
    pub l1: L1Key,
    /// The L2 key derived from `l1` ([`L1Key::derive_l2_key`]).
    pub l2: PrivateKey,
    /// `l1`'s address.
    pub address: Address,
    /// The hash of `l2`'s public key.
    pub pubkey_hash: PubKeyHash,
}

/// User number `i`, the same on every run.
pub fn user(i: u32) -> User {
    let l1 =
        L1Key::from_bytes(&user_l1_secret(i)).expect("a keccak output is a valid key with overwhelming probability");
    let l2 = l1.derive_l2_key(&TEST_DOMAIN);
    let pubkey_hash = pubkey_hash(&l2.public_key());
    User { address: l1.address(), l1, l2, pubkey_hash }
}

/// The secret of user `i`'s L1 key (for wallets that sign L1 transactions with it).
pub fn user_l1_secret(i: u32) -> [u8; 32] {
    let mut seed = b"zkrollup test user ".to_vec();
    seed.extend_from_slice(&i.to_be_bytes());
    keccak256(&seed)
}

/// An account of `u` with its L2 key registered and the given balances.
pub fn keyed_account(u: &User, nonce: Nonce, balances: &[(TokenId, u128)]) -> Account {
    let mut a = Account::new(u.address);
    a.nonce = nonce;
    a.pubkey_hash = u.pubkey_hash;
    for &(t, v) in balances {
        a.set_balance(t, v);
    }
    a
}

/// A state where user `i` owns account `i` (keyed), holding `balances` each.
pub fn funded_state(users: u32, balances: &[(TokenId, u128)]) -> State {
    State::from_accounts((0..users).map(|i| keyed_account(&user(i), 0, balances)).collect())
        .expect("distinct test users")
}

/// Block 1, fee account 0, timestamp 1_000_000.
pub fn context() -> BlockContext {
    BlockContext { block_number: 1, fee_account: 0, timestamp: 1_000_000 }
}

/// `v` packed as an amount; panics unless exactly packable.
pub fn amount(v: u128) -> PackedAmount {
    PackedAmount::pack_exact(v).expect("test amounts are packable")
}

/// `v` packed as a fee; panics unless exactly packable.
pub fn fee(v: u128) -> PackedFee {
    PackedFee::pack_exact(v).expect("test fees are packable")
}

/// A transfer signed by `signer`.
#[allow(clippy::too_many_arguments)]
pub fn transfer(
    signer: &User,
    from: AccountId,
    to: Address,
    token: TokenId,
    value: u128,
    fee_value: u128,
    nonce: Nonce,
) -> Tx {
    Tx::Transfer(Transfer {
        account_id: from,
        to,
        token,
        amount: amount(value),
        fee: fee(fee_value),
        nonce,
        ..Default::default()
    })
    .signed(&signer.l2)
}

/// A withdrawal signed by `signer`.
pub fn withdraw(
    signer: &User,
    from: AccountId,
    to: Address,
    token: TokenId,
    value: u128,
    fee_value: u128,
    nonce: Nonce,
) -> Tx {
    Tx::Withdraw(Withdraw {
        account_id: from,
        to,
        token,
        amount: value,
        fee: fee(fee_value),
        nonce,
        ..Default::default()
    })
    .signed(&signer.l2)
}

/// A ChangePubKey of account `id` to `u`'s L2 key, signed by it, authorised by `auth`.
pub fn change_pubkey(
    u: &User,
    id: AccountId,
    fee_token: TokenId,
    fee_value: u128,
    nonce: Nonce,
    auth: ChangePubKeyAuth,
) -> Tx {
    Tx::ChangePubKey(ChangePubKey {
        account_id: id,
        new_pubkey_hash: u.pubkey_hash,
        fee_token,
        fee: fee(fee_value),
        nonce,
        auth,
        ..Default::default()
    })
    .signed(&u.l2)
}

/// A forced exit of `target`'s `token`, initiated and signed by `signer`.
pub fn forced_exit(
    signer: &User,
    initiator: AccountId,
    target: Address,
    token: TokenId,
    fee_value: u128,
    nonce: Nonce,
) -> Tx {
    Tx::ForcedExit(ForcedExit {
        account_id: initiator,
        target,
        token,
        fee: fee(fee_value),
        nonce,
        ..Default::default()
    })
    .signed(&signer.l2)
}
