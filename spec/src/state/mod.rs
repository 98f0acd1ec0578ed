//! # 3. State
//!
//! The L2 state is the accounts, indexed by account id. Ids are handed out in order (a deposit
//! or transfer to a new address takes id `next_account_id`), so the accounts are exactly the
//! ids `0..next_account_id`.
//!
//! The state root commits to the account tree and to the id counter:
//! `root = Poseidon(account_tree_root, next_account_id)`. Committing the counter lets the circuit
//! check "this is the next id" (and "the tree is full") with one comparison instead of proving
//! that a slot is empty, and makes the state fully determined by its root.

pub mod account;
pub mod tree;

pub use account::{Account, AccountId, Nonce, TokenId};
pub use tree::{MerkleProof, SparseMerkleTree};

use std::collections::BTreeMap;

use crate::params::{ACCOUNT_TREE_DEPTH, MAX_ACCOUNT_ID};
use crate::primitives::{poseidon::poseidon, Address, Fr};

/// Why a set of accounts is not a valid state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Two accounts (by id) have the same non-zero address.
    #[error("accounts {0} and {1} share the address {2}")]
    DuplicateAddress(AccountId, AccountId, Address),
    /// An account is listed at an id at or above the id counter.
    #[error("account {0} is not below next_account_id {1}")]
    IdNotBelowNext(AccountId, AccountId),
    /// The id counter is above `2^24`, the number of account slots.
    #[error("next_account_id {0} exceeds 2^24")]
    TooManyAccounts(u64),
}

/// The L2 state: accounts `0..next_account_id`, of which only non-empty ones are stored.
///
/// States reached from genesis have no empty account below `next_account_id`; conformance
/// vectors may still describe such states (for instance a full tree in a few lines), and then
/// an unlisted id below `next_account_id` is an existing account with every field zero.
#[derive(Clone, Debug, Default)]
pub struct State {
    accounts: BTreeMap<AccountId, Account>,
    next_account_id: AccountId,
}

static EMPTY_ACCOUNT: Account = Account {
    nonce: 0,
    pubkey_hash: crate::primitives::PubKeyHash::ZERO,
    address: Address::ZERO,
    balances: BTreeMap::new(),
};

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        let ids = self.accounts.keys().chain(other.accounts.keys());
        self.next_account_id == other.next_account_id
            && ids.into_iter().all(|&id| self.account(id) == other.account(id))
    }
}
impl Eq for State {}

impl State {
    /// The genesis state: no accounts.
    pub fn new() -> Self {
        State::default()
    }

    /// Accounts `0..n` in order.
    pub fn from_accounts(accounts: Vec<Account>) -> Result<Self, StateError> {
        let next = accounts.len() as u64;
        let map = accounts.into_iter().enumerate().map(|(i, a)| (i as AccountId, a)).collect();
        if next > MAX_ACCOUNT_ID as u64 + 1 {
            return Err(StateError::TooManyAccounts(next));
        }
        State::from_parts(map, next as AccountId)
    }

    /// Listed accounts and the id counter; ids below the counter must be listed or empty, and
    /// non-zero addresses distinct.
    pub fn from_parts(accounts: BTreeMap<AccountId, Account>, next_account_id: AccountId) -> Result<Self, StateError> {
        if next_account_id > MAX_ACCOUNT_ID + 1 {
            return Err(StateError::TooManyAccounts(next_account_id as u64));
        }
        let mut seen = BTreeMap::new();
        for (&id, a) in &accounts {
            if id >= next_account_id {
                return Err(StateError::IdNotBelowNext(id, next_account_id));
            }
            if !a.address.is_zero() {
                if let Some(prev) = seen.insert(a.address, id) {
                    return Err(StateError::DuplicateAddress(prev, id, a.address));
                }
            }
        }
        let accounts = accounts.into_iter().filter(|(_, a)| *a != Account::default()).collect();
        Ok(State { accounts, next_account_id })
    }

    /// The stored (non-empty) accounts by id.
    pub fn accounts(&self) -> impl Iterator<Item = (AccountId, &Account)> {
        self.accounts.iter().map(|(&id, a)| (id, a))
    }

    /// The account `id`, if it exists (`id < next_account_id`).
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        if id >= self.next_account_id {
            return None;
        }
        Some(self.accounts.get(&id).unwrap_or(&EMPTY_ACCOUNT))
    }

    pub(crate) fn account_mut(&mut self, id: AccountId) -> Option<&mut Account> {
        if id >= self.next_account_id {
            return None;
        }
        Some(self.accounts.entry(id).or_default())
    }

    /// The id the next new account receives.
    pub fn next_account_id(&self) -> AccountId {
        self.next_account_id
    }

    /// Whether no id is left for a new account.
    pub fn is_full(&self) -> bool {
        self.next_account_id > MAX_ACCOUNT_ID
    }

    /// The account owned by `address` (never the zero address: it marks empty accounts).
    pub fn id_of(&self, address: &Address) -> Option<AccountId> {
        if address.is_zero() {
            return None;
        }
        self.accounts.iter().find(|(_, a)| a.address == *address).map(|(&id, _)| id)
    }

    /// Opens a new account for `address` (callers check the address is new and non-zero and
    /// the tree not full).
    pub(crate) fn open_account(&mut self, address: Address) -> AccountId {
        debug_assert!(!address.is_zero() && self.id_of(&address).is_none() && !self.is_full());
        let id = self.next_account_id;
        self.accounts.insert(id, Account::new(address));
        self.next_account_id += 1;
        id
    }

    /// The account tree: leaf `id` is account `id`'s [`Account::leaf`], unused slots the
    /// [empty account's leaf](account::empty_account_leaf).
    pub fn account_tree(&self) -> SparseMerkleTree {
        let mut t = SparseMerkleTree::new(ACCOUNT_TREE_DEPTH, account::empty_account_leaf());
        for (&id, a) in &self.accounts {
            t.set(id as u64, a.leaf());
        }
        t
    }

    /// `Poseidon(account_tree_root, next_account_id)`.
    pub fn root(&self) -> Fr {
        state_root(self.account_tree().root(), self.next_account_id)
    }

    /// Sum of all balances of one token (for conservation checks).
    pub fn total_balance(&self, token: TokenId) -> u128 {
        self.accounts.values().map(|a| a.balance(token)).sum()
    }
}

/// The state root from its two parts.
pub fn state_root(account_tree_root: Fr, next_account_id: AccountId) -> Fr {
    poseidon(&[account_tree_root, Fr::from(next_account_id)])
}

/// The root of the genesis (empty) state.
pub fn genesis_root() -> Fr {
    state_root(account::empty_account_tree_root(), 0)
}
