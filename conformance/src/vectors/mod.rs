//! The conformance suite: generation from the spec, the committed files, `check` and
//! `coverage`.
//!
//! Every case is built here as an *input* plus what it is meant to show (accepted, or rejected
//! by a named rule); its expected outcome is the spec's answer, and generation fails if the spec
//! does not answer as the case intends. Files are `v1/<kind>/<group>.json`, each a JSON array
//! of [`Vector`]s, written deterministically.

pub mod cases;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use zkrollup_spec::rules::Rule;

use crate::expected;
use crate::wire::{self, Kind, Outcome, Vector, VectorInput, Verdict, FORMAT_VERSION};

/// What a case is meant to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Accepted (or, for kinds without verdicts, simply answered).
    Ok,
    /// Rejected with this rule (for l1 vectors: the last call).
    Reject(Rule),
}

/// A case before its outcome is computed.
pub struct Case {
    /// The case's name: the last part of the vector's `kind/group/case`.
    pub name: String,
    /// What the case shows.
    pub description: String,
    /// Rules the case exercises besides its rejecting rule.
    pub rules: Vec<Rule>,
    /// What the spec must answer.
    pub expect: Expect,
    /// The vector's input.
    pub input: VectorInput,
}

impl Case {
    /// A case exercising no rule besides its rejecting one.
    pub fn new(name: impl Into<String>, description: impl Into<String>, expect: Expect, input: VectorInput) -> Case {
        Case { name: name.into(), description: description.into(), rules: Vec::new(), expect, input }
    }

    /// Adds rules the case exercises (at their edge, for an accepted input).
    pub fn with_rules(mut self, rules: &[Rule]) -> Case {
        self.rules.extend_from_slice(rules);
        self
    }
}

/// One file of the suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorFile {
    /// Relative to the suite's root, e.g. `v1/transition/transfer.json`.
    pub path: String,
    /// The file's vectors, in order.
    pub vectors: Vec<Vector>,
}

/// The rule that rejected, if the outcome is a rejection (for l1: the last call's).
pub fn rejection(outcome: &Outcome) -> Option<String> {
    fn rejected<T>(v: &Verdict<T>) -> Option<String> {
        match v {
            Verdict::Rejected { rule } => Some(rule.clone()),
            Verdict::Accepted(_) => None,
        }
    }
    match outcome {
        Outcome::Transition(t) => rejected(&t.verdict),
        Outcome::Block(b) => rejected(&b.verdict),
        Outcome::L1(l) => l.results.last().and_then(rejected),
        Outcome::Codec(c) => match &c.result {
            wire::CodecResult::DecodedTx { verdict } => rejected(verdict),
            wire::CodecResult::DecodedPubdata { verdict } => rejected(verdict),
            _ => None,
        },
        Outcome::Primitives(p) => match &p.result {
            wire::PrimitivesResult::Unpacked { verdict } => rejected(verdict),
            _ => None,
        },
    }
}

/// Computes a case's vector; panics if the spec does not answer as the case intends (a bug in
/// the case, caught at generation).
pub fn vector_of(kind: Kind, group: &str, case: Case) -> Vector {
    let expected = expected::outcome(&case.input).unwrap_or_else(|e| panic!("{}: malformed input: {e}", case.name));
    let got = rejection(&expected);
    let want = match case.expect {
        Expect::Ok => None,
        Expect::Reject(r) => Some(r.id().to_string()),
    };
    assert_eq!(got, want, "case {}/{}/{}: the spec answered otherwise than intended", kind.as_str(), group, case.name);
    let mut rules: Vec<String> = case.rules.iter().map(|r| r.id().to_string()).collect();
    rules.extend(got);
    rules.sort();
    rules.dedup();
    Vector {
        format_version: FORMAT_VERSION,
        name: format!("{}/{}/{}", kind.as_str(), group, case.name),
        description: case.description,
        rules,
        input: case.input,
        expected,
    }
}

/// The whole suite, generated from the spec.
pub fn generate() -> Vec<VectorFile> {
    cases::all()
        .into_iter()
        .map(|(kind, group, cases)| VectorFile {
            path: format!("v1/{}/{group}.json", kind.as_str()),
            vectors: cases.into_iter().map(|c| vector_of(kind, group, c)).collect(),
        })
        .collect()
}

/// A file's bytes: pretty JSON and a final newline.
pub fn render(file: &VectorFile) -> String {
    serde_json::to_string_pretty(&file.vectors).expect("vectors serialise") + "\n"
}

/// The JSON Schemas: the vector envelope, and per kind its input and outcome.
pub fn schemas() -> Vec<(String, String)> {
    use schemars::schema_for;
    let mut out = vec![("v1/schema/vector.schema.json".to_string(), schema_for!(Vector))];
    let per_kind = [
        ("primitives", schema_for!(wire::PrimitivesInput), schema_for!(wire::PrimitivesOutcome)),
        ("codec", schema_for!(wire::CodecInput), schema_for!(wire::CodecOutcome)),
        ("transition", schema_for!(wire::TransitionInput), schema_for!(wire::TransitionOutcome)),
        ("block", schema_for!(wire::BlockInputJson), schema_for!(wire::BlockOutcome)),
        ("l1", schema_for!(wire::L1Input), schema_for!(wire::L1Outcome)),
    ];
    for (kind, input, outcome) in per_kind {
        out.push((format!("v1/schema/{kind}.input.schema.json"), input));
        out.push((format!("v1/schema/{kind}.outcome.schema.json"), outcome));
    }
    out.into_iter().map(|(p, s)| (p, serde_json::to_string_pretty(&s).expect("schemas serialise") + "\n")).collect()
}

/// Every generated file's path and contents (vectors and schemas).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = generate().iter().map(|f| (f.path.clone(), render(f))).collect();
    files.extend(schemas());
    files
}

/// Writes the suite under `dir` (creating it if need be) and removes the stale `.json` files
/// of an earlier suite there. Refuses, changing nothing, if `dir/v1` holds anything but the
/// suite's own layout: the kind folders and `schema/`, each of `.json` files only. Nothing
/// else is ever deleted.
pub fn write(dir: &Path) -> Result<usize, String> {
    let v1 = dir.join("v1");
    let mut existing = Vec::new();
    if fs::symlink_metadata(&v1).is_ok() {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string();
        let refuse = |p: &Path, what: &str| {
            format!(
                "refusing to generate into {}: {} {what}, which is not the suite's layout (v1/ holds only the \
                 folders {} and schema/, of .json files); nothing was changed: move it away or choose another folder",
                abs(&v1),
                abs(p),
                Kind::ALL.map(Kind::as_str).join(", ")
            )
        };
        if !fs::symlink_metadata(&v1).is_ok_and(|m| m.is_dir()) {
            return Err(refuse(&v1, "is not a folder"));
        }
        let own: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).chain(["schema"]).collect();
        let entries = |at: &Path| -> Result<Vec<fs::DirEntry>, String> {
            let mut out: Vec<fs::DirEntry> = fs::read_dir(at)
                .and_then(|d| d.collect::<Result<_, _>>())
                .map_err(|e| format!("reading {}: {e}", at.display()))?;
            out.sort_by_key(|e| e.file_name());
            Ok(out)
        };
        for folder in entries(&v1)? {
            let p = folder.path();
            let name = folder.file_name().to_string_lossy().to_string();
            let is_dir = fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir());
            if !is_dir || !own.contains(&name.as_str()) {
                return Err(refuse(&p, if is_dir { "is a folder of its own" } else { "is there" }));
            }
            for file in entries(&p)? {
                let f = file.path();
                let is_json_file =
                    fs::symlink_metadata(&f).is_ok_and(|m| m.is_file()) && f.extension().is_some_and(|x| x == "json");
                if !is_json_file {
                    return Err(refuse(&f, "is not a .json file"));
                }
                existing.push(format!("v1/{name}/{}", file.file_name().to_string_lossy()));
            }
        }
    }
    let files = generated_files();
    for (path, text) in &files {
        let p = dir.join(path);
        fs::create_dir_all(p.parent().expect("files live in folders")).map_err(|e| format!("{}: {e}", p.display()))?;
        fs::write(&p, text).map_err(|e| format!("writing {}: {e}", p.display()))?;
    }
    for stale in existing.iter().filter(|p| !files.iter().any(|(q, _)| q == *p)) {
        let p = dir.join(stale);
        fs::remove_file(&p).map_err(|e| format!("removing the stale {}: {e}", p.display()))?;
    }
    Ok(files.len())
}

/// Lists the `.json` files under `dir/v1` (relative paths, sorted); an error if `dir/v1` is not
/// a folder.
pub fn list_files(dir: &Path) -> Result<Vec<String>, String> {
    fn walk(base: &Path, at: &Path, out: &mut Vec<String>) -> Result<(), String> {
        let entries = fs::read_dir(at).map_err(|e| format!("reading {}: {e}", at.display()))?;
        for e in entries {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                walk(base, &p, out)?;
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p.strip_prefix(base).expect("below base").to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let v1 = dir.join("v1");
    if !v1.is_dir() {
        let abs = std::path::absolute(&v1).unwrap_or(v1);
        return Err(format!("{} does not exist: not a conformance suite folder", abs.display()));
    }
    let mut out = Vec::new();
    walk(dir, &v1, &mut out)?;
    out.sort();
    Ok(out)
}

/// Reads every vector file under `dir/v1` (schemas excepted).
pub fn read(dir: &Path) -> Result<Vec<VectorFile>, String> {
    let mut files = Vec::new();
    for path in list_files(dir)?.into_iter().filter(|p| !p.starts_with("v1/schema/")) {
        let text = fs::read_to_string(dir.join(&path)).map_err(|e| format!("{path}: {e}"))?;
        let vectors: Vec<Vector> = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        if let Some(v) = vectors.iter().find(|v| v.format_version != FORMAT_VERSION) {
            return Err(format!(
                "{path}: {} has format version {}, this harness reads {FORMAT_VERSION}",
                v.name, v.format_version
            ));
        }
        files.push(VectorFile { path, vectors });
    }
    Ok(files)
}

/// Regenerates in memory and lists every file that differs from, is missing from, or is extra
/// in `dir`; an error if `dir` holds no `v1/` (not a suite folder, rather than one missing
/// every file).
pub fn check(dir: &Path) -> Result<Vec<String>, String> {
    let committed = list_files(dir)?;
    let mut problems = Vec::new();
    let generated = generated_files();
    for (path, text) in &generated {
        match fs::read_to_string(dir.join(path)) {
            Ok(t) if &t == text => {}
            Ok(_) => problems.push(format!("{path}: differs from the spec's output")),
            Err(_) => problems.push(format!("{path}: missing")),
        }
    }
    for path in committed {
        if !generated.iter().any(|(p, _)| *p == path) {
            problems.push(format!("{path}: not generated by the spec (stale?)"));
        }
    }
    Ok(problems)
}

/// Rule and op coverage of a suite.
pub struct Coverage {
    /// Vectors per rule id (those listing it in `rules`).
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Accepted transition and block vectors per op name (every accepted block counts for Noop).
    pub accepting_by_op: BTreeMap<String, usize>,
    /// Vectors counted.
    pub vectors: usize,
    /// Every pair of checks in the declared orders, and the vectors breaking both.
    pub pairs: Vec<cases::order::Pair>,
}

/// Ops every op kind must be accepted in at least this many vectors.
pub const MIN_ACCEPTING_PER_OP: usize = 5;

/// Counts, over `files`, the vectors per rule id and the accepting vectors per op.
pub fn coverage(files: &[VectorFile]) -> Coverage {
    let mut by_rule: BTreeMap<&'static str, usize> = Rule::ALL.iter().map(|r| (r.id(), 0)).collect();
    let mut accepting_by_op: BTreeMap<String, usize> = BTreeMap::new();
    for op in ["Deposit", "TransferToNew", "Transfer", "Withdraw", "FullExit", "ChangePubKey", "ForcedExit", "Noop"] {
        accepting_by_op.insert(op.to_string(), 0);
    }
    let mut vectors = 0;
    for v in files.iter().flat_map(|f| &f.vectors) {
        vectors += 1;
        for r in &v.rules {
            if let Some(rule) = Rule::from_id(r) {
                *by_rule.get_mut(rule.id()).expect("every rule listed") += 1;
            }
        }
        let ops: Vec<&wire::OpJson> = match &v.expected {
            Outcome::Transition(t) => match &t.verdict {
                Verdict::Accepted(a) => vec![&a.op],
                _ => vec![],
            },
            Outcome::Block(b) => match &b.verdict {
                Verdict::Accepted(a) => a.ops.iter().collect(),
                _ => vec![],
            },
            _ => vec![],
        };
        let mut seen: Vec<String> = ops.iter().map(|o| op_name(o)).collect();
        if matches!(&v.expected, Outcome::Block(b) if matches!(b.verdict, Verdict::Accepted(_))) {
            seen.push("Noop".into()); // accepted blocks are padded with Noops
        }
        seen.sort();
        seen.dedup();
        for name in seen {
            *accepting_by_op.entry(name).or_default() += 1;
        }
    }
    Coverage { by_rule, accepting_by_op, vectors, pairs: cases::order::pair_coverage(files) }
}

fn op_name(op: &wire::OpJson) -> String {
    serde_json::to_value(op).ok().and_then(|v| v["type"].as_str().map(String::from)).unwrap_or_default()
}

impl Coverage {
    /// Rules with no vector and ops with too few accepting vectors.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.by_rule.iter().filter(|(_, &n)| n == 0).map(|(r, _)| format!("rule {r} has no vector")).collect();
        out.extend(
            self.accepting_by_op
                .iter()
                .filter(|(_, &n)| n < MIN_ACCEPTING_PER_OP)
                .map(|(op, n)| format!("op {op} is accepted in {n} vectors, fewer than {MIN_ACCEPTING_PER_OP}")),
        );
        out.extend(
            self.pairs
                .iter()
                .filter(|p| p.status == cases::order::PairCoverage::Missing)
                .map(|p| format!("{}: no vector breaks {} and {}", p.kind, p.earlier, p.later)),
        );
        out
    }
}
