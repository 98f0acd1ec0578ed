//! The operator's state: accounts with their balance trees, the account tree, and an address
//! index. Two ways to keep roots current:
//!
//! - **batched** (the default): writes mark accounts dirty; [`RefState::root`] recomputes each
//!   dirty account's balance root and leaf once, in parallel across accounts, then flushes the
//!   account tree once. This is how the state keeper runs between blocks.
//! - **witnessing**: [`RefState::write_leaf`] applies one account's change at once and returns
//!   the leaf before and after with both Merkle paths, as the circuit needs per chunk.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use rayon::prelude::*;
use zkrollup_spec::params::{ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH, MAX_ACCOUNT_ID};
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::state::account::{empty_account_leaf, Account};
use zkrollup_spec::state::tree::empty_subtrees;
use zkrollup_spec::state::{AccountId, MerkleProof, Nonce, State, TokenId};

use crate::poseidon::poseidon;

use crate::tree::Tree4;

fn empty_balance_levels() -> &'static [Fr] {
    static E: OnceLock<Vec<Fr>> = OnceLock::new();
    E.get_or_init(|| empty_subtrees(Fr::from(0u8), BALANCE_TREE_DEPTH))
}

/// An account and its balance tree.
#[derive(Clone, Debug)]
pub struct RefAccount {
    pub nonce: Nonce,
    pub pubkey_hash: PubKeyHash,
    pub address: Address,
    balances: HashMap<TokenId, u128>,
    tree: Tree4,
}

impl RefAccount {
    fn new(address: Address) -> Self {
        RefAccount {
            nonce: 0,
            pubkey_hash: PubKeyHash::ZERO,
            address,
            balances: HashMap::new(),
            tree: Tree4::with_empty(BALANCE_TREE_DEPTH, empty_balance_levels()),
        }
    }

    pub fn balance(&self, token: TokenId) -> u128 {
        self.balances.get(&token).copied().unwrap_or(0)
    }

    fn set_balance(&mut self, token: TokenId, v: u128) {
        if v == 0 {
            self.balances.remove(&token);
        } else {
            self.balances.insert(token, v);
        }
        self.tree.set(token as u64, Fr::from(v));
    }

    fn leaf(&mut self) -> Fr {
        let balance_root = self.tree.root();
        poseidon(&[Fr::from(self.nonce), self.pubkey_hash.to_fr(), self.address.to_fr(), balance_root])
    }

    /// The account's fields as the spec's type (for comparisons and exports).
    pub fn to_spec(&self) -> Account {
        let mut a = Account::new(self.address);
        a.nonce = self.nonce;
        a.pubkey_hash = self.pubkey_hash;
        for (&t, &v) in &self.balances {
            a.set_balance(t, v);
        }
        a
    }
}

/// One account leaf before or after a write, with the balance touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafState {
    pub nonce: Nonce,
    pub pubkey_hash: PubKeyHash,
    pub address: Address,
    pub balance: u128,
    pub balance_root: Fr,
}

/// Everything the circuit needs for one leaf write: the account and one of its balances
/// before and after, and the two Merkle paths (siblings do not change with the write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafWrite {
    pub account_id: AccountId,
    pub token: TokenId,
    pub before: LeafState,
    pub after: LeafState,
    pub balance_path: MerkleProof,
    pub account_path: MerkleProof,
}

/// A change to one account: new fields and one token's new balance.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    pub nonce: Nonce,
    pub pubkey_hash: PubKeyHash,
    pub address: Address,
    pub token: TokenId,
    pub balance: u128,
}

/// The operator's state.
#[derive(Clone, Debug)]
pub struct RefState {
    accounts: HashMap<AccountId, RefAccount>,
    by_address: HashMap<Address, AccountId>,
    next_account_id: AccountId,
    tree: Tree4,
    dirty: Vec<AccountId>,
    /// Accounts written since the last [`RefState::take_changed`]: what a node persists per block.
    changed: BTreeSet<AccountId>,
    /// Set between [`RefState::checkpoint`] and its commit or revert.
    journal: Option<Journal>,
}

/// What a revert restores: each account as it was before its first write since the
/// checkpoint (`None`: opened since), the addresses indexed since, and the counters.
#[derive(Clone, Debug)]
struct Journal {
    saved: HashMap<AccountId, Option<RefAccount>>,
    opened: Vec<Address>,
    next_account_id: AccountId,
    changed: BTreeSet<AccountId>,
}

impl Default for RefState {
    fn default() -> Self {
        RefState {
            accounts: HashMap::new(),
            by_address: HashMap::new(),
            next_account_id: 0,
            tree: Tree4::new(ACCOUNT_TREE_DEPTH, empty_account_leaf()),
            dirty: Vec::new(),
            changed: BTreeSet::new(),
            journal: None,
        }
    }
}

impl RefState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a spec state (vectors' pre-states, snapshots).
    pub fn from_spec(state: &State) -> Self {
        let mut s = RefState { next_account_id: state.next_account_id(), ..Default::default() };
        for (id, a) in state.accounts() {
            let mut r = RefAccount::new(a.address);
            r.nonce = a.nonce;
            r.pubkey_hash = a.pubkey_hash;
            for (&t, &v) in &a.balances {
                r.set_balance(t, v);
            }
            if !a.address.is_zero() {
                s.by_address.insert(a.address, id);
            }
            s.accounts.insert(id, r);
            s.dirty.push(id);
        }
        s
    }

    /// The state as the spec's type.
    pub fn to_spec(&self) -> State {
        let map = self.accounts.iter().map(|(&id, a)| (id, a.to_spec())).collect();
        State::from_parts(map, self.next_account_id).expect("the reference keeps a valid state")
    }

    pub fn next_account_id(&self) -> AccountId {
        self.next_account_id
    }

    pub fn is_full(&self) -> bool {
        self.next_account_id > MAX_ACCOUNT_ID
    }

    /// Whether account `id` exists (every id below the counter does).
    pub fn exists(&self, id: AccountId) -> bool {
        id < self.next_account_id
    }

    pub fn account(&self, id: AccountId) -> Option<&RefAccount> {
        self.accounts.get(&id)
    }

    pub fn nonce(&self, id: AccountId) -> Nonce {
        self.accounts.get(&id).map_or(0, |a| a.nonce)
    }

    pub fn pubkey_hash(&self, id: AccountId) -> PubKeyHash {
        self.accounts.get(&id).map_or(PubKeyHash::ZERO, |a| a.pubkey_hash)
    }

    pub fn address(&self, id: AccountId) -> Address {
        self.accounts.get(&id).map_or(Address::ZERO, |a| a.address)
    }

    pub fn balance(&self, id: AccountId, token: TokenId) -> u128 {
        self.accounts.get(&id).map_or(0, |a| a.balance(token))
    }

    pub fn id_of(&self, address: &Address) -> Option<AccountId> {
        if address.is_zero() {
            return None;
        }
        self.by_address.get(address).copied()
    }

    /// Takes the next id for `address` (callers check it is new, non-zero, and the tree not
    /// full). The account's leaf stays empty until the caller writes it.
    pub fn open(&mut self, address: Address) -> AccountId {
        let id = self.next_account_id;
        self.next_account_id += 1;
        self.by_address.insert(address, id);
        if let Some(j) = &mut self.journal {
            j.opened.push(address);
        }
        id
    }

    fn entry(&mut self, id: AccountId) -> &mut RefAccount {
        self.accounts.entry(id).or_insert_with(|| RefAccount::new(Address::ZERO))
    }

    /// Starts recording what [`RefState::revert`] would undo: the writes and openings from
    /// here on (one level: an atomic batch of transactions).
    pub fn checkpoint(&mut self) {
        debug_assert!(self.journal.is_none(), "checkpoints do not nest");
        let (next_account_id, changed) = (self.next_account_id, self.changed.clone());
        self.journal = Some(Journal { saved: HashMap::new(), opened: Vec::new(), next_account_id, changed });
    }

    /// Keeps everything written since the checkpoint.
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes everything written since the checkpoint: accounts, ids opened, the roots.
    pub fn revert(&mut self) {
        let Some(j) = self.journal.take() else { return };
        for (id, before) in j.saved {
            match before {
                Some(a) => {
                    self.accounts.insert(id, a);
                    self.dirty.push(id);
                }
                None => {
                    self.accounts.remove(&id);
                    self.tree.set(id as u64, empty_account_leaf());
                }
            }
        }
        for address in j.opened {
            self.by_address.remove(&address);
        }
        self.next_account_id = j.next_account_id;
        self.changed = j.changed;
    }

    /// Saves account `id` as it is, at its first write since the checkpoint.
    fn journal(&mut self, id: AccountId) {
        if let Some(j) = &mut self.journal {
            j.saved.entry(id).or_insert_with(|| self.accounts.get(&id).cloned());
        }
    }

    /// Applies `c` to account `id`, batched (root recomputed later).
    pub fn write(&mut self, id: AccountId, c: Change) {
        self.journal(id);
        let a = self.entry(id);
        a.nonce = c.nonce;
        a.pubkey_hash = c.pubkey_hash;
        a.address = c.address;
        a.set_balance(c.token, c.balance);
        self.dirty.push(id);
        self.changed.insert(id);
    }

    /// The accounts written since the last call, by increasing id.
    pub fn take_changed(&mut self) -> BTreeSet<AccountId> {
        std::mem::take(&mut self.changed)
    }

    /// Applies `c` to account `id` at once, returning the witness of the write.
    pub fn write_leaf(&mut self, id: AccountId, c: Change) -> LeafWrite {
        self.flush_accounts();
        self.journal(id);
        let a = self.entry(id);
        let balance_root_before = a.tree.root();
        let before = LeafState {
            nonce: a.nonce,
            pubkey_hash: a.pubkey_hash,
            address: a.address,
            balance: a.balance(c.token),
            balance_root: balance_root_before,
        };
        if c.balance == 0 {
            a.balances.remove(&c.token);
        } else {
            a.balances.insert(c.token, c.balance);
        }
        let balance_path = a.tree.set_and_path(c.token as u64, Fr::from(c.balance));
        a.nonce = c.nonce;
        a.pubkey_hash = c.pubkey_hash;
        a.address = c.address;
        let balance_root = a.tree.clean_root().expect("just updated eagerly");
        let leaf = poseidon(&[Fr::from(a.nonce), a.pubkey_hash.to_fr(), a.address.to_fr(), balance_root]);
        let after = LeafState {
            nonce: c.nonce,
            pubkey_hash: c.pubkey_hash,
            address: c.address,
            balance: c.balance,
            balance_root,
        };
        let account_path = self.tree.set_and_path(id as u64, leaf);
        self.changed.insert(id);
        LeafWrite { account_id: id, token: c.token, before, after, balance_path, account_path }
    }

    /// The witness of a leaf read without a change (before = after).
    pub fn read_leaf(&mut self, id: AccountId, token: TokenId) -> LeafWrite {
        self.flush_accounts();
        let (state, balance_path) = match self.accounts.get_mut(&id) {
            Some(a) => {
                let root = a.tree.root();
                let st = LeafState {
                    nonce: a.nonce,
                    pubkey_hash: a.pubkey_hash,
                    address: a.address,
                    balance: a.balance(token),
                    balance_root: root,
                };
                (st, a.tree.proof(token as u64))
            }
            None => {
                let mut empty = Tree4::with_empty(BALANCE_TREE_DEPTH, empty_balance_levels());
                let st = LeafState {
                    nonce: 0,
                    pubkey_hash: PubKeyHash::ZERO,
                    address: Address::ZERO,
                    balance: 0,
                    balance_root: empty.root(),
                };
                (st, empty.proof(token as u64))
            }
        };
        let account_path = self.tree.proof(id as u64);
        LeafWrite { account_id: id, token, before: state.clone(), after: state, balance_path, account_path }
    }

    /// Recomputes the leaves of accounts written since the last flush, in parallel.
    fn flush_accounts(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        let mut taken: Vec<(AccountId, RefAccount)> =
            dirty.iter().filter_map(|id| self.accounts.remove(id).map(|a| (*id, a))).collect();
        let leaves: Vec<(AccountId, Fr)> = taken.par_iter_mut().map(|(id, a)| (*id, a.leaf())).collect();
        for (id, a) in taken {
            self.accounts.insert(id, a);
        }
        for (id, leaf) in leaves {
            self.tree.set(id as u64, leaf);
        }
    }

    /// `Poseidon(account_tree_root, next_account_id)`.
    pub fn root(&mut self) -> Fr {
        self.flush_accounts();
        poseidon(&[self.tree.root(), Fr::from(self.next_account_id)])
    }

    /// The account tree's root (without the id counter).
    pub fn account_tree_root(&mut self) -> Fr {
        self.flush_accounts();
        self.tree.root()
    }

    /// A Merkle proof of account `id` in the account tree.
    pub fn account_proof(&mut self, id: AccountId) -> MerkleProof {
        self.flush_accounts();
        self.tree.proof(id as u64)
    }
}
