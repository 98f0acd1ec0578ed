//! The conformance suite in `cargo test`: every committed vector through the spec, reference and
//! `exec:` adapters (the circuit and contract adapters: the root crate's tests/conformance/),
//! every vector file read, the suite identical to what the spec generates, full coverage, and
//! the report format pinned by snapshots.

use std::collections::BTreeSet;
use std::path::PathBuf;

use zkrollup_conformance::harness::exec::ExecImplementation;
use zkrollup_conformance::harness::runner::{self};
use zkrollup_conformance::harness::spec_impl::SpecImplementation;
use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::suite;
use zkrollup_conformance::vectors::{self, VectorFile};
use zkrollup_conformance::wire::{Kind, Outcome, Vector, VectorInput, Verdict};

fn suite_dir() -> PathBuf {
    zkrollup_conformance::committed_suite_dir()
}

fn suite() -> Vec<VectorFile> {
    vectors::read(&suite_dir()).expect("the committed suite reads")
}

fn all_vectors(files: &[VectorFile]) -> Vec<Vector> {
    files.iter().flat_map(|f| f.vectors.clone()).collect()
}

#[test]
fn every_transition_and_block_vector_passes_on_the_reference() {
    suite::run_everything(&mut zkrollup_conformance::harness::reference_impl::ReferenceImplementation);
}

#[test]
fn every_vector_passes_through_the_exec_protocol() {
    let cmd = env!("CARGO_BIN_EXE_zkrollup-spec-exec");
    let mut exec = ExecImplementation::spawn(cmd).expect("the exec binary starts");
    suite::run_everything(&mut exec);
}

#[test]
fn the_committed_suite_is_what_the_spec_generates() {
    let problems = vectors::check(&suite_dir()).unwrap();
    assert!(problems.is_empty(), "run `cargo run --release -- vectors generate`:\n{}", problems.join("\n"));
}

#[test]
fn coverage_has_no_gaps_and_the_suite_is_large_enough() {
    let files = suite();
    let cov = vectors::coverage(&files);
    assert_eq!(cov.problems(), Vec::<String>::new());
    assert!(cov.vectors >= 300, "{} vectors", cov.vectors);
    let kinds: BTreeSet<Kind> = all_vectors(&files).iter().map(|v| v.input.kind()).collect();
    assert_eq!(kinds.len(), Kind::ALL.len());
}

#[test]
fn names_are_unique_and_rules_are_known() {
    let mut names = BTreeSet::new();
    for v in all_vectors(&suite()) {
        assert!(names.insert(v.name.clone()), "duplicate {}", v.name);
        assert!(!v.description.is_empty());
        for r in &v.rules {
            assert!(zkrollup_spec::rules::Rule::from_id(r).is_some(), "{}: unknown rule {r}", v.name);
        }
    }
}

/// An implementation that gets things subtly wrong: the post-state root of transitions is off
/// for one account change, and a rejection names another rule. The runner must catch both.
struct Mutant;

impl Implementation for Mutant {
    fn name(&self) -> String {
        "mutant".into()
    }
    fn supports(&self, kind: Kind) -> bool {
        kind != Kind::L1
    }
    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        let mut out = SpecImplementation.run(input)?;
        if let Outcome::Transition(t) = &mut out {
            match &mut t.verdict {
                Verdict::Accepted(a) => a.post_root = "1".into(),
                Verdict::Rejected { rule } => *rule = "tx.nonce_mismatch".into(),
            }
        }
        if let VectorInput::Codec(_) = input {
            return Err("this implementation crashed".into());
        }
        Ok(out)
    }
}

#[test]
fn reports_are_pinned() {
    let vectors = all_vectors(&suite());
    let pick = |f: &str| -> Vec<Vector> { vectors.iter().filter(|v| v.name.contains(f)).cloned().collect() };
    let mut chosen = pick("transition/transfer/basic");
    chosen.extend(pick("transition/deposit/tree_full"));
    chosen.extend(pick("transition/envelope/withdraw_nonce_too_high"));
    chosen.extend(pick("codec/tx/decode_transfer_truncated"));
    chosen.extend(pick("l1/flows/deploy"));
    chosen.extend(pick("block/blocks/empty_8"));

    let good = runner::run(&mut SpecImplementation, &chosen, None);
    insta::assert_snapshot!("spec_report", good.render(true));

    let bad = runner::run(&mut Mutant, &chosen, None);
    assert!(!bad.ok());
    // The nonce vector passes: the mutant names tx.nonce_mismatch for every rejection.
    assert_eq!((bad.passed(), bad.failed(), bad.errors(), bad.skipped()), (2, 2, 1, 1));
    insta::assert_snapshot!("mutant_report", bad.render(false));
}

/// A filter selects whole name segments: the name itself, or the names under it.
#[test]
fn filters_select_by_name() {
    let vectors = all_vectors(&suite());
    let count = |f: &str| runner::run(&mut SpecImplementation, &vectors, Some(f)).vectors.len();
    assert_eq!(count("primitives/poseidon/"), 14);
    assert_eq!(count("primitives/poseidon"), 14);
    assert_eq!(count("primitives/poseidon/arity_1"), 1, "arity_1 must not select arity_10, arity_11, arity_12");
    assert_eq!(count("primitives/pos"), 0);
    assert_eq!(count("arity_1"), 0);
}

/// A folder without `v1/` is not a suite: `check` says so rather than listing every file as
/// missing.
#[test]
fn a_folder_without_v1_is_not_a_suite() {
    let dir = std::env::temp_dir().join(format!("zkrollup-not-a-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for e in [vectors::check(&dir).unwrap_err(), vectors::read(&dir).unwrap_err()] {
        assert!(e.contains("v1 does not exist: not a conformance suite folder"), "{e}");
        assert!(e.starts_with('/'), "not an absolute path: {e}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The wire format's integers and bytes: one spelling each, so that two implementations that
/// agree on a value agree on its text.
mod wire_spelling {
    use zkrollup_conformance::wire::convert::{bytes_of, u128_of, u64_of, uint256_of};

    #[test]
    fn integers_are_plain_decimal_digits() {
        assert_eq!(u128_of("5"), Ok(5));
        assert_eq!(u128_of("0"), Ok(0));
        for bad in ["+5", "-5", "05", "", " 5", "5 ", "1e3", "0x10"] {
            assert!(u128_of(bad).is_err(), "{bad:?} parsed");
        }
        assert!(u64_of("18446744073709551616").is_err());
    }

    #[test]
    fn bytes_are_lowercase_hex_with_0x() {
        assert_eq!(bytes_of("0xab01"), Ok(vec![0xab, 1]));
        for bad in ["0xAB", "ab", "0xabc", "0xzz", "0XAB"] {
            assert!(bytes_of(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn an_unreduced_integer_parses_up_to_2_pow_256() {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert!(uint256_of(max).is_ok());
        assert!(uint256_of("115792089237316195423570985008687907853269984665640564039457584007913129639936").is_err());
        assert!(uint256_of("+1").is_err());
    }
}
