//! The API's description, generated: OpenRPC 1.3 JSON (`api/openrpc.json`, which the node serves
//! as `rpc.discover`) and its reading (`docs/API.md`).
//!
//! Source → description, one way: the `#[rpc]` trait's source (`api/src/lib.rs`) is parsed with
//! syn for each method's name, doc comment, parameter names and types and result type (and a
//! subscription's notification and unsubscribe names and item type); each type's JSON schema
//! comes from its `JsonSchema` derive (schemars); the examples are requests made to a live node
//! by `tests/api_doc.rs`, which compares the result with the committed files. No method, name
//! or type is written down here a second time: a method added to the trait is described, or
//! the test names the type this file cannot describe yet.

use std::collections::BTreeMap;

use quote::ToTokens;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::Schema;
use serde_json::{json, Value};
use syn::parse::ParseStream;
use syn::{Attribute, FnArg, Ident, ItemTrait, LitStr, Pat, ReturnType, Token, TraitItem, Type};
use zkrollup_api::*;

/// One method of the trait, as its source declares it.
#[derive(Clone, Debug)]
pub struct Method {
    /// Its full name (`zkr_submitTx`).
    pub name: String,
    /// Its doc comment, as Markdown.
    pub doc: String,
    /// Its parameters: name and Rust type (spaces removed: `Vec<TxJson>`).
    pub params: Vec<(String, String)>,
    /// The result's Rust type; a subscription's notification item.
    pub result: String,
    /// For a subscription: its notification's method and its unsubscribe method.
    pub subscription: Option<(String, String)>,
}

/// The trait's doc comment and its methods, in declaration order.
pub fn methods(source: &str) -> Result<(String, Vec<Method>), String> {
    let file = syn::parse_file(source).map_err(|e| format!("the API source does not parse: {e}"))?;
    let api = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Trait(t) if t.attrs.iter().any(|a| a.path().is_ident("rpc")) => Some(t),
            _ => None,
        })
        .ok_or("no #[rpc] trait in the API source")?;
    let namespace = rpc_namespace(api)?;
    let mut out = Vec::new();
    for item in &api.items {
        let TraitItem::Fn(f) = item else { continue };
        let fn_name = f.sig.ident.to_string();
        let (kind, args) = f
            .attrs
            .iter()
            .find(|a| a.path().is_ident("method") || a.path().is_ident("subscription"))
            .map(|a| Ok::<_, String>((a.path().get_ident().map(Ident::to_string), arguments(a)?)))
            .transpose()?
            .ok_or_else(|| format!("{fn_name}: neither #[method] nor #[subscription]"))?;
        let arg = |k: &str| args.get(k).cloned().ok_or_else(|| format!("{fn_name}: no `{k}` in its attribute"));
        let full = |n: String| format!("{namespace}_{n}");
        let mut params = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(p) = input else { continue };
            let Pat::Ident(name) = &*p.pat else { return Err(format!("{fn_name}: a parameter that is not a name")) };
            params.push((name.ident.to_string(), type_name(&p.ty)));
        }
        let (result, subscription) = if kind.as_deref() == Some("subscription") {
            (arg("item")?, Some((full(arg("notification")?), full(arg("unsubscribe")?))))
        } else {
            let ReturnType::Type(_, ty) = &f.sig.output else { return Err(format!("{fn_name}: no result")) };
            let ty = type_name(ty);
            let inner = ty.strip_prefix("RpcResult<").and_then(|t| t.strip_suffix('>'));
            (inner.ok_or_else(|| format!("{fn_name}: its result {ty} is not an RpcResult"))?.to_string(), None)
        };
        out.push(Method { name: full(arg("name")?), doc: doc_of(&f.attrs), params, result, subscription });
    }
    Ok((doc_of(&api.attrs), out))
}

/// `namespace = "zkr"` in `#[rpc(server, client, namespace = "zkr")]`.
fn rpc_namespace(api: &ItemTrait) -> Result<String, String> {
    let rpc = api.attrs.iter().find(|a| a.path().is_ident("rpc")).ok_or("no #[rpc]")?;
    arguments(rpc)?.remove("namespace").ok_or_else(|| "the #[rpc] trait has no namespace".into())
}

/// An attribute's `key = "value"` arguments (`item = Type` too; `name = "a" => "b"` gives
/// `name` and `notification`); bare flags are skipped.
fn arguments(attr: &Attribute) -> Result<BTreeMap<String, String>, String> {
    attr.parse_args_with(|input: ParseStream| {
        let mut out = BTreeMap::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if input.parse::<Option<Token![=]>>()?.is_some() {
                if key == "item" {
                    out.insert(key.to_string(), type_name(&input.parse::<Type>()?));
                } else {
                    out.insert(key.to_string(), input.parse::<LitStr>()?.value());
                    if input.parse::<Option<Token![=>]>>()?.is_some() {
                        out.insert("notification".into(), input.parse::<LitStr>()?.value());
                    }
                }
            }
            input.parse::<Option<Token![,]>>()?;
        }
        Ok(out)
    })
    .map_err(|e| format!("#[{}]: {e}", attr.path().to_token_stream()))
}

fn type_name(ty: &Type) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

/// A doc comment as Markdown: rustdoc's intra-doc links (`` [`X`] ``, `` [`X`](path) ``) as
/// code.
fn doc_of(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).to_string())
        .collect();
    let mut text = lines.join("\n");
    while let Some(start) = text.find("[`") {
        let Some(close) = text[start..].find("`]").map(|i| start + i) else { break };
        let code = text[start + 1..close + 1].to_string();
        let mut end = close + 2;
        if text[end..].starts_with('(') {
            end += text[end..].find(')').map_or(0, |i| i + 1);
        }
        text.replace_range(start..end, &code);
    }
    text
}

/// The JSON schema of a Rust type the API names, from its `JsonSchema` derive; `None` for a
/// type not listed here (the test fails naming it: add it to the list).
fn schema_of(g: &mut SchemaGenerator, ty: &str) -> Option<Schema> {
    macro_rules! known {
        ($($t:ty),* $(,)?) => {
            $(if ty == stringify!($t).replace(' ', "") {
                return Some(g.subschema_for::<$t>());
            })*
        };
    }
    known!(
        TxJson,
        Vec<TxJson>,
        TxReceipt,
        Vec<TxReceipt>,
        AccountRef,
        AccountInfo,
        Option<AccountInfo>,
        String,
        TxInfo,
        Option<TxInfo>,
        u16,
        u32,
        u64,
        PriorityOpInfo,
        Option<PriorityOpInfo>,
        BlockInfo,
        Option<BlockInfo>,
        Vec<TokenInfo>,
        ContractInfo,
        TxKind,
        FeeEstimate,
        NetworkStatus,
        VersionInfo,
    );
    None
}

/// A subscription's id, as jsonrpsee makes them (a number; a string is allowed by the protocol).
fn subscription_id() -> Value {
    json!({ "oneOf": [{ "type": "integer", "minimum": 0 }, { "type": "string" }] })
}

/// The OpenRPC document of `methods`, the trait's doc comment `about` as its description.
pub fn document(about: &str, methods: &[Method]) -> Result<Value, String> {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut schema = |ty: &str| -> Result<Value, String> {
        schema_of(&mut g, ty).map(Value::from).ok_or_else(|| format!("no schema for {ty}: add it to schema_of"))
    };
    let mut out = Vec::new();
    for m in methods {
        let (summary, description) = split_doc(&m.doc);
        let mut params = Vec::new();
        for (name, ty) in &m.params {
            params.push(json!({ "name": name, "required": !ty.starts_with("Option<"), "schema": schema(ty)? }));
        }
        let mut entry = json!({ "name": m.name, "summary": summary, "description": description, "params": params });
        match &m.subscription {
            None => entry["result"] = json!({ "name": m.result, "schema": schema(&m.result)? }),
            Some((notification, unsubscribe)) => {
                entry["result"] = json!({ "name": "subscription", "schema": subscription_id() });
                entry["x-notification"] =
                    json!({ "method": notification, "name": m.result, "schema": schema(&m.result)? });
                entry["x-unsubscribe"] = json!(unsubscribe);
            }
        }
        out.push(entry);
        if let Some((_, unsubscribe)) = &m.subscription {
            out.push(json!({
                "name": unsubscribe,
                "summary": format!("Ends a `{}` subscription.", m.name),
                "description": "Answers `true` if the subscription was open on this connection.",
                "params": [{ "name": "subscription", "required": true, "schema": subscription_id() }],
                "result": { "name": "unsubscribed", "schema": { "type": "boolean" } },
            }));
        }
    }
    Ok(json!({
        "openrpc": "1.3.2",
        "info": { "title": "zkrollup node API", "version": API_VERSION.to_string(), "description": about },
        "methods": out,
        "components": { "schemas": g.take_definitions(true) },
    }))
}

/// A doc comment's first paragraph (the summary, on one line) and the rest.
fn split_doc(doc: &str) -> (String, String) {
    let (first, rest) = doc.split_once("\n\n").unwrap_or((doc, ""));
    (first.replace('\n', " "), rest.to_string())
}

/// One example of a method: its parameters (by name), its answer, and for a subscription its
/// first notification.
#[derive(Clone, Debug)]
pub struct Example {
    pub params: Vec<Value>,
    pub result: Value,
    pub notification: Option<Value>,
}

/// `doc` with each method's example (`examples` must name every method).
pub fn with_examples(mut doc: Value, examples: &BTreeMap<String, Example>) -> Result<Value, String> {
    for m in doc["methods"].as_array_mut().ok_or("no methods")? {
        let name = m["name"].as_str().unwrap_or_default().to_string();
        let e = examples.get(&name).ok_or_else(|| format!("no example of {name}"))?;
        let names: Vec<Value> = m["params"].as_array().into_iter().flatten().map(|p| p["name"].clone()).collect();
        if names.len() != e.params.len() {
            return Err(format!("{name}: {} parameters, an example with {}", names.len(), e.params.len()));
        }
        let params: Vec<Value> =
            names.into_iter().zip(&e.params).map(|(n, v)| json!({ "name": n, "value": v })).collect();
        let mut example = json!({ "name": format!("{name} example"), "params": params, "result": { "name": m["result"]["name"], "value": e.result } });
        if let Some(n) = &e.notification {
            example["x-notification"] = json!({ "name": m["x-notification"]["name"], "value": n });
        }
        m["examples"] = json!([example]);
    }
    Ok(doc)
}

/// The reference page: per method, what it does, its parameters and result, and its example as
/// the JSON-RPC request and answer (and notification) on the wire.
pub fn markdown(doc: &Value) -> String {
    let mut out = String::from(
        "# The node's API\n\n<!-- Generated from api/openrpc.json by node-tests/tests/api_doc.rs \
         (ZKROLLUP_UPDATE_API_DOC=1 rewrites both): edit the trait in api/src/lib.rs, not this. -->\n\n",
    );
    out += &format!("{}\n\n", doc["info"]["description"].as_str().unwrap_or_default());
    out += "The node listens on `http://127.0.0.1:3030` (`ws://` on the same port); `rpc.discover` \
            answers this description as OpenRPC (`api/openrpc.json`), with the JSON schema of every \
            parameter and result. The examples are a development node's answers (block timestamps \
            and subscription ids differ from run to run).\n\n";
    let methods = doc["methods"].as_array().cloned().unwrap_or_default();
    for m in &methods {
        let name = m["name"].as_str().unwrap_or_default();
        out += &format!("- [`{name}`](#{}): {}\n", name.to_lowercase(), m["summary"].as_str().unwrap_or_default());
    }
    for m in &methods {
        let name = m["name"].as_str().unwrap_or_default();
        out += &format!("\n## {name}\n\n{}\n", m["summary"].as_str().unwrap_or_default());
        if let Some(d) = m["description"].as_str().filter(|d| !d.is_empty()) {
            out += &format!("\n{d}\n");
        }
        let params: Vec<String> = m["params"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("`{}` ({})", p["name"].as_str().unwrap_or_default(), type_of(&p["schema"])))
            .collect();
        let params = if params.is_empty() { "none".to_string() } else { params.join(", ") };
        out += &format!("\nParameters: {params}. Result: {}.\n", type_of(&m["result"]["schema"]));
        if let Some(n) = m.get("x-notification") {
            out += &format!(
                "Notifications: `{}`, each a {}.\n",
                n["method"].as_str().unwrap_or_default(),
                type_of(&n["schema"])
            );
        }
        let Some(e) = m["examples"].get(0) else { continue };
        let params: Vec<Value> = e["params"].as_array().into_iter().flatten().map(|p| p["value"].clone()).collect();
        let request = json!({ "jsonrpc": "2.0", "id": 1, "method": name, "params": params });
        let answer = json!({ "jsonrpc": "2.0", "id": 1, "result": e["result"]["value"] });
        out += &format!("\n```json\n{}\n```\n\n```json\n{}\n```\n", pretty(&request), pretty(&answer));
        if let Some(n) = e.get("x-notification") {
            let note = json!({
                "jsonrpc": "2.0",
                "method": m["x-notification"]["method"],
                "params": { "subscription": e["result"]["value"], "result": n["value"] },
            });
            out += &format!("\n```json\n{}\n```\n", pretty(&note));
        }
    }
    out += "\n# Types\n";
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        out += &format!("\n## {name}\n\n{}\n", schema["description"].as_str().unwrap_or_default());
        for (field, s) in schema["properties"].as_object().into_iter().flatten() {
            let about = s["description"].as_str().unwrap_or_default().replace('\n', " ");
            out += &format!("\n- `{field}` ({}): {about}", type_of(s));
        }
        for alt in schema["oneOf"].as_array().or(schema["anyOf"].as_array()).into_iter().flatten() {
            let about = alt["description"].as_str().unwrap_or_default().replace('\n', " ");
            out += &format!("\n- {}: {about}", type_of(alt));
        }
        out += "\n";
    }
    out
}

/// A schema's type, briefly: its name for a reference, else its JSON type.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("[`{name}`](#{})", name.to_lowercase());
    }
    match (&schema["type"], schema.get("anyOf").or(schema.get("oneOf"))) {
        (Value::String(t), _) if t == "array" => format!("array of {}", type_of(&schema["items"])),
        (Value::String(t), _) if t == "object" && schema.get("required").is_some() => {
            let keys: Vec<_> =
                schema["properties"].as_object().into_iter().flatten().map(|(k, _)| format!("`{k}`")).collect();
            format!("object {{{}}}", keys.join(", "))
        }
        (Value::String(t), _) => t.clone(),
        (Value::Array(ts), _) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        (_, Some(Value::Array(alts))) => alts.iter().map(type_of).collect::<Vec<_>>().join(" or "),
        _ => "any".into(),
    }
}

/// JSON as the page shows it: two-space indents.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON serialises")
}
