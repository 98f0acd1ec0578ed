//! The `exec:<command>` adapter: an implementation in any language, run as a child process
//! speaking JSON lines. The protocol (documented in conformance-vectors/README.md):
//!
//! 1. The harness starts `<command>` (through `sh -c`) once and writes one request per line
//!    to its stdin: `{"input": <VectorInput>}`.
//! 2. For each request the process writes exactly one line to stdout: `{"outcome": <Outcome>}`,
//!    or `{"unsupported": true}` for a vector it does not implement, or `{"error": "<message>"}`.
//! 3. The harness closes stdin when done; the process exits with status 0 within
//!    five seconds (anything else fails the run: [`Implementation::finish`]).
//!
//! The harness never waits without a bound: requests are written by one thread and answer
//! lines read by another, and each answer is awaited for at most [`Options::timeout`]. An
//! answer line is at most [`Options::max_line`] bytes. The child's stderr is kept, its last
//! [`STDERR_LINES`] lines, for the report. The first transport failure (a failed write, end
//! of output, no answer in time, a line that is not JSON or too long) ends the conversation:
//! the process is killed, and [`Answer::Broken`] says why, with its exit status and stderr.
//! The child runs in a process group of its own, which is killed whole when the harness is
//! done with it (after a moment's grace to exit on its own once its stdin closes) or drops it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::response::{self, Problem};
use super::{Answer, Implementation};
use crate::wire::{Kind, Outcome, VectorInput};

pub use super::response::Response;

/// How many of the child's last stderr lines a report shows.
pub const STDERR_LINES: usize = 20;

/// The longest stderr line kept (longer ones are cut).
const STDERR_LINE_BYTES: usize = 4096;

/// How long a child whose stdin was closed may take to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// How the harness talks to the child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How long to wait for each answer (from writing its request).
    pub timeout: Duration,
    /// The longest answer line accepted, in bytes, newline excluded.
    pub max_line: usize,
}

impl Default for Options {
    /// 30 s per answer, lines up to 64 MiB.
    fn default() -> Self {
        Options { timeout: Duration::from_secs(30), max_line: 64 << 20 }
    }
}

#[derive(Serialize)]
struct Request<'a> {
    input: &'a VectorInput,
}

/// What the reader and writer threads report.
enum Event {
    /// One line of stdout, newline removed.
    Line(Vec<u8>),
    /// A line longer than the limit (reading stopped).
    TooLong,
    /// stdout ended.
    Eof,
    ReadFailed(std::io::Error),
    WriteFailed(std::io::Error),
}

/// The child's stderr: its last lines, and whether it has ended.
#[derive(Default)]
struct StderrTail {
    lines: VecDeque<String>,
    /// Lines dropped from the front.
    dropped: usize,
    ended: bool,
}

type SharedTail = Arc<(Mutex<StderrTail>, Condvar)>;

/// A transport failure, and how long the child may take to exit by itself: a moment when its
/// pipes broke (it is probably exiting; its own exit status says most), none when it is alive
/// and of no further use.
struct Failure {
    reason: String,
    grace: Duration,
}

impl Failure {
    fn exiting(reason: String) -> Self {
        Failure { reason, grace: EXIT_GRACE }
    }
    fn alive(reason: String) -> Self {
        Failure { reason, grace: Duration::ZERO }
    }
}

/// How the child ended.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// By itself (an exit, or a signal other than the harness's).
    Exited(ExitStatus),
    /// Killed by the harness, still running when it gave up on it.
    Killed,
    Unknown,
}

/// An implementation run as a child process speaking JSON lines (see the module docs).
pub struct ExecImplementation {
    command: String,
    options: Options,
    child: Child,
    /// Requests to the writer thread; dropping it closes the child's stdin.
    requests: Option<Sender<String>>,
    events: Receiver<Event>,
    stderr: SharedTail,
    /// Set once the conversation has failed: why.
    broken: Option<String>,
    /// Set once the child has been reaped.
    ending: Option<Ending>,
}

impl ExecImplementation {
    /// Starts `command` with the default [`Options`].
    pub fn spawn(command: &str) -> Result<Self, String> {
        Self::spawn_with(command, Options::default())
    }

    /// Starts `command` (through `sh -c`, in a process group of its own).
    pub fn spawn_with(command: &str, options: Options) -> Result<Self, String> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| format!("cannot start {command:?}: {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        // Bounded: a child flooding stdout fills this, then its pipe, then blocks.
        let (events_tx, events) = mpsc::sync_channel(4);
        let (requests, requests_rx) = mpsc::channel();
        let tail: SharedTail = Arc::default();
        spawn_thread("exec-writer", {
            let events_tx = events_tx.clone();
            move || write_requests(stdin, requests_rx, events_tx)
        })?;
        spawn_thread("exec-reader", move || read_answers(stdout, options.max_line, events_tx))?;
        spawn_thread("exec-stderr", {
            let tail = tail.clone();
            move || read_stderr(stderr, tail)
        })?;
        Ok(ExecImplementation {
            command: command.to_string(),
            options,
            child,
            requests: Some(requests),
            events,
            stderr: tail,
            broken: None,
            ending: None,
        })
    }

    /// The process's id (its process group's too).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// One request, one answer line: the answer (or why the line is not one), or the transport
    /// failure that ended the conversation.
    fn ask(&mut self, input: &VectorInput) -> Result<Result<Response, String>, Failure> {
        // A line already waiting before the request is sent answers nothing: the child wrote
        // more lines than it was asked for (a second answer to an earlier vector, caught here
        // or at the next request, whichever it reaches first). Anything else waiting is what
        // the answer would have been.
        let early = self.events.try_recv().ok();
        if let Some(Event::Line(bytes)) = &early {
            let what = unsolicited(bytes, "the answers counted before this vector");
            return Err(Failure::alive(format!("the implementation, before this vector's request, {what}")));
        }
        let line = serde_json::to_string(&Request { input }).expect("inputs serialise");
        let sent = early.is_none() && self.requests.as_ref().is_some_and(|r| r.send(line).is_ok());
        let deadline = Instant::now() + self.options.timeout;
        let event = if let Some(e) = early {
            e
        } else if sent {
            match self.events.recv_timeout(self.options.timeout) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(Failure::alive(format!(
                        "no answer within {} (--timeout)",
                        seconds(self.options.timeout)
                    )))
                }
                Err(RecvTimeoutError::Disconnected) => Event::Eof,
            }
        } else {
            // The writer has stopped; its reason is waiting (or stdout ended).
            self.events.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or(Event::Eof)
        };
        match event {
            Event::Line(bytes) => {
                let text =
                    String::from_utf8(bytes).map_err(|_| Failure::alive("unreadable answer: not UTF-8".into()))?;
                match response::parse(&text) {
                    Ok(r) => Ok(Ok(r)),
                    Err(Problem::NotJson(m)) => Err(Failure::alive(format!("unreadable answer: {m}"))),
                    Err(Problem::Shape(m)) => Ok(Err(format!("malformed answer: {m}"))),
                }
            }
            Event::TooLong => Err(Failure::alive(format!(
                "unreadable answer: a line longer than {} without a newline",
                bytes(self.options.max_line)
            ))),
            Event::Eof => Err(Failure::exiting("the process closed its stdout (did it exit?)".into())),
            Event::ReadFailed(e) => Err(Failure::exiting(format!("reading from the process: {e}"))),
            Event::WriteFailed(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                Err(Failure::exiting("the process stopped reading its stdin (it closed it, or exited)".into()))
            }
            Event::WriteFailed(e) => Err(Failure::exiting(format!("writing to the process: {e}"))),
        }
    }

    /// Ends the conversation: closes stdin, lets the child exit within `grace`, kills its
    /// process group, reaps it. Returns how it ended.
    fn stop(&mut self, grace: Duration) -> Ending {
        if let Some(e) = self.ending {
            return e;
        }
        drop(self.requests.take());
        let until = Instant::now() + grace;
        let mut status = None;
        loop {
            match self.child.try_wait() {
                Ok(Some(s)) => {
                    status = Some(s);
                    break;
                }
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(5)),
                _ => break,
            }
        }
        // The whole group: `sh -c` may have forked the implementation rather than exec'd it.
        #[cfg(unix)]
        if let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = self.child.kill();
        let ending = match status {
            Some(s) => Ending::Exited(s),
            None => match self.child.wait() {
                Ok(s) if killed_by_sigkill(s) => Ending::Killed,
                Ok(s) => Ending::Exited(s),
                Err(_) => Ending::Unknown,
            },
        };
        self.ending = Some(ending);
        ending
    }

    /// Why the conversation failed, with how the process ended and its last stderr lines.
    fn diagnose(&mut self, reason: String, grace: Duration) -> String {
        let mut out = reason;
        match self.stop(grace) {
            Ending::Exited(s) => out.push_str(&format!("\nthe process {}", describe(s))),
            Ending::Killed => out.push_str("\nthe process was still running: the harness killed it"),
            Ending::Unknown => out.push_str("\nthe process's exit status is unknown"),
        }
        out + &self.stderr_tail()
    }

    /// The child's last stderr lines, each on a line of its own after a line saying how many.
    fn stderr_tail(&self) -> String {
        let mut out = String::new();
        // Let the stderr thread take in what the process wrote last (not forever: a grandchild
        // outside the group may still hold the pipe).
        let (lock, ended) = &*self.stderr;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (tail, _) =
            ended.wait_timeout_while(guard, Duration::from_secs(2), |t| !t.ended).unwrap_or_else(|e| e.into_inner());
        if tail.lines.is_empty() {
            out.push_str("\nits stderr was empty");
        } else {
            let n = tail.lines.len();
            let which = match (n, tail.dropped) {
                (1, 0) => "its one line".to_string(),
                (n, 0) => format!("all {n} lines"),
                (n, d) => format!("last {n} of {} lines", n + d),
            };
            out.push_str(&format!("\nits stderr ({which}):"));
            for line in &tail.lines {
                out.push_str(&format!("\n  | {line}"));
            }
        }
        out
    }
}

impl Implementation for ExecImplementation {
    fn name(&self) -> String {
        format!("exec:{}", self.command)
    }

    /// Every kind is asked for: an `unsupported` answer skips that vector only (an
    /// implementation that declined one vector of a kind is still asked the next).
    fn supports(&self, _: Kind) -> bool {
        true
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        match self.answer(input) {
            Answer::Outcome(outcome) => Ok(outcome),
            Answer::Unsupported => Err(format!("declined (a {} vector)", input.kind().as_str())),
            Answer::Error(e) | Answer::Broken(e) => Err(e),
        }
    }

    /// Closes the child's stdin: it must exit with success within [`EXIT_GRACE`]. A non-zero
    /// status, a signal (named) or no exit is a failure, with its last stderr lines.
    fn finish(&mut self) -> Result<(), String> {
        if self.broken.is_some() {
            return Ok(()); // already reported, where the run stopped
        }
        let ending = self.stop(EXIT_GRACE);
        // What it wrote after its last answer, up to the end of its stdout.
        while let Ok(event) = self.events.recv_timeout(Duration::from_secs(2)) {
            match event {
                Event::Line(bytes) => return Err(unsolicited(&bytes, "every answer counted") + &self.stderr_tail()),
                Event::Eof | Event::ReadFailed(_) | Event::TooLong => break,
                Event::WriteFailed(_) => {}
            }
        }
        let how = match ending {
            Ending::Exited(s) if s.success() => return Ok(()),
            Ending::Exited(s) => describe(s),
            Ending::Killed => format!("did not exit within {EXIT_GRACE:?} of its stdin closing: the harness killed it"),
            Ending::Unknown => "ended with an unknown exit status".to_string(),
        };
        Err(how + &self.stderr_tail())
    }

    fn answer(&mut self, input: &VectorInput) -> Answer {
        if let Some(why) = &self.broken {
            return Answer::Broken(format!(
                "the process stopped answering earlier: {}",
                why.lines().next().unwrap_or("")
            ));
        }
        match self.ask(input) {
            Ok(Ok(Response::Outcome { outcome })) => Answer::Outcome(outcome),
            Ok(Ok(Response::Unsupported { .. })) => Answer::Unsupported,
            Ok(Ok(Response::Error { error })) => {
                Answer::Error(format!("the implementation's error: {}", super::runner::capped(&error)))
            }
            Ok(Err(malformed)) => Answer::Error(malformed),
            Err(Failure { reason, grace }) => {
                let why = self.diagnose(reason, grace);
                self.broken = Some(why.clone());
                Answer::Broken(why)
            }
        }
    }
}

impl Drop for ExecImplementation {
    fn drop(&mut self) {
        self.stop(EXIT_GRACE);
    }
}

fn spawn_thread(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), String> {
    thread::Builder::new().name(name.into()).spawn(f).map(drop).map_err(|e| format!("starting a thread: {e}"))
}

fn write_requests(mut stdin: ChildStdin, requests: Receiver<String>, events: SyncSender<Event>) {
    for line in requests {
        if let Err(e) =
            stdin.write_all(line.as_bytes()).and_then(|_| stdin.write_all(b"\n")).and_then(|_| stdin.flush())
        {
            let _ = events.send(Event::WriteFailed(e));
            return;
        }
    }
}

fn read_answers(stdout: ChildStdout, max_line: usize, events: SyncSender<Event>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        let limit = max_line as u64 + 1; // the newline
        let event = match (&mut reader).take(limit).read_until(b'\n', &mut line) {
            Ok(0) => Event::Eof,
            Ok(_) if line.last() == Some(&b'\n') => {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Event::Line(line)
            }
            Ok(n) if n as u64 == limit => Event::TooLong,
            Ok(_) => Event::Line(line), // a last line without a newline
            Err(e) => Event::ReadFailed(e),
        };
        let last = matches!(event, Event::Eof | Event::TooLong | Event::ReadFailed(_));
        if events.send(event).is_err() || last {
            return;
        }
    }
}

fn read_stderr(stderr: ChildStderr, tail: SharedTail) {
    let mut reader = BufReader::new(stderr);
    loop {
        let mut line = Vec::new();
        match (&mut reader).take(STDERR_LINE_BYTES as u64).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                let mut t = tail.0.lock().unwrap_or_else(|e| e.into_inner());
                t.lines.push_back(text);
                if t.lines.len() > STDERR_LINES {
                    t.lines.pop_front();
                    t.dropped += 1;
                }
            }
        }
    }
    tail.0.lock().unwrap_or_else(|e| e.into_inner()).ended = true;
    tail.1.notify_all();
}

fn killed_by_sigkill(status: ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(9)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        true
    }
}

/// `exited with status 3`, `was killed by signal 11 (SIGSEGV)`.
fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        // `sh -c` reports its command's death by signal N as status 128 + N.
        return match code - 128 {
            sig @ 1..=64 => format!(
                "exited with status {code} (as `sh` reports a command killed by signal {sig}{})",
                signal_name(sig)
            ),
            _ => format!("exited with status {code}"),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("was killed by signal {sig}{}", signal_name(sig));
        }
    }
    format!("ended: {status}")
}

/// What a line of stdout that answers no request says of the implementation; `suspect`: the
/// answers it may have shifted (a duplicate that arrived after the next request was sent was
/// taken as that request's answer).
fn unsolicited(bytes: &[u8], suspect: &str) -> String {
    let text = String::from_utf8_lossy(bytes);
    format!(
        "wrote a line nobody asked for: more lines than requests (did it answer a vector twice? {suspect} may \
         belong to other vectors): {}",
        super::runner::truncate(&text, 200)
    )
}

/// ` (SIGSEGV)` for the signals a crashing or stopped process usually dies by; empty for others.
fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

fn bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}
