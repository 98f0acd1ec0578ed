//! The committed check-order vectors, each shown both ways on the spec: it rejects with the
//! vector's expected rule, and with that rule switched off, with the vector's other rule. So
//! every pair vector really breaks both of its rules, whatever edited the file.

use zkrollup_conformance::vectors::{self, rejection};
use zkrollup_conformance::wire::convert::{context_of, input_of, l1_call_of, l1_config_of, state_of, u64_of};
use zkrollup_conformance::wire::VectorInput;
use zkrollup_spec::block::{apply_block_with, BlockInput, BlockParams};
use zkrollup_spec::checks::Checks;
use zkrollup_spec::l1::{SymbolicVerifier, L1};
use zkrollup_spec::rules::Rule;
use zkrollup_spec::transition::{apply_priority_op_with, apply_tx_with};

/// The spec's first failure on a vector's input with `off` switched off.
fn first_failure(input: &VectorInput, off: &[Rule]) -> Option<Rule> {
    let checks = Checks::without(off).expect("the earlier rule of a pair can be switched off");
    match input {
        VectorInput::Transition(t) => {
            let mut state = state_of(&t.pre_state).unwrap();
            let ctx = context_of(&t.context).unwrap();
            match input_of(&t.input).unwrap() {
                BlockInput::Tx(tx) => apply_tx_with(&mut state, &tx, &ctx, &checks).err(),
                BlockInput::Priority(p) => apply_priority_op_with(&mut state, &p, &checks).err(),
            }
        }
        VectorInput::Block(b) => {
            let mut state = state_of(&b.pre_state).unwrap();
            let params = BlockParams { context: context_of(&b.context).unwrap(), chunks: b.chunks as usize };
            let inputs: Vec<BlockInput> = b.inputs.iter().map(|i| input_of(i).unwrap()).collect();
            apply_block_with(&mut state, &params, &inputs, &checks).err()
        }
        VectorInput::L1(l) => {
            let mut l1 = L1::new(l1_config_of(&l.config).unwrap(), u64_of(&l.start_time).unwrap());
            let (last, setup) = l.calls.split_last().expect("a call under test");
            for c in setup {
                l1.call(&l1_call_of(c).unwrap(), &SymbolicVerifier).expect("the calls before the last are accepted");
            }
            l1.call_with(&l1_call_of(last).unwrap(), &SymbolicVerifier, &checks).err()
        }
        _ => panic!("check-order vectors are transition, block and l1 vectors"),
    }
    .map(|e| e.rule)
}

#[test]
fn every_pair_vector_breaks_both_of_its_rules() {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).unwrap();
    let mut shown = 0;
    for v in files.iter().flat_map(|f| &f.vectors).filter(|v| v.name.contains("/order/")) {
        let earlier = rejection(&v.expected).and_then(|r| Rule::from_id(&r)).expect("a pair vector is a rejection");
        let others: Vec<Rule> = v.rules.iter().filter_map(|r| Rule::from_id(r)).filter(|r| *r != earlier).collect();
        let [later] = others[..] else { panic!("{}: a pair vector names two rules, got {:?}", v.name, v.rules) };
        assert_eq!(first_failure(&v.input, &[]), Some(earlier), "{}", v.name);
        if !Checks::switchable(earlier) {
            // The codec's rules where a commit decodes: shown at generation by the later break
            // alone (conformance/src/vectors/cases/l1_order.rs).
            assert!(v.name.starts_with("l1/order/commit_block/codec_"), "{}: {earlier} is not switchable", v.name);
            continue;
        }
        assert_eq!(first_failure(&v.input, &[earlier]), Some(later), "{}: with {earlier} off", v.name);
        shown += 1;
    }
    assert!(shown >= 220, "only {shown} check-order vectors");
}

#[test]
fn every_pair_of_checks_is_covered_or_apart_with_a_reason() {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).unwrap();
    let cov = vectors::coverage(&files);
    assert!(cov.pairs.len() > 200, "{} pairs", cov.pairs.len());
    let missing: Vec<_> =
        cov.pairs.iter().filter(|p| p.status == vectors::cases::order::PairCoverage::Missing).collect();
    assert!(missing.is_empty(), "{missing:#?}");
}

/// The rule an implementation that checks `later` before `earlier` reports for `input`.
fn swapped(input: &VectorInput, earlier: Rule, later: Rule) -> Option<Rule> {
    let first = first_failure(input, &[]);
    // A codec rule cannot be switched off; generation showed the vector's later break alone
    // gives the later rule, so a swapped implementation reports it.
    let later_fires = !Checks::switchable(earlier) || first_failure(input, &[earlier]) == Some(later);
    if first == Some(earlier) && later_fires {
        return Some(later);
    }
    first
}

/// Every swap of two checks that one input can break together, the deviations implementers were
/// seen to make among them (nonce before signature, validity window before nonce, a transfer's
/// balance before the tree, a forced exit's fee before the target's key, a block's chunk count
/// after its inputs), is caught by a committed vector.
#[test]
fn the_suite_catches_every_swap_of_two_checks() {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).unwrap();
    let all: Vec<_> = files.iter().flat_map(|f| &f.vectors).collect();
    let cov = vectors::coverage(&files);
    let mut caught = 0;
    for p in cov.pairs.iter().filter(|p| matches!(p.status, vectors::cases::order::PairCoverage::Covered(_))) {
        let (Some(earlier), Some(later)) = (Rule::from_id(p.earlier), Rule::from_id(p.later)) else {
            continue; // block pairs with "an input's check": shown by the block vectors below
        };
        let prefix = match p.kind.strip_prefix("l1 ") {
            Some(call) => format!("l1/order/{call}/"),
            None if p.kind == "block" => "block/".to_string(),
            None => format!("transition/order/{}/", p.kind),
        };
        let catches = all.iter().filter(|v| v.name.starts_with(&prefix)).any(|v| {
            let expected = rejection(&v.expected).and_then(|r| Rule::from_id(&r));
            swapped(&v.input, earlier, later) != expected
        });
        assert!(catches, "{}: checking {later} before {earlier} passes the suite", p.kind);
        caught += 1;
    }
    // A block that counts chunks only after all its inputs.
    let after_inputs = all.iter().filter(|v| v.name.starts_with("block/")).any(|v| {
        let expected = rejection(&v.expected).and_then(|r| Rule::from_id(&r));
        let first = first_failure(&v.input, &[]);
        let deviant = match first {
            Some(Rule::BlockTooManyChunks) => match first_failure(&v.input, &[Rule::BlockTooManyChunks]) {
                Some(r) if !zkrollup_spec::checks::BLOCK.contains(&r) => Some(r),
                _ => first,
            },
            other => other,
        };
        deviant != expected
    });
    assert!(after_inputs, "counting a block's chunks after all its inputs passes the suite");
    assert!(caught >= 210, "{caught} swaps checked");
}
