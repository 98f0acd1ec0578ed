//! Keys and L1 signatures.
//!
//! An account is owned by an L1 (secp256k1) key. Its L2 key is derived from that key's EIP-191
//! signature of [`l2_key_seed_message`], which names the deployment (chain id and rollup
//! contract): RFC 6979 makes the signature deterministic, so the cold wallet can always
//! re-derive its L2 key, and `keccak256(r ‖ s ‖ v)` is the 32-byte circomlib private key. The L2
//! key is then registered by a ChangePubKey authorised by the L1 key.
//!
//! **One L2 key per deployment.** The L2 signing message names no chain or contract (the circuit
//! checks it as it is), so an L2 signature is good wherever its key is registered for the same
//! account id and nonce. Deriving the key from a message that names the deployment makes each
//! deployment's key different, so a transaction signed for one deployment does not verify on
//! another (re-audit finding 1, issue 27). A wallet that holds only an L2 key, not derived
//! (imported, or made at random), must register it on one deployment only: registered on two,
//! every transaction it signs is valid on both wherever the account id and nonce match.

use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

use super::eddsa::{PrivateKey, PublicKey};
use super::field::{fr_to_be_bytes, Address, PubKeyHash};
use super::poseidon::poseidon;
use crate::tx::auth::L1Domain;

/// The message whose EIP-191 signature by an account's L1 key seeds its L2 key on the deployment
/// `domain` (addresses as lowercase `0x`-hex).
pub fn l2_key_seed_message(domain: &L1Domain) -> String {
    format!(
        "Access zkrollup account.\n\nChain ID: {}\nRollup contract: {}\n\nOnly sign this message for a trusted client!",
        domain.chain_id, domain.contract
    )
}

/// `keccak256(data)`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// The pubkey hash: the low 20 bytes of `Poseidon(A.x, A.y)` (big-endian).
pub fn pubkey_hash(pk: &PublicKey) -> PubKeyHash {
    let h = fr_to_be_bytes(&poseidon(&[pk.0.x, pk.0.y]));
    PubKeyHash(h[12..].try_into().unwrap())
}

/// The EIP-191 `personal_sign` digest: `keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ msg)`.
pub fn eip191_digest(msg: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", msg.len()).into_bytes();
    data.extend_from_slice(msg);
    keccak256(&data)
}

/// A 65-byte L1 signature `r ‖ s ‖ v` with `v ∈ {27, 28}`, as wallets and `ecrecover` use.
pub type EcdsaSig65 = [u8; 65];

/// An L1 key: what a user's cold wallet holds.
#[derive(Clone)]
pub struct L1Key(SigningKey);

impl core::fmt::Debug for L1Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "L1Key({})", self.address())
    }
}

impl L1Key {
    /// From a 32-byte secret; `None` if it is zero or not below the curve order.
    pub fn from_bytes(secret: &[u8; 32]) -> Option<L1Key> {
        SigningKey::from_slice(secret).ok().map(L1Key)
    }

    /// The key's Ethereum address: the low 20 bytes of `keccak256` of the uncompressed public key.
    pub fn address(&self) -> Address {
        address_of(self.0.verifying_key())
    }

    /// Signs a 32-byte digest (RFC 6979, low-s), returning `r ‖ s ‖ v`.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> EcdsaSig65 {
        let (sig, recid) = self.0.sign_prehash_recoverable(digest).expect("a 32-byte prehash is always signable");
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&sig.to_bytes());
        out[64] = 27 + recid.to_byte();
        out
    }

    /// EIP-191 `personal_sign(msg)`.
    pub fn personal_sign(&self, msg: &[u8]) -> EcdsaSig65 {
        self.sign_digest(&eip191_digest(msg))
    }

    /// The account's L2 private key on the deployment `domain`:
    /// `keccak256(personal_sign(l2_key_seed_message(domain)))`.
    pub fn derive_l2_key(&self, domain: &L1Domain) -> PrivateKey {
        PrivateKey(keccak256(&self.personal_sign(l2_key_seed_message(domain).as_bytes())))
    }
}

fn address_of(vk: &VerifyingKey) -> Address {
    let point = vk.to_encoded_point(false);
    let h = keccak256(&point.as_bytes()[1..]);
    Address(h[12..].try_into().unwrap())
}

/// The EVM's `ecrecover`: the address that signed `digest`, or `None` where the precompile
/// returns nothing (v not 27/28, r or s out of range, no such point). Like the precompile, it
/// accepts high-s signatures.
pub fn ecrecover(digest: &[u8; 32], sig: &EcdsaSig65) -> Option<Address> {
    let v = sig[64];
    if v != 27 && v != 28 {
        return None;
    }
    let mut recid = RecoveryId::from_byte(v - 27)?;
    let mut ecdsa = EcdsaSignature::from_slice(&sig[..64]).ok()?;
    // k256 recovers only low-s signatures; (r, n - s) with the other parity is the same signer.
    if let Some(low) = ecdsa.normalize_s() {
        ecdsa = low;
        recid = RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced());
    }
    VerifyingKey::recover_from_prehash(digest, &ecdsa, recid).ok().map(|vk| address_of(&vk))
}
