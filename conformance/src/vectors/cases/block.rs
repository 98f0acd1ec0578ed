//! Whole blocks: padding, chunk budgets, fee collection, and a block with every op kind.

use zkrollup_spec::block::BlockInput;
use zkrollup_spec::params::MAX_ACCOUNT_ID;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::ChangePubKeyAuth;

use crate::vectors::{Case, Expect};
use crate::wire::convert::{context as wctx, input as winput, state as wstate};
use crate::wire::{BlockInputJson as WBlock, VectorInput};

use Expect::{Ok as Accept, Reject};

fn bcase(
    name: &str,
    desc: &str,
    state: &State,
    fee_account: u32,
    chunks: u32,
    inputs: Vec<BlockInput>,
    expect: Expect,
) -> Case {
    let ctx = BlockContext { fee_account, ..context() };
    Case::new(
        name,
        desc,
        expect,
        VectorInput::Block(WBlock {
            pre_state: wstate(state),
            context: wctx(&ctx),
            chunks,
            inputs: inputs.iter().map(winput).collect(),
        }),
    )
}

fn base() -> State {
    let mut accounts: Vec<Account> = (0..3)
        .map(|i| keyed_account(&user(i), 0, &[(0, 1_000_000), (1, 50_000), (2, 100), (3, 100), (4, 100)]))
        .collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 7_000);
    accounts.push(keyless);
    State::from_accounts(accounts).expect("distinct users")
}

fn deposit(to: Address, token: u16, amount: u128) -> BlockInput {
    BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: to, to, token, amount }))
}

pub(super) fn groups() -> Vec<(&'static str, Vec<Case>)> {
    let s = base();
    let (u0, u1, u2, u3, u5) = (user(0), user(1), user(2), user(3), user(5));
    let t = |from: &User, id: u32, to: Address, nonce: u32| BlockInput::Tx(transfer(from, id, to, 0, 100, 1, nonce));
    let mut out = Vec::new();
    for chunks in zkrollup_spec::params::BLOCK_CHUNK_SIZES {
        out.push(bcase(&format!("empty_{chunks}"), "a block of Noops only", &s, 0, *chunks as u32, vec![], Accept));
    }
    out.push(bcase(
        "every_op",
        "one op of each kind in a 64-chunk block",
        &s,
        0,
        64,
        vec![
            deposit(u5.address, 0, 5_000),
            BlockInput::Priority(PriorityOp::FullExit(FullExitRequest { account_id: 1, owner: u1.address, token: 1 })),
            t(&u0, 0, u1.address, 0),
            t(&u0, 0, user(6).address, 1),
            BlockInput::Tx(withdraw(&u2, 2, u2.address, 0, 1_000, 3, 0)),
            BlockInput::Tx(change_pubkey(&u3, 3, 0, 2, 0, ChangePubKeyAuth::Onchain)),
            BlockInput::Tx(forced_exit(&u1, 1, u5.address, 0, 1, 0)),
        ],
        Accept,
    ));
    out.push(bcase(
        "exactly_full",
        "four transfers fill eight chunks",
        &s,
        0,
        8,
        (0..4).map(|n| t(&u0, 0, u1.address, n)).collect(),
        Accept,
    ));
    out.push(bcase(
        "sequential_nonces",
        "one sender, nonces 0, 1, 2",
        &s,
        1,
        16,
        (0..3).map(|n| t(&u0, 0, u2.address, n)).collect(),
        Accept,
    ));
    out.push(bcase(
        "spend_received_funds",
        "a new account spends what it received earlier in the block",
        &s,
        0,
        16,
        vec![
            BlockInput::Tx(transfer(&u0, 0, u5.address, 0, 1000, 0, 0)),
            BlockInput::Tx(change_pubkey(&u5, 4, 0, 0, 0, ChangePubKeyAuth::Onchain)),
        ],
        Accept,
    ));
    out.push(bcase(
        "fee_account_opened_in_block",
        "the fee account is created by a deposit in the same block",
        &s,
        4,
        16,
        vec![deposit(u5.address, 0, 1), t(&u0, 0, u1.address, 0)],
        Accept,
    ));
    out.push(bcase(
        "fee_account_pays_fees",
        "the fee account sends a transfer with a fee",
        &s,
        0,
        8,
        vec![t(&u0, 0, u1.address, 0)],
        Accept,
    ));
    let four_tokens: Vec<BlockInput> =
        (0..4u16).map(|tok| BlockInput::Tx(withdraw(&u0, 0, u0.address, tok, 1, 1, tok as u32))).collect();
    out.push(
        bcase("four_fee_tokens", "fees in four tokens fill the fee slots", &s, 1, 32, four_tokens.clone(), Accept)
            .with_rules(&[Rule::BlockTooManyFeeTokens]),
    );
    let mut five = four_tokens;
    five.push(BlockInput::Tx(withdraw(&u0, 0, u0.address, 4, 1, 1, 4)));
    out.push(bcase("five_fee_tokens", "fees in a fifth token", &s, 1, 32, five, Reject(Rule::BlockTooManyFeeTokens)));
    let zero_fee_tokens: Vec<BlockInput> = (0..5u16)
        .map(|tok| BlockInput::Tx(withdraw(&u0, 0, u0.address, tok, 1, if tok == 4 { 0 } else { 1 }, tok as u32)))
        .collect();
    out.push(bcase(
        "zero_fee_takes_no_slot",
        "a zero fee in a fifth token needs no fee slot",
        &s,
        1,
        32,
        zero_fee_tokens,
        Accept,
    ));
    out.push(bcase(
        "fee_account_missing",
        "fees to an account that does not exist",
        &s,
        7,
        8,
        vec![t(&u0, 0, u1.address, 0)],
        Reject(Rule::BlockFeeAccountMissing),
    ));
    out.push(bcase(
        "fee_account_missing_empty_block",
        "even an empty block names an existing fee account",
        &s,
        4,
        8,
        vec![],
        Reject(Rule::BlockFeeAccountMissing),
    ));
    let rich = State::from_accounts(vec![keyed_account(&u0, 0, &[(0, u128::MAX)]), keyed_account(&u1, 0, &[(0, 10)])])
        .expect("two");
    out.push(bcase(
        "fee_balance_overflow",
        "the fee account's balance would exceed 2^128",
        &rich,
        0,
        8,
        vec![BlockInput::Tx(transfer(&u1, 1, u1.address, 0, 1, 1, 0))],
        Reject(Rule::BlockFeeBalanceOverflow),
    ));
    out.push(bcase(
        "too_many_chunks",
        "a fifth transfer does not fit eight chunks",
        &s,
        0,
        8,
        (0..5).map(|n| t(&u0, 0, u1.address, n)).collect(),
        Reject(Rule::BlockTooManyChunks),
    ));
    out.push(bcase(
        "deposit_overflows_chunks",
        "a deposit needs six chunks, four are left",
        &s,
        0,
        8,
        vec![t(&u0, 0, u1.address, 0), t(&u0, 0, u1.address, 1), deposit(u5.address, 0, 1)],
        Reject(Rule::BlockTooManyChunks),
    ));
    out.push(bcase(
        "unsupported_size",
        "no circuit has 12 chunks",
        &s,
        0,
        12,
        vec![],
        Reject(Rule::BlockUnsupportedSize),
    ));
    out.push(bcase(
        "bad_tx_rejects_block",
        "one bad nonce rejects the whole block",
        &s,
        0,
        16,
        vec![t(&u0, 0, u1.address, 0), t(&u0, 0, u1.address, 0)],
        Reject(Rule::TxNonceMismatch),
    ));
    // Found by the circuit_vs_spec fuzz target: the circuit's adapter reported the later input
    // it cannot represent instead of the earlier input's rule.
    out.push(bcase(
        "bad_tx_before_unrepresentable_id",
        "a bad nonce, then a transaction from a 4-byte account id: the bad nonce reports",
        &s,
        0,
        16,
        vec![t(&u0, 0, u1.address, 1), t(&u0, MAX_ACCOUNT_ID + 1, u1.address, 0)],
        Reject(Rule::TxNonceMismatch),
    ));
    vec![("blocks", out)]
}
