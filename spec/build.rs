//! Renders the rule table into the crate docs from the one list in `src/rules.rs`, so the table
//! cannot drift from the code.

use std::{env, fs, path::Path};

fn main() {
    let src = fs::read_to_string("src/rules.rs").expect("src/rules.rs");
    let mut table = String::from("\n| rule id | enforced by | requirement |\n|---|---|---|\n");
    // Lines of the form: `Variant = "id", Enforcer,` followed by `"description";`
    let mut lines = src.lines().map(str::trim).peekable();
    while let Some(line) = lines.next() {
        let Some((_, rest)) = line.split_once(" = \"") else { continue };
        let Some((id, rest)) = rest.split_once("\", ") else { continue };
        let enforcer = rest.trim_end_matches(',');
        let desc = lines.next().unwrap_or("").trim_end_matches(';').trim_matches('"');
        table.push_str(&format!("| `{id}` | {enforcer} | {desc} |\n"));
    }
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("rules.md");
    fs::write(out, table).unwrap();
    println!("cargo::rerun-if-changed=src/rules.rs");
}
