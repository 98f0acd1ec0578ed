//! One input applied to a state: every op accepted at ordinary and edge values, and every L2
//! rule broken, for each transaction type where the rule applies.

use zkrollup_spec::block::BlockInput;
use zkrollup_spec::params::MAX_ACCOUNT_ID;
use zkrollup_spec::primitives::eddsa::{small_order_points, Point, PublicKey, Signature};
use zkrollup_spec::primitives::keys::pubkey_hash;
use zkrollup_spec::primitives::packing::PackedAmount;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, TimeWindow, Tx, TxSignature};

use crate::vectors::{Case, Expect};
use crate::wire::convert::{context as wctx, input as winput, state as wstate};
use crate::wire::{TransitionInput, VectorInput};

use Expect::{Ok as Accept, Reject};

fn tcase(name: impl Into<String>, desc: impl Into<String>, state: &State, input: BlockInput, expect: Expect) -> Case {
    tcase_at(name, desc, state, context(), input, expect)
}

fn tcase_at(
    name: impl Into<String>,
    desc: impl Into<String>,
    state: &State,
    ctx: BlockContext,
    input: BlockInput,
    expect: Expect,
) -> Case {
    Case::new(
        name,
        desc,
        expect,
        VectorInput::Transition(TransitionInput {
            pre_state: wstate(state),
            context: wctx(&ctx),
            input: winput(&input),
        }),
    )
}

fn tx(t: Tx) -> BlockInput {
    BlockInput::Tx(t)
}

fn deposit(to: Address, token: u16, amount: u128) -> BlockInput {
    BlockInput::Priority(PriorityOp::Deposit(DepositRequest { from: to, to, token, amount }))
}

fn full_exit(account_id: u32, owner: Address, token: u16) -> BlockInput {
    BlockInput::Priority(PriorityOp::FullExit(FullExitRequest { account_id, owner, token }))
}

/// Users 0..3 own keyed accounts 0..3 with 1,000,000 ETH and 50,000 of token 1; user 3 owns
/// keyless account 3 with 7,000 ETH and 30 of token 1.
fn base() -> State {
    let mut accounts: Vec<Account> =
        (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 1_000_000), (1, 50_000)])).collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 7_000);
    keyless.set_balance(1, 30);
    accounts.push(keyless);
    State::from_accounts(accounts).expect("distinct users")
}

/// [`base`] and, at id 4, an account whose address is zero holding ETH: a state the spec
/// admits, though no op opens such an account.
fn with_zero_address_account() -> State {
    let mut accounts: Vec<Account> = base().accounts().map(|(_, a)| a.clone()).collect();
    let mut zero = Account::new(Address::ZERO);
    zero.set_balance(0, 500);
    accounts.push(zero);
    State::from_accounts(accounts).expect("the zero address is not a duplicate")
}

/// User 0 at account 0 and user 1 at the second-to-last id; the next id is the last one.
fn nearly_full() -> State {
    let accounts = [
        (0, keyed_account(&user(0), 0, &[(0, 1_000_000)])),
        (MAX_ACCOUNT_ID - 1, keyed_account(&user(1), 0, &[(0, 5)])),
    ];
    State::from_parts(accounts.into(), MAX_ACCOUNT_ID).expect("valid sparse state")
}

/// As [`nearly_full`], with the last id taken too.
fn full() -> State {
    let accounts =
        [(0, keyed_account(&user(0), 0, &[(0, 1_000_000)])), (MAX_ACCOUNT_ID, keyed_account(&user(1), 0, &[(0, 5)]))];
    State::from_parts(accounts.into(), MAX_ACCOUNT_ID + 1).expect("valid sparse state")
}

/// One account of user 0 with `balances`, nonce `nonce`.
fn solo(nonce: u32, balances: &[(u16, u128)]) -> State {
    State::from_accounts(vec![keyed_account(&user(0), nonce, balances)]).expect("one account")
}

fn with_time(t: Tx, valid_from: u64, valid_until: u64, signer: &User) -> Tx {
    let time = TimeWindow { valid_from, valid_until };
    let t = match t {
        Tx::Transfer(mut x) => {
            x.time = time;
            Tx::Transfer(x)
        }
        Tx::Withdraw(mut x) => {
            x.time = time;
            Tx::Withdraw(x)
        }
        Tx::ChangePubKey(mut x) => {
            x.time = time;
            Tx::ChangePubKey(x)
        }
        Tx::ForcedExit(mut x) => {
            x.time = time;
            Tx::ForcedExit(x)
        }
    };
    t.signed(&signer.l2)
}

fn transfers() -> Vec<Case> {
    let (u0, u1, u2) = (user(0), user(1), user(2));
    let s = base();
    let big = PackedAmount::closest_packable(u128::MAX).value();
    vec![
        tcase(
            "basic",
            "a transfer to an existing account",
            &s,
            tx(transfer(&u0, 0, u1.address, 0, 1000, 10, 0)),
            Accept,
        ),
        tcase("zero_amount", "amount 0 is a valid transfer", &s, tx(transfer(&u0, 0, u1.address, 0, 0, 10, 0)), Accept),
        tcase("zero_fee", "fee 0", &s, tx(transfer(&u0, 0, u1.address, 0, 1000, 0, 0)), Accept),
        tcase(
            "exact_balance",
            "amount + fee equals the balance",
            &s,
            tx(transfer(&u0, 0, u1.address, 0, 999_990, 10, 0)),
            Accept,
        )
        .with_rules(&[Rule::TransferInsufficientBalance]),
        tcase("self", "a self-transfer only pays the fee", &s, tx(transfer(&u0, 0, u0.address, 1, 500, 1, 0)), Accept),
        tcase("token_1", "an ERC-20 transfer", &s, tx(transfer(&u2, 2, u0.address, 1, 49_000, 1000, 0)), Accept),
        tcase(
            "largest_packable_amount",
            "the largest packable amount, to a recipient with the largest balance that still fits",
            &solo(0, &[(0, u128::MAX)]).clone_with(keyed_account(&u1, 0, &[(0, u128::MAX - big)])),
            tx(transfer(&u0, 0, u1.address, 0, big, 0, 0)),
            Accept,
        )
        .with_rules(&[Rule::TransferRecipientBalanceOverflow]),
        tcase(
            "max_token",
            "token 65535",
            &solo(0, &[(u16::MAX, 10)]).clone_with(Account::new(u1.address)),
            tx(transfer(&u0, 0, u1.address, u16::MAX, 5, 5, 0)),
            Accept,
        ),
        tcase(
            "last_nonce",
            "nonce 2^32 - 2, the last that can rise",
            &solo(u32::MAX - 1, &[(0, 10)]).clone_with(Account::new(u1.address)),
            tx(transfer(&u0, 0, u1.address, 0, 1, 0, u32::MAX - 1)),
            Accept,
        )
        .with_rules(&[Rule::TxNonceOverflow]),
        tcase(
            "to_max_id",
            "a transfer to the account with the largest id",
            &full(),
            tx(transfer(&u0, 0, u1.address, 0, 7, 0, 0)),
            Accept,
        ),
        tcase(
            "insufficient_balance",
            "amount + fee exceeds the balance by one",
            &s,
            tx(transfer(&u0, 0, u1.address, 0, 999_991, 10, 0)),
            Reject(Rule::TransferInsufficientBalance),
        ),
        tcase(
            "insufficient_token",
            "no balance of the token at all",
            &s,
            tx(transfer(&u0, 0, u1.address, 2, 1, 0, 0)),
            Reject(Rule::TransferInsufficientBalance),
        ),
        tcase(
            "amount_plus_fee_overflows",
            "amount + fee above 2^128",
            &solo(0, &[(0, u128::MAX)]),
            tx(transfer(
                &u0,
                0,
                u1.address,
                0,
                PackedAmount::closest_packable(u128::MAX).value(),
                2047 * 10u128.pow(31),
                0,
            )),
            Reject(Rule::TransferInsufficientBalance),
        ),
        tcase(
            "to_zero_address",
            "the zero address cannot receive",
            &s,
            tx(transfer(&u0, 0, Address::ZERO, 0, 1, 0, 0)),
            Reject(Rule::TransferToZeroAddress),
        ),
        tcase(
            "recipient_overflow",
            "the recipient's balance would exceed 2^128",
            &solo(0, &[(0, 10)]).clone_with(keyed_account(&u1, 0, &[(0, u128::MAX)])),
            tx(transfer(&u0, 0, u1.address, 0, 1, 0, 0)),
            Reject(Rule::TransferRecipientBalanceOverflow),
        ),
    ]
}

fn transfers_to_new() -> Vec<Case> {
    let (u0, u5) = (user(0), user(5));
    let s = base();
    vec![
        tcase(
            "basic",
            "a transfer to a new address opens account 4",
            &s,
            tx(transfer(&u0, 0, u5.address, 0, 1000, 10, 0)),
            Accept,
        ),
        tcase(
            "zero_amount",
            "a zero transfer still opens the account",
            &s,
            tx(transfer(&u0, 0, u5.address, 0, 0, 0, 0)),
            Accept,
        ),
        tcase(
            "exact_balance",
            "the whole balance to a new account",
            &s,
            tx(transfer(&u0, 0, u5.address, 1, 49_999, 1, 0)),
            Accept,
        ),
        tcase(
            "token_1_zero_fee",
            "an ERC-20 to a new account, no fee",
            &s,
            tx(transfer(&user(1), 1, u5.address, 1, 77, 0, 0)),
            Accept,
        ),
        tcase(
            "last_id",
            "the new account takes the last id, 2^24 - 1",
            &nearly_full(),
            tx(transfer(&u0, 0, u5.address, 0, 1, 0, 0)),
            Accept,
        )
        .with_rules(&[Rule::TransferAccountTreeFull]),
        tcase(
            "tree_full",
            "no id is left for a new account",
            &full(),
            tx(transfer(&u0, 0, u5.address, 0, 1, 0, 0)),
            Reject(Rule::TransferAccountTreeFull),
        ),
        tcase(
            "insufficient_balance",
            "a new recipient does not lower the bar",
            &s,
            tx(transfer(&u0, 0, u5.address, 0, 1_000_000, 1, 0)),
            Reject(Rule::TransferInsufficientBalance),
        ),
    ]
}

fn withdrawals() -> Vec<Case> {
    let (u0, u1) = (user(0), user(1));
    let s = base();
    vec![
        tcase(
            "basic",
            "withdraw to the owner's L1 address",
            &s,
            tx(withdraw(&u0, 0, u0.address, 0, 5000, 10, 0)),
            Accept,
        ),
        tcase(
            "to_other_address",
            "withdraw to any L1 address",
            &s,
            tx(withdraw(&u0, 0, u1.address, 1, 100, 1, 0)),
            Accept,
        ),
        tcase(
            "to_zero_address",
            "the zero L1 address is allowed (the funds are burnt)",
            &s,
            tx(withdraw(&u0, 0, Address::ZERO, 0, 1, 0, 0)),
            Accept,
        ),
        tcase(
            "whole_balance",
            "amount + fee equals the balance",
            &s,
            tx(withdraw(&u0, 0, u0.address, 1, 49_990, 10, 0)),
            Accept,
        )
        .with_rules(&[Rule::WithdrawInsufficientBalance]),
        tcase("zero_amount", "amount 0", &s, tx(withdraw(&u0, 0, u0.address, 0, 0, 3, 0)), Accept),
        tcase(
            "u128_max",
            "the largest amount, unpacked",
            &solo(0, &[(0, u128::MAX)]),
            tx(withdraw(&u0, 0, u0.address, 0, u128::MAX, 0, 0)),
            Accept,
        ),
        tcase(
            "insufficient_balance",
            "one more than the balance",
            &s,
            tx(withdraw(&u0, 0, u0.address, 1, 49_991, 10, 0)),
            Reject(Rule::WithdrawInsufficientBalance),
        ),
        tcase(
            "amount_plus_fee_overflows",
            "amount + fee above 2^128",
            &solo(0, &[(0, u128::MAX)]),
            tx(withdraw(&u0, 0, u0.address, 0, u128::MAX, 1, 0)),
            Reject(Rule::WithdrawInsufficientBalance),
        ),
    ]
}

fn change_pubkeys() -> Vec<Case> {
    let (u0, u3) = (user(0), user(3));
    let s = base();
    let sig = u3.l1.personal_sign(b"checked by the contract, not by L2");
    // Account 3 (user 3) has no key yet.
    vec![
        tcase(
            "first_key_onchain",
            "a keyless account sets its key (on-chain authorisation)",
            &s,
            tx(change_pubkey(&u3, 3, 0, 0, 0, ChangePubKeyAuth::Onchain)),
            Accept,
        ),
        tcase(
            "first_key_eip191",
            "EIP-191 authorisation travels with the tx; L2 does not check it",
            &s,
            tx(change_pubkey(&u3, 3, 0, 10, 0, ChangePubKeyAuth::Eip191(sig))),
            Accept,
        ),
        tcase(
            "first_key_eip712",
            "EIP-712 authorisation",
            &s,
            tx(change_pubkey(&u3, 3, 1, 30, 0, ChangePubKeyAuth::Eip712(sig))),
            Accept,
        )
        .with_rules(&[Rule::ChangePubKeyInsufficientFeeBalance]),
        tcase(
            "rotate_key",
            "a keyed account moves to another key",
            &s,
            tx(change_pubkey(&user(6), 0, 0, 5, 0, ChangePubKeyAuth::Onchain)),
            Accept,
        ),
        tcase(
            "same_key_again",
            "setting the same key raises the nonce",
            &s,
            tx(change_pubkey(&u0, 0, 1, 1, 0, ChangePubKeyAuth::Onchain)),
            Accept,
        ),
        tcase(
            "insufficient_fee",
            "the fee exceeds the balance of the fee token",
            &s,
            tx(change_pubkey(&u3, 3, 1, 31, 0, ChangePubKeyAuth::Onchain)),
            Reject(Rule::ChangePubKeyInsufficientFeeBalance),
        ),
        tcase(
            "signed_by_other_key",
            "the signature must come from the new key",
            &s,
            tx(change_pubkey_signed_by(&u3, &u0, 3)),
            Reject(Rule::TxSignerNotAccountKey),
        ),
    ]
}

/// A ChangePubKey to `new`'s key, signed by `signer`.
fn change_pubkey_signed_by(new: &User, signer: &User, id: u32) -> Tx {
    let Tx::ChangePubKey(mut c) = change_pubkey(new, id, 0, 0, 0, ChangePubKeyAuth::Onchain) else { unreachable!() };
    c.new_pubkey_hash = new.pubkey_hash;
    Tx::ChangePubKey(c).signed(&signer.l2)
}

fn forced_exits() -> Vec<Case> {
    let (u0, u1, u3) = (user(0), user(1), user(3));
    let s = base();
    let mut empty_keyless = s.clone();
    empty_keyless = empty_keyless.clone_with(Account::new(user(7).address));
    vec![
        tcase(
            "basic",
            "exit a keyless account's ETH to its own L1 address",
            &s,
            tx(forced_exit(&u0, 0, u3.address, 0, 10, 0)),
            Accept,
        ),
        tcase("token_1", "exit an ERC-20", &s, tx(forced_exit(&u1, 1, u3.address, 1, 1, 0)), Accept),
        tcase("zero_fee", "fee 0", &s, tx(forced_exit(&u0, 0, u3.address, 0, 0, 0)), Accept),
        tcase(
            "zero_balance",
            "a zero balance exits with amount 0",
            &empty_keyless,
            tx(forced_exit(&u0, 0, user(7).address, 0, 1, 0)),
            Accept,
        ),
        tcase(
            "fee_equals_balance",
            "the initiator's whole balance pays the fee",
            &solo(0, &[(1, 5)]).clone_with(Account::new(u3.address)),
            tx(forced_exit(&u0, 0, u3.address, 1, 5, 0)),
            Accept,
        )
        .with_rules(&[Rule::ForcedExitInsufficientFeeBalance]),
        tcase(
            "target_missing",
            "no account has the target address",
            &s,
            tx(forced_exit(&u0, 0, user(8).address, 0, 1, 0)),
            Reject(Rule::ForcedExitTargetMissing),
        ),
        tcase(
            "target_zero_address",
            "the zero address is never an account",
            &s,
            tx(forced_exit(&u0, 0, Address::ZERO, 0, 1, 0)),
            Reject(Rule::ForcedExitTargetMissing),
        ),
        tcase(
            "target_has_key",
            "a keyed account cannot be forced out",
            &s,
            tx(forced_exit(&u0, 0, u1.address, 0, 1, 0)),
            Reject(Rule::ForcedExitTargetHasKey),
        ),
        tcase(
            "insufficient_fee",
            "the initiator cannot pay the fee",
            &solo(0, &[(1, 5)]).clone_with(Account::new(u3.address)),
            tx(forced_exit(&u0, 0, u3.address, 1, 6, 0)),
            Reject(Rule::ForcedExitInsufficientFeeBalance),
        ),
    ]
}

fn deposits() -> Vec<Case> {
    let (u0, u5) = (user(0), user(5));
    let s = base();
    vec![
        tcase("existing_account", "a deposit to an existing account", &s, deposit(u0.address, 0, 12345), Accept),
        tcase(
            "new_account",
            "a deposit to a new address opens the next account",
            &s,
            deposit(u5.address, 1, 1),
            Accept,
        ),
        tcase("genesis", "the first deposit opens account 0", &State::new(), deposit(u0.address, 0, 1_000), Accept),
        tcase(
            "u128_max_to_empty",
            "the largest amount to an account without that token",
            &s,
            deposit(u0.address, 2, u128::MAX),
            Accept,
        )
        .with_rules(&[Rule::DepositBalanceOverflow]),
        tcase("max_token", "token 65535", &s, deposit(u0.address, u16::MAX, 9), Accept),
        tcase("last_id", "a new account at the last id", &nearly_full(), deposit(u5.address, 0, 3), Accept)
            .with_rules(&[Rule::DepositAccountTreeFull]),
        tcase(
            "to_max_id",
            "to the existing account with the largest id",
            &full(),
            deposit(user(1).address, 0, 3),
            Accept,
        ),
        tcase(
            "tree_full",
            "no id is left for a new address",
            &full(),
            deposit(u5.address, 0, 3),
            Reject(Rule::DepositAccountTreeFull),
        ),
        tcase(
            "balance_overflow",
            "the balance would exceed 2^128",
            &s,
            deposit(u0.address, 0, u128::MAX),
            Reject(Rule::DepositBalanceOverflow),
        ),
        tcase(
            "zero_address",
            "the zero address cannot own an account",
            &s,
            deposit(Address::ZERO, 0, 1),
            Reject(Rule::DepositZeroAddress),
        ),
    ]
}

fn full_exits() -> Vec<Case> {
    let (u0, u1) = (user(0), user(1));
    let s = base();
    vec![
        tcase("owner", "the owner withdraws the whole balance", &s, full_exit(0, u0.address, 0), Accept),
        tcase("owner_token_1", "an ERC-20", &s, full_exit(1, u1.address, 1), Accept),
        tcase(
            "keyless_owner",
            "no L2 key is needed: the L1 key suffices",
            &s,
            full_exit(3, user(3).address, 0),
            Accept,
        ),
        tcase("wrong_owner", "another address gets amount 0", &s, full_exit(0, u1.address, 0), Accept),
        tcase("zero_balance", "a token never held exits 0", &s, full_exit(0, u0.address, 9), Accept),
        tcase("no_such_account", "an id not yet used exits 0", &s, full_exit(100, u0.address, 0), Accept),
        tcase(
            "zero_owner",
            "an account at the zero address pays the zero owner nothing (issue 27)",
            &with_zero_address_account(),
            full_exit(4, Address::ZERO, 0),
            Accept,
        ),
        tcase("max_id", "the largest id", &full(), full_exit(MAX_ACCOUNT_ID, u1.address, 0), Accept)
            .with_rules(&[Rule::FullExitAccountIdOutOfRange]),
        tcase(
            "id_out_of_range",
            "ids are 24 bits",
            &s,
            full_exit(MAX_ACCOUNT_ID + 1, u0.address, 0),
            Reject(Rule::FullExitAccountIdOutOfRange),
        ),
    ]
}

/// Builds a transaction of one type: (account id, nonce, signer).
type TxMaker = Box<dyn Fn(u32, u32, &User) -> Tx>;

/// The envelope rules, broken by each transaction type.
fn envelope() -> Vec<Case> {
    let (u0, u1, u3) = (user(0), user(1), user(3));
    let s = base();
    let now = context().timestamp;
    let makers: Vec<(&str, TxMaker)> = vec![
        ("transfer", Box::new(move |id, nonce, k: &User| transfer(k, id, user(1).address, 0, 10, 1, nonce))),
        ("withdraw", Box::new(move |id, nonce, k: &User| withdraw(k, id, user(0).address, 0, 10, 1, nonce))),
        (
            "change_pubkey",
            Box::new(move |id, nonce, k: &User| change_pubkey(k, id, 0, 1, nonce, ChangePubKeyAuth::Onchain)),
        ),
        ("forced_exit", Box::new(move |id, nonce, k: &User| forced_exit(k, id, user(3).address, 0, 1, nonce))),
    ];
    let mut out = Vec::new();
    for (name, make) in &makers {
        let c = |case: &str, desc: &str, state: &State, t: Tx, expect| {
            tcase(format!("{name}_{case}"), desc, state, tx(t), expect)
        };
        let id_for = |u: &User| s.id_of(&u.address).unwrap();
        out.push(c(
            "account_id_out_of_range",
            "ids are 24 bits",
            &s,
            make(MAX_ACCOUNT_ID + 1, 0, &u0),
            Reject(Rule::TxAccountIdOutOfRange),
        ));
        out.push(c("account_missing", "an id not yet used", &s, make(9, 0, &u0), Reject(Rule::TxAccountMissing)));
        let signer_case =
            if *name == "change_pubkey" { change_pubkey_signed_by(&u0, &u1, 0) } else { make(id_for(&u0), 0, &u1) };
        out.push(c(
            "signer_not_account_key",
            "signed by another account's key",
            &s,
            signer_case,
            Reject(Rule::TxSignerNotAccountKey),
        ));
        if *name != "change_pubkey" {
            out.push(c(
                "keyless_account",
                "an account without a key cannot sign",
                &s,
                make(3, 0, &u3),
                Reject(Rule::TxSignerNotAccountKey),
            ));
        }
        out.push(c(
            "bad_signature",
            "the signature covers other fields",
            &s,
            tamper(make(0, 0, &u0)),
            Reject(Rule::TxBadSignature),
        ));
        out.push(c("nonce_too_high", "nonce one ahead", &s, make(0, 1, &u0), Reject(Rule::TxNonceMismatch)));
        out.push(c(
            "nonce_too_low",
            "a replayed nonce",
            &solo(4, &[(0, 100)]).clone_with(Account::new(u1.address)).clone_with(Account::new(u3.address)),
            make(0, 3, &u0),
            Reject(Rule::TxNonceMismatch),
        ));
        let maxed =
            solo(u32::MAX, &[(0, 100)]).clone_with(Account::new(u1.address)).clone_with(Account::new(u3.address));
        out.push(c(
            "nonce_overflow",
            "the nonce is 2^32 - 1 and cannot rise",
            &maxed,
            make(0, u32::MAX, &u0),
            Reject(Rule::TxNonceOverflow),
        ));
        out.push(c(
            "not_yet_valid",
            "valid_from is one second after the block",
            &s,
            with_time(make(0, 0, &u0), now + 1, u64::MAX, &u0),
            Reject(Rule::TxNotYetValid),
        ));
        out.push(c(
            "expired",
            "valid_until is one second before the block",
            &s,
            with_time(make(0, 0, &u0), 0, now - 1, &u0),
            Reject(Rule::TxExpired),
        ));
        out.push(
            c(
                "window_exact",
                "valid_from = valid_until = block time",
                &s,
                with_time(make(0, 0, &u0), now, now, &u0),
                Accept,
            )
            .with_rules(&[Rule::TxNotYetValid, Rule::TxExpired]),
        );
    }
    out
}

/// The same transaction with its first byte-level field changed but the old signature kept.
fn tamper(t: Tx) -> Tx {
    match t {
        Tx::Transfer(mut x) => {
            x.fee = fee(2);
            Tx::Transfer(x)
        }
        Tx::Withdraw(mut x) => {
            x.amount += 1;
            Tx::Withdraw(x)
        }
        Tx::ChangePubKey(mut x) => {
            x.fee = fee(2);
            Tx::ChangePubKey(x)
        }
        Tx::ForcedExit(mut x) => {
            x.fee = fee(2);
            Tx::ForcedExit(x)
        }
    }
}

trait CloneWith {
    /// The state with `account` appended at the next id.
    fn clone_with(&self, account: Account) -> State;
}

impl CloneWith for State {
    fn clone_with(&self, account: Account) -> State {
        let mut map: std::collections::BTreeMap<u32, Account> = self.accounts().map(|(i, a)| (i, a.clone())).collect();
        map.insert(self.next_account_id(), account);
        State::from_parts(map, self.next_account_id() + 1).expect("appending a distinct account")
    }
}

pub(super) fn groups() -> Vec<(&'static str, Vec<Case>)> {
    let ctx_late = BlockContext { timestamp: u64::MAX, ..context() };
    let mut time = vec![tcase_at(
        "block_at_u64_max",
        "a block at the largest timestamp accepts a tx valid forever",
        &base(),
        ctx_late,
        tx(transfer(&user(0), 0, user(1).address, 0, 1, 0, 0)),
        Accept,
    )];
    time.push(tcase_at(
        "block_at_zero",
        "a block at time 0 accepts a tx valid from 0",
        &base(),
        BlockContext { timestamp: 0, ..context() },
        tx(transfer(&user(0), 0, user(1).address, 0, 1, 0, 0)),
        Accept,
    ));
    vec![
        ("transfer", transfers()),
        ("transfer_to_new", transfers_to_new()),
        ("withdraw", withdrawals()),
        ("change_pubkey", change_pubkeys()),
        ("forced_exit", forced_exits()),
        ("deposit", deposits()),
        ("full_exit", full_exits()),
        ("envelope", envelope()),
        ("small_order_keys", small_order_keys()),
        ("time", time),
    ]
}

/// `t` carrying the signature `sig` under the key `key`.
fn with_signature(mut t: Tx, key: Point, sig: Signature) -> Tx {
    t.set_signature(TxSignature { pub_key: PublicKey(key), signature: sig });
    t
}

/// The forgery a small-order key would allow: an account whose pubkey hash is that of a point
/// `T` with `8·T` = identity, and a transaction "signed" by anyone as `(R8 = B8·S, S)`, which
/// satisfies `B8·S = R8 + (8·T)·hm` whatever the message. Refused under each of the 8 points
/// (a Transfer each), and for each other transaction kind under a point of order 8 (a
/// ChangePubKey to such a key is the way an account would get one).
fn small_order_keys() -> Vec<Case> {
    let points = small_order_points();
    let forged = |k: usize| {
        let s = zkrollup_spec::primitives::eddsa::Scalar::from(1_000u64 + k as u64);
        Signature { r8: Point::base8().mul_integer(&ark_ff::PrimeField::into_bigint(s).0), s }
    };
    let victim = |k: usize| {
        let mut a = keyed_account(&user(5), 0, &[(0, 1_000_000)]);
        a.pubkey_hash = pubkey_hash(&PublicKey(points[k]));
        base().clone_with(a)
    };
    let id = base().next_account_id();
    let mut out: Vec<Case> = (0..8)
        .map(|k| {
            let t = transfer(&user(5), id, user(1).address, 0, 900_000, 0, 0);
            tcase(
                format!("transfer_under_point_{k}"),
                format!("a Transfer from an account keyed by small-order point {k}, with R8 = B8·S"),
                &victim(k),
                tx(with_signature(t, points[k], forged(k))),
                Reject(Rule::TxBadSignature),
            )
        })
        .collect();
    let others = [
        ("withdraw", withdraw(&user(5), id, user(5).address, 0, 900_000, 0, 0)),
        ("forced_exit", forced_exit(&user(5), id, user(3).address, 0, 0, 0)),
    ];
    for (name, t) in others {
        out.push(tcase(
            format!("{name}_under_point_1"),
            format!("a {} from an account keyed by a point of order 8, with R8 = B8·S", t.name()),
            &victim(1),
            tx(with_signature(t, points[1], forged(1))),
            Reject(Rule::TxBadSignature),
        ));
    }
    let mut cpk = change_pubkey(&user(0), 0, 0, 0, 0, ChangePubKeyAuth::Onchain);
    if let Tx::ChangePubKey(x) = &mut cpk {
        x.new_pubkey_hash = pubkey_hash(&PublicKey(points[1]));
    }
    out.push(tcase(
        "change_pubkey_to_point_1",
        "a ChangePubKey to a key of order 8, signed by it with R8 = B8·S",
        &base(),
        tx(with_signature(cpk, points[1], forged(1))),
        Reject(Rule::TxBadSignature),
    ));
    out
}
