//! The node's L1 transaction in flight, as recorded before it is sent.
//!
//! The sender keeps at most one transaction in flight, so that its nonce is known and its fate
//! decided before the next: it is signed, recorded in a [`Journal`] (the store, fsynced), and
//! only then sent. Until it is mined with the confirmations asked, every look at the chain
//! starts from the record, after a restart as well: a receipt settles it; a node that forgot it
//! gets it again (the same signed bytes); one left pending too long is replaced, with the same
//! nonce, by a version bidding higher fees ([`replacement_fees`]). Every version sent stays in
//! the record, for any of them may be the one mined.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::L1Error;

/// The transaction in flight: one nonce, every version sent with it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    /// What it does, as the status and the errors name it (`commitBlock 5`).
    pub action: String,
    /// The operator's nonce it uses.
    pub nonce: u64,
    /// The gas limit of every version.
    pub gas_limit: u64,
    /// Every version sent, the first first.
    pub attempts: Vec<Attempt>,
}

/// One signed version of the transaction in flight.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Its hash, `0x`-hex.
    pub hash: String,
    /// Its signed bytes (EIP-2718), `0x`-hex: what is sent again to a node that forgot it.
    pub raw: String,
    pub fees: Fees,
    /// When it was recorded, in milliseconds since the Unix epoch.
    pub sent_at_ms: u64,
}

/// An EIP-1559 transaction's fees, in wei per gas.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fees {
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
}

impl InFlight {
    /// The version sent last.
    pub fn last(&self) -> &Attempt {
        self.attempts.last().expect("a transaction in flight was sent at least once")
    }
}

/// Where the transaction in flight is recorded before it is sent.
pub trait Journal: Send + Sync {
    fn in_flight(&self) -> Result<Option<InFlight>, L1Error>;
    /// Records `in_flight` (durably, before the caller sends it); `None` once it is settled.
    fn record(&self, in_flight: Option<&InFlight>) -> Result<(), L1Error>;
}

/// A journal in memory, for an L1 client without a store (tools and tests): what it records
/// does not outlive the process.
#[derive(Default)]
pub struct InMemory(Mutex<Option<InFlight>>);

impl Journal for InMemory {
    fn in_flight(&self) -> Result<Option<InFlight>, L1Error> {
        Ok(self.0.lock().map_err(|_| L1Error::Other("the journal's lock is poisoned".into()))?.clone())
    }

    fn record(&self, in_flight: Option<&InFlight>) -> Result<(), L1Error> {
        *self.0.lock().map_err(|_| L1Error::Other("the journal's lock is poisoned".into()))? = in_flight.cloned();
        Ok(())
    }
}

/// The smallest raise a replacement bids over the version it replaces, in each fee, in
/// eighths: 12.5 %. Nodes refuse a replacement that does not raise both fees enough (geth and
/// reth: 10 %; anvil: any raise).
const BUMP_EIGHTHS: u128 = 1;

/// The fees of a replacement for a version sent with `last`, when the chain now asks `now`:
/// each fee at least 12.5 % above `last` and at least `now`'s, the maximum fee never above
/// `cap`, and the priority fee never above the maximum fee. `None` when that cannot raise the
/// maximum fee by 12.5 % (the cap is reached): the version sent stays the one waited for, as a
/// lower bid never replaces a higher one.
pub fn replacement_fees(last: Fees, now: Fees, cap: u128) -> Option<Fees> {
    let raised = |fee: u128| fee.saturating_add((fee * BUMP_EIGHTHS).div_ceil(8).max(1));
    let max_fee = raised(last.max_fee_per_gas).max(now.max_fee_per_gas);
    let priority = raised(last.max_priority_fee_per_gas).max(now.max_priority_fee_per_gas);
    if max_fee > cap {
        return None;
    }
    Some(Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: priority.min(max_fee) })
}

/// The fees of a first version: what the chain asks, the maximum fee capped at `cap`.
pub fn first_fees(now: Fees, cap: u128) -> Fees {
    let max_fee = now.max_fee_per_gas.min(cap);
    Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: now.max_priority_fee_per_gas.min(max_fee) }
}
