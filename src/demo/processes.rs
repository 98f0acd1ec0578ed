//! The demo's L1 and node: this binary's own `zkrollup l1` and `zkrollup node`, each started as
//! a process of its own, as an operator runs them. The demo reads what each prints (its URL,
//! its deployment) line by line; what they log goes to a file beside the demo's work, named in
//! any error. A process still running when its handle is dropped is killed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A child process of this binary.
pub(crate) struct Process {
    name: &'static str,
    child: Child,
    lines: mpsc::Receiver<String>,
    /// The lines read so far (a line may hold several markers).
    seen: Vec<String>,
    /// Where its stdout (as read) and its stderr go.
    log: PathBuf,
}

impl Process {
    /// Starts `zkrollup ARGS` with `env` set, logging to `log`.
    pub(crate) fn start(name: &'static str, args: &[&str], env: &[(&str, &str)], log: &Path) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| format!("this binary's path: {e}"))?;
        let stderr = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut child = Command::new(exe)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("starting zkrollup {name}: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Process { name, child, lines, seen: Vec::new(), log: log.to_path_buf() })
    }

    /// Waits up to `limit` for a line holding `marker`: the word that follows it there.
    pub(crate) fn after(&mut self, marker: &str, limit: Duration) -> Result<String, String> {
        let found = |line: &String| Some(line.split(marker).nth(1)?.split_whitespace().next()?.to_string());
        if let Some(word) = self.seen.iter().find_map(found) {
            return Ok(word);
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let word = found(&line);
                    self.seen.push(line);
                    if let Some(word) = word {
                        return Ok(word);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(self.failed(&format!("printed no `{marker}` within {limit:?}")))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                    return Err(self.failed(&format!("ended ({status}) before printing `{marker}`")));
                }
            }
        }
    }

    /// Asks it to stop (SIGTERM, as a service manager does) and waits up to `limit` for a clean
    /// exit.
    pub(crate) fn stop(mut self, limit: Duration) -> Result<(), String> {
        use rustix::process::{kill_process, Pid, Signal};
        let pid = Pid::from_child(&self.child);
        kill_process(pid, Signal::TERM).map_err(|e| format!("SIGTERM to zkrollup {}: {e}", self.name))?;
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return match status.success() {
                    true => Ok(()),
                    false => Err(self.failed(&format!("stopped with {status}"))),
                };
            }
            if Instant::now() > deadline {
                return Err(self.failed(&format!("did not stop within {limit:?} of SIGTERM")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn failed(&self, what: &str) -> String {
        format!("zkrollup {} {what} (its log: {})", self.name, self.log.display())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
