//! The spec's rules, check orders and L1 calls as one Markdown page (`spec/RULES.md`), for
//! implementers who read rather than build Rust: every rule with its enforcer, every input
//! kind's checks in order, and every L1 call's checks in order with its documentation (the
//! effects), taken from the text of [`crate::l1`]. A test holds the committed page to
//! [`markdown`]; `zkrollup rules --spec-page` prints it.

use crate::checks::{CallKind, InputKind};
use crate::rules::{markdown_table, Rule};

/// The source of [`crate::l1`], whose method docs the page quotes.
const L1_SOURCE: &str = include_str!("l1.rs");

/// The whole page.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Rules, check orders and L1 calls\n\n\
         Generated from the executable specification (`spec/`) by `cargo run --release -- rules \
         --spec-page > spec/RULES.md`; a test fails when this page and the code differ. The \
         crate's documentation (`cargo doc -p zkrollup-spec`) is the whole text; this page is what \
         an implementation in another language needs to refuse what the spec refuses, with the \
         same rule first.\n\n",
    );
    out.push_str(&format!("## Rules\n\n{} rules, each with who enforces it.\n\n", Rule::ALL.len()));
    out.push_str(&markdown_table());
    out.push_str(
        "\n## Check order of each input kind\n\n\
         An input may break several rules; the one reported is the first in its kind's list. A \
         check that does not apply to an input (a transfer to an existing account has no \
         `transfer.account_tree_full`) is skipped, and no check runs after a failing one. Signed \
         transactions pass the envelope (the first eight) first. A block checks \
         `block.unsupported_size`, then each input in turn followed by `block.too_many_chunks`, \
         then its fees.\n",
    );
    for kind in InputKind::ALL {
        out.push_str(&format!("\n### {kind:?}\n\n"));
        numbered(&mut out, &kind.order(), None, "");
    }
    out.push_str(
        "\n## L1 calls\n\n\
         Each call's checks in order (a rule may stand twice: two conditions under one id), then \
         its documentation from the spec, which says its effects. A refused call changes nothing.\n",
    );
    for call in CallKind::ALL {
        out.push_str(&format!("\n### `{}`\n\n", call.method()));
        let item = match call {
            CallKind::CommitBlock => "then for each on-chain op the block lists:",
            _ => "then for each block:",
        };
        numbered(&mut out, call.order(), call.per_item_from(), item);
        out.push('\n');
        out.push_str(&method_doc(call.method()));
    }
    out
}

/// `rules` as a numbered list with their requirements, the part from `split` on under `item`.
fn numbered(out: &mut String, rules: &[Rule], split: Option<usize>, item: &str) {
    for (i, r) in rules.iter().enumerate() {
        if Some(i) == split {
            out.push_str(&format!("\n{item}\n\n"));
        }
        out.push_str(&format!("{}. `{}`: {}\n", i + 1, r.id(), r.description()));
    }
}

/// The doc comment of `L1::{method}`, its intra-doc links reduced to their text.
fn method_doc(method: &str) -> String {
    let signature = format!("    pub fn {method}(");
    let lines: Vec<&str> = L1_SOURCE.lines().collect();
    let at = lines.iter().position(|l| l.starts_with(&signature)).unwrap_or_else(|| panic!("L1::{method} is in l1.rs"));
    let start = lines[..at].iter().rposition(|l| !l.trim_start().starts_with("///")).map_or(0, |i| i + 1);
    let mut doc = String::new();
    for line in &lines[start..at] {
        let text = line.trim_start().trim_start_matches("///");
        doc.push_str(text.strip_prefix(' ').unwrap_or(text));
        doc.push('\n');
    }
    unlink(&doc)
}

/// `[text](target)` and `` [`item`] `` become `text` and `` `item` ``; other brackets stay.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let tail = &after[close + 1..];
        if let Some(target) = tail.strip_prefix('(').and_then(|t| t.find(')').map(|end| &t[end + 1..])) {
            out.push_str(inner);
            rest = target;
        } else if inner.starts_with('`') {
            out.push_str(inner);
            rest = tail;
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
