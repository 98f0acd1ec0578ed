//! # 9. Exodus exits
//!
//! In exodus mode the operator is gone and the contract only knows the state root of the last
//! executed block. An owner withdraws a balance by proving, with the exit circuit, the claim
//! "in the state with root `root`, account `account_id` is owned by `owner` and holds `amount`
//! of `token`". The proof's single public input is
//!
//! ```text
//! sha256( root (32) ‖ account_id (4) ‖ owner (20) ‖ token (2) ‖ amount (16) ), low 253 bits
//! ```
//!
//! which the contract recomputes from the call. The witness is the account's fields, its path
//! in the account tree, the token's path in its balance tree, and the id counter committed in
//! the root ([`crate::state`]). [`check_exit`] is the relation the circuit enforces.

use sha2::{Digest, Sha256};

use crate::block::public_input;
use crate::primitives::field::fr_to_be_bytes;
use crate::primitives::{Address, Fr, PubKeyHash};
use crate::state::{state_root, Account, AccountId, MerkleProof, Nonce, State, TokenId};

/// What an exit proof states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExitClaim {
    /// The state root the claim is about (on L1: the last executed block's).
    pub root: Fr,
    /// The account exited.
    pub account_id: AccountId,
    /// The account's L1 address, who receives the amount.
    pub owner: Address,
    /// The token exited.
    pub token: TokenId,
    /// The account's whole balance of `token` in that state.
    pub amount: u128,
}

/// The private part of an exit proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExitWitness {
    /// The account's nonce (a leaf input the claim does not state).
    pub nonce: Nonce,
    /// The account's pubkey hash (likewise).
    pub pubkey_hash: PubKeyHash,
    /// The id counter committed in the state root.
    pub next_account_id: AccountId,
    /// The account leaf's path in the account tree.
    pub account_proof: MerkleProof,
    /// The token's path in the account's balance tree.
    pub balance_proof: MerkleProof,
}

impl ExitClaim {
    /// `sha256(root (32) ‖ account_id (4) ‖ owner (20) ‖ token (2) ‖ amount (16))`, big-endian.
    pub fn commitment(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(fr_to_be_bytes(&self.root));
        h.update(self.account_id.to_be_bytes());
        h.update(self.owner.0);
        h.update(self.token.to_be_bytes());
        h.update(self.amount.to_be_bytes());
        h.finalize().into()
    }

    /// The proof's public input: the commitment's low 253 bits ([`public_input`]).
    pub fn public_input(&self) -> Fr {
        public_input(&self.commitment())
    }
}

/// The claim and witness for `account_id`'s balance of `token` in `state`.
pub fn exit_witness(state: &State, account_id: AccountId, token: TokenId) -> Option<(ExitClaim, ExitWitness)> {
    let account = state.account(account_id)?;
    let claim =
        ExitClaim { root: state.root(), account_id, owner: account.address, token, amount: account.balance(token) };
    let witness = ExitWitness {
        nonce: account.nonce,
        pubkey_hash: account.pubkey_hash,
        next_account_id: state.next_account_id(),
        account_proof: state.account_tree().proof(account_id as u64),
        balance_proof: account.balance_tree().proof(token as u64),
    };
    Some((claim, witness))
}

/// The exit relation: the witness places `(owner, amount)` at `(account_id, token)` under `root`.
pub fn check_exit(claim: &ExitClaim, w: &ExitWitness) -> bool {
    let balance_root = w.balance_proof.root_from(claim.token as u64, Fr::from(claim.amount));
    let leaf = Account::leaf_from_parts(w.nonce, &w.pubkey_hash, &claim.owner, balance_root);
    let account_root = w.account_proof.root_from(claim.account_id as u64, leaf);
    claim.account_id < w.next_account_id && state_root(account_root, w.next_account_id) == claim.root
}
