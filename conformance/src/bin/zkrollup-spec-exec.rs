//! The executable specification behind the `exec:` protocol: reads `{"input": …}` lines on
//! stdin and answers `{"outcome": …}` lines on stdout. It exists to prove the protocol end to
//! end (`conformance --impl exec:zkrollup-spec-exec`) and as a template for outside
//! implementations.

use std::io::{self, BufRead, Write};

use serde::Deserialize;
use zkrollup_conformance::expected;
use zkrollup_conformance::harness::exec::Response;
use zkrollup_conformance::wire::VectorInput;

#[derive(Deserialize)]
struct Request {
    input: VectorInput,
}

fn main() {
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(req) => match expected::outcome(&req.input) {
                Ok(outcome) => Response::Outcome { outcome },
                Err(e) => Response::Error { error: e.to_string() },
            },
            Err(e) => Response::Error { error: format!("unreadable request: {e}") },
        };
        let text = serde_json::to_string(&response).expect("responses serialise");
        if writeln!(stdout, "{text}").and_then(|_| stdout.flush()).is_err() {
            break;
        }
    }
}
