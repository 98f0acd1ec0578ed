//! Blocks the mutation tests share.
// Each test binary uses part of it.
#![allow(dead_code, unreachable_pub)]

use zkrollup_circuits::block::{self, BlockWitness};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::ChangePubKeyAuth;

/// Accounts 0–2 keyed (users 0–2), 3 keyless with a balance (a ForcedExit target), 4 keyless
/// with balances (it sets its key by ChangePubKey).
pub fn every_kind_state() -> State {
    let mut accounts: Vec<Account> =
        (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 1_000_000), (1, 50_000)])).collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 7_000);
    accounts.push(keyless);
    let mut unkeyed = Account::new(user(4).address);
    unkeyed.set_balance(2, 900);
    accounts.push(unkeyed);
    State::from_accounts(accounts).expect("distinct users")
}

/// One op of every kind (44 chunks), fees in three tokens; the rest of the block is Noops.
pub fn every_kind_inputs() -> Vec<BlockInput> {
    let deposit = |to: Address, token, amount| {
        BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: Address([9; 20]), to, token, amount }))
    };
    vec![
        deposit(user(7).address, 3, 12_345),
        deposit(user(1).address, 0, 500),
        BlockInput::Tx(transfer(&user(0), 0, user(1).address, 0, 5_000, 20, 0)),
        BlockInput::Tx(transfer(&user(0), 0, user(8).address, 1, 300, 3, 1)),
        BlockInput::Tx(withdraw(&user(1), 1, Address([0x77; 20]), 0, 100, 1, 0)),
        BlockInput::Tx(change_pubkey(&user(4), 4, 2, 5, 0, ChangePubKeyAuth::Onchain)),
        BlockInput::Tx(forced_exit(&user(2), 2, user(3).address, 0, 2, 0)),
        BlockInput::Priority(PriorityOp::FullExit(FullExitRequest { account_id: 1, owner: user(1).address, token: 1 })),
    ]
}

/// The honest witness of `inputs` on `pre` as a `chunks`-chunk block, which the spec accepts.
pub fn valid_witness(pre: &State, chunks: usize, inputs: &[BlockInput]) -> BlockWitness {
    let mut spec = pre.clone();
    apply_block(&mut spec, &BlockParams { context: context(), chunks }, inputs).expect("the spec accepts the block");
    block::build(&mut RefState::from_spec(pre), &context(), chunks, inputs).expect("representable")
}
