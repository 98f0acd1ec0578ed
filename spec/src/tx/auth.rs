//! ChangePubKey authorisations by the account's L1 key.
//!
//! Setting an account's L2 key must be approved by the L1 address that owns the account, in one
//! of three ways. The L1 contract checks the approval when the block is committed (the circuit
//! cannot verify secp256k1 cheaply), against the account address the pubdata carries:
//!
//! - **EIP-191** (`personal_sign`) of the 28 bytes `pubkey_hash ‖ nonce (4, BE) ‖ account_id (4, BE)`;
//! - **EIP-712** typed data `ChangePubKey(bytes20 pubKeyHash,uint32 nonce,uint32 accountId)` in the
//!   domain `{name: "zkrollup", version: "1", chainId, verifyingContract}`;
//! - **on-chain**: the owner called `setAuthPubkeyHash(pubkey_hash, nonce)` on the contract
//!   beforehand, which records `keccak256(pubkey_hash)` under (owner, nonce).
//!
//! The nonce binds an approval to one use. `pubkey_hash` is the new key's hash, `nonce` the
//! account's nonce before the ChangePubKey (the transaction's nonce), `account_id` the account.
//!
//! **The EIP-191 digest** ([`eip191_change_pubkey_message`], [`eip191_digest`]) is
//!
//! ```text
//! keccak256("\x19Ethereum Signed Message:\n28" ‖ pubkey_hash (20) ‖ nonce (4) ‖ account_id (4))
//! ```
//!
//! (the length is written in decimal ASCII, `"28"`).
//!
//! **The EIP-712 digest** ([`eip712_change_pubkey_digest`]) is
//! `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct)`, every word 32 bytes:
//!
//! ```text
//! domainSeparator = keccak256( keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
//!                            ‖ keccak256("zkrollup") ‖ keccak256("1")
//!                            ‖ chainId (uint256, big-endian) ‖ verifyingContract (address, left-padded with 12 zero bytes) )
//! hashStruct      = keccak256( keccak256("ChangePubKey(bytes20 pubKeyHash,uint32 nonce,uint32 accountId)")
//!                            ‖ pubKeyHash (bytes20, right-padded with 12 zero bytes)
//!                            ‖ nonce (uint32, left-padded) ‖ accountId (uint32, left-padded) )
//! ```
//!
//! The name and version are [`EIP712_DOMAIN_NAME`](crate::params::EIP712_DOMAIN_NAME) and
//! [`EIP712_DOMAIN_VERSION`](crate::params::EIP712_DOMAIN_VERSION); `chainId` and
//! `verifyingContract` are the deployment's [`L1Domain`].
//!
//! **Signatures** are 65 bytes `r ‖ s ‖ v` with `v ∈ {27, 28}`; the signer is recovered as the
//! EVM's `ecrecover` does ([`ecrecover`]: high-s accepted; `v` outside {27, 28}, `r` or `s` out of
//! range, or no recoverable key means no signer, so the approval fails).
//!
//! **Kind bytes** ([`ChangePubKeyAuth::kind`]): on-chain `0`, EIP-191 `1`, EIP-712 `2`. In
//! transaction bytes and commit calldata an authorisation is `kind`, followed by the 65-byte
//! signature for kinds 1 and 2 ([`ChangePubKeyAuth::to_bytes`]).

use crate::primitives::keys::{ecrecover, eip191_digest, keccak256, EcdsaSig65};
use crate::primitives::{Address, PubKeyHash};
use crate::state::{AccountId, Nonce};

/// Which L1 deployment an EIP-712 approval is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L1Domain {
    /// The L1 chain id (EIP-155).
    pub chain_id: u64,
    /// The rollup contract's address (EIP-712 `verifyingContract`).
    pub contract: Address,
}

/// How a ChangePubKey is authorised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangePubKeyAuth {
    /// A fact recorded on L1 by `setAuthPubkeyHash`.
    Onchain,
    /// An EIP-191 signature of [`eip191_change_pubkey_message`].
    Eip191(EcdsaSig65),
    /// An EIP-712 signature of [`eip712_change_pubkey_digest`].
    Eip712(EcdsaSig65),
}

impl ChangePubKeyAuth {
    /// The kind byte in transaction bytes and L1 calldata.
    pub fn kind(&self) -> u8 {
        match self {
            ChangePubKeyAuth::Onchain => 0,
            ChangePubKeyAuth::Eip191(_) => 1,
            ChangePubKeyAuth::Eip712(_) => 2,
        }
    }

    /// `kind ‖ signature` (the signature absent for `Onchain`): the "eth witness" a commit
    /// carries for each ChangePubKey.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.kind()];
        match self {
            ChangePubKeyAuth::Onchain => {}
            ChangePubKeyAuth::Eip191(s) | ChangePubKeyAuth::Eip712(s) => out.extend_from_slice(s),
        }
        out
    }

    /// The L1 address that signed the approval, for the two signature kinds.
    pub fn signer(&self, domain: &L1Domain, pkh: &PubKeyHash, nonce: Nonce, account: AccountId) -> Option<Address> {
        match self {
            ChangePubKeyAuth::Onchain => None,
            ChangePubKeyAuth::Eip191(sig) => {
                ecrecover(&eip191_digest(&eip191_change_pubkey_message(domain, pkh, nonce, account)), sig)
            }
            ChangePubKeyAuth::Eip712(sig) => ecrecover(&eip712_change_pubkey_digest(domain, pkh, nonce, account), sig),
        }
    }
}

/// The 56 bytes an EIP-191 approval signs: `pubkey_hash ‖ nonce (4, BE) ‖ account_id (4, BE) ‖
/// chain_id (8, BE) ‖ contract (20)`. Naming the deployment, as EIP-712's domain does, keeps an
/// approval from being replayed on another deployment, where it would register this
/// deployment's L2 key and let its transactions replay there (re-audit finding 1, issue 27).
pub fn eip191_change_pubkey_message(domain: &L1Domain, pkh: &PubKeyHash, nonce: Nonce, account: AccountId) -> Vec<u8> {
    let mut m = pkh.0.to_vec();
    m.extend_from_slice(&nonce.to_be_bytes());
    m.extend_from_slice(&account.to_be_bytes());
    m.extend_from_slice(&domain.chain_id.to_be_bytes());
    m.extend_from_slice(&domain.contract.0);
    m
}

fn word_u64(v: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&v.to_be_bytes());
    w
}

/// `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(ChangePubKey))`, with the domain and type
/// strings of the module docs.
pub fn eip712_change_pubkey_digest(domain: &L1Domain, pkh: &PubKeyHash, nonce: Nonce, account: AccountId) -> [u8; 32] {
    use crate::params::{EIP712_DOMAIN_NAME, EIP712_DOMAIN_VERSION};
    let mut d =
        keccak256(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)").to_vec();
    d.extend_from_slice(&keccak256(EIP712_DOMAIN_NAME.as_bytes()));
    d.extend_from_slice(&keccak256(EIP712_DOMAIN_VERSION.as_bytes()));
    d.extend_from_slice(&word_u64(domain.chain_id));
    let mut contract = [0u8; 32];
    contract[12..].copy_from_slice(&domain.contract.0);
    d.extend_from_slice(&contract);
    let separator = keccak256(&d);

    let mut s = keccak256(b"ChangePubKey(bytes20 pubKeyHash,uint32 nonce,uint32 accountId)").to_vec();
    let mut pkh_word = [0u8; 32]; // bytesN are left-aligned in their word
    pkh_word[..20].copy_from_slice(&pkh.0);
    s.extend_from_slice(&pkh_word);
    s.extend_from_slice(&word_u64(nonce as u64));
    s.extend_from_slice(&word_u64(account as u64));
    let struct_hash = keccak256(&s);

    let mut m = vec![0x19, 0x01];
    m.extend_from_slice(&separator);
    m.extend_from_slice(&struct_hash);
    keccak256(&m)
}

/// What `setAuthPubkeyHash` records: `keccak256(pubkey_hash)`.
pub fn onchain_auth_fact(pkh: &PubKeyHash) -> [u8; 32] {
    keccak256(&pkh.0)
}
