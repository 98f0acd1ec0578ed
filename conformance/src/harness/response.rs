//! One answer line of the `exec:` protocol, read in steps so that a malformed answer is
//! reported with the JSON path of what is wrong in it:
//!
//! 1. the line is one JSON value (if not, the stream is out of step: [`Problem::NotJson`]);
//! 2. it is an object with exactly one of `outcome`, `unsupported`, `error`, and no other field;
//! 3. `unsupported` is `true`, `error` a string, and `outcome` an [`Outcome`] with no field the
//!    format does not define, at any depth.
//!
//! serde's own errors do not say where in an internally tagged enum (every outcome is one) a
//! value was wrong, so when an outcome does not parse, it is walked beside the outcome's JSON
//! Schema (the one `vectors generate` writes) to find the first wrong field.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};

use super::runner::truncate;
use crate::wire::Outcome;

/// One answer line.
#[allow(clippy::large_enum_variant)] // one per line, never stored
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(untagged)]
pub enum Response {
    /// `{"outcome": …}`
    Outcome {
        /// The implementation's outcome, shaped as the vector's `expected`.
        outcome: Outcome,
    },
    /// `{"unsupported": true}`
    Unsupported {
        /// Always `true`: the implementation does not implement this vector's kind.
        unsupported: bool,
    },
    /// `{"error": "…"}`
    Error {
        /// Why the implementation could not answer.
        error: String,
    },
}

/// Why an answer line is not an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not JSON at all (a stray print, or no line structure): nothing after it can be trusted.
    NotJson(String),
    /// JSON, but not an answer as the protocol shapes it; the message starts with the JSON path
    /// of the wrong field (`$` is the line).
    Shape(String),
}

/// The three fields an answer may have.
const FIELDS: [&str; 3] = ["outcome", "unsupported", "error"];

/// Reads one answer line.
pub fn parse(line: &str) -> Result<Response, Problem> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        Problem::NotJson(format!(
            "not JSON ({e}): {} (stdout is for answers only; write diagnostics to stderr)",
            truncate(line.trim_end(), 200)
        ))
    })?;
    let Value::Object(obj) = value else {
        return Err(Problem::Shape(format!(
            "$: expected an object such as {{\"outcome\": …}}, found {}",
            shown(&value)
        )));
    };
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Problem::Shape(format!(
            "$.{k}: unknown field `{k}` (an answer has exactly one of `outcome`, `unsupported`, `error`)"
        )));
    }
    let present: Vec<&str> = FIELDS.into_iter().filter(|f| obj.contains_key(*f)).collect();
    match present.as_slice() {
        ["outcome"] => parse_outcome(&obj["outcome"], "$.outcome")
            .map(|outcome| Response::Outcome { outcome })
            .map_err(Problem::Shape),
        ["unsupported"] => match &obj["unsupported"] {
            Value::Bool(true) => Ok(Response::Unsupported { unsupported: true }),
            other => Err(Problem::Shape(format!("$.unsupported: expected true, found {}", shown(other)))),
        },
        ["error"] => match &obj["error"] {
            Value::String(error) => Ok(Response::Error { error: error.clone() }),
            other => Err(Problem::Shape(format!("$.error: expected a string (the message), found {}", shown(other)))),
        },
        [] => {
            Err(Problem::Shape("$: an answer has exactly one of `outcome`, `unsupported`, `error`; found none".into()))
        }
        many => {
            let names: Vec<String> = many.iter().map(|f| format!("`{f}`")).collect();
            Err(Problem::Shape(format!(
                "$: an answer has exactly one of `outcome`, `unsupported`, `error`; found {}",
                names.join(" and ")
            )))
        }
    }
}

/// An outcome, or the first wrong field in it as `<path>: <what is wrong>` (`path` names
/// `value`, e.g. `$.outcome`).
pub fn parse_outcome(value: &Value, path: &str) -> Result<Outcome, String> {
    match serde_json::from_value::<Outcome>(value.clone()) {
        Ok(outcome) => {
            // serde ignores unknown fields where the wire types do not deny them; whatever does
            // not survive the round trip is one.
            let back = serde_json::to_value(&outcome).expect("outcomes serialise");
            match first_unknown_field(value, &back, path) {
                Some((p, m)) => Err(format!("{p}: {m}")),
                None => Ok(outcome),
            }
        }
        Err(e) => Err(first_violation(value, path).unwrap_or_else(|| format!("{path}: {e}"))),
    }
}

/// The first field of `raw` that `parsed` (its round trip through the wire types) lacks.
fn first_unknown_field(raw: &Value, parsed: &Value, path: &str) -> Option<Violation> {
    match (raw, parsed) {
        (Value::Object(r), Value::Object(p)) => {
            if let Some(k) = r.keys().find(|k| !p.contains_key(*k)) {
                return Some(unknown_field(path, k, p.keys()));
            }
            r.iter().find_map(|(k, v)| first_unknown_field(v, &p[k], &format!("{path}.{k}")))
        }
        (Value::Array(r), Value::Array(p)) => {
            r.iter().zip(p).enumerate().find_map(|(i, (a, b))| first_unknown_field(a, b, &format!("{path}[{i}]")))
        }
        _ => None,
    }
}

fn unknown_field<'a>(path: &str, k: &str, known: impl Iterator<Item = &'a String>) -> Violation {
    let known: Vec<String> = known.map(|k| format!("`{k}`")).collect();
    (format!("{path}.{k}"), format!("unknown field `{k}` (the fields here are {})", known.join(", ")))
}

fn shown(v: &Value) -> String {
    truncate(&v.to_string(), 80)
}

/// The outcome's JSON Schema, as a value.
fn outcome_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::to_value(schemars::schema_for!(Outcome)).expect("schemas serialise"))
}

/// The first place `value` does not fit the outcome's schema, as `<path>: <what is wrong>`;
/// `None` if it fits. Every object is taken as closed (a field its schema does not name is
/// reported), whether or not the schema says so.
pub fn first_violation(value: &Value, path: &str) -> Option<String> {
    let root = outcome_schema();
    Walker { root }.check(value, root, path).err().map(|(p, m)| format!("{p}: {m}"))
}

/// Checks a value against the subset of JSON Schema that schemars writes for the wire types:
/// `$ref` (to `#/$defs/…`, merged with sibling keywords), `type`, `const`, `properties`,
/// `required`, `items`, `oneOf`/`anyOf`, integer `format`, `minimum` and `maximum`.
struct Walker<'s> {
    root: &'s Value,
}

type Violation = (String, String);

impl<'s> Walker<'s> {
    /// The schema object and, following `$ref`, the ones it refers to.
    fn parts(&self, schema: &'s Value) -> Vec<&'s Map<String, Value>> {
        let mut out = Vec::new();
        let mut at = schema;
        while let Value::Object(m) = at {
            out.push(m);
            let Some(name) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) else {
                break;
            };
            match self.root.get("$defs").and_then(|d| d.get(name)) {
                Some(next) if out.len() < 64 => at = next,
                _ => break,
            }
        }
        out
    }

    fn keyword(parts: &[&'s Map<String, Value>], k: &str) -> Option<&'s Value> {
        parts.iter().find_map(|m| m.get(k))
    }

    /// The object properties the schema names, merged across its parts.
    fn properties(parts: &[&'s Map<String, Value>]) -> Vec<(&'s String, &'s Value)> {
        let mut out: Vec<(&String, &Value)> = Vec::new();
        for (k, s) in parts.iter().filter_map(|m| m.get("properties").and_then(Value::as_object)).flatten() {
            if !out.iter().any(|(q, _)| *q == k) {
                out.push((k, s));
            }
        }
        out
    }

    fn check(&self, v: &Value, schema: &'s Value, path: &str) -> Result<(), Violation> {
        let parts = self.parts(schema);
        if let Some(c) = Self::keyword(&parts, "const") {
            if v != c {
                return Err((path.into(), format!("expected {c}, found {}", shown(v))));
            }
        }
        if let Some(branches) = Self::keyword(&parts, "oneOf").or_else(|| Self::keyword(&parts, "anyOf")) {
            self.check_branches(v, branches.as_array().map_or(&[][..], Vec::as_slice), path)?;
        }
        if let Some(t) = Self::keyword(&parts, "type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !types.is_empty() && !types.iter().any(|t| has_type(v, t)) {
                let wanted: Vec<String> = types.iter().map(|t| article(t)).collect();
                return Err((path.into(), format!("expected {}, found {}", wanted.join(" or "), shown(v))));
            }
        }
        if v.is_i64() || v.is_u64() {
            self.check_integer(v, &parts, path)?;
        }
        match v {
            Value::Object(obj) => {
                let props = Self::properties(&parts);
                let closed = !props.is_empty() || Self::keyword(&parts, "type") == Some(&Value::from("object"));
                if closed {
                    if let Some(k) = obj.keys().find(|k| !props.iter().any(|(p, _)| p == k)) {
                        return Err(unknown_field(path, k, props.iter().map(|(p, _)| *p)));
                    }
                }
                for part in &parts {
                    for r in part.get("required").and_then(Value::as_array).into_iter().flatten() {
                        if let Some(r) = r.as_str().filter(|r| !obj.contains_key(*r)) {
                            return Err((format!("{path}.{r}"), format!("missing field `{r}`")));
                        }
                    }
                }
                for (k, x) in obj {
                    if let Some((_, s)) = props.iter().find(|(p, _)| *p == k) {
                        self.check(x, s, &format!("{path}.{k}"))?;
                    }
                }
            }
            Value::Array(items) => {
                if let Some(s) = Self::keyword(&parts, "items") {
                    for (i, x) in items.iter().enumerate() {
                        self.check(x, s, &format!("{path}[{i}]"))?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_integer(&self, v: &Value, parts: &[&'s Map<String, Value>], path: &str) -> Result<(), Violation> {
        let n = v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from)).expect("an integer");
        let (mut lo, mut hi) = match Self::keyword(parts, "format").and_then(Value::as_str) {
            Some("uint8") => (Some(0), Some(u8::MAX.into())),
            Some("uint16") => (Some(0), Some(u16::MAX.into())),
            Some("uint32") => (Some(0), Some(u32::MAX.into())),
            Some("uint64" | "uint") => (Some(0), Some(u64::MAX.into())),
            Some("int32") => (Some(i32::MIN.into()), Some(i32::MAX.into())),
            _ => (None, None),
        };
        let bound = |k: &str| Self::keyword(parts, k).and_then(|b| b.as_i64().map(i128::from));
        lo = bound("minimum").or(lo);
        hi = bound("maximum").or(hi);
        if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
            let range = format!(
                "{}..={}",
                lo.map_or(String::new(), |x| x.to_string()),
                hi.map_or(String::new(), |x| x.to_string())
            );
            return Err((path.into(), format!("expected an integer in {range}, found {n}")));
        }
        Ok(())
    }

    /// `oneOf`/`anyOf`: a tagged object is checked against the branch its tag names; anything
    /// else must fit one branch.
    fn check_branches(&self, v: &Value, branches: &'s [Value], path: &str) -> Result<(), Violation> {
        let tag_of = |b: &'s Value| -> Option<(&'s String, &'s Value)> {
            Self::properties(&self.parts(b)).into_iter().find_map(|(k, s)| {
                let c = Self::keyword(&self.parts(s), "const")?;
                Some((k, c))
            })
        };
        let tags: Vec<Option<(&String, &Value)>> = branches.iter().map(tag_of).collect();
        if let (Value::Object(obj), Some(Some((tag, _)))) = (v, tags.first()) {
            let Some(given) = obj.get(tag.as_str()) else {
                return Err((format!("{path}.{tag}"), format!("missing field `{tag}` (which variant this is)")));
            };
            return match tags.iter().position(|t| t.is_some_and(|(_, c)| c == given)) {
                Some(i) => self.check(v, &branches[i], path),
                None => {
                    let names: Vec<String> = tags.iter().flatten().map(|(_, c)| c.to_string()).collect();
                    Err((
                        format!("{path}.{tag}"),
                        format!("unknown variant {}, expected one of {}", shown(given), names.join(", ")),
                    ))
                }
            };
        }
        let mut deepest: Option<Violation> = None;
        for b in branches {
            match self.check(v, b, path) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    if deepest.as_ref().is_none_or(|d| e.0.len() > d.0.len()) {
                        deepest = Some(e);
                    }
                }
            }
        }
        deepest.map_or(Ok(()), Err)
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn article(t: &str) -> String {
    match t {
        "object" | "array" | "integer" => format!("an {t}"),
        "null" => "null".into(),
        _ => format!("a {t}"),
    }
}
