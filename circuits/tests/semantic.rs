//! Semantic mutations: a malicious operator's moves, each a whole witness that is consistent
//! with itself (every leaf write made on the state, every Merkle path valid against the state it
//! is read from) and the statement the operator would want L1 to accept: the commitment to its
//! own pubdata and its own new root. The circuit must refuse each *itself*: with the claimed
//! public input assigned, some constraint fails. (Judging a satisfied witness "different" from
//! the honest one would prove nothing: the proof is checked against the operator's claim.)
//!
//! The controls show the harness accepts the honest moves, so a refusal means something.

mod support;

use ark_relations::gr1cs::ConstraintSystem;
use zkrollup_circuits::block::{self, assemble, execute, BlockCircuit, BlockStart, Executed, TxAuth};
use zkrollup_reference::state::{Change, LeafWrite, RefState};
use zkrollup_spec::block::{commitment, onchain_flags, public_input, BlockInput};
use zkrollup_spec::op::*;
use zkrollup_spec::primitives::packing::PackedAmount;
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::state::{AccountId, TokenId};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{DepositRequest, PriorityOp};
use zkrollup_spec::tx::Tx;

const CHUNKS: usize = 16;

/// How the circuit judged the operator's claim.
#[derive(Debug)]
struct Judgement {
    satisfied: bool,
    /// The rule-tagged checks that failed on the witness's own values (for the report).
    failures: Vec<String>,
}

/// Assembles the operator's ops, claims the commitment to its pubdata and new root, and checks
/// the circuit with that public input.
fn judge(run: impl FnOnce(&mut RefState) -> Vec<Executed>, edit: impl FnOnce(&mut block::BlockWitness)) -> Judgement {
    let pre = support::every_kind_state();
    let mut state = RefState::from_spec(&pre);
    let old_root = state.root();
    let start = BlockStart::of(&mut state);
    let executed = run(&mut state);
    let mut w = assemble(&mut state, &context(), CHUNKS, start, &executed).expect("representable");
    edit(&mut w);
    let new_root = state.root();
    let ops: Vec<Op> = executed.iter().map(|e| e.op.clone()).collect();
    let mut pubdata: Vec<u8> = ops.iter().flat_map(Op::to_pubdata).collect();
    pubdata.resize(CHUNKS * 8, 0);
    let flags = onchain_flags(&ops, CHUNKS);
    let claimed = public_input(&commitment(&context(), &old_root, &new_root, &pubdata, &flags));

    let circuit = BlockCircuit::new(CHUNKS, w).expect("the circuit's shape");
    let cs = ConstraintSystem::<Fr>::new_ref();
    let out = circuit.synthesize(cs.clone()).expect("synthesis");
    cs.borrow_mut().expect("the system").assignments.instance_assignment[1] = claimed;
    let satisfied = block::first_unsatisfied(&cs).expect("the matrices").is_none();
    let mut failures: Vec<String> = out.checks.failures().iter().map(|(_, t)| t.id().to_string()).collect();
    if ark_r1cs_std::GR1CSVar::value(&out.public_input).ok() != Some(claimed) {
        failures.push("the claimed public input".into());
    }
    failures.dedup();
    Judgement { satisfied, failures }
}

fn change(state: &RefState, id: AccountId, token: TokenId, balance: u128) -> Change {
    Change { nonce: state.nonce(id), pubkey_hash: state.pubkey_hash(id), address: state.address(id), token, balance }
}

fn credit(state: &mut RefState, id: AccountId, token: TokenId, amount: u128) -> LeafWrite {
    let c = change(state, id, token, state.balance(id, token) + amount);
    state.write_leaf(id, c)
}

fn debit(state: &mut RefState, id: AccountId, token: TokenId, amount: u128) -> LeafWrite {
    let mut c = change(state, id, token, state.balance(id, token) - amount);
    c.nonce += 1;
    state.write_leaf(id, c)
}

fn honest(state: &mut RefState, inputs: &[BlockInput]) -> Vec<Executed> {
    inputs.iter().map(|i| execute(state, i).expect("representable")).collect()
}

/// The signed Transfer of 5,000 (fee 20) of token 0 from account 0 to user 1 (account 1).
fn signed_transfer() -> Tx {
    transfer(&user(0), 0, user(1).address, 0, 5_000, 20, 0)
}

fn ex(
    op: Op,
    writes: Vec<LeafWrite>,
    auth: TxAuth,
    recipient: Address,
    opens: bool,
    fee: Option<(TokenId, u128)>,
) -> Executed {
    Executed { op, writes, auth, recipient_address: recipient, opens_account: opens, fee }
}

/// A Transfer op from account 0 under the signature of [`signed_transfer`], as the operator
/// writes it: the op names `to`, account `credited` gets `amount`, the signer is debited
/// `debited`, and the chunks carry `recipient` as the signed address.
fn transfer_op(
    s: &mut RefState,
    to: AccountId,
    credited: AccountId,
    amount: u128,
    debited: u128,
    recipient: Address,
) -> Executed {
    let writes = vec![debit(s, 0, 0, debited), credit(s, credited, 0, amount)];
    let op = Op::Transfer(TransferOp {
        from: 0,
        token: 0,
        to,
        amount: PackedAmount::pack_exact(amount).unwrap(),
        fee: zkrollup_spec::primitives::packing::PackedFee::pack_exact(20).unwrap(),
    });
    ex(op, writes, TxAuth::of(&signed_transfer()), recipient, false, Some((0, 20)))
}

fn deposit(to: Address, amount: u128) -> BlockInput {
    BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: Address([9; 20]), to, token: 0, amount }))
}

/// A Deposit op of 500 of token 0 to `address` at `id`, opening it if `opens`.
fn deposit_op(s: &mut RefState, id: AccountId, address: Address, opens: bool) -> Executed {
    let mut c = change(s, id, 0, s.balance(id, 0) + 500);
    c.address = address;
    let w = s.write_leaf(id, c);
    let op = Op::Deposit(DepositOp { account_id: id, token: 0, amount: 500, address });
    ex(op, vec![w], TxAuth::none(), Address::ZERO, opens, None)
}

type Move = (&'static str, Box<dyn Fn() -> Judgement + Send>);

/// Judges `moves` on both cores (each synthesises and checks a block), answered in their order.
fn judged(moves: Vec<Move>) -> Vec<(&'static str, Judgement)> {
    let (even, odd): (Vec<_>, Vec<_>) = moves.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let judge_all = |ms: Vec<(usize, Move)>| ms.into_iter().map(|(i, (name, f))| (i, name, f())).collect::<Vec<_>>();
    let mut all = std::thread::scope(|s| {
        let other = s.spawn(move || judge_all(odd));
        let mut all = judge_all(even);
        all.extend(other.join().expect("a judge panicked"));
        all
    });
    all.sort_by_key(|(i, ..)| *i);
    all.into_iter().map(|(_, name, j)| (name, j)).collect()
}

fn no_edit(_: &mut block::BlockWitness) {}

fn ops(run: impl FnOnce(&mut RefState) -> Vec<Executed>) -> Judgement {
    judge(run, no_edit)
}

/// The operator's moves; each must leave the circuit unsatisfied.
fn attacks() -> Vec<Move> {
    let u = |i| user(i).address;
    let cfg = || zkrollup_spec::tx::ChangePubKeyAuth::Onchain;
    vec![
        (
            "Transfer: the op names account 1, account 2 is credited",
            Box::new(move || ops(|s| vec![transfer_op(s, 1, 2, 5_000, 5_020, u(1))])),
        ),
        (
            "Transfer: op and credit name account 2, the signed recipient address (user 1) kept",
            Box::new(move || ops(|s| vec![transfer_op(s, 2, 2, 5_000, 5_020, u(1))])),
        ),
        (
            "Transfer: op, credit and recipient address all account 2's (the signature covers user 1)",
            Box::new(move || ops(|s| vec![transfer_op(s, 2, 2, 5_000, 5_020, u(2))])),
        ),
        (
            "Transfer: the amount raised to 6,000, both balances moved to match",
            Box::new(move || ops(|s| vec![transfer_op(s, 1, 1, 6_000, 6_020, u(1))])),
        ),
        (
            "Transfer: the sender debited the amount but not the fee",
            Box::new(move || ops(|s| vec![transfer_op(s, 1, 1, 5_000, 5_000, u(1))])),
        ),
        (
            "Transfer: the fee skipped (the fee account not credited)",
            Box::new(move || {
                ops(|s| {
                    let mut e = transfer_op(s, 1, 1, 5_000, 5_020, u(1));
                    e.fee = None;
                    vec![e]
                })
            }),
        ),
        (
            "Transfer: the fee credited in token 1, paid in token 0",
            Box::new(move || {
                ops(|s| {
                    let mut e = transfer_op(s, 1, 1, 5_000, 5_020, u(1));
                    e.fee = Some((1, 20));
                    vec![e]
                })
            }),
        ),
        (
            "Fees: two ops' fee slots swapped (token 0 and token 1)",
            Box::new(move || {
                judge(
                    |s| {
                        honest(
                            s,
                            &[
                                BlockInput::Tx(signed_transfer()),
                                BlockInput::Tx(transfer(&user(1), 1, u(2), 1, 300, 3, 0)),
                            ],
                        )
                    },
                    |w| w.chunks[..4].iter_mut().for_each(|c| c.fee_slot = 1 - c.fee_slot),
                )
            }),
        ),
        (
            "Transfer: chunk continuity broken (the second chunk carries another amount)",
            Box::new(move || {
                judge(|s| honest(s, &[BlockInput::Tx(signed_transfer())]), |w| w.chunks[1].op_bytes[9] ^= 1)
            }),
        ),
        (
            "Deposit: chunk continuity broken (a chunk of the op skipped)",
            Box::new(move || {
                judge(
                    |s| honest(s, &[deposit(u(2), 7)]),
                    |w| {
                        w.chunks.remove(3);
                        let noop = w.chunks[w.chunks.len() - 1].clone();
                        w.chunks.push(noop);
                    },
                )
            }),
        ),
        (
            "Block: a Noop between two ops",
            Box::new(move || {
                ops(|s| {
                    let mut e = honest(s, &[BlockInput::Tx(signed_transfer()), deposit(u(2), 7)]);
                    e.insert(1, ex(Op::Noop, vec![], TxAuth::none(), Address::ZERO, false, None));
                    e
                })
            }),
        ),
        (
            "Deposit: the op names account 1, account 2 is credited",
            Box::new(move || {
                ops(|s| {
                    let mut e = deposit_op(s, 2, u(2), false);
                    e.op = Op::Deposit(DepositOp { account_id: 1, token: 0, amount: 500, address: u(1) });
                    vec![e]
                })
            }),
        ),
        (
            "Deposit: a new account opened past the id counter",
            Box::new(move || {
                ops(|s| {
                    let id = s.next_account_id() + 1;
                    let e = deposit_op(s, id, u(9), true);
                    s.open(Address([0x55; 20]));
                    s.open(u(9));
                    vec![e]
                })
            }),
        ),
        (
            "Withdraw: the op pays out 100, the account is debited 50",
            Box::new(move || {
                ops(|s| {
                    let t = withdraw(&user(1), 1, Address([0x77; 20]), 0, 100, 1, 0);
                    let w = debit(s, 1, 0, 51);
                    let op = Op::Withdraw(WithdrawOp {
                        account_id: 1,
                        token: 0,
                        amount: 100,
                        fee: fee(1),
                        to: Address([0x77; 20]),
                    });
                    vec![ex(op, vec![w], TxAuth::of(&t), Address::ZERO, false, Some((0, 1)))]
                })
            }),
        ),
        (
            "FullExit: the balance paid to an owner who is not the account's",
            Box::new(move || {
                ops(|s| {
                    let amount = s.balance(1, 0);
                    let w = {
                        let c = change(s, 1, 0, 0);
                        s.write_leaf(1, c)
                    };
                    let op = Op::FullExit(FullExitOp { account_id: 1, owner: u(2), token: 0, amount });
                    vec![ex(op, vec![w], TxAuth::none(), Address::ZERO, false, None)]
                })
            }),
        ),
        (
            "FullExit: the owner's exit served with amount 0, the balance kept",
            Box::new(move || {
                ops(|s| {
                    let w = s.read_leaf(1, 0);
                    let op = Op::FullExit(FullExitOp { account_id: 1, owner: u(1), token: 0, amount: 0 });
                    vec![ex(op, vec![w], TxAuth::none(), Address::ZERO, false, None)]
                })
            }),
        ),
        (
            "ForcedExit: a keyed account (user 1) emptied",
            Box::new(move || ops(|s| honest(s, &[BlockInput::Tx(forced_exit(&user(2), 2, u(1), 0, 2, 0))]))),
        ),
        (
            "ForcedExit: the op names keyless account 3, keyed account 1 is emptied",
            Box::new(move || {
                ops(|s| {
                    let t = forced_exit(&user(2), 2, u(3), 0, 2, 0);
                    let d = debit(s, 2, 0, 2);
                    let amount = s.balance(1, 0);
                    let z = {
                        let c = change(s, 1, 0, 0);
                        s.write_leaf(1, c)
                    };
                    let op = Op::ForcedExit(ForcedExitOp {
                        initiator: 2,
                        target: 3,
                        token: 0,
                        fee: fee(2),
                        amount,
                        target_address: u(3),
                    });
                    vec![ex(op, vec![d, z], TxAuth::of(&t), Address::ZERO, false, Some((0, 2)))]
                })
            }),
        ),
        (
            "ChangePubKey: another pubkey hash set than the one signed",
            Box::new(move || {
                ops(|s| {
                    let t = change_pubkey(&user(4), 4, 2, 5, 0, cfg());
                    let mut c = change(s, 4, 2, s.balance(4, 2) - 5);
                    c.nonce += 1;
                    c.pubkey_hash = PubKeyHash([0x66; 20]);
                    let w = s.write_leaf(4, c);
                    let op = Op::ChangePubKey(ChangePubKeyOp {
                        account_id: 4,
                        new_pubkey_hash: PubKeyHash([0x66; 20]),
                        owner: u(4),
                        nonce: 0,
                        fee_token: 2,
                        fee: fee(5),
                    });
                    vec![ex(op, vec![w], TxAuth::of(&t), Address::ZERO, false, Some((2, 5)))]
                })
            }),
        ),
    ]
}

/// Moves the circuit accepts today, each the subject of an open issue (listed so that the day
/// the issue lands this test fails until the move joins [`attacks`]).
fn known_gaps() -> Vec<Move> {
    let u = |i| user(i).address;
    vec![
        (
            "Deposit: a second account opened for an address that has one (issue 13)",
            Box::new(move || {
                ops(|s| {
                    let id = s.next_account_id();
                    let e = deposit_op(s, id, u(1), true);
                    s.open(u(1));
                    vec![e]
                })
            }),
        ),
        (
            "TransferToNew: a second account opened for an address that has one (issue 13)",
            Box::new(move || {
                ops(|s| {
                    let t = transfer(&user(0), 0, u(1), 0, 5_000, 20, 0);
                    let d = debit(s, 0, 0, 5_020);
                    let id = s.next_account_id();
                    let mut c = change(s, id, 0, 5_000);
                    c.address = u(1);
                    let w = s.write_leaf(id, c);
                    s.open(u(1));
                    let op = Op::TransferToNew(TransferToNewOp {
                        from: 0,
                        token: 0,
                        amount: amount(5_000),
                        to_address: u(1),
                        to: id,
                        fee: fee(20),
                    });
                    vec![ex(op, vec![d, w], TxAuth::of(&t), Address::ZERO, false, Some((0, 20)))]
                })
            }),
        ),
    ]
}

#[test]
fn the_circuit_accepts_the_honest_moves() {
    let every = support::every_kind_inputs();
    // The every-kind block needs 44 chunks: the controls use its parts that fit in 16.
    for inputs in [&every[0..2], &every[2..5], &every[5..7], &every[7..8]] {
        let j = judge(|s| honest(s, inputs), no_edit);
        assert!(j.satisfied, "honest ops {inputs:?}: {:?}", j.failures);
    }
    let j = ops(|s| vec![transfer_op(s, 1, 1, 5_000, 5_020, user(1).address)]);
    assert!(j.satisfied, "the hand-made honest Transfer: {:?}", j.failures);
}

#[test]
fn every_semantic_mutation_is_refused_by_the_circuit() {
    let mut survived = Vec::new();
    for (name, j) in judged(attacks()) {
        eprintln!("{:<12} {name}: {}", if j.satisfied { "SURVIVED" } else { "refused" }, j.failures.join(", "));
        if j.satisfied {
            survived.push(name);
        }
    }
    assert!(survived.is_empty(), "moves the circuit accepted: {survived:#?}");
    for (name, j) in judged(known_gaps()) {
        eprintln!("{:<12} {name}", if j.satisfied { "known gap" } else { "now refused" });
        assert!(j.satisfied, "{name} is refused now: move it to the attacks");
    }
}
