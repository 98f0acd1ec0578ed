//! The block circuit against the spec: valid blocks are satisfied with the spec's public input
//! and new root; blocks the spec refuses are not satisfied, and the circuit names the same rule.

use zkrollup_circuits::block::{self, BlockCircuit, Tag};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::ChangePubKeyAuth;

/// Runs `inputs` through the spec and the circuit and compares them. Returns the circuit's tag.
fn compare(pre: &State, ctx: BlockContext, chunks: usize, inputs: &[BlockInput]) -> Option<Tag> {
    let mut spec_state = pre.clone();
    let spec = apply_block(&mut spec_state, &BlockParams { context: ctx, chunks }, inputs);
    let mut state = RefState::from_spec(pre);
    let witness = match block::build(&mut state, &ctx, chunks, inputs) {
        Ok(w) => w,
        Err(e) => {
            assert_eq!(spec.as_ref().err().map(|e| e.rule), Some(e.0.rule), "unrepresentable input");
            return Some(Tag::Rule(e.0.rule));
        }
    };
    let v = block::check(&BlockCircuit::new(chunks, witness).unwrap()).unwrap();
    match spec {
        Ok(b) => {
            assert!(v.satisfied, "valid block refused: {:?}", v.failure);
            assert_eq!(v.public_input, b.public_input());
            assert_eq!(v.new_root, b.new_root);
            assert_eq!(v.commitment, b.commitment());
            None
        }
        Err(e) => {
            assert!(!v.satisfied, "invalid block ({}) satisfied", e.rule.id());
            assert_eq!(v.failure.map(|t| t.id()), Some(e.rule.id()), "rule named by the circuit");
            v.failure
        }
    }
}

fn deposit(to: Address, token: u16, amount: u128) -> BlockInput {
    BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: to, to, token, amount }))
}

#[test]
fn a_block_with_every_op_agrees_with_the_spec() {
    let pre = funded_state(3, &[(0, 1_000_000), (1, 5_000)]);
    let (u0, u1, u2, u5) = (user(0), user(1), user(2), user(5));
    // Account 3: keyless, for the forced exit and ChangePubKey.
    let mut pre = pre;
    let mut keyless = zkrollup_spec::state::Account::new(user(3).address);
    keyless.set_balance(1, 77);
    keyless.set_balance(0, 500);
    let mut accounts: Vec<_> = pre.accounts().map(|(_, a)| a.clone()).collect();
    accounts.push(keyless);
    pre = State::from_accounts(accounts).unwrap();
    let inputs = vec![
        BlockInput::Tx(transfer(&u0, 0, u1.address, 0, 1000, 10, 0)),
        BlockInput::Tx(transfer(&u1, 1, u5.address, 1, 300, 2, 0)),
        deposit(u2.address, 1, 123),
        deposit(user(6).address, 0, 9),
        BlockInput::Tx(withdraw(&u2, 2, u2.address, 0, 4000, 3, 0)),
        BlockInput::Tx(forced_exit(&u0, 0, user(3).address, 1, 1, 1)),
        BlockInput::Tx(change_pubkey(&user(3), 3, 0, 5, 0, ChangePubKeyAuth::Onchain)),
        BlockInput::Priority(PriorityOp::FullExit(FullExitRequest { account_id: 1, owner: u1.address, token: 0 })),
        BlockInput::Priority(PriorityOp::FullExit(FullExitRequest { account_id: 2, owner: u1.address, token: 0 })),
        BlockInput::Tx(transfer(&u0, 0, u0.address, 0, 7, 0, 2)),
    ];
    assert_eq!(compare(&pre, context(), 64, &inputs), None);
}

#[test]
fn an_empty_block_agrees_with_the_spec() {
    let pre = funded_state(1, &[(0, 10)]);
    assert_eq!(compare(&pre, context(), 8, &[]), None);
}

#[test]
#[ignore]
fn print_sizes() {
    for n in [8usize, 16, 32, 64] {
        let v = block::check(&BlockCircuit::blank_checked(n)).unwrap();
        eprintln!("{n} chunks: {} constraints", v.constraints);
    }
}

#[test]
#[ignore]
fn time_one() {
    let n: usize = std::env::var("N").ok().and_then(|s| s.parse().ok()).unwrap_or(16);
    let t = std::time::Instant::now();
    let c = BlockCircuit::blank_checked(n);
    eprintln!("build {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let v = block::check(&c).unwrap();
    eprintln!("{n} chunks: {} constraints, check {:?}", v.constraints, t.elapsed());
}

/// The circuit's parameters fix every dimension of its witness: a witness of another shape is
/// refused with an error naming what does not fit, never synthesised into another circuit (a
/// witness one fee slot short once synthesised a satisfied block that burned its fees; fee
/// slots are now an array, so that one cannot even be written).
#[test]
fn witnesses_of_another_shape_are_refused() {
    let pre = funded_state(2, &[(0, 1_000)]);
    let honest = block::build(&mut RefState::from_spec(&pre), &context(), 8, &[]).unwrap();
    type Edit = Box<dyn Fn(&mut block::BlockWitness)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("7 chunks for the 8-chunk circuit", Box::new(|w| w.chunks.truncate(7)), "7 chunks given"),
        ("9 chunks", Box::new(|w| w.chunks.push(w.chunks[0].clone())), "9 chunks given"),
        ("an op 8 bytes short", Box::new(|w| w.chunks[2].op_bytes.truncate(48)), "chunk 2: op of 48 bytes"),
        ("chunk index 7", Box::new(|w| w.chunks[1].chunk_index = 7), "chunk 1: chunk index 7"),
        ("fee slot 4", Box::new(|w| w.chunks[3].fee_slot = 4), "chunk 3: fee slot 4 of 4"),
        (
            "a short account path",
            Box::new(|w| {
                w.chunks[0].leaf.account_siblings.pop();
            }),
            "chunk 0: paths of 8 and 11",
        ),
        (
            "a long balance path",
            Box::new(|w| w.fees.later[1].siblings.push([Default::default(); 3])),
            "fee slot 2: a balance path of 9 levels",
        ),
    ];
    for (name, edit, says) in cases {
        let mut w = honest.clone();
        edit(&mut w);
        let e = BlockCircuit::new(8, w).err().unwrap_or_else(|| panic!("{name}: accepted"));
        assert!(e.to_string().contains(says), "{name}: {e}");
    }
    let e = BlockCircuit::new(12, honest.clone()).err().expect("no 12-chunk circuit");
    assert!(e.to_string().contains("circuits exist for"), "{e}");
    assert!(block::check(&BlockCircuit::new(8, honest).unwrap()).unwrap().satisfied, "the honest shape");
}
