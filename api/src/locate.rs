//! Where a JSON value breaks its type: the path of the first field that departs from the
//! type's JSON Schema (`nonce`, `signature.r8.x`, `fee.mantissa`) and what it should be.
//!
//! serde says *what* is wrong ("invalid type: string, expected u32") but not *where* inside the
//! wire format's tagged enums, which it buffers before reading. The schema the types publish
//! (schemars) knows every field's place and JSON type, so an error can name the field. serde
//! stays the judge of validity: this runs only after serde refused a value, to say where.

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The first place `value` departs from `schema` (a schemars root schema, definitions under
/// `$defs`): the path, dot-separated with `[i]` for array items, and what belongs there. `None`
/// when the schema sees nothing wrong (serde refused something finer, such as a number's range
/// inside a string).
pub fn locate(schema: &Value, value: &Value) -> Option<(String, String)> {
    walk(schema, schema, value, String::new())
}

/// Reads a transaction in the wire format ([`crate::TxJson`]); a refusal names the field
/// (empty: the value as a whole) and says what belongs there, with serde's own words.
pub fn tx_from_json(value: Value) -> Result<crate::TxJson, (String, String)> {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    serde_json::from_value(value.clone()).map_err(|e| {
        let schema = SCHEMA
            .get_or_init(|| serde_json::to_value(schemars::schema_for!(crate::TxJson)).expect("a schema is JSON"));
        match locate(schema, &value) {
            Some((path, expected)) => (path, format!("expected {expected} ({e})")),
            None => (String::new(), e.to_string()),
        }
    })
}

fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    // A bound on `$ref` chains: the schemas are generated, a cycle would be a bug, not input.
    for _ in 0..16 {
        let Some(name) = s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) else {
            break;
        };
        match root.get("$defs").and_then(|d| d.get(name)) {
            Some(next) => s = next,
            None => break,
        }
    }
    s
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// The property an internally tagged option fixes with `const`, and its value.
fn tag(option: &Value) -> Option<(&String, &Value)> {
    option.get("properties")?.as_object()?.iter().find_map(|(k, p)| Some((k, p.get("const")?)))
}

fn walk(root: &Value, s: &Value, v: &Value, path: String) -> Option<(String, String)> {
    let s = resolve(root, s);
    if let Some(options) = s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array) {
        let options: Vec<&Value> = options.iter().map(|o| resolve(root, o)).collect();
        let tags: Vec<(&String, &Value)> = options.iter().filter_map(|o| tag(o)).collect();
        if tags.len() != options.len() {
            return None; // not a tagged enum: no one option to hold the value to
        }
        if !v.is_object() {
            return Some((path, "a JSON object".into()));
        }
        let Some(option) = options.iter().find(|o| tag(o).is_some_and(|(k, c)| v.get(k) == Some(c))) else {
            let names: Vec<String> = tags.iter().map(|(_, c)| c.to_string()).collect();
            let key = tags.first().map_or("type", |(k, _)| k.as_str());
            return Some((join(&path, key), format!("one of {}", names.join(", "))));
        };
        return walk(root, option, v, path);
    }
    let kinds: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if v.is_null() && kinds.contains(&"null") {
        return None;
    }
    let expected = |what: String| Some((path.clone(), what));
    if kinds.contains(&"integer") {
        let (min, max) = integer_range(s);
        let n = v.as_u64().map(i128::from).or_else(|| v.as_i64().map(i128::from));
        return match n {
            Some(n) if n >= min && n <= max => None,
            _ => expected(format!("a JSON integer from {min} to {max}")),
        };
    }
    if kinds.contains(&"string") {
        return if v.is_string() { None } else { expected("a JSON string".into()) };
    }
    if kinds.contains(&"array") {
        let Some(items) = v.as_array() else { return expected("a JSON array".into()) };
        let item = s.get("items")?;
        return items.iter().enumerate().find_map(|(i, x)| walk(root, item, x, format!("{path}[{i}]")));
    }
    if kinds.contains(&"object") {
        let Some(obj) = v.as_object() else { return expected("a JSON object".into()) };
        return object(root, s, obj, &path);
    }
    None
}

fn object(root: &Value, s: &Value, obj: &Map<String, Value>, path: &str) -> Option<(String, String)> {
    let empty = Map::new();
    let props = s.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let required = s.get("required").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    // serde reads the fields present before it finds one missing: so does this.
    let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
    let present = obj.iter().find_map(|(k, v)| match props.get(k) {
        Some(p) => walk(root, p, v, join(path, k)),
        None if closed => Some((join(path, k), "no such field".into())),
        None => None,
    });
    present.or_else(|| {
        let missing = required.iter().filter_map(Value::as_str).find(|k| !obj.contains_key(*k))?;
        Some((join(path, missing), "a required field, missing".into()))
    })
}

/// An integer's bounds: the schema's, else its format's (`uint32` has no `maximum`).
fn integer_range(s: &Value) -> (i128, i128) {
    let bits = match s.get("format").and_then(Value::as_str) {
        Some("uint8") => Some(8),
        Some("uint16") => Some(16),
        Some("uint32") => Some(32),
        Some("uint64") => Some(64),
        _ => None,
    };
    let bound = |key: &str| s.get(key).and_then(Value::as_f64).map(|x| x as i128);
    let min = bound("minimum").unwrap_or(if bits.is_some() { 0 } else { i128::MIN });
    let max = bound("maximum").or(bits.map(|b| (1i128 << b) - 1)).unwrap_or(i128::MAX);
    (min, max)
}
