//! Accounts and their leaves.
//!
//! An account holds a nonce, the hash of its L2 public key (zero until a ChangePubKey), the L1
//! address that owns it, and a balance per token. Its leaf in the account tree is
//! `Poseidon(nonce, pubkey_hash, address, balance_root)`, where `balance_root` is the root of a
//! depth-8 tree whose leaf `t` is the balance of token `t` (empty leaf 0). An unused slot of the
//! account tree holds the leaf of the all-zero account, so every leaf has the same shape.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::tree::{empty_subtrees, SparseMerkleTree};
use crate::params::{ACCOUNT_TREE_DEPTH, BALANCE_TREE_DEPTH};
use crate::primitives::{poseidon::poseidon, Address, Fr, PubKeyHash};

/// An account's index in the account tree (24 bits used, see [`MAX_ACCOUNT_ID`](crate::params::MAX_ACCOUNT_ID)).
pub type AccountId = u32;
/// A token's index in the balance tree; 0 is ETH.
pub type TokenId = u16;
/// The number of transactions an account has had accepted; the next must carry this value.
pub type Nonce = u32;

/// An account. `balances` holds non-zero balances only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// The nonce the account's next transaction must carry.
    pub nonce: Nonce,
    /// The hash of the L2 key that signs for the account; zero until its first ChangePubKey.
    pub pubkey_hash: PubKeyHash,
    /// The L1 address that owns the account (authorises ChangePubKey, receives full exits).
    pub address: Address,
    /// Balance per token, in the token's smallest unit; zero balances are absent.
    pub balances: BTreeMap<TokenId, u128>,
}

/// The root of an empty balance tree.
pub fn empty_balance_root() -> Fr {
    static R: OnceLock<Fr> = OnceLock::new();
    *R.get_or_init(|| empty_subtrees(Fr::from(0u8), BALANCE_TREE_DEPTH)[BALANCE_TREE_DEPTH])
}

/// The leaf of an unused account slot: the all-zero account's leaf.
pub fn empty_account_leaf() -> Fr {
    static L: OnceLock<Fr> = OnceLock::new();
    *L.get_or_init(|| Account::default().leaf())
}

/// The root of an empty account tree.
pub fn empty_account_tree_root() -> Fr {
    empty_subtrees(empty_account_leaf(), ACCOUNT_TREE_DEPTH)[ACCOUNT_TREE_DEPTH]
}

impl Account {
    /// A fresh account owned by `address`: nonce 0, no key, no balances.
    pub fn new(address: Address) -> Self {
        Account { address, ..Default::default() }
    }

    /// The balance of `token` (0 if absent).
    pub fn balance(&self, token: TokenId) -> u128 {
        self.balances.get(&token).copied().unwrap_or(0)
    }

    /// Sets the balance of `token`, removing the entry when `value` is zero.
    pub fn set_balance(&mut self, token: TokenId, value: u128) {
        if value == 0 {
            self.balances.remove(&token);
        } else {
            self.balances.insert(token, value);
        }
    }

    /// The balance tree: leaf `t` is the balance of token `t`, empty leaf 0.
    pub fn balance_tree(&self) -> SparseMerkleTree {
        let mut t = SparseMerkleTree::new(BALANCE_TREE_DEPTH, Fr::from(0u8));
        for (&token, &v) in &self.balances {
            t.set(token as u64, Fr::from(v));
        }
        t
    }

    /// The balance tree's root.
    pub fn balance_root(&self) -> Fr {
        if self.balances.is_empty() {
            return empty_balance_root();
        }
        self.balance_tree().root()
    }

    /// `Poseidon(nonce, pubkey_hash, address, balance_root)`.
    pub fn leaf(&self) -> Fr {
        Self::leaf_from_parts(self.nonce, &self.pubkey_hash, &self.address, self.balance_root())
    }

    /// `Poseidon(nonce, pubkey_hash, address, balance_root)` from the parts, for callers that hold
    /// a balance root, as an exit proof's witness does.
    pub fn leaf_from_parts(nonce: Nonce, pkh: &PubKeyHash, address: &Address, balance_root: Fr) -> Fr {
        poseidon(&[Fr::from(nonce), pkh.to_fr(), address.to_fr(), balance_root])
    }
}
