//! A wallet: an L1 key, and the L2 key derived from it for one deployment as the spec defines
//! (`L1Key::derive_l2_key`: the hash of the L1 key's signature of a message naming the chain
//! and the contract), so the same L1 key gives the same L2 key on every device. It signs
//! transactions with amounts and fees packed strictly, and ChangePubKey authorisations with the
//! L1 key (EIP-191 or EIP-712), or leaves them to an on-chain fact.

use zkrollup_spec::primitives::eddsa::PrivateKey;
use zkrollup_spec::primitives::keys::{pubkey_hash, L1Key};
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::state::{AccountId, Nonce, TokenId};
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, eip712_change_pubkey_digest, L1Domain};
use zkrollup_spec::tx::{ChangePubKey, ChangePubKeyAuth, ForcedExit, Transfer, Tx, Withdraw};

use crate::amount::{pack_amount, pack_fee};
use crate::SdkError;

/// How a ChangePubKey is authorised by the account's L1 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorisation {
    /// An on-chain fact the owner set first (`setAuthPubkeyHash`), for wallets that cannot sign
    /// messages.
    Onchain,
    /// An EIP-191 `personal_sign` of the spec's message.
    Eip191,
    /// An EIP-712 signature of the spec's typed data.
    Eip712,
}

/// An L1 key and its L2 key on one deployment.
pub struct Wallet {
    l1: L1Key,
    /// The same L1 key, as alloy signs L1 transactions with it ([`crate::L1`]).
    l1_signer: alloy_signer_local::PrivateKeySigner,
    l2: PrivateKey,
    domain: L1Domain,
}

impl Wallet {
    /// The wallet of the L1 private key `secret` on the deployment `domain`.
    pub fn from_l1_key(secret: &[u8; 32], domain: L1Domain) -> Result<Self, SdkError> {
        let l1 = L1Key::from_bytes(secret).ok_or_else(|| SdkError::BadKey("not a secp256k1 private key".into()))?;
        let l1_signer = alloy_signer_local::PrivateKeySigner::from_bytes(&(*secret).into())
            .map_err(|_| SdkError::BadKey("not a secp256k1 private key".into()))?;
        let l2 = l1.derive_l2_key(&domain);
        Ok(Wallet { l1, l1_signer, l2, domain })
    }

    /// [`Wallet::from_l1_key`] from `0x`-hex (or bare hex), as key files and environment
    /// variables hold it.
    pub fn from_l1_key_hex(hex: &str, domain: L1Domain) -> Result<Self, SdkError> {
        let digits = hex.trim().trim_start_matches("0x");
        // The decoder's error names the offending character: a piece of the key, not shown.
        let bytes = ::hex::decode(digits).map_err(|_| SdkError::BadKey("not hex".into()))?;
        let secret: [u8; 32] =
            bytes.try_into().map_err(|b: Vec<u8>| SdkError::BadKey(format!("{} bytes, 32 expected", b.len())))?;
        Self::from_l1_key(&secret, domain)
    }

    /// The L1 address: the account's owner.
    pub fn address(&self) -> Address {
        self.l1.address()
    }

    /// The deployment its L2 key is for.
    pub fn domain(&self) -> L1Domain {
        self.domain
    }

    pub(crate) fn l1_signer(&self) -> alloy_signer_local::PrivateKeySigner {
        self.l1_signer.clone()
    }

    /// The hash of the L2 key, which a ChangePubKey registers.
    pub fn pubkey_hash(&self) -> PubKeyHash {
        pubkey_hash(&self.l2.public_key())
    }

    /// A transfer of `amount` of `token` from account `from` to the address `to` (its account,
    /// or a new one), paying `fee` in `token`.
    pub fn transfer(
        &self,
        from: AccountId,
        to: Address,
        (token, amount, fee): (TokenId, u128, u128),
        nonce: Nonce,
    ) -> Result<Tx, SdkError> {
        let t = Transfer {
            account_id: from,
            to,
            token,
            amount: pack_amount(amount)?,
            fee: pack_fee(fee)?,
            nonce,
            ..Default::default()
        };
        Ok(Tx::Transfer(t).signed(&self.l2))
    }

    /// A withdrawal of `amount` of `token` from account `from` to the L1 address `to`, paying
    /// `fee` in `token` (a withdrawal's amount is not packed).
    pub fn withdraw(
        &self,
        from: AccountId,
        to: Address,
        (token, amount, fee): (TokenId, u128, u128),
        nonce: Nonce,
    ) -> Result<Tx, SdkError> {
        let w = Withdraw { account_id: from, to, token, amount, fee: pack_fee(fee)?, nonce, ..Default::default() };
        Ok(Tx::Withdraw(w).signed(&self.l2))
    }

    /// A forced exit of the keyless account of `target`: its whole `token` balance to its
    /// owner on L1, `fee` paid in `token` by account `initiator`.
    pub fn forced_exit(
        &self,
        initiator: AccountId,
        target: Address,
        (token, fee): (TokenId, u128),
        nonce: Nonce,
    ) -> Result<Tx, SdkError> {
        let f = ForcedExit { account_id: initiator, target, token, fee: pack_fee(fee)?, nonce, ..Default::default() };
        Ok(Tx::ForcedExit(f).signed(&self.l2))
    }

    /// A ChangePubKey registering this wallet's L2 key on `account`, paying `fee` in
    /// `fee_token`, authorised as `auth` says.
    pub fn change_pubkey(
        &self,
        account: AccountId,
        (fee_token, fee): (TokenId, u128),
        nonce: Nonce,
        auth: Authorisation,
    ) -> Result<Tx, SdkError> {
        let pkh = self.pubkey_hash();
        let auth =
            match auth {
                Authorisation::Onchain => ChangePubKeyAuth::Onchain,
                Authorisation::Eip191 => ChangePubKeyAuth::Eip191(
                    self.l1.personal_sign(&eip191_change_pubkey_message(&self.domain, &pkh, nonce, account)),
                ),
                Authorisation::Eip712 => ChangePubKeyAuth::Eip712(self.l1.sign_digest(&eip712_change_pubkey_digest(
                    &self.domain,
                    &pkh,
                    nonce,
                    account,
                ))),
            };
        let c = ChangePubKey {
            account_id: account,
            new_pubkey_hash: pkh,
            fee_token,
            fee: pack_fee(fee)?,
            nonce,
            auth,
            ..Default::default()
        };
        Ok(Tx::ChangePubKey(c).signed(&self.l2))
    }
}
