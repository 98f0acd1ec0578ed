//! Named points where the node can be made to die as under `kill -9`, for the crash tests
//! (issue 30): with `ZKROLLUP_KILL_AT=NAME` (or `NAME:N`, the N-th time it is reached) the
//! process aborts there: no destructor runs and nothing more is written, as when the machine
//! loses power. Unset, a point costs one look at a value read once.
//!
//! The points: `l1.recorded` (an L1 transaction signed and recorded in the store, not sent),
//! `l1.sent` (sent, not yet mined), `l1.settled` (mined with its confirmations, the block's
//! stage not yet recorded).

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
