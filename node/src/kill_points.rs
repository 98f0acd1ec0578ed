//! Named points where the node can be made to die as under `kill -9`, for the crash tests
//! (issue 30): with `ZKROLLUP_KILL_AT=NAME` (or `NAME:N`, the N-th time it is reached) the
//! process aborts there: no destructor runs and nothing more is written, as when the machine
//! loses power. Unset, a point costs one look at a value read once.
//!
//! The points, in the order a transaction meets them:
//! - `accept.durable`: a group of transactions written to the store, their senders not yet
//!   answered (they never get their receipts);
//! - `store.write`: any write to the store, its changes staged and not committed (what it
//!   wrote is lost: the accepted transactions, a sealed block, a proof, an L1 step);
//! - `seal.durable`: a block sealed and stored, not yet witnessed or proven;
//! - `prover.witnessed`: a block's witness built, its proof not begun; `prover.proved`: the
//!   proof made, not stored;
//! - `l1.recorded` (an L1 transaction signed and recorded in the store, not sent), `l1.sent`
//!   (sent, not yet mined), `l1.settled` (mined with its confirmations, the block's stage not
//!   yet recorded).
//!
//! `store.write:N` counts every write of the store (each group accepted, priority operation,
//! seal, proof and L1 step), so a sweep over N dies inside each kind of write in turn.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable naming the point to die at.
pub const VAR: &str = "ZKROLLUP_KILL_AT";

/// The point to die at and the time it is reached to die on, from [`VAR`].
fn target() -> Option<&'static (String, u64)> {
    static TARGET: OnceLock<Option<(String, u64)>> = OnceLock::new();
    TARGET
        .get_or_init(|| {
            let v = std::env::var(VAR).ok()?;
            let (name, n) = v.split_once(':').unwrap_or((&v, "1"));
            // A count that does not parse is taken as the first time: the run dies, loudly.
            Some((name.to_string(), n.parse().unwrap_or(1)))
        })
        .as_ref()
}

/// Dies here if [`VAR`] names `name` and this is the time it counts.
pub fn reached(name: &str) {
    static TIMES: AtomicU64 = AtomicU64::new(0);
    let Some((target, n)) = target() else { return };
    if target == name && TIMES.fetch_add(1, Ordering::Relaxed) + 1 == *n {
        eprintln!("{VAR}={target}:{n}: the node dies here");
        std::process::abort();
    }
}
