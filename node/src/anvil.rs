//! anvil, Foundry's Ethereum node: the real L1 the node's tests run against. It is pinned by
//! `tools/anvil/package-lock.json` (the binary ships inside the npm package; `npm ci` there,
//! which `.ci/run` does), started on a free loopback port, and killed with its handle.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long anvil may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// The lines of anvil's stderr kept to explain a failed start.
const KEPT_ERROR_LINES: usize = 20;

/// A running anvil; dropping it kills the process.
pub struct Anvil {
    child: Child,
    /// Its JSON-RPC endpoint, `http://127.0.0.1:PORT`.
    pub url: String,
}

/// Why anvil did not start.
#[derive(Debug, thiserror::Error)]
pub enum AnvilError {
    #[error("anvil is not installed at {0}: run `npm ci` in tools/anvil (or set ZKROLLUP_ANVIL to a binary)")]
    NotInstalled(PathBuf),
    #[error("anvil did not start: {0}")]
    Failed(String),
}

/// The anvil binary: `$ZKROLLUP_ANVIL`, else the pinned one for this machine's OS and CPU.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("ZKROLLUP_ANVIL") {
        return path.into();
    }
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        os => os,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        arch => arch,
    };
    let exe = if cfg!(windows) { "anvil.exe" } else { "anvil" };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tools/anvil/node_modules/@foundry-rs")
        .join(format!("anvil-{os}-{arch}/bin/{exe}"))
}

impl Anvil {
    /// Starts anvil on a free loopback port with the rules revm runs by default (Osaka, with the
    /// per-transaction gas cap of EIP-7825 enforced) and `args` after them (`--chain-id 5`).
    pub fn start(args: &[&str]) -> Result<Anvil, AnvilError> {
        let bin = binary();
        if !bin.exists() {
            return Err(AnvilError::NotInstalled(bin));
        }
        let mut child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", "0", "--hardfork", "osaka", "--enable-tx-gas-limit"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| AnvilError::Failed(format!("{}: {e}", bin.display())))?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (found, listening) = mpsc::channel();
        // The readers drain anvil's output for its whole life (a full pipe would stall it); the
        // last lines of stderr explain a failed start.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("Listening on ") {
                    if let Some(f) = found.take() {
                        let _ = f.send(addr.trim().to_string());
                    }
                }
            }
        });
        let stderr_reader = std::thread::spawn(move || {
            let mut kept = VecDeque::with_capacity(KEPT_ERROR_LINES);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if kept.len() == KEPT_ERROR_LINES {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
            kept
        });
        match listening.recv_timeout(START_TIMEOUT) {
            Ok(addr) => Ok(Anvil { child, url: format!("http://{addr}") }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let said = Vec::from(stderr_reader.join().unwrap_or_default()); // its pipe closed with anvil
                Err(AnvilError::Failed(format!(
                    "it exited, or was not listening within {} s; {}",
                    START_TIMEOUT.as_secs(),
                    said.join("\n").trim()
                )))
            }
        }
    }

    /// [`Anvil::start`] for a test: `None` when anvil is not installed, said as NOT CHECKED,
    /// except under `CI=true`, where a missing anvil fails the test like any other start failure.
    pub fn start_for_test(args: &[&str]) -> Option<Anvil> {
        match Anvil::start(args) {
            Ok(a) => Some(a),
            Err(e @ AnvilError::NotInstalled(_)) if std::env::var("CI").as_deref() != Ok("true") => {
                eprintln!("NOT CHECKED: {e}");
                None
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// A client of this anvil, for its own methods too (`alloy_provider::ext::AnvilApi`:
    /// snapshots, reverts, mining).
    pub fn provider(&self) -> alloy_provider::DynProvider {
        use alloy_provider::{Provider, ProviderBuilder};
        ProviderBuilder::new().connect_http(self.url.parse().expect("anvil's own URL parses")).erased()
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// anvil's funded development keys: its default mnemonic's, which the development chain funds
/// too (public knowledge, for tests only).
pub use zkrollup_devchain::DEV_KEYS;
