//! # 4. Transactions
//!
//! The four L2 transactions a user signs with their L2 key. Each has a *body*, three byte
//! segments that are also the three field elements of its signing message:
//!
//! | segment | Transfer | Withdraw | ChangePubKey | ForcedExit |
//! |---|---|---|---|---|
//! | e0 | type ‖ account (4) ‖ token (2) ‖ amount (5, packed) ‖ fee (2) ‖ nonce (4) | type ‖ account ‖ token ‖ amount (16) ‖ fee ‖ nonce | type ‖ account ‖ fee token ‖ fee ‖ nonce | type ‖ initiator ‖ token ‖ fee ‖ nonce |
//! | e1 | recipient address (20) | L1 recipient address | new pubkey hash | target address |
//! | e2 | valid_from (8) ‖ valid_until (8) | same | same | same |
//!
//! All integers are big-endian; every segment is at most 29 bytes, so it maps injectively into
//! the field. The **signing message** is `Poseidon(e0, e1, e2)` and the signature is
//! EdDSA-Poseidon over it. The **tx hash** is `sha256(e0 ‖ e1 ‖ e2)`. The full **transaction
//! bytes** are `body ‖ A ‖ R8 ‖ S` (public key, signature: 160 bytes), then for ChangePubKey the
//! L1 authorisation (`kind ‖ 65-byte signature`, or `0` for on-chain).
//!
//! A transaction is valid in blocks whose timestamp `t` has `valid_from ≤ t ≤ valid_until`.

pub mod auth;

use sha2::{Digest, Sha256};

use crate::params::ETH_TOKEN_ID;
use crate::primitives::bytes::{signature_bytes, Reader};
use crate::primitives::eddsa::{Point, PrivateKey, PublicKey, Scalar, Signature};
use crate::primitives::field::fr_from_be_bytes;
use crate::primitives::packing::{PackedAmount, PackedFee};
use crate::primitives::{poseidon::poseidon, Address, Fr, PubKeyHash};
use crate::rules::{Rejection, Rule};
use crate::state::{AccountId, Nonce, TokenId};
pub use auth::ChangePubKeyAuth;

/// Transaction type bytes (equal to the op codes of the operations they become).
pub mod tx_type {
    /// [`Withdraw`](super::Withdraw).
    pub const WITHDRAW: u8 = 3;
    /// [`Transfer`](super::Transfer) (its op is a Transfer or a TransferToNew).
    pub const TRANSFER: u8 = 5;
    /// [`ChangePubKey`](super::ChangePubKey).
    pub const CHANGE_PUBKEY: u8 = 7;
    /// [`ForcedExit`](super::ForcedExit).
    pub const FORCED_EXIT: u8 = 8;
}

/// `valid_from ≤ block timestamp ≤ valid_until` (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    /// The earliest block timestamp the transaction is valid in (inclusive).
    pub valid_from: u64,
    /// The latest block timestamp the transaction is valid in (inclusive).
    pub valid_until: u64,
}

impl TimeWindow {
    /// Valid at every timestamp: `0..=u64::MAX`.
    pub const ALWAYS: TimeWindow = TimeWindow { valid_from: 0, valid_until: u64::MAX };
}

impl Default for TimeWindow {
    fn default() -> Self {
        TimeWindow::ALWAYS
    }
}

/// The signer's public key and the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxSignature {
    /// The public key `A` that signed; its [pubkey hash](crate::primitives::keys::pubkey_hash)
    /// must be the account's (for ChangePubKey, the new one).
    pub pub_key: PublicKey,
    /// The EdDSA-Poseidon signature `(R8, S)` of the [signing message](Tx::signing_message).
    pub signature: Signature,
}

impl Default for TxSignature {
    /// The identity key with an empty signature: what an unsigned transaction carries.
    fn default() -> Self {
        TxSignature {
            pub_key: PublicKey(Point::identity()),
            signature: Signature { r8: Point::identity(), s: Scalar::from(0u8) },
        }
    }
}

/// Moves `amount` of `token` to the account of address `to`, opening it if there is none.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Transfer {
    /// The sender, who signs and pays the fee.
    pub account_id: AccountId,
    /// The recipient's address (not an id, so a transfer can open an account).
    pub to: Address,
    /// The token transferred; the fee is paid in it too.
    pub token: TokenId,
    /// The amount the recipient receives (packed, as the pubdata holds it).
    pub amount: PackedAmount,
    /// The fee, debited on top of `amount`.
    pub fee: PackedFee,
    /// The sender's current nonce.
    pub nonce: Nonce,
    /// The block timestamps the transaction is valid in.
    pub time: TimeWindow,
    /// The sender's signature.
    pub signature: TxSignature,
}

/// Moves `amount` of `token` out of L2, to be paid to the L1 address `to` when the block executes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Withdraw {
    /// The account withdrawn from, which signs and pays the fee.
    pub account_id: AccountId,
    /// The L1 address credited on L1 (any address, not necessarily the account's owner).
    pub to: Address,
    /// The token withdrawn; the fee is paid in it too.
    pub token: TokenId,
    /// The amount, in the token's smallest unit (full width, not packed).
    pub amount: u128,
    /// The fee, debited on top of `amount`.
    pub fee: PackedFee,
    /// The account's current nonce.
    pub nonce: Nonce,
    /// The block timestamps the transaction is valid in.
    pub time: TimeWindow,
    /// The account's signature.
    pub signature: TxSignature,
}

/// Sets the account's L2 key to the one hashing to `new_pubkey_hash`, with its L1 owner's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangePubKey {
    /// The account whose key changes, which pays the fee.
    pub account_id: AccountId,
    /// The hash of the new L2 key.
    pub new_pubkey_hash: PubKeyHash,
    /// The token the fee is paid in.
    pub fee_token: TokenId,
    /// The fee.
    pub fee: PackedFee,
    /// The account's current nonce (also bound into the L1 authorisation).
    pub nonce: Nonce,
    /// The block timestamps the transaction is valid in.
    pub time: TimeWindow,
    /// Signed by the *new* key: proves the account will control it.
    pub signature: TxSignature,
    /// The L1 owner's approval, checked by the contract at commit.
    pub auth: ChangePubKeyAuth,
}

impl Default for ChangePubKey {
    fn default() -> Self {
        ChangePubKey {
            account_id: 0,
            new_pubkey_hash: PubKeyHash::ZERO,
            fee_token: ETH_TOKEN_ID,
            fee: PackedFee::ZERO,
            nonce: 0,
            time: TimeWindow::ALWAYS,
            signature: TxSignature::default(),
            auth: ChangePubKeyAuth::Onchain,
        }
    }
}

/// Withdraws a keyless account's whole balance of a token to its own L1 address, on behalf of
/// its owner, who cannot sign on L2; the initiator pays the fee.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ForcedExit {
    /// The account that signs and pays the fee.
    pub account_id: AccountId,
    /// The keyless account whose whole balance of `token` goes to its own L1 address.
    pub target: Address,
    /// The token exited; the initiator's fee is paid in it too.
    pub token: TokenId,
    /// The initiator's fee.
    pub fee: PackedFee,
    /// The initiator's current nonce.
    pub nonce: Nonce,
    /// The block timestamps the transaction is valid in.
    pub time: TimeWindow,
    /// The initiator's signature.
    pub signature: TxSignature,
}

/// A signed L2 transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tx {
    /// An L2 transfer.
    Transfer(Transfer),
    /// A withdrawal to L1.
    Withdraw(Withdraw),
    /// A key change.
    ChangePubKey(ChangePubKey),
    /// A forced exit of a keyless account.
    ForcedExit(ForcedExit),
}

impl Tx {
    /// The type byte ([`tx_type`]), the first byte of the body.
    pub fn tx_type(&self) -> u8 {
        match self {
            Tx::Transfer(_) => tx_type::TRANSFER,
            Tx::Withdraw(_) => tx_type::WITHDRAW,
            Tx::ChangePubKey(_) => tx_type::CHANGE_PUBKEY,
            Tx::ForcedExit(_) => tx_type::FORCED_EXIT,
        }
    }

    /// The variant's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Tx::Transfer(_) => "Transfer",
            Tx::Withdraw(_) => "Withdraw",
            Tx::ChangePubKey(_) => "ChangePubKey",
            Tx::ForcedExit(_) => "ForcedExit",
        }
    }

    /// The account that signs (and pays the fee).
    pub fn account_id(&self) -> AccountId {
        match self {
            Tx::Transfer(t) => t.account_id,
            Tx::Withdraw(t) => t.account_id,
            Tx::ChangePubKey(t) => t.account_id,
            Tx::ForcedExit(t) => t.account_id,
        }
    }

    /// The nonce the transaction carries.
    pub fn nonce(&self) -> Nonce {
        match self {
            Tx::Transfer(t) => t.nonce,
            Tx::Withdraw(t) => t.nonce,
            Tx::ChangePubKey(t) => t.nonce,
            Tx::ForcedExit(t) => t.nonce,
        }
    }

    /// The validity window.
    pub fn time(&self) -> TimeWindow {
        match self {
            Tx::Transfer(t) => t.time,
            Tx::Withdraw(t) => t.time,
            Tx::ChangePubKey(t) => t.time,
            Tx::ForcedExit(t) => t.time,
        }
    }

    /// The fee: its token and packed amount.
    pub fn fee(&self) -> (TokenId, PackedFee) {
        match self {
            Tx::Transfer(t) => (t.token, t.fee),
            Tx::Withdraw(t) => (t.token, t.fee),
            Tx::ChangePubKey(t) => (t.fee_token, t.fee),
            Tx::ForcedExit(t) => (t.token, t.fee),
        }
    }

    /// The signer's key and signature.
    pub fn signature(&self) -> &TxSignature {
        match self {
            Tx::Transfer(t) => &t.signature,
            Tx::Withdraw(t) => &t.signature,
            Tx::ChangePubKey(t) => &t.signature,
            Tx::ForcedExit(t) => &t.signature,
        }
    }

    fn signature_mut(&mut self) -> &mut TxSignature {
        match self {
            Tx::Transfer(t) => &mut t.signature,
            Tx::Withdraw(t) => &mut t.signature,
            Tx::ChangePubKey(t) => &mut t.signature,
            Tx::ForcedExit(t) => &mut t.signature,
        }
    }

    /// The three body segments `[e0, e1, e2]` (see the module table).
    pub fn body_segments(&self) -> [Vec<u8>; 3] {
        let mut e0 = vec![self.tx_type()];
        e0.extend_from_slice(&self.account_id().to_be_bytes());
        let e1: [u8; 20] = match self {
            Tx::Transfer(t) => {
                e0.extend_from_slice(&t.token.to_be_bytes());
                e0.extend(t.amount.to_bytes());
                e0.extend(t.fee.to_bytes());
                t.to.0
            }
            Tx::Withdraw(t) => {
                e0.extend_from_slice(&t.token.to_be_bytes());
                e0.extend_from_slice(&t.amount.to_be_bytes());
                e0.extend(t.fee.to_bytes());
                t.to.0
            }
            Tx::ChangePubKey(t) => {
                e0.extend_from_slice(&t.fee_token.to_be_bytes());
                e0.extend(t.fee.to_bytes());
                t.new_pubkey_hash.0
            }
            Tx::ForcedExit(t) => {
                e0.extend_from_slice(&t.token.to_be_bytes());
                e0.extend(t.fee.to_bytes());
                t.target.0
            }
        };
        e0.extend_from_slice(&self.nonce().to_be_bytes());
        let time = self.time();
        let mut e2 = time.valid_from.to_be_bytes().to_vec();
        e2.extend_from_slice(&time.valid_until.to_be_bytes());
        [e0, e1.to_vec(), e2]
    }

    /// `e0 ‖ e1 ‖ e2`.
    pub fn body(&self) -> Vec<u8> {
        self.body_segments().concat()
    }

    /// `Poseidon(e0, e1, e2)`: what the L2 key signs.
    pub fn signing_message(&self) -> Fr {
        let [e0, e1, e2] = self.body_segments();
        poseidon(&[fr_from_be_bytes(&e0), fr_from_be_bytes(&e1), fr_from_be_bytes(&e2)])
    }

    /// `sha256(body)`.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.body()).into()
    }

    /// Signs with `key` (replacing any signature).
    pub fn sign(&mut self, key: &PrivateKey) {
        self.set_signature(TxSignature { pub_key: key.public_key(), signature: key.sign(self.signing_message()) });
    }

    /// Replaces the key and signature the transaction carries (whether they verify is not
    /// checked here).
    pub fn set_signature(&mut self, sig: TxSignature) {
        *self.signature_mut() = sig;
    }

    /// `self`, signed with `key`.
    pub fn signed(mut self, key: &PrivateKey) -> Self {
        self.sign(key);
        self
    }

    /// The full transaction bytes: `body ‖ A ‖ R8 ‖ S [‖ auth]`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.body();
        let s = self.signature();
        out.extend(signature_bytes(&s.pub_key, &s.signature));
        if let Tx::ChangePubKey(c) = self {
            out.extend(c.auth.to_bytes());
        }
        out
    }

    /// Decodes transaction bytes; every malformed input is a `codec.*` rejection.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tx, Rejection> {
        let mut r = Reader::new(bytes, "transaction");
        let ty = r.u8()?;
        let account_id = r.u32()?;
        let fee = |r: &mut Reader| -> Result<PackedFee, Rejection> {
            PackedFee::from_bytes(r.take(PackedFee::BYTES)?)
                .ok_or_else(|| Rejection::new(Rule::CodecAmountTooLarge, "fee"))
        };
        let time = |r: &mut Reader| -> Result<TimeWindow, Rejection> {
            Ok(TimeWindow { valid_from: r.u64()?, valid_until: r.u64()? })
        };
        let sig = |r: &mut Reader| -> Result<TxSignature, Rejection> {
            let (pub_key, signature) = r.signature()?;
            Ok(TxSignature { pub_key, signature })
        };
        let tx = match ty {
            tx_type::TRANSFER => {
                let token = r.u16()?;
                let amount = PackedAmount::from_bytes(r.take(PackedAmount::BYTES)?)
                    .ok_or_else(|| Rejection::new(Rule::CodecAmountTooLarge, "amount"))?;
                let fee = fee(&mut r)?;
                let nonce = r.u32()?;
                let to = r.address()?;
                let time = time(&mut r)?;
                Tx::Transfer(Transfer { account_id, to, token, amount, fee, nonce, time, signature: sig(&mut r)? })
            }
            tx_type::WITHDRAW => {
                let token = r.u16()?;
                let amount = r.u128()?;
                let fee = fee(&mut r)?;
                let nonce = r.u32()?;
                let to = r.address()?;
                let time = time(&mut r)?;
                Tx::Withdraw(Withdraw { account_id, to, token, amount, fee, nonce, time, signature: sig(&mut r)? })
            }
            tx_type::CHANGE_PUBKEY => {
                let fee_token = r.u16()?;
                let fee = fee(&mut r)?;
                let nonce = r.u32()?;
                let new_pubkey_hash = r.pubkey_hash()?;
                let time = time(&mut r)?;
                let signature = sig(&mut r)?;
                let auth = match r.u8()? {
                    0 => ChangePubKeyAuth::Onchain,
                    1 => ChangePubKeyAuth::Eip191(r.array()?),
                    2 => ChangePubKeyAuth::Eip712(r.array()?),
                    k => return Err(Rejection::new(Rule::CodecBadAuth, format!("unknown authorisation kind {k}"))),
                };
                Tx::ChangePubKey(ChangePubKey {
                    account_id,
                    new_pubkey_hash,
                    fee_token,
                    fee,
                    nonce,
                    time,
                    signature,
                    auth,
                })
            }
            tx_type::FORCED_EXIT => {
                let token = r.u16()?;
                let fee = fee(&mut r)?;
                let nonce = r.u32()?;
                let target = r.address()?;
                let time = time(&mut r)?;
                Tx::ForcedExit(ForcedExit { account_id, target, token, fee, nonce, time, signature: sig(&mut r)? })
            }
            other => return Err(Rejection::new(Rule::CodecUnknownTxType, format!("type byte {other}"))),
        };
        r.finish()?;
        Ok(tx)
    }
}
