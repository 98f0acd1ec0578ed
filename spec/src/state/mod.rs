//! # 3. State
//!
//! The L2 state is the list of accounts, indexed by account id. Ids are handed out in order
//! (deposit or transfer to a new address takes id `next_account_id`), so the accounts are
//! exactly the ids `0..next_account_id`, and the state is a plain `Vec`.
//!
//! The state root commits to the account tree and to the id counter:
//! `root = Poseidon(account_tree_root, next_account_id)`. Committing the counter lets the circuit
//! check "this is the next id" (and "the tree is full") with one comparison instead of proving
//! that a slot is empty, and makes the state fully determined by its root.

pub mod account;
pub mod tree;

pub use account::{Account, AccountId, Nonce, TokenId};
pub use tree::{MerkleProof, SparseMerkleTree};

use crate::params::{ACCOUNT_TREE_DEPTH, MAX_ACCOUNT_ID};
use crate::primitives::{poseidon::poseidon, Address, Fr};

/// Why a list of accounts is not a reachable state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("account {0} has the zero address")]
    ZeroAddress(AccountId),
    #[error("accounts {0} and {1} share the address {2}")]
    DuplicateAddress(AccountId, AccountId, Address),
    #[error("{0} accounts exceed the 2^24 account ids")]
    TooManyAccounts(usize),
}

/// The L2 state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    accounts: Vec<Account>,
}

impl State {
    /// The genesis state: no accounts.
    pub fn new() -> Self {
        State::default()
    }

    /// A state from accounts `0..n`; addresses must be non-zero and distinct.
    pub fn from_accounts(accounts: Vec<Account>) -> Result<Self, StateError> {
        if accounts.len() > MAX_ACCOUNT_ID as usize + 1 {
            return Err(StateError::TooManyAccounts(accounts.len()));
        }
        let mut seen = std::collections::BTreeMap::new();
        for (id, a) in accounts.iter().enumerate() {
            let id = id as AccountId;
            if a.address.is_zero() {
                return Err(StateError::ZeroAddress(id));
            }
            if let Some(prev) = seen.insert(a.address, id) {
                return Err(StateError::DuplicateAddress(prev, id, a.address));
            }
        }
        Ok(State { accounts })
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(id as usize)
    }

    pub(crate) fn account_mut(&mut self, id: AccountId) -> Option<&mut Account> {
        self.accounts.get_mut(id as usize)
    }

    /// The id the next new account receives.
    pub fn next_account_id(&self) -> AccountId {
        self.accounts.len() as AccountId
    }

    /// Whether no id is left for a new account.
    pub fn is_full(&self) -> bool {
        self.next_account_id() > MAX_ACCOUNT_ID
    }

    /// The account owned by `address`, if any.
    pub fn id_of(&self, address: &Address) -> Option<AccountId> {
        self.accounts.iter().position(|a| a.address == *address).map(|i| i as AccountId)
    }

    /// Opens a new account for `address` (callers check the address is new and non-zero and
    /// the tree not full).
    pub(crate) fn open_account(&mut self, address: Address) -> AccountId {
        debug_assert!(!address.is_zero() && self.id_of(&address).is_none() && !self.is_full());
        self.accounts.push(Account::new(address));
        self.next_account_id() - 1
    }

    pub fn account_tree(&self) -> SparseMerkleTree {
        let mut t = SparseMerkleTree::new(ACCOUNT_TREE_DEPTH, account::empty_account_leaf());
        for (id, a) in self.accounts.iter().enumerate() {
            t.set(id as u64, a.leaf());
        }
        t
    }

    /// `Poseidon(account_tree_root, next_account_id)`.
    pub fn root(&self) -> Fr {
        state_root(self.account_tree().root(), self.next_account_id())
    }

    /// Sum of all balances of one token (for conservation checks).
    pub fn total_balance(&self, token: TokenId) -> u128 {
        self.accounts.iter().map(|a| a.balance(token)).sum()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(b: u8) -> Address {
        Address([b; 20])
    }

    #[test]
    fn genesis_root_matches_an_empty_state() {
        assert_eq!(State::new().root(), genesis_root());
    }

    #[test]
    fn invalid_account_lists_are_refused() {
        assert_eq!(
            State::from_accounts(vec![Account::new(addr(1)), Account::new(Address::ZERO)]),
            Err(StateError::ZeroAddress(1))
        );
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
            let mut s = base.clone();
            let a = s.account_mut(0).unwrap();
            match f {
                0 => a.nonce = 1,
                1 => a.pubkey_hash.0[19] = 1,
                2 => a.address = addr(2),
                _ => a.set_balance(7, 1),
            }
            variants.push(s.root());
        }
        let mut s = base.clone();
        s.open_account(addr(3));
        variants.push(s.root());
        for v in &variants {
            assert_ne!(*v, r0);
        }
        let distinct: std::collections::BTreeSet<_> = variants.iter().map(|v| v.to_string()).collect();
        assert_eq!(distinct.len(), variants.len());
    }
}
