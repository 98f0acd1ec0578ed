//! What the tests of processes share: the built binary run with a guard against hangs, servers
//! (`zkrollup l1`, `zkrollup node`) left running while a test reads their output, and the
//! Groth16 keys their nodes load, made once.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_zkrollup");

/// A fresh, empty temporary folder, removed when dropped.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("zkrollup-test-").tempdir().expect("a temporary folder")
}

/// How long a run may take before it counts as hung and is killed: a guard against a hang, not
/// a speed target (the tests share two cores with the rest of the suite).
pub(crate) const HANG_GUARD: Duration = Duration::from_secs(300);

/// Runs `cmd` to its end, its output collected; killed, failing the test, if it outlives
/// [`HANG_GUARD`].
pub(crate) fn output_of(mut cmd: Command) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs");
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut pipe.expect("piped"), &mut bytes).map(|_| bytes).unwrap_or_default()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = ended(&mut child, Instant::now(), &format!("{cmd:?}"));
    Output { status, stdout: out.join().expect("read"), stderr: err.join().expect("read") }
}

/// `child`'s exit status, once it ends; killed, failing the test, if it is still running
/// [`HANG_GUARD`] after `started`.
pub(crate) fn ended(child: &mut std::process::Child, started: Instant, what: &str) -> std::process::ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("{what} did not end within {HANG_GUARD:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A command left running (a server), its output lines read as they come; killed when dropped.
pub(crate) struct Serving {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Serving {
    pub(crate) fn start(mut cmd: Command) -> Serving {
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("runs");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Serving { child, lines, seen: Vec::new() }
    }

    /// What follows `marker` on the first line of the output that holds it, up to the next
    /// space; fails the test if the command ends or [`HANG_GUARD`] passes first.
    pub(crate) fn after(&mut self, marker: &str) -> String {
        self.try_after(marker)
            .unwrap_or_else(|| panic!("no {marker:?} in the output: the command ended:\n{}", self.seen.join("\n")))
    }

    /// [`Serving::after`], or `None` if the command's output ends first (it died); fails the
    /// test if [`HANG_GUARD`] passes first.
    pub(crate) fn try_after(&mut self, marker: &str) -> Option<String> {
        let found = |l: &String| l.split(marker).nth(1).map(|r| r.split_whitespace().next().unwrap_or("").to_string());
        if let Some(v) = self.seen.iter().find_map(found) {
            return Some(v);
        }
        let started = Instant::now();
        loop {
            let wait = HANG_GUARD.saturating_sub(started.elapsed());
            let line = match self.lines.recv_timeout(wait) {
                Ok(line) => line,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("no {marker:?} in the output within {HANG_GUARD:?}:\n{}", self.seen.join("\n"))
                }
            };
            let v = found(&line);
            self.seen.push(line);
            if v.is_some() {
                return v;
            }
        }
    }

    /// Its exit status, once it ends (within [`HANG_GUARD`]).
    pub(crate) fn ended(&mut self) -> std::process::ExitStatus {
        ended(&mut self.child, Instant::now(), "a served command")
    }

    /// Whether it has ended.
    pub(crate) fn has_ended(&mut self) -> bool {
        self.child.try_wait().expect("waits").is_some()
    }

    /// Asks it to stop with SIGTERM, as `kill` and service managers do, and waits for it to end
    /// (within [`HANG_GUARD`]).
    pub(crate) fn terminate(&mut self) -> std::process::ExitStatus {
        use rustix::process::{kill_process, Pid, Signal};
        let pid = Pid::from_raw(self.child.id() as i32).expect("a child's pid is positive");
        kill_process(pid, Signal::TERM).expect("SIGTERM is sent");
        self.ended()
    }

    /// Kills it with SIGKILL, as `kill -9` does, and waits for it.
    pub(crate) fn kill(&mut self) -> std::process::ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("waits")
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folder of the 8-chunk block keys and the exit keys that the node and L1 processes of
/// these tests load: made by the first test to ask while the others wait (two processes making
/// them at once would each spend the whole setup), so that the tests of processes run side by
/// side rather than one at a time.
pub(crate) fn node_keys() -> String {
    use zkrollup_circuits::keys::{load_or_make, CircuitKind};
    use zkrollup_node::dev::{BLOCK_SETUP_SEED, EXIT_SETUP_SEED};
    static MADE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let dir = MADE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("zkrollup-keys");
        load_or_make(&dir, CircuitKind::Block(8), BLOCK_SETUP_SEED).expect("the 8-chunk keys");
        load_or_make(&dir, CircuitKind::Exit, EXIT_SETUP_SEED).expect("the exit keys");
        dir
    });
    dir.display().to_string()
}

/// What the tests of processes share: a temporary folder, the keys' folder ([`node_keys`]) and
/// the node's data folder in the temporary one.
pub(crate) fn process_setup() -> (tempfile::TempDir, String, String) {
    let dir = temp_dir();
    let data = dir.path().join("data").display().to_string();
    (dir, node_keys(), data)
}

/// `zkrollup l1` in a process of its own: the URL, the rollup, the L1 block it was deployed in,
/// and the test ERC-20 (token 1), from what it prints.
pub(crate) fn l1_process(keys: &str) -> (Serving, String, String, String, String) {
    let mut c = Command::new(BIN);
    c.args(["l1", "--listen", "127.0.0.1:0", "--block-chunks", "8", "--keys", keys]);
    let mut l1 = Serving::start(c);
    let url = l1.after("listening on ");
    let token = l1.after("token 1: ");
    let (rollup, from_block) = (l1.after("--rollup "), l1.after("--l1-from-block "));
    (l1, url, rollup, from_block, token)
}

/// `zkrollup node` in a process of its own on the L1 that `l1` names (`--l1-url …`), with the
/// 8-chunk `keys` and its store in `data`, sealing after 1 s, sending with dev key 0; killed at
/// `kill_at` if given (`ZKROLLUP_KILL_AT`).
pub(crate) fn node_process(l1: &[&str], [keys, data]: [&str; 2], kill_at: Option<&str>) -> Serving {
    let mut c = Command::new(BIN);
    c.arg("node")
        .args(l1)
        .args(["--block-chunks", "8", "--seal-timeout", "1", "--listen", "127.0.0.1:0"])
        .args(["--keys", keys, "--data-dir", data])
        .env("ZKROLLUP_L1_KEY", zkrollup_node::anvil::DEV_KEYS[0])
        .env_remove(zkrollup_node::kill_points::VAR);
    if let Some(point) = kill_at {
        c.env(zkrollup_node::kill_points::VAR, point);
    }
    Serving::start(c)
}
