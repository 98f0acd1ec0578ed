//! The conformance suite in `cargo test`: every committed vector through every adapter present,
//! every vector file read, the suite identical to what the spec generates, full coverage, and
//! the report format pinned by snapshots.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use zkrollup::harness::exec::ExecImplementation;
use zkrollup::harness::runner::{self, Status};
use zkrollup::harness::spec_impl::SpecImplementation;
use zkrollup::harness::Implementation;
use zkrollup::vectors::{self, VectorFile};
use zkrollup::wire::{Kind, Outcome, Vector, VectorInput, Verdict};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance-vectors")
}

fn suite() -> Vec<VectorFile> {
    vectors::read(&suite_dir()).expect("the committed suite reads")
}

fn all_vectors(files: &[VectorFile]) -> Vec<Vector> {
    files.iter().flat_map(|f| f.vectors.clone()).collect()
}

/// Runs the whole suite: every vector of a kind the implementation supports must run and pass,
/// and every vector file of those kinds must contribute a vector that ran.
fn run_everything(implementation: &mut dyn Implementation) {
    let files = suite();
    let vectors = all_vectors(&files);
    let report = runner::run(implementation, &vectors, None);
    assert!(report.ok(), "{}", report.render(false));
    let supported = vectors.iter().filter(|v| implementation.supports(v.input.kind())).count();
    assert!(supported > 0);
    assert_eq!(report.passed(), supported);
    let ran: BTreeSet<&str> =
        report.vectors.iter().filter(|v| v.status == Status::Pass).map(|v| v.name.as_str()).collect();
    let on_disk = vectors::list_files(&suite_dir()).unwrap();
    let kind_of = |path: &str| Kind::ALL.into_iter().find(|k| path.starts_with(&format!("v1/{}/", k.as_str())));
    for path in on_disk.iter().filter(|p| kind_of(p).is_some_and(|k| implementation.supports(k))) {
        let file = files.iter().find(|f| &f.path == path).unwrap_or_else(|| panic!("{path} was never read"));
        assert!(file.vectors.iter().any(|v| ran.contains(v.name.as_str())), "no vector of {path} ran");
    }
}

#[test]
fn every_vector_passes_on_the_spec() {
    run_everything(&mut SpecImplementation);
}

#[test]
fn every_transition_and_block_vector_passes_on_the_reference() {
    run_everything(&mut zkrollup::harness::reference_impl::ReferenceImplementation);
}

#[test]
fn every_block_vector_passes_on_the_circuit() {
    run_everything(&mut zkrollup::harness::circuit_impl::CircuitImplementation);
}

#[test]
fn every_l1_vector_passes_on_the_contract() {
    run_everything(&mut zkrollup::harness::contract_impl::ContractImplementation);
}

/// Every rule the spec gives the contract to enforce is shown by a vector in which the Solidity
/// contract reverts with that rule id (the vectors agree with the spec, checked above; this
/// checks that each rule is reached on chain).
#[test]
fn the_contract_reverts_with_every_contract_rule() {
    use zkrollup_spec::rules::{Enforcer, Rule};
    let vectors = all_vectors(&suite());
    let mut contract = zkrollup::harness::contract_impl::ContractImplementation;
    let mut seen = BTreeSet::new();
    for v in vectors.iter().filter(|v| v.input.kind() == Kind::L1) {
        if let Outcome::L1(o) = contract.run(&v.input).unwrap() {
            for r in o.results {
                if let Verdict::Rejected { rule } = r {
                    seen.insert(rule);
                }
            }
        }
    }
    for rule in Rule::ALL.iter().filter(|r| r.enforcer() == Enforcer::Contract) {
        assert!(seen.contains(rule.id()), "no vector makes the contract revert with {}", rule.id());
    }
}

#[test]
fn every_vector_passes_through_the_exec_protocol() {
    let cmd = env!("CARGO_BIN_EXE_zkrollup-spec-exec");
    let mut exec = ExecImplementation::spawn(cmd).expect("the exec binary starts");
    run_everything(&mut exec);
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

#[test]
fn filters_select_by_name() {
    let vectors = all_vectors(&suite());
    let r = runner::run(&mut SpecImplementation, &vectors, Some("primitives/poseidon/"));
    assert_eq!(r.vectors.len(), 14);
}
