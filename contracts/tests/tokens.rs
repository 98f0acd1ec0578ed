//! The contract audit's token finding (issue 11, item 2), reproduced against the contract in
//! revm and shown to fail. `depositERC20` used to credit the `amount` asked for, not what
//! arrived, and to require a `bool` from the token. Each test below fails against that code:
//!
//! - [`a_fee_on_transfer_deposit_credits_what_arrived`]: with a token burning 1% per transfer,
//!   a deposit of 1,000 queues 990 and the books (`heldFromDeposits`) match the token balance.
//! - [`the_last_owner_of_a_fee_token_is_paid`]: the attack itself. Two owners deposit 1,000 of
//!   the fee token and get refunds in exodus; both withdrawals succeed and the contract ends
//!   with nothing owed and nothing held. With `amount` credited the second one reverted forever.
//! - [`a_fee_token_deposit_that_delivers_nothing_is_refused`]: an arrival of 0 is
//!   `l1.deposit_zero_amount`, not a request for 1.
//! - [`the_deposit_cap_counts_what_arrived`]: `l1.deposit_total_overflow` applies to the arrival:
//!   a deposit whose request would pass 2^128 but whose arrival does not is taken, and one whose
//!   arrival passes it is refused.
//! - [`a_usdt_style_token_deposits_and_pays_out`]: a token whose `transfer`/`transferFrom`
//!   return nothing can be deposited and paid out (the `bool` used to be required).
//! - [`a_token_returning_false_is_refused`]: a `transferFrom` returning `false` (moving nothing)
//!   reverts the deposit with `transferFrom failed`.
//! - [`a_token_cannot_forge_the_rollups_verdict`]: a token reverting with the rollup's own
//!   `Rejected(rule)` error does not pass its rule off as the rollup's: the deposit and the
//!   payout fail with the rollup's plain `transferFrom failed` / `transfer failed`.
//! - [`a_payout_of_a_token_without_code_is_refused`]: a call to an address without code
//!   "succeeds" at the EVM level; the payout must refuse it, not pay nothing and clear the debt.
//! - [`a_normal_token_deposit_gas`]: the gas of a plain ERC-20 deposit (printed).
//!
//! Rebasing tokens are not supported (a rebase changes what the contract holds without a
//! deposit); the contract documents that they must never be listed.

use alloy_primitives::{Address as EvmAddress, U256};
use alloy_sol_types::{SolCall, SolError};
use zkrollup_contracts::artifacts::{
    bytecode, rejected_rule, FalseToken, Rollup, TestToken, FALSE_TOKEN, FEE_TOKEN, FORGING_TOKEN, NO_BOOL_TOKEN,
    SYMBOLIC_VERIFIER,
};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::rollup::{evm_address, CallError, RollupOnL1, DEPLOYER};
use zkrollup_spec::l1::{Event, L1Config};
use zkrollup_spec::params::{MAX_LISTED_TOKENS, PRIORITY_EXPIRATION_SECONDS};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::genesis_root;
use zkrollup_spec::testkit::TEST_DOMAIN;
use zkrollup_spec::transition::PriorityOp;

const START: u64 = 1_000;
const TOKEN: Address = Address([0x70; 20]);
const ALICE: Address = Address([0xa1; 20]);
const BOB: Address = Address([0xb0; 20]);

/// What a transfer of `amount` of the fee token delivers: 1% is burnt, rounded up.
fn fee_token_delivers(amount: u128) -> u128 {
    amount - amount.div_ceil(100)
}

/// A rollup (symbolic verifier) listing one token, token 1 at [`TOKEN`], whose contract is
/// replaced by `token_code` when given (a test ERC-20 otherwise).
fn deploy(token_code: Option<&str>) -> RollupOnL1 {
    let config = L1Config {
        domain: TEST_DOMAIN,
        governor: Address([0x60; 20]),
        validators: vec![Address([0x99; 20])],
        genesis_root: genesis_root(),
        tokens: vec![TOKEN],
        max_tokens: MAX_LISTED_TOKENS,
        block_sizes: L1Config::all_block_sizes(),
    };
    let mut evm = L1Evm::new();
    let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).expect("deploys");
    let mut c = RollupOnL1::deploy_with(evm, &config, START, symbolic, symbolic).expect("deploys");
    if let Some(code) = token_code {
        let (at, _) = c.evm.deploy(DEPLOYER, &bytecode(code), &[]).expect("the token deploys");
        c.evm.move_contract(at, evm_address(&TOKEN));
    }
    c
}

/// `owner`'s balance of the token at [`TOKEN`] (every test token has `balanceOf`).
fn token_balance(c: &mut RollupOnL1, owner: EvmAddress) -> U256 {
    let out =
        c.evm.call(DEPLOYER, evm_address(&TOKEN), TestToken::balanceOfCall(owner).abi_encode()).expect("balanceOf");
    TestToken::balanceOfCall::abi_decode_returns(&out.output).expect("a uint256")
}

/// The amount of the last `DepositRequested` the rollup logged.
fn last_deposit_amount(c: &RollupOnL1) -> u128 {
    c.log
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::PriorityRequest { request: PriorityOp::Deposit(d), .. } => Some(d.amount),
            _ => None,
        })
        .expect("a deposit was logged")
}

/// The contract's books for token 1 against what it really holds: they must agree.
fn assert_solvent(c: &mut RollupOnL1) -> u128 {
    let books = c.held_from_deposits(1);
    assert_eq!(U256::from(books), c.held(1), "heldFromDeposits(1) against the token's balanceOf(rollup)");
    books
}

/// A rule id, or the reason string of a plain `Error(string)` revert (else the whole error).
fn reason(e: &CallError) -> String {
    match e {
        CallError::Rejected(rule) => rule.clone(),
        CallError::Other(s) => {
            let data = s.split_once(": 0x").and_then(|(_, h)| hex::decode(h.trim()).ok()).unwrap_or_default();
            rejected_rule(&data)
                .or_else(|| alloy_sol_types::Revert::abi_decode(&data).ok().map(|r| r.reason))
                .unwrap_or_else(|| s.clone())
        }
    }
}

/// Exodus with the deposits still open: each is refunded to its depositor's pending balance,
/// the cheapest way to a payout.
fn refund_open_deposits(c: &mut RollupOnL1) {
    c.set_time(START + PRIORITY_EXPIRATION_SECONDS);
    c.activate_exodus_mode().expect("exodus is due");
    let (first, total) = c.requests();
    c.cancel_outstanding_deposits(total - first).expect("the deposits are refunded");
}

#[test]
fn a_fee_on_transfer_deposit_credits_what_arrived() {
    let mut c = deploy(Some(FEE_TOKEN));
    c.deposit(&ALICE, &ALICE, 1, 1_000).expect("the deposit");
    assert_eq!(last_deposit_amount(&c), 990, "the request carries what arrived");
    assert_eq!(assert_solvent(&mut c), 990);
    c.deposit(&BOB, &BOB, 1, 1_000).expect("a second depositor");
    assert_eq!(last_deposit_amount(&c), 990);
    assert_eq!(assert_solvent(&mut c), 1_980);
}

#[test]
fn the_last_owner_of_a_fee_token_is_paid() {
    let mut c = deploy(Some(FEE_TOKEN));
    c.deposit(&ALICE, &ALICE, 1, 1_000).expect("Alice deposits");
    c.deposit(&BOB, &BOB, 1, 1_000).expect("Bob deposits");
    refund_open_deposits(&mut c);
    // Each withdraws all it is owed; with `amount` credited, Bob (the last) could not.
    for (name, owner) in [("Alice", ALICE), ("Bob", BOB)] {
        let owed = c.pending_balance(&owner, 1);
        c.withdraw_pending_balance(&owner, 1, owed).unwrap_or_else(|e| panic!("{name}'s withdrawal of {owed}: {e}"));
        assert_eq!(c.pending_balance(&owner, 1), 0);
    }
    assert_eq!(assert_solvent(&mut c), 0, "nothing owed, nothing held");
    for owner in [ALICE, BOB] {
        // The refund was the 990 that arrived; paying it out burns 1% again.
        assert_eq!(token_balance(&mut c, evm_address(&owner)), U256::from(fee_token_delivers(990)));
    }
}

#[test]
fn a_fee_token_deposit_that_delivers_nothing_is_refused() {
    let mut c = deploy(Some(FEE_TOKEN));
    assert_eq!(fee_token_delivers(1), 0);
    let r = c.deposit(&ALICE, &ALICE, 1, 1);
    assert_eq!(r.map(drop), Err(CallError::Rejected("l1.deposit_zero_amount".into())));
    assert_eq!(c.requests(), (0, 0), "nothing queued");
    assert_eq!(assert_solvent(&mut c), 0);
}

#[test]
fn the_deposit_cap_counts_what_arrived() {
    let mut c = deploy(Some(FEE_TOKEN));
    c.deposit(&ALICE, &ALICE, 1, u128::MAX).expect("the largest deposit");
    let held = assert_solvent(&mut c);
    assert_eq!(held, fee_token_delivers(u128::MAX));
    // Asking for one more than the room left would pass 2^128; what arrives does not.
    let room = u128::MAX - held;
    let ask = room + 1;
    assert!(fee_token_delivers(ask) <= room);
    c.deposit(&BOB, &BOB, 1, ask).expect("the arrival fits");
    assert_eq!(last_deposit_amount(&c), fee_token_delivers(ask));
    let held = assert_solvent(&mut c);
    // An arrival past the room left is refused.
    let room = u128::MAX - held;
    let ask = 2 * room + 200;
    assert!(fee_token_delivers(ask) > room);
    let r = c.deposit(&BOB, &BOB, 1, ask);
    assert_eq!(r.map(drop), Err(CallError::Rejected("l1.deposit_total_overflow".into())));
    assert_eq!(c.requests(), (0, 2));
    assert_eq!(assert_solvent(&mut c), held);
}

#[test]
fn a_usdt_style_token_deposits_and_pays_out() {
    let mut c = deploy(Some(NO_BOOL_TOKEN));
    c.deposit(&ALICE, &ALICE, 1, 1_000).expect("a deposit of a token whose transferFrom returns nothing");
    assert_eq!(last_deposit_amount(&c), 1_000);
    assert_eq!(assert_solvent(&mut c), 1_000);
    refund_open_deposits(&mut c);
    c.withdraw_pending_balance(&ALICE, 1, 1_000).expect("a payout of a token whose transfer returns nothing");
    assert_eq!(token_balance(&mut c, evm_address(&ALICE)), U256::from(1_000));
    assert_eq!(assert_solvent(&mut c), 0);
}

#[test]
fn a_token_returning_false_is_refused() {
    let mut c = deploy(Some(FALSE_TOKEN));
    let (alice, token) = (evm_address(&ALICE), evm_address(&TOKEN));
    // Alice has 500 and approves 1,000: the token's transferFrom of 1,000 returns false.
    let mint = FalseToken::mintCall { to: alice, amount: U256::from(500) }.abi_encode();
    c.evm.call(DEPLOYER, token, mint).expect("mint");
    let approve = FalseToken::approveCall { spender: c.rollup, amount: U256::from(1_000) }.abi_encode();
    c.evm.call(alice, token, approve).expect("approve");
    let deposit = Rollup::depositERC20Call { token: 1, amount: 1_000, to: alice }.abi_encode();
    let e = c.evm.call(alice, c.rollup, deposit).map(drop).expect_err("the deposit is refused");
    let e = CallError::Other(e.to_string());
    assert_eq!(reason(&e), "transferFrom failed");
    assert_eq!(c.requests(), (0, 0), "nothing queued");
    assert_eq!(token_balance(&mut c, alice), U256::from(500), "nothing moved");
    assert_eq!(assert_solvent(&mut c), 0);
}

#[test]
fn a_token_cannot_forge_the_rollups_verdict() {
    let mut c = deploy(Some(FORGING_TOKEN));
    let r = c.deposit(&ALICE, &ALICE, 1, 1_000).map(drop);
    assert_eq!(r.as_ref().map_err(reason), Err("transferFrom failed".to_string()));
    assert!(!matches!(r, Err(CallError::Rejected(_))), "not a rule id: {r:?}");
    assert_eq!(c.requests(), (0, 0), "nothing queued");
    // A payout: Alice deposits while the token behaves, then it turns hostile.
    let mut c = deploy(None);
    c.deposit(&ALICE, &ALICE, 1, 1_000).expect("the deposit");
    refund_open_deposits(&mut c);
    let (forger, _) = c.evm.deploy(DEPLOYER, &bytecode(FORGING_TOKEN), &[]).expect("the token deploys");
    c.evm.move_contract(forger, evm_address(&TOKEN));
    let r = c.withdraw_pending_balance(&ALICE, 1, 1_000).map(drop);
    assert_eq!(r.as_ref().map_err(reason), Err("transfer failed".to_string()));
    assert!(!matches!(r, Err(CallError::Rejected(_))), "not a rule id: {r:?}");
    assert_eq!(c.pending_balance(&ALICE, 1), 1_000, "the debt stands");
}

#[test]
fn a_payout_of_a_token_without_code_is_refused() {
    let mut c = deploy(None);
    c.deposit(&ALICE, &ALICE, 1, 1_000).expect("the deposit");
    refund_open_deposits(&mut c);
    // The token's code is gone from its address (moved away).
    c.evm.move_contract(evm_address(&TOKEN), EvmAddress::repeat_byte(0x71));
    let r = c.withdraw_pending_balance(&ALICE, 1, 1_000);
    assert_eq!(r.as_ref().map_err(reason).map(drop), Err("transfer failed".to_string()));
    assert_eq!(c.pending_balance(&ALICE, 1), 1_000, "the debt stands");
    assert_eq!(c.held_from_deposits(1), 1_000);
}

#[test]
fn a_normal_token_deposit_gas() {
    let mut c = deploy(None);
    let first = c.deposit(&ALICE, &ALICE, 1, 1_000).expect("a deposit");
    let again = c.deposit(&ALICE, &ALICE, 1, 1_000).expect("a deposit");
    let other = c.deposit(&BOB, &BOB, 1, 1_000).expect("a deposit");
    println!("depositERC20 gas (TestToken): first {first}, again {again}, another depositor {other}");
    assert_eq!(last_deposit_amount(&c), 1_000);
    assert_eq!(assert_solvent(&mut c), 3_000);
    assert!(first < 220_000 && again < 170_000, "depositERC20 costs {first} / {again} gas");
}
