//! Runs vectors through an implementation and reports, per vector, pass, fail (with the first
//! difference), skip or error, then a summary.
//!
//! Results can be observed as they come ([`run_observed`]), so a long run streams its failures
//! instead of printing everything at the end. A run stops at the first answer the
//! implementation can no longer give ([`Answer::Broken`]: its process exited, hung or wrote
//! garbage); the vectors after it are marked [`Status::NotRun`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::{Answer, Implementation};
use crate::wire::{Kind, Vector};

/// How one vector went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The outcome equals the expected one.
    Pass,
    /// The outcome differs; the first difference.
    Fail(Difference),
    /// The implementation does not support the vector's kind, or declined the vector.
    Skip,
    /// The implementation could not answer.
    Error(String),
    /// Not run: the implementation had stopped answering at an earlier vector.
    NotRun,
}

/// The first place two JSON values differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// A JSON path such as `$.verdict.post_root` or `$.results[3].rule`.
    pub path: String,
    /// The expected value there, shortened.
    pub expected: String,
    /// The implementation's value there, shortened (`(missing)` if absent).
    pub actual: String,
}

/// How one vector went, by name.
#[derive(Clone, Debug)]
pub struct VectorReport {
    /// The vector's name.
    pub name: String,
    /// The vector's kind.
    pub kind: Kind,
    /// Pass, fail, skip, error or not run.
    pub status: Status,
}

/// Where and why a run stopped before its last vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The vector the implementation failed to answer (reported as an error).
    pub at: String,
    /// How many vectors after it were not run.
    pub not_run: usize,
}

/// A whole run: every vector's status, in order.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The implementation's name.
    pub implementation: String,
    /// Every selected vector, in order.
    pub vectors: Vec<VectorReport>,
    /// Set when the implementation stopped answering before the last vector.
    pub stopped: Option<Stop>,
    /// Set when the implementation answered every vector but then ended badly
    /// ([`Implementation::finish`]): how.
    pub ended: Option<String>,
}

impl Report {
    /// Vectors whose status satisfies `f`.
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.vectors.iter().filter(|v| f(&v.status)).count()
    }
    /// Vectors passed.
    pub fn passed(&self) -> usize {
        self.count(|s| *s == Status::Pass)
    }
    /// Vectors answered wrongly.
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
    /// Vectors not run because the implementation had stopped answering.
    pub fn not_run(&self) -> usize {
        self.count(|s| *s == Status::NotRun)
    }
    /// No failure, no error, no stop, no bad end. Not the run's verdict, which also refuses
    /// skips the user did not allow and a run in which nothing passed: [`Report::verdict`].
    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.errors() == 0 && self.stopped.is_none() && self.ended.is_none()
    }

    /// Whether the run is green, and if not why: it is [`Report::ok`], something passed, and
    /// it skipped only vectors of the kinds in `allowed` (a run that skips is not green unless
    /// the user asked for it: an implementation that declines everything must not pass).
    pub fn verdict(&self, allowed: &[Kind]) -> Result<(), String> {
        let name = &self.implementation;
        if let Some(stop) = &self.stopped {
            let why = self.vectors.iter().find(|v| v.name == stop.at).and_then(|v| match &v.status {
                Status::Error(e) => e.lines().next(),
                _ => None,
            });
            return Err(format!(
                "{name} stopped answering at {} ({}); {} vectors not run",
                stop.at,
                why.unwrap_or("no answer"),
                stop.not_run
            ));
        }
        if let Some(how) = &self.ended {
            return Err(format!("{name} answered every vector, then {}", how.lines().next().unwrap_or("")));
        }
        if !self.ok() {
            return Err(format!("{} vectors did not pass on {name}", self.failed() + self.errors()));
        }
        let refused: Vec<&str> =
            self.unsupported_kinds().into_iter().filter(|k| !allowed.contains(k)).map(Kind::as_str).collect();
        if !refused.is_empty() {
            return Err(format!(
                "{name} declined or does not support vectors of {}: add --allow-skip {} to accept that",
                refused.join(", "),
                refused.join(",")
            ));
        }
        if self.passed() == 0 {
            return Err(format!("no vector passed on {name}: a run in which nothing passed is never green"));
        }
        Ok(())
    }

    /// The kinds whose vectors were skipped because the implementation does not support them.
    pub fn unsupported_kinds(&self) -> Vec<Kind> {
        let kinds: BTreeSet<Kind> = self.vectors.iter().filter(|v| v.status == Status::Skip).map(|v| v.kind).collect();
        kinds.into_iter().collect()
    }

    /// The human-readable report: a line per vector (failures with their difference), then
    /// [`Report::render_summary`]. Equal to what a run observed with [`render_vector`] prints,
    /// followed by the summary.
    pub fn render(&self, verbose: bool) -> String {
        let mut out: String = self.vectors.iter().map(|v| render_vector(v, verbose)).collect();
        out.push_str(&self.render_summary());
        out
    }

    /// The closing lines: kinds skipped as unsupported, where the run stopped, how many errors,
    /// and last, alone on its line, `<implementation>: N passed, N failed, N skipped` (errors
    /// count as failed).
    pub fn render_summary(&self) -> String {
        let mut out = String::new();
        let unsupported = self.unsupported_kinds();
        if !unsupported.is_empty() {
            // Per kind: a kind declined now and then reads differently from one not implemented.
            let per_kind: Vec<String> = unsupported
                .iter()
                .map(|k| {
                    let of_kind = |s: &Status| *s == Status::Skip;
                    let skipped = self.vectors.iter().filter(|v| v.kind == *k && of_kind(&v.status)).count();
                    let all = self.vectors.iter().filter(|v| v.kind == *k).count();
                    format!("{} ({skipped} of {})", k.as_str(), vectors(all))
                })
                .collect();
            writeln!(out, "skipped as unsupported: {}", per_kind.join(", ")).unwrap();
        }
        if let Some(stop) = self.stopped.as_ref().filter(|s| s.not_run > 0) {
            writeln!(out, "not run: {} (the implementation stopped answering at {})", vectors(stop.not_run), stop.at)
                .unwrap();
        }
        if let Some(how) = &self.ended {
            writeln!(out, "after its last answer, the implementation {}", how.lines().next().unwrap_or("")).unwrap();
        }
        match self.errors() {
            0 => {}
            1 => writeln!(out, "1 error (the implementation could not answer; counted as failed)").unwrap(),
            n => writeln!(out, "{n} errors (the implementation could not answer; counted as failed)").unwrap(),
        }
        writeln!(
            out,
            "{}: {} passed, {} failed, {} skipped",
            self.implementation,
            self.passed(),
            self.failed() + self.errors(),
            self.skipped(),
        )
        .unwrap();
        out
    }
}

fn vectors(n: usize) -> String {
    if n == 1 {
        "1 vector".into()
    } else {
        format!("{n} vectors")
    }
}

/// One vector's lines in a report: nothing for a skip, a pass (unless `verbose`) or a vector
/// not run; a `FAIL` with its first difference; an `ERROR` with its message (continuation
/// lines indented).
pub fn render_vector(v: &VectorReport, verbose: bool) -> String {
    let mut out = String::new();
    match &v.status {
        Status::Pass if verbose => writeln!(out, "pass  {}", v.name).unwrap(),
        Status::Pass | Status::Skip | Status::NotRun => {}
        Status::Fail(d) => {
            writeln!(out, "FAIL  {}", v.name).unwrap();
            writeln!(out, "      first difference at {}", d.path).unwrap();
            writeln!(out, "        expected: {}", d.expected).unwrap();
            writeln!(out, "        actual:   {}", d.actual).unwrap();
        }
        Status::Error(e) => {
            let mut lines = e.lines();
            writeln!(out, "ERROR {}: {}", v.name, lines.next().unwrap_or("")).unwrap();
            for line in lines {
                writeln!(out, "      {line}").unwrap();
            }
        }
    }
    out
}

/// Whether `filter` selects the vector `name`: the name equals it, or continues it with `/`
/// (`transition/transfer` selects `transition/transfer/basic`, not
/// `transition/transfer_to_new/…`); a filter ending in `/` selects every name under it.
pub fn selects(filter: &str, name: &str) -> bool {
    if filter.ends_with('/') {
        name.starts_with(filter)
    } else {
        name.strip_prefix(filter).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// The vectors at least one of `filters` selects (all of them if `filters` is empty), in
/// order; an error naming every filter that selects nothing.
pub fn select<'a>(vectors: &'a [Vector], filters: &[String]) -> Result<Vec<&'a Vector>, String> {
    let unmatched: Vec<&String> = filters.iter().filter(|f| !vectors.iter().any(|v| selects(f, &v.name))).collect();
    if !unmatched.is_empty() {
        let quoted: Vec<String> = unmatched.iter().map(|f| format!("{f:?}")).collect();
        return Err(format!(
            "--filter {} selects no vector (a filter selects the names equal to it or under it, as in \
             `transition/transfer` or `primitives/`)",
            quoted.join(", ")
        ));
    }
    Ok(vectors.iter().filter(|v| filters.is_empty() || filters.iter().any(|f| selects(f, &v.name))).collect())
}

/// What a run tells its observer, as it happens.
pub enum Event<'a> {
    /// The vector is about to be given to the implementation (or skipped).
    Started(&'a Vector),
    /// The vector's result.
    Finished(&'a VectorReport),
}

/// Runs every vector `filter` selects (see [`selects`]; all of them for `None`) through
/// `implementation`.
pub fn run(implementation: &mut dyn Implementation, vectors: &[Vector], filter: Option<&str>) -> Report {
    let chosen: Vec<&Vector> = vectors.iter().filter(|v| filter.is_none_or(|f| selects(f, &v.name))).collect();
    run_observed(implementation, &chosen, |_| {})
}

/// Runs `vectors` in order through `implementation`, telling `observe` of each vector as it
/// starts and finishes. Stops at the first [`Answer::Broken`]: that vector is an error, and
/// the ones after it are [`Status::NotRun`] (not given to the observer).
pub fn run_observed(
    implementation: &mut dyn Implementation,
    vectors: &[&Vector],
    mut observe: impl FnMut(Event<'_>),
) -> Report {
    let mut report = Report { implementation: implementation.name(), vectors: Vec::new(), stopped: None, ended: None };
    for (i, v) in vectors.iter().enumerate() {
        observe(Event::Started(v));
        let kind = v.input.kind();
        let mut broken = false;
        let status = if !implementation.supports(kind) {
            Status::Skip
        } else {
            match implementation.answer(&v.input) {
                Answer::Outcome(outcome) => {
                    let expected = serde_json::to_value(&v.expected).expect("outcomes serialise");
                    let actual = serde_json::to_value(&outcome).expect("outcomes serialise");
                    match first_difference(&expected, &actual, "$") {
                        None => Status::Pass,
                        Some(d) => Status::Fail(d),
                    }
                }
                Answer::Unsupported => Status::Skip,
                Answer::Error(e) => Status::Error(e),
                Answer::Broken(e) => {
                    broken = true;
                    Status::Error(e)
                }
            }
        };
        report.vectors.push(VectorReport { name: v.name.clone(), kind, status });
        observe(Event::Finished(report.vectors.last().expect("just pushed")));
        if broken {
            let rest = &vectors[i + 1..];
            report.vectors.extend(rest.iter().map(|v| VectorReport {
                name: v.name.clone(),
                kind: v.input.kind(),
                status: Status::NotRun,
            }));
            report.stopped = Some(Stop { at: v.name.clone(), not_run: rest.len() });
            return report;
        }
    }
    report.ended = implementation.finish().err();
    report
}

/// The most of a child implementation's error message a report keeps and shows: its first
/// [`ERROR_LINES`] lines, each cut at [`ERROR_LINE_BYTES`]. An error of megabytes (a dump, a
/// flood) would bury the report and, kept for every vector, exhaust the memory.
pub const ERROR_LINES: usize = 20;
/// See [`ERROR_LINES`].
pub const ERROR_LINE_BYTES: usize = 500;

/// `e` as a report keeps it ([`ERROR_LINES`], [`ERROR_LINE_BYTES`]), saying how much was left
/// out.
pub fn capped(e: &str) -> String {
    let total = e.lines().count();
    let mut out: Vec<String> = e.lines().take(ERROR_LINES).map(|l| truncate(l, ERROR_LINE_BYTES)).collect();
    if total > ERROR_LINES {
        out.push(format!("… ({} more lines)", total - ERROR_LINES));
    }
    let shown = out.join("\n");
    if shown.len() < e.len() {
        format!("{shown}\n({} bytes in all; shown shortened)", e.len())
    } else {
        shown
    }
}

/// At most `max` bytes of `s`, cut on a character boundary, with `…` if anything was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn short(v: &Value) -> String {
    truncate(&v.to_string(), 200)
}

/// The fields that hold verdicts, compared before any other field of their object: an L1
/// vector's `results` (one per call) before its `final_state`. (A transition's `pre_root`
/// still comes before its `verdict`: a wrong root is the earlier mistake.)
const VERDICTS: [&str; 2] = ["result", "results"];

/// The fields that carry an enum's variant (see the README's encodings), `result` (verdicts)
/// first.
const TAGS: [&str; 6] = ["result", "type", "kind", "case", "call", "input"];

/// An object shown tag first (`{"result":"accepted","op":…}`), so that a shortened display
/// still says which variant it is.
fn short_tagged(tag: &str, v: &serde_json::Map<String, Value>) -> String {
    let mut s = format!("{{{}:{}", Value::from(tag), v[tag]);
    for (k, x) in v.iter().filter(|(k, _)| *k != tag) {
        write!(s, ",{}:{x}", Value::from(k.as_str())).unwrap();
    }
    s.push('}');
    truncate(&s, 200)
}

/// The first path (depth-first, in the expected value's field order) where `a` and `b` differ.
/// Two objects of different variants (their tag field, such as a verdict's `result`, differs)
/// differ at the object itself, shown whole (tag first), not at the first field one of them
/// lacks.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<Difference> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let differing_tag = TAGS.into_iter().find(|t| match (x.get(*t), y.get(*t)) {
                (Some(Value::String(p)), Some(Value::String(q))) => p != q,
                _ => false,
            });
            if let Some(tag) = differing_tag {
                return Some(Difference {
                    path: path.into(),
                    expected: short_tagged(tag, x),
                    actual: short_tagged(tag, y),
                });
            }
            // The verdicts first: a wrong verdict on an L1 call shows at that call
            // (`$.results[i]`), not at the state it left (`$.final_state`, which sorts before).
            let (verdicts, rest): (Vec<_>, Vec<_>) = x.iter().partition(|(k, _)| VERDICTS.contains(&k.as_str()));
            for (k, va) in verdicts.into_iter().chain(rest) {
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
