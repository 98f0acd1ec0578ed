//! Support for tests that run the whole committed suite through an adapter.

use std::collections::BTreeSet;

use crate::harness::runner::{self, Status};
use crate::harness::Implementation;
use crate::vectors;
use crate::wire::Kind;

/// Runs the whole committed suite through `implementation` and panics, with the report, unless
/// every vector of a kind it supports passes and every vector file of those kinds contributed a
/// vector that ran.
pub fn run_everything(implementation: &mut dyn Implementation) {
    let dir = crate::committed_suite_dir();
    let files = vectors::read(&dir).expect("the committed suite reads");
    let vectors: Vec<_> = files.iter().flat_map(|f| f.vectors.clone()).collect();
    let report = runner::run(implementation, &vectors, None);
    assert!(report.ok(), "{}", report.render(false));
    let supported = vectors.iter().filter(|v| implementation.supports(v.input.kind())).count();
    assert!(supported > 0);
    assert_eq!(report.passed(), supported);
    let ran: BTreeSet<&str> =
        report.vectors.iter().filter(|v| v.status == Status::Pass).map(|v| v.name.as_str()).collect();
    let on_disk = vectors::list_files(&dir).expect("the suite's folder lists");
    let kind_of = |path: &str| Kind::ALL.into_iter().find(|k| path.starts_with(&format!("v1/{}/", k.as_str())));
    for path in on_disk.iter().filter(|p| kind_of(p).is_some_and(|k| implementation.supports(k))) {
        let file = files.iter().find(|f| &f.path == path).unwrap_or_else(|| panic!("{path} was never read"));
        assert!(file.vectors.iter().any(|v| ran.contains(v.name.as_str())), "no vector of {path} ran");
    }
}

/// A shell script in `dir` with `body`, as the command that runs it (`sh <path>`): a stand-in
/// implementation for tests of the `exec:` adapter.
pub fn child_script(dir: &std::path::Path, body: &str) -> String {
    let p = dir.join("impl.sh");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("the script is written");
    format!("sh {}", p.display())
}

/// A child answering each request with the next line of `answers` (then nothing), as the
/// command that runs it.
pub fn answering_child(dir: &std::path::Path, answers: &[serde_json::Value]) -> String {
    let text: String = answers.iter().map(|a| format!("{a}\n")).collect();
    let path = dir.join("answers.jsonl");
    std::fs::write(&path, text).expect("the answers are written");
    child_script(
        dir,
        &format!(
            "exec 3< {}\nwhile read -r line; do read -r answer <&3 || exit 0; printf '%s\\n' \"$answer\"; done",
            path.display()
        ),
    )
}
