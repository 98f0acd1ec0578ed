//! The `exec:<command>` adapter: an implementation in any language, run as a child process
//! speaking JSON lines. The protocol (documented in conformance-vectors/README.md):
//!
//! 1. The harness starts `<command>` (through `sh -c`) once and writes one request per line
//!    to its stdin: `{"input": <VectorInput>}`.
//! 2. For each request the process writes exactly one line to stdout: `{"outcome": <Outcome>}`,
//!    or `{"unsupported": true}` for a kind it does not implement, or `{"error": "<message>"}`.
//! 3. The harness closes stdin when done; the process exits.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

use super::Implementation;
use crate::wire::{Kind, Outcome, VectorInput};

#[derive(Serialize)]
struct Request<'a> {
    input: &'a VectorInput,
}

/// One response line.
#[allow(clippy::large_enum_variant)] // one per line, never stored
#[derive(Serialize, Deserialize, Debug)]
#[serde(untagged)]
pub enum Response {
    /// `{"outcome": …}`: the implementation's answer.
    Outcome {
        /// The outcome, shaped as the vector's expected one.
        outcome: Outcome,
    },
    /// `{"unsupported": true}`: the implementation does not take this vector's kind.
    Unsupported {
        /// `true` (any boolean is read as unsupported).
        unsupported: bool,
    },
    /// `{"error": "…"}`: the implementation could not answer.
    Error {
        /// Why.
        error: String,
    },
}

/// An outside implementation run as a child process speaking the JSON-lines protocol above.
pub struct ExecImplementation {
    command: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    unsupported: Vec<Kind>,
}

impl ExecImplementation {
    /// Starts `command` through `sh -c`, with its stdin and stdout piped.
    pub fn spawn(command: &str) -> Result<Self, String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(ExecImplementation { command: command.to_string(), child, stdin, stdout, unsupported: Vec::new() })
    }

    fn ask(&mut self, input: &VectorInput) -> Result<Response, String> {
        let stdin = self.stdin.as_mut().ok_or("the process's stdin is closed")?;
        let line = serde_json::to_string(&Request { input }).expect("inputs serialise");
        writeln!(stdin, "{line}").and_then(|_| stdin.flush()).map_err(|e| format!("writing to the process: {e}"))?;
        let mut answer = String::new();
        let n = self.stdout.read_line(&mut answer).map_err(|e| format!("reading from the process: {e}"))?;
        if n == 0 {
            return Err("the process closed its stdout (did it exit?)".into());
        }
        serde_json::from_str(&answer).map_err(|e| format!("unreadable answer ({e}): {}", answer.trim()))
    }
}

impl Implementation for ExecImplementation {
    fn name(&self) -> String {
        format!("exec:{}", self.command)
    }

    fn supports(&self, kind: Kind) -> bool {
        !self.unsupported.contains(&kind)
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        match self.ask(input)? {
            Response::Outcome { outcome } => Ok(outcome),
            Response::Unsupported { .. } => {
                self.unsupported.push(input.kind());
                Err(format!("kind {} unsupported", input.kind().as_str()))
            }
            Response::Error { error } => Err(error),
        }
    }
}

impl Drop for ExecImplementation {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
