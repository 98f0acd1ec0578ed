//! The spec's L1 module docs (its table of checks per call) against `CallKind::order`.

use zkrollup_spec::checks::CallKind;

/// The module docs' table of checks says what [`CallKind::order`] says.
#[test]
fn the_docs_table_is_the_declared_order() {
    let docs: Vec<&str> = include_str!("../../src/l1.rs").lines().filter_map(|l| l.strip_prefix("//! | [`")).collect();
    for kind in CallKind::ALL {
        let method = kind.method();
        let row = docs.iter().find(|l| l.starts_with(&format!("{method}`"))).expect("a row per call");
        let checks = row.rsplit(" | ").next().expect("a checks column");
        let mut listed = Vec::new();
        for (i, part) in checks.split('`').enumerate() {
            if i % 2 == 1 && (part.starts_with("l1.") || part.starts_with("codec.")) {
                listed.push(part.to_string());
            } else if i % 2 == 0 && part.trim_start().starts_with("(twice)") {
                listed.push(listed.last().expect("a rule before (twice)").clone());
            }
        }
        let declared: Vec<String> = kind.order().iter().map(|r| r.id().to_string()).collect();
        assert_eq!(listed, declared, "{method}: the docs table and CallKind::order differ");
    }
}
