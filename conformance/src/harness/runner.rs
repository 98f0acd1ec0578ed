//! Runs vectors through an implementation and reports, per vector, pass, fail (with the first
//! difference), skip or error, then a summary.

use std::fmt::Write as _;

use serde_json::Value;

use super::Implementation;
use crate::wire::Vector;

/// How one vector went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The outcome equals the expected one.
    Pass,
    /// The outcome differs; the first difference.
    Fail(Difference),
    /// The implementation does not support the vector's kind.
    Skip,
    /// The implementation could not answer.
    Error(String),
}

/// The first place two JSON values differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// A JSON path such as `$.verdict.post_root` or `$.results[3].rule`.
    pub path: String,
    /// The expected value there, as JSON (cut at 200 bytes), or `(absent)`.
    pub expected: String,
    /// The actual value there, likewise, or `(missing)`.
    pub actual: String,
}

/// How one vector went.
#[derive(Clone, Debug)]
pub struct VectorReport {
    /// The vector's name.
    pub name: String,
    /// Its status.
    pub status: Status,
}

/// The result of a run: a status per vector.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The implementation's name.
    pub implementation: String,
    /// The vectors run, in order.
    pub vectors: Vec<VectorReport>,
}

impl Report {
    /// The vectors whose status satisfies `f`.
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.vectors.iter().filter(|v| f(&v.status)).count()
    }
    /// Vectors that passed.
    pub fn passed(&self) -> usize {
        self.count(|s| *s == Status::Pass)
    }
    /// Vectors whose outcome differed.
    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Fail(_)))
    }
    /// Vectors the implementation could not answer.
    pub fn errors(&self) -> usize {
        self.count(|s| matches!(s, Status::Error(_)))
    }
    /// Vectors of kinds the implementation does not support.
    pub fn skipped(&self) -> usize {
        self.count(|s| *s == Status::Skip)
    }
    /// Whether nothing failed and nothing errored (skips are fine).
    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.errors() == 0
    }

    /// The human-readable report: a line per vector (failures with their difference), then
    /// the summary line `N passed, N failed, N skipped`.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        for v in &self.vectors {
            match &v.status {
                Status::Pass if verbose => writeln!(out, "pass  {}", v.name).unwrap(),
                Status::Pass | Status::Skip => {}
                Status::Fail(d) => {
                    writeln!(out, "FAIL  {}", v.name).unwrap();
                    writeln!(out, "      first difference at {}", d.path).unwrap();
                    writeln!(out, "        expected: {}", d.expected).unwrap();
                    writeln!(out, "        actual:   {}", d.actual).unwrap();
                }
                Status::Error(e) => writeln!(out, "ERROR {}: {e}", v.name).unwrap(),
            }
        }
        writeln!(
            out,
            "{}: {} passed, {} failed, {} skipped{}",
            self.implementation,
            self.passed(),
            self.failed() + self.errors(),
            self.skipped(),
            if self.errors() > 0 { format!(" ({} errors)", self.errors()) } else { String::new() }
        )
        .unwrap();
        out
    }
}

/// Runs every vector whose name contains `filter` through `implementation`.
pub fn run(implementation: &mut dyn Implementation, vectors: &[Vector], filter: Option<&str>) -> Report {
    let mut report = Report { implementation: implementation.name(), vectors: Vec::new() };
    for v in vectors.iter().filter(|v| filter.is_none_or(|f| v.name.contains(f))) {
        let status = if !implementation.supports(v.input.kind()) {
            Status::Skip
        } else {
            match implementation.run(&v.input) {
                Ok(outcome) => {
                    let expected = serde_json::to_value(&v.expected).expect("outcomes serialise");
                    let actual = serde_json::to_value(&outcome).expect("outcomes serialise");
                    match first_difference(&expected, &actual, "$") {
                        None => Status::Pass,
                        Some(d) => Status::Fail(d),
                    }
                }
                Err(e) => Status::Error(e),
            }
        };
        report.vectors.push(VectorReport { name: v.name.clone(), status });
    }
    report
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        format!("{}…", &s[..200])
    } else {
        s
    }
}

/// The first path (depth-first, in the expected value's field order) where `a` and `b` differ.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<Difference> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(va, vb, &p) {
                            return Some(d);
                        }
                    }
                    None => return Some(Difference { path: p, expected: short(va), actual: "(missing)".into() }),
                }
            }
            y.iter().find(|(k, _)| !x.contains_key(*k)).map(|(k, vb)| Difference {
                path: format!("{path}.{k}"),
                expected: "(absent)".into(),
                actual: short(vb),
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(va, vb, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| Difference {
                path: format!("{path}.length"),
                expected: x.len().to_string(),
                actual: y.len().to_string(),
            })
        }
        _ if a == b => None,
        _ => Some(Difference { path: path.into(), expected: short(a), actual: short(b) }),
    }
}
