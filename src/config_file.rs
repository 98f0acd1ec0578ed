//! `zkrollup node --config FILE`: the node's options from a TOML file, each key named as its flag
//! without the dashes (`listen = "127.0.0.1:3030"`, `block-chunks = 16`, `fee-per-chunk =
//! ["0=1000", "1=1"]`, `reset = true`).
//!
//! The file's options become flags placed before the command line's, unless that option is
//! given on the command line or by its environment variable: a flag beats the environment,
//! which beats the file, which beats the built-in default — and clap then checks them all as it
//! checks flags (values, requirements, conflicts); a bad value from the file is refused naming
//! the file and the key ([`Expanded::blame`]), an unknown key too (a misspelt option must not
//! silently fall back to its default).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command};

/// The subcommand that reads a configuration file, and its option naming it.
const SUBCOMMAND: &str = "node";
const OPTION: &str = "config";

/// A command line with a configuration file's options in it.
pub(crate) struct Expanded {
    pub(crate) args: Vec<OsString>,
    /// The file, and the keys its options were taken from.
    from: Option<(String, Vec<String>)>,
}

impl Expanded {
    /// The refusal of a value the file gave, naming the file and the key; `None` if clap's `e`
    /// is about something else.
    pub(crate) fn blame(&self, e: &clap::Error) -> Option<String> {
        use clap::error::{ContextKind, ContextValue};
        let (file, keys) = self.from.as_ref()?;
        let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else { return None };
        let key = arg.strip_prefix("--")?.split([' ', '=']).next()?;
        keys.iter().any(|k| k == key).then(|| {
            let why = e.to_string();
            format!(
                "--config {file}: key `{key}`: {}",
                why.lines().next().unwrap_or_default().trim_start_matches("error: ")
            )
        })
    }
}

/// `args` (the process's, program name first) with the options of the `--config` file (or
/// `$ZKROLLUP_CONFIG`) of `zkrollup node` inserted as flags; unchanged for other subcommands.
pub(crate) fn expand(args: Vec<OsString>, cli: &Command) -> Result<Expanded, String> {
    let mut args = args;
    // The command line has no options before its subcommand.
    let at = 1;
    let unchanged = |args| Ok(Expanded { args, from: None });
    if args.get(at).is_none_or(|a| a != SUBCOMMAND) {
        return unchanged(args);
    }
    let Some(node) = cli.find_subcommand(SUBCOMMAND) else { return unchanged(args) };
    let given: Vec<String> = args[at + 1..].iter().map(|a| a.to_string_lossy().into_owned()).collect();
    // Help stays reachable whatever the file holds.
    if given.iter().any(|a| a == "--help" || a == "-h") {
        return unchanged(args);
    }
    let path = match given_as(&given, OPTION).flatten() {
        Some(p) => PathBuf::from(p),
        None => match node.get_arguments().find(|a| a.get_id() == OPTION).and_then(Arg::get_env) {
            Some(var) => match std::env::var_os(var) {
                Some(p) => PathBuf::from(p),
                None => return unchanged(args),
            },
            None => return unchanged(args),
        },
    };
    let (flags, keys) = flags_of(&path, node, &given)?;
    args.splice(at + 1..at + 1, flags);
    Ok(Expanded { args, from: Some((path.display().to_string(), keys)) })
}

/// Whether `--name` is in `given`, and its value: `--name=V`, or the argument after `--name`
/// (a flag's next argument if it takes none: only ask for the value of an option that has one).
fn given_as(given: &[String], name: &str) -> Option<Option<String>> {
    let long = format!("--{name}");
    let mut it = given.iter();
    while let Some(a) = it.next() {
        if *a == long {
            return Some(it.next().cloned());
        }
        if let Some(v) = a.strip_prefix(&long).and_then(|rest| rest.strip_prefix('=')) {
            return Some(Some(v.to_string()));
        }
    }
    None
}

/// The file's options as flags (`--key=value`: a value may start with a dash), leaving out
/// those `given` on the command line or set in the environment; and the keys taken.
fn flags_of(path: &Path, node: &Command, given: &[String]) -> Result<(Vec<OsString>, Vec<String>), String> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("--config {file}: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e| format!("--config {file}: not TOML: {e}"))?;
    let known: Vec<&str> =
        node.get_arguments().filter_map(Arg::get_long).filter(|l| *l != OPTION && *l != "help").collect();
    let (mut flags, mut keys) = (Vec::new(), Vec::new());
    for (key, value) in &table {
        let arg = node
            .get_arguments()
            .find(|a| a.get_long() == Some(key.as_str()))
            .filter(|_| known.contains(&key.as_str()))
            .ok_or_else(|| {
                format!(
                    "--config {file}: unknown key `{key}`; the keys are the flags of `zkrollup node`: {}",
                    known.join(", ")
                )
            })?;
        let overridden =
            given_as(given, key).is_some() || arg.get_env().is_some_and(|var| std::env::var_os(var).is_some());
        if overridden {
            continue;
        }
        keys.push(key.clone());
        let bad = |why: String| format!("--config {file}: key `{key}`: {why}");
        let values: Vec<&toml::Value> = match value {
            toml::Value::Array(items) if items.is_empty() => return Err(bad("an empty list".into())),
            toml::Value::Array(items) if matches!(arg.get_action(), ArgAction::Append) => items.iter().collect(),
            toml::Value::Array(_) => return Err(bad("takes one value, not a list".into())),
            v => vec![v],
        };
        for v in values {
            let text = match v {
                toml::Value::Boolean(b) if matches!(arg.get_action(), ArgAction::SetTrue) => {
                    if *b {
                        flags.push(format!("--{key}").into());
                    }
                    continue;
                }
                _ if matches!(arg.get_action(), ArgAction::SetTrue) => return Err(bad("true or false".into())),
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => return Err(bad(format!("a {} is not a value of this option", other.type_str()))),
            };
            flags.push(format!("--{key}={text}").into());
        }
    }
    Ok((flags, keys))
}
