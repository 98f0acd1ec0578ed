//! Rule ids: unique, well formed, each with its enforcer.

use zkrollup_spec::rules::*;

#[test]
fn ids_are_unique_and_round_trip() {
    let mut seen = std::collections::BTreeSet::new();
    for r in Rule::ALL {
        assert!(seen.insert(r.id()), "duplicate id {}", r.id());
        assert_eq!(Rule::from_id(r.id()), Some(*r));
        assert!(r.id().contains('.') && r.id() == r.id().to_lowercase());
    }
    assert_eq!(Rule::from_id("no.such_rule"), None);
}

#[test]
fn crate_doc_table_is_the_rule_list() {
    // build.rs renders the docs' table from the source text; it must say what the code says.
    let rendered = include_str!(concat!(env!("OUT_DIR"), "/rules.md"));
    assert_eq!(rendered.trim(), markdown_table().trim());
}

#[test]
fn table_lists_every_rule() {
    let t = markdown_table();
    assert_eq!(t.lines().count(), Rule::ALL.len() + 2);
}

#[test]
fn the_committed_spec_page_is_the_rendered_one() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/RULES.md")).unwrap_or_default();
    let rendered = zkrollup_spec::rendered::markdown();
    assert!(
        committed == rendered,
        "spec/RULES.md differs from the spec: regenerate it with `cargo run --release -- rules --spec-page > spec/RULES.md`"
    );
    for call in zkrollup_spec::checks::CallKind::ALL {
        let section = rendered.split(&format!("### `{}`", call.method())).nth(1).expect("a section a call");
        assert!(section.contains("Effects"), "{}: its documentation says its effects", call.method());
    }
}
