//! The contract's log against the spec's (issue 11, item 7): every committed L1 vector's calls
//! run on the spec and on the contract in revm, and after each call the events the contract
//! logged, read back as the spec's events, must be the spec's, field for field and in order.
//! The vectors between them make every kind of event.

use std::collections::BTreeSet;

use zkrollup_conformance::vectors;
use zkrollup_conformance::wire::convert::{l1_call_of, l1_config_of, u64_of};
use zkrollup_conformance::wire::VectorInput;
use zkrollup_contracts::artifacts::{bytecode, SYMBOLIC_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::rollup::{RollupOnL1, DEPLOYER};
use zkrollup_spec::l1::{Event, SymbolicVerifier, L1};

fn kind(e: &Event) -> &'static str {
    match e {
        Event::PriorityRequest { request: zkrollup_spec::transition::PriorityOp::Deposit(_), .. } => "DepositRequested",
        Event::PriorityRequest { .. } => "FullExitRequested",
        Event::AuthFactSet { .. } => "AuthFactSet",
        Event::BlockCommitted(_) => "BlockCommitted",
        Event::BlockProven { .. } => "BlockProven",
        Event::BlockExecuted { .. } => "BlockExecuted",
        Event::BlockReverted { .. } => "BlockReverted",
        Event::ExodusActivated { .. } => "ExodusActivated",
        Event::ExodusExit { .. } => "ExodusExit",
        Event::RequestCancelled { .. } => "RequestCancelled",
        Event::PendingCredited { .. } => "PendingCredited",
        Event::Withdrawal { .. } => "Withdrawal",
        Event::GovernorProposed { .. } => "GovernorProposed",
        Event::GovernorChanged { .. } => "GovernorChanged",
        Event::ValidatorSet { .. } => "ValidatorSet",
        Event::TokenListed { .. } => "TokenListed",
    }
}

#[test]
fn the_contract_logs_what_the_spec_logs_for_every_l1_vector() {
    let files = vectors::read(&zkrollup_conformance::committed_suite_dir()).expect("the committed suite");
    let mut seen = BTreeSet::new();
    let mut calls = 0;
    for v in files.iter().flat_map(|f| &f.vectors) {
        let VectorInput::L1(input) = &v.input else { continue };
        let config = l1_config_of(&input.config).unwrap();
        let start = u64_of(&input.start_time).unwrap();
        let mut spec = L1::new(config.clone(), start);
        let mut evm = L1Evm::new();
        let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).unwrap();
        let mut contract = RollupOnL1::deploy_with(evm, &config, start, symbolic, symbolic).unwrap();
        for (i, call) in input.calls.iter().enumerate() {
            let call = l1_call_of(call).unwrap();
            let (s0, c0) = (spec.log.len(), contract.log.len());
            let s = spec.call(&call, &SymbolicVerifier);
            let c = contract.call(&call);
            assert_eq!(s.is_ok(), c.is_ok(), "{} call {i} ({}): spec {s:?}, contract {c:?}", v.name, call.name());
            assert_eq!(spec.log[s0..], contract.log[c0..], "{} call {i} ({}): the events differ", v.name, call.name());
            seen.extend(spec.log[s0..].iter().map(kind));
            calls += 1;
        }
    }
    let all = [
        "DepositRequested",
        "FullExitRequested",
        "AuthFactSet",
        "BlockCommitted",
        "BlockProven",
        "BlockExecuted",
        "BlockReverted",
        "ExodusActivated",
        "ExodusExit",
        "RequestCancelled",
        "PendingCredited",
        "Withdrawal",
        "GovernorProposed",
        "GovernorChanged",
        "ValidatorSet",
        "TokenListed",
    ];
    let missing: Vec<_> = all.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(missing.is_empty(), "no vector makes {missing:?}");
    assert!(calls > 1_000, "only {calls} calls compared");
}
