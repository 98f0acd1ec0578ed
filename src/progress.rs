//! Progress on the command line's long steps (indicatif: drawn on a terminal only, so logs and
//! scripts see just the line each step ends with).

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use zkrollup_circuits::groth16::{Pk, Vk};
use zkrollup_circuits::keys::{load_or_make, CircuitKind, Origin};

/// A spinner saying what is under way, until finished.
pub(crate) fn spinner(msg: &str) -> ProgressBar {
    let s = ProgressBar::new_spinner().with_message(msg.to_string());
    s.enable_steady_tick(Duration::from_millis(120));
    s
}

/// The Groth16 keys of `kind` from `dir`, made with `seed` and cached there on first use (key
/// generation takes seconds to minutes by block size: a spinner shows it), then a line saying
/// which and how long.
pub(crate) fn keys(dir: &Path, kind: CircuitKind, seed: u64) -> Result<(Pk, Vk), String> {
    let spinner = spinner(&format!("{}: Groth16 keys (made once, then cached in {})", kind.name(), dir.display()));
    let started = Instant::now();
    let made = load_or_make(dir, kind, seed);
    spinner.finish_and_clear();
    let (pk, vk, origin) = made.map_err(|e| e.to_string())?;
    let how = if origin == Origin::Made { "made" } else { "loaded" };
    println!("  {}: keys {how} in {:.1}s", kind.name(), started.elapsed().as_secs_f64());
    Ok((pk, vk))
}
