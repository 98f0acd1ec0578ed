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

#[cfg(test)]
mod tests {
    use super::*;

    const GWEI: u128 = 1_000_000_000;

    fn fees(max: u128, priority: u128) -> Fees {
        Fees { max_fee_per_gas: max, max_priority_fee_per_gas: priority }
    }

    #[test]
    fn a_replacement_raises_both_fees_by_at_least_an_eighth() {
        // 20 gwei + 12.5 % = 22.5 gwei; 1 gwei + 12.5 % = 1.125 gwei.
        let r = replacement_fees(fees(20 * GWEI, GWEI), fees(10 * GWEI, GWEI / 2), 1000 * GWEI).unwrap();
        assert_eq!(r, fees(22_500_000_000, 1_125_000_000));
        // Rounded up, and raised even from zero or one wei.
        assert_eq!(replacement_fees(fees(9, 0), fees(0, 0), 1000).unwrap(), fees(11, 1));
        assert_eq!(replacement_fees(fees(1, 1), fees(0, 0), 1000).unwrap(), fees(2, 2));
    }

    #[test]
    fn a_replacement_bids_what_the_chain_asks_now_when_that_is_more() {
        let r = replacement_fees(fees(20 * GWEI, GWEI), fees(50 * GWEI, 3 * GWEI), 1000 * GWEI).unwrap();
        assert_eq!(r, fees(50 * GWEI, 3 * GWEI));
    }

    #[test]
    fn no_replacement_past_the_cap_and_never_a_lower_bid() {
        // 100 → 112.5 gwei is past a 110 gwei cap: no replacement, rather than a bid of 110
        // gwei that nodes would refuse (under 10 % more) or one below the last.
        assert_eq!(replacement_fees(fees(100 * GWEI, GWEI), fees(GWEI, GWEI), 110 * GWEI), None);
        assert!(replacement_fees(fees(100 * GWEI, GWEI), fees(GWEI, GWEI), 113 * GWEI).is_some());
        for (max, priority, cap) in [(7u128, 7u128, 100u128), (50, 3, 60), (1, 0, 2), (u128::MAX / 16, 1, u128::MAX)] {
            if let Some(r) = replacement_fees(fees(max, priority), fees(0, 0), cap) {
                assert!(r.max_fee_per_gas * 8 >= max * 9, "{r:?}");
                assert!(r.max_fee_per_gas <= cap && r.max_priority_fee_per_gas <= r.max_fee_per_gas, "{r:?}");
            }
        }
    }

    #[test]
    fn the_priority_fee_never_exceeds_the_maximum_fee() {
        // A priority fee raised past the maximum fee is held at it.
        let r = replacement_fees(fees(10, 10), fees(0, 40), 1000).unwrap();
        assert_eq!(r, fees(12, 12));
        assert_eq!(first_fees(fees(30 * GWEI, 2 * GWEI), 20 * GWEI), fees(20 * GWEI, 2 * GWEI));
        assert_eq!(first_fees(fees(30 * GWEI, 40 * GWEI), 20 * GWEI), fees(20 * GWEI, 20 * GWEI));
    }
}
