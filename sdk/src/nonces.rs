//! Nonces for one account shared by several tasks: each submission signs with the next nonce
//! and sends, one at a time for the account, so that no two transactions carry the same nonce
//! and a refused one leaves no gap. Submitting takes milliseconds (the node answers once the
//! transaction is durable), so holding the account's turn across it costs little; waiting for
//! blocks happens after, outside the turn, through the handles.

use tokio::sync::Mutex;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::Nonce;
use zkrollup_spec::tx::Tx;

use crate::{Provider, SdkError, TxHandle};

/// The nonces of the account of `address`, for every task sending from it (share it in an
/// `Arc`).
pub struct NonceManager {
    provider: Provider,
    address: Address,
    /// The next nonce to hand out; `None` until read from the node, and again after a
    /// submission that failed (the node's count is then the truth).
    next: Mutex<Option<Nonce>>,
}

impl NonceManager {
    /// Nonces for `address`'s account, read from `provider`'s node when first needed.
    pub fn new(provider: Provider, address: Address) -> Self {
        NonceManager { provider, address, next: Mutex::new(None) }
    }

    /// Signs a transaction with the account's next nonce (`sign` builds it) and submits it.
    /// The nonce is spent only if the node takes the transaction: after a refusal (or a node
    /// that did not answer) the next submission asks the node for its count again.
    pub async fn submit(&self, sign: impl FnOnce(Nonce) -> Result<Tx, SdkError>) -> Result<TxHandle, SdkError> {
        let mut next = self.next.lock().await;
        let nonce = match *next {
            Some(n) => n,
            None => self.read().await?,
        };
        let submitted = match sign(nonce) {
            Ok(tx) => self.provider.submit(&tx).await,
            Err(e) => {
                // Nothing was sent: the nonce is still the next one.
                *next = Some(nonce);
                return Err(e);
            }
        };
        *next = submitted.as_ref().ok().map(|_| nonce + 1);
        submitted
    }

    /// Forgets the local count, so the next submission reads the node's: after a transaction
    /// taken by the node was dropped before its block (its nonce was never used).
    pub async fn resync(&self) {
        *self.next.lock().await = None;
    }

    /// The node's next nonce for the account, counting its transactions waiting in the mempool.
    async fn read(&self) -> Result<Nonce, SdkError> {
        let account = self.provider.account(&self.address).await?;
        account.map(|a| a.next_nonce).ok_or_else(|| SdkError::Node(format!("{} has no account yet", self.address)))
    }
}
