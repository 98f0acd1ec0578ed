//! Check-order vectors: for every input kind and every pair of its checks (in the order
//! [`zkrollup_spec::checks`] declares), an input that breaks both, expecting the earlier rule.
//!
//! Each pair is built from one valid input by applying a *breaker* per rule (the later rule's
//! first, so the earlier rule's breaker has the last word where they touch the same field). A
//! pair counts only if it is shown both ways: the spec rejects with the earlier rule, and with
//! that rule switched off ([`Checks::without`]) it rejects with the later one. Pairs that cannot
//! be shown so are listed in [`APART`] with the reason, and generation checks that each of them
//! really fails to compose, so the list cannot hide a pair that could be covered.

use std::collections::BTreeMap;

use zkrollup_spec::block::{apply_block_with, BlockInput, BlockParams};
use zkrollup_spec::checks::{CallKind, Checks, InputKind};
use zkrollup_spec::params::MAX_ACCOUNT_ID;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{Account, AccountId, State, TokenId};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{
    apply_priority_op_with, apply_tx_with, BlockContext, DepositRequest, FullExitRequest, PriorityOp,
};
use zkrollup_spec::tx::{ChangePubKey, ChangePubKeyAuth, ForcedExit, TimeWindow, Transfer, Tx, Withdraw};

use crate::vectors::{Case, Expect};
use crate::wire::convert::{context as wctx, input as winput, state as wstate};
use crate::wire::{BlockInputJson, TransitionInput, VectorInput};

/// Pairs (earlier, later) of one kind that no input breaks so as to be shown both ways.
/// `None` as the later rule stands for every later rule of the kind.
pub const APART: &[(InputKind, Rule, Option<Rule>, &str)] = &[
    (
        InputKind::Transfer,
        Rule::TransferToZeroAddress,
        Some(Rule::TransferRecipientBalanceOverflow),
        "the zero address has no account, so the recipient is new and its balance is zero",
    ),
    (
        InputKind::Transfer,
        Rule::TransferAccountTreeFull,
        Some(Rule::TransferRecipientBalanceOverflow),
        "a new recipient's balance is zero",
    ),
    (
        InputKind::ForcedExit,
        Rule::ForcedExitTargetMissing,
        None,
        "the checks after it read the target account it finds missing (and it cannot be switched off)",
    ),
    (
        InputKind::Deposit,
        Rule::DepositZeroAddress,
        Some(Rule::DepositBalanceOverflow),
        "the zero address has no account, so the deposit opens one and its balance is zero",
    ),
    (
        InputKind::Deposit,
        Rule::DepositAccountTreeFull,
        Some(Rule::DepositBalanceOverflow),
        "a new account's balance is zero",
    ),
];

/// For transactions, every kind shares these envelope pairs that cannot be shown both ways.
pub const APART_ENVELOPE: &[(Rule, Option<Rule>, &str)] = &[
    (
        Rule::TxAccountIdOutOfRange,
        None,
        "an id of 2^24 or more has no account, so tx.account_missing breaks in between (only that pair is shown)",
    ),
    (
        Rule::TxAccountMissing,
        None,
        "the checks after it read the account it finds missing (and it cannot be switched off)",
    ),
];

/// Why (`earlier`, `later`) of `kind` is not shown, if it is listed apart.
pub fn apart(kind: InputKind, earlier: Rule, later: Rule) -> Option<&'static str> {
    let fits = |l: Option<Rule>| l.is_none_or(|l| l == later);
    let envelope = kind
        .is_tx()
        .then(|| APART_ENVELOPE.iter().find(|(e, l, _)| *e == earlier && fits(*l)).map(|(_, _, why)| *why))
        .flatten();
    // The one envelope pair that composes: an id out of range is also missing.
    if earlier == Rule::TxAccountIdOutOfRange && later == Rule::TxAccountMissing {
        return None;
    }
    envelope.or_else(|| APART.iter().find(|(k, e, l, _)| *k == kind && *e == earlier && fits(*l)).map(|(.., w)| *w))
}

const TOKEN: TokenId = 1;
const SENDER: AccountId = 0;
const RECIPIENT: AccountId = 1;
const KEYLESS: AccountId = 2;

/// One valid input of a kind, in a form every breaker can edit; [`Scenario::input`] signs it.
#[derive(Clone)]
struct Scenario {
    kind: InputKind,
    accounts: BTreeMap<AccountId, Account>,
    next_id: AccountId,
    ctx: BlockContext,
    account_id: AccountId,
    /// The test user whose L2 key signs.
    key: u32,
    /// ChangePubKey: the test user whose key becomes the account's.
    new_key: u32,
    nonce: u32,
    time: TimeWindow,
    bad_signature: bool,
    to: Address,
    amount: u128,
    fee: u128,
    target: Address,
    deposit_to: Address,
    full_exit_id: AccountId,
}

impl Scenario {
    /// Sender 0 (user 0, nonce 5), recipient 1 (user 1), keyless 2 (user 2): each holds token 1.
    fn valid(kind: InputKind) -> Scenario {
        let mut sender = keyed_account(&user(0), 5, &[(TOKEN, 1_000_000)]);
        if kind == InputKind::ChangePubKey {
            sender.pubkey_hash = Default::default();
        }
        let recipient = keyed_account(&user(1), 0, &[(TOKEN, 1_000)]);
        let mut keyless = Account::new(user(2).address);
        keyless.set_balance(TOKEN, 500);
        Scenario {
            kind,
            accounts: [(SENDER, sender), (RECIPIENT, recipient), (KEYLESS, keyless)].into(),
            next_id: 3,
            ctx: context(),
            account_id: SENDER,
            key: 0,
            new_key: 0,
            nonce: 5,
            time: TimeWindow { valid_from: 0, valid_until: u64::MAX },
            bad_signature: false,
            to: user(1).address,
            amount: 2_000,
            fee: 10,
            target: user(2).address,
            deposit_to: user(1).address,
            full_exit_id: SENDER,
        }
    }

    fn account(&mut self, id: AccountId) -> &mut Account {
        self.accounts.get_mut(&id).expect("a scenario account")
    }

    /// Makes the tree full: the next id is past the last one.
    fn fill_tree(&mut self) {
        self.next_id = MAX_ACCOUNT_ID + 1;
    }

    /// Applies the change that breaks `rule` (and nothing the valid input needs besides).
    fn break_rule(&mut self, rule: Rule) {
        let fresh = user(9).address;
        match rule {
            Rule::TxAccountIdOutOfRange => self.account_id = MAX_ACCOUNT_ID + 1,
            Rule::TxAccountMissing => self.account_id = self.next_id.min(MAX_ACCOUNT_ID),
            Rule::TxSignerNotAccountKey if self.kind == InputKind::ChangePubKey => self.new_key = 7,
            Rule::TxSignerNotAccountKey => self.key = 7,
            Rule::TxBadSignature => self.bad_signature = true,
            Rule::TxNonceMismatch => {
                let have = self.accounts.get(&self.account_id).map_or(0, |a| a.nonce);
                self.nonce = have.wrapping_add(1);
            }
            Rule::TxNonceOverflow => {
                self.account(SENDER).nonce = u32::MAX;
                self.nonce = u32::MAX;
            }
            Rule::TxNotYetValid => self.time.valid_from = self.ctx.timestamp + 1,
            Rule::TxExpired => self.time.valid_until = self.ctx.timestamp - 1,
            Rule::TransferToZeroAddress => self.to = Address::ZERO,
            Rule::TransferAccountTreeFull => {
                self.to = fresh;
                self.fill_tree();
            }
            Rule::TransferInsufficientBalance | Rule::WithdrawInsufficientBalance => {
                let short = self.amount + self.fee - 1;
                self.account(SENDER).set_balance(TOKEN, short);
            }
            Rule::ChangePubKeyInsufficientFeeBalance | Rule::ForcedExitInsufficientFeeBalance => {
                let short = self.fee - 1;
                self.account(SENDER).set_balance(TOKEN, short);
            }
            Rule::TransferRecipientBalanceOverflow | Rule::DepositBalanceOverflow => {
                let nearly_full = u128::MAX - self.amount + 1;
                self.account(RECIPIENT).set_balance(TOKEN, nearly_full);
            }
            Rule::ForcedExitTargetMissing => self.target = fresh,
            Rule::ForcedExitTargetHasKey => self.account(KEYLESS).pubkey_hash = user(2).pubkey_hash,
            Rule::DepositZeroAddress => self.deposit_to = Address::ZERO,
            Rule::FullExitAccountIdOutOfRange => self.full_exit_id = MAX_ACCOUNT_ID + 1,
            Rule::DepositAccountTreeFull => {
                self.deposit_to = fresh;
                self.fill_tree();
            }
            other => panic!("no breaker for {other}"),
        }
    }

    fn state(&self) -> State {
        State::from_parts(self.accounts.clone(), self.next_id).expect("a scenario state is valid")
    }

    /// The input, signed (and its signature spoiled when asked).
    fn input(&self) -> BlockInput {
        let sign = |mut tx: Tx| {
            let key = &user(self.key).l2;
            tx.sign(key);
            if self.bad_signature {
                // A valid signature by the same key, over another message.
                let mut other = tx.clone();
                set_nonce(&mut other, self.nonce.wrapping_add(1_000));
                other.sign(key);
                tx.set_signature(*other.signature());
            }
            BlockInput::Tx(tx)
        };
        let (account_id, nonce, time) = (self.account_id, self.nonce, self.time);
        match self.kind {
            InputKind::Transfer => sign(Tx::Transfer(Transfer {
                account_id,
                to: self.to,
                token: TOKEN,
                amount: amount(self.amount),
                fee: fee(self.fee),
                nonce,
                time,
                ..Default::default()
            })),
            InputKind::Withdraw => sign(Tx::Withdraw(Withdraw {
                account_id,
                to: self.to,
                token: TOKEN,
                amount: self.amount,
                fee: fee(self.fee),
                nonce,
                time,
                ..Default::default()
            })),
            InputKind::ChangePubKey => sign(Tx::ChangePubKey(ChangePubKey {
                account_id,
                new_pubkey_hash: user(self.new_key).pubkey_hash,
                fee_token: TOKEN,
                fee: fee(self.fee),
                nonce,
                time,
                auth: ChangePubKeyAuth::Onchain,
                ..Default::default()
            })),
            InputKind::ForcedExit => sign(Tx::ForcedExit(ForcedExit {
                account_id,
                target: self.target,
                token: TOKEN,
                fee: fee(self.fee),
                nonce,
                time,
                ..Default::default()
            })),
            InputKind::Deposit => BlockInput::Priority(PriorityOp::Deposit(DepositRequest {
                from: self.deposit_to,
                to: self.deposit_to,
                token: TOKEN,
                amount: self.amount,
            })),
            InputKind::FullExit => BlockInput::Priority(PriorityOp::FullExit(FullExitRequest {
                account_id: self.full_exit_id,
                owner: user(0).address,
                token: TOKEN,
            })),
            InputKind::Block => unreachable!("blocks have their own cases"),
        }
    }

    /// The spec's rule for this input with `off` switched off, or `None` if accepted.
    fn first_failure(&self, off: &[Rule]) -> Option<Rule> {
        let checks = Checks::without(off)?;
        let mut state = self.state();
        let result: Result<(), Rejection> = match self.input() {
            BlockInput::Tx(tx) => apply_tx_with(&mut state, &tx, &self.ctx, &checks).map(drop),
            BlockInput::Priority(p) => apply_priority_op_with(&mut state, &p, &checks).map(drop),
        };
        result.err().map(|e| e.rule)
    }
}

fn set_nonce(tx: &mut Tx, n: u32) {
    match tx {
        Tx::Transfer(t) => t.nonce = n,
        Tx::Withdraw(t) => t.nonce = n,
        Tx::ChangePubKey(t) => t.nonce = n,
        Tx::ForcedExit(t) => t.nonce = n,
    }
}

/// The scenario breaking `earlier` and `later`, if it shows the pair both ways.
fn compose(kind: InputKind, earlier: Rule, later: Rule) -> Option<Scenario> {
    let mut s = Scenario::valid(kind);
    s.break_rule(later);
    s.break_rule(earlier);
    (s.first_failure(&[]) == Some(earlier) && s.first_failure(&[earlier]) == Some(later)).then_some(s)
}

fn short(rule: Rule) -> &'static str {
    rule.id().split_once('.').map_or(rule.id(), |(_, check)| check)
}

fn kind_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Transfer => "transfer",
        InputKind::Withdraw => "withdraw",
        InputKind::ChangePubKey => "change_pubkey",
        InputKind::ForcedExit => "forced_exit",
        InputKind::Deposit => "deposit",
        InputKind::FullExit => "full_exit",
        InputKind::Block => "block",
    }
}

/// The transition pair vectors; panics if a pair neither composes nor is listed apart, or is
/// listed apart but composes.
fn transition_pairs() -> Vec<Case> {
    let mut out = Vec::new();
    for kind in InputKind::ALL.into_iter().filter(|k| *k != InputKind::Block) {
        // The valid input really is valid: every breaker starts from an accepted input.
        assert_eq!(Scenario::valid(kind).first_failure(&[]), None, "{kind:?}: the base input is refused");
        let order = kind.order();
        for (i, &earlier) in order.iter().enumerate() {
            for &later in &order[i + 1..] {
                let composed = compose(kind, earlier, later);
                if let Some(s) = shown_or_apart(&kind, earlier, later, composed, apart(kind, earlier, later)) {
                    out.push(
                        Case::new(
                            format!("{}/{}__{}", kind_name(kind), short(earlier), short(later)),
                            format!("breaks {earlier} and {later}: the earlier check reports"),
                            Expect::Reject(earlier),
                            VectorInput::Transition(TransitionInput {
                                pre_state: wstate(&s.state()),
                                context: wctx(&s.ctx),
                                input: winput(&s.input()),
                            }),
                        )
                        .with_rules(&[later]),
                    );
                }
            }
        }
    }
    out
}

/// The composed input of a pair that is not listed apart; `None` for a pair listed apart.
/// Panics where the two disagree: a pair that composes but is listed apart (the list hides a
/// pair that could be covered), or one that neither composes nor is listed.
pub(super) fn shown_or_apart<T>(
    kind: &dyn std::fmt::Debug,
    earlier: Rule,
    later: Rule,
    composed: Option<T>,
    apart: Option<&str>,
) -> Option<T> {
    match (composed, apart) {
        (Some(c), None) => Some(c),
        (None, Some(_)) => None,
        (Some(_), Some(why)) => panic!("{kind:?}: ({earlier}, {later}) is listed apart ({why}) but composes"),
        (None, None) => panic!("{kind:?}: ({earlier}, {later}) does not compose and is not listed apart"),
    }
}

impl PairCoverage {
    /// `n` covering vectors, or the reason the pair is apart, or a gap.
    fn of(n: usize, apart: Option<&'static str>) -> PairCoverage {
        match (n, apart) {
            (0, Some(why)) => PairCoverage::Apart(why),
            (0, None) => PairCoverage::Missing,
            (n, _) => PairCoverage::Covered(n),
        }
    }
}

/// A block vector breaking `earlier` and `later`, checked both ways.
fn block_pair(
    name: &str,
    earlier: Rule,
    later: Rule,
    state: &State,
    params: BlockParams,
    inputs: Vec<BlockInput>,
) -> Case {
    let first = |off: &[Rule]| {
        let checks = Checks::without(off).expect("switchable");
        apply_block_with(&mut state.clone(), &params, &inputs, &checks).err().map(|e| e.rule)
    };
    assert_eq!(first(&[]), Some(earlier), "block pair {name}");
    assert_eq!(first(&[earlier]), Some(later), "block pair {name} with {earlier} off");
    Case::new(
        format!("block/{name}"),
        format!("breaks {earlier} and {later}: the earlier check reports"),
        Expect::Reject(earlier),
        VectorInput::Block(BlockInputJson {
            pre_state: wstate(state),
            context: wctx(&params.context),
            chunks: params.chunks as u32,
            inputs: inputs.iter().map(winput).collect(),
        }),
    )
    .with_rules(&[later])
}

/// The block's own checks against each other and against an input's.
fn block_pairs() -> Vec<Case> {
    let users: Vec<_> = (0..6).map(user).collect();
    let balances = [(0, 1_000_000), (1, 1_000_000), (2, 1_000_000), (3, 1_000_000), (4, 1_000_000)];
    let funded = funded_state(6, &balances);
    // The same, with the fee account (0) holding all a balance can of token 1.
    let fee_full = State::from_accounts(
        (0..6)
            .map(|i| {
                let mut a = keyed_account(&users[i], 0, &balances);
                if i == 0 {
                    a.set_balance(1, u128::MAX);
                }
                a
            })
            .collect(),
    )
    .expect("distinct users");
    let ctx = context();
    let params = |chunks| BlockParams { context: ctx, chunks };
    let pay = |from: u32, token: u16, nonce: u32| {
        BlockInput::Tx(transfer(&users[from as usize], from, users[5].address, token, 100, 1, nonce))
    };
    // Nonce 7 where account 0 has 0 or 1: tx.nonce_mismatch; a Transfer (2 chunks) and a Withdraw (6).
    let stale = BlockInput::Tx(transfer(&users[0], 0, users[5].address, 0, 100, 1, 7));
    let stale_withdraw = BlockInput::Tx(withdraw(&users[0], 0, users[0].address, 0, 100, 1, 7));
    let dep = |to: usize| {
        BlockInput::Priority(PriorityOp::Deposit(DepositRequest {
            from: users[to].address,
            to: users[to].address,
            token: 0,
            amount: 1,
        }))
    };
    // 5 fee tokens (one transfer in each of tokens 0..4): block.too_many_fee_tokens.
    let five_tokens: Vec<_> = (0..5).map(|t| pay(t as u32, t, 0)).collect();
    let no_fee_account = BlockParams { context: BlockContext { fee_account: 77, ..ctx }, chunks: 16 };
    let mut too_many_and_fee_full = vec![pay(1, 1, 0)];
    too_many_and_fee_full.extend((0..4).map(dep));
    let overflow_then_stale = vec![dep(0), dep(1), stale.clone()];
    vec![
        block_pair(
            "unsupported_size__input",
            Rule::BlockUnsupportedSize,
            Rule::TxNonceMismatch,
            &funded,
            params(12),
            vec![stale.clone()],
        ),
        block_pair(
            "unsupported_size__too_many_chunks",
            Rule::BlockUnsupportedSize,
            Rule::BlockTooManyChunks,
            &funded,
            params(7),
            vec![dep(0), dep(1)],
        ),
        block_pair(
            "unsupported_size__fee_account_missing",
            Rule::BlockUnsupportedSize,
            Rule::BlockFeeAccountMissing,
            &funded,
            BlockParams { chunks: 12, ..no_fee_account },
            vec![pay(1, 0, 0)],
        ),
        block_pair(
            "unsupported_size__too_many_fee_tokens",
            Rule::BlockUnsupportedSize,
            Rule::BlockTooManyFeeTokens,
            &funded,
            params(12),
            five_tokens.clone(),
        ),
        block_pair(
            "unsupported_size__fee_balance_overflow",
            Rule::BlockUnsupportedSize,
            Rule::BlockFeeBalanceOverflow,
            &fee_full,
            params(12),
            vec![pay(1, 1, 0)],
        ),
        block_pair(
            "input__too_many_chunks_same_input",
            Rule::TxNonceMismatch,
            Rule::BlockTooManyChunks,
            &funded,
            params(8),
            vec![dep(1), stale_withdraw],
        ),
        block_pair(
            "input__too_many_chunks_later_input",
            Rule::TxNonceMismatch,
            Rule::BlockTooManyChunks,
            &funded,
            params(8),
            vec![stale.clone(), dep(1), dep(2)],
        ),
        block_pair(
            "too_many_chunks__later_input",
            Rule::BlockTooManyChunks,
            Rule::TxNonceMismatch,
            &funded,
            params(8),
            overflow_then_stale,
        ),
        block_pair(
            "input__fee_account_missing",
            Rule::TxNonceMismatch,
            Rule::BlockFeeAccountMissing,
            &funded,
            no_fee_account,
            vec![stale.clone()],
        ),
        block_pair(
            "input__too_many_fee_tokens",
            Rule::TxNonceMismatch,
            Rule::BlockTooManyFeeTokens,
            &funded,
            params(16),
            [five_tokens.clone(), vec![stale.clone()]].concat(),
        ),
        block_pair(
            "input__fee_balance_overflow",
            Rule::TxNonceMismatch,
            Rule::BlockFeeBalanceOverflow,
            &fee_full,
            params(8),
            vec![pay(1, 1, 0), stale],
        ),
        block_pair(
            "too_many_chunks__fee_account_missing",
            Rule::BlockTooManyChunks,
            Rule::BlockFeeAccountMissing,
            &funded,
            BlockParams { chunks: 8, ..no_fee_account },
            vec![pay(1, 0, 0), dep(2), dep(3)],
        ),
        block_pair(
            "too_many_chunks__too_many_fee_tokens",
            Rule::BlockTooManyChunks,
            Rule::BlockTooManyFeeTokens,
            &funded,
            params(8),
            five_tokens,
        ),
        block_pair(
            "too_many_chunks__fee_balance_overflow",
            Rule::BlockTooManyChunks,
            Rule::BlockFeeBalanceOverflow,
            &fee_full,
            params(16),
            too_many_and_fee_full,
        ),
        block_pair(
            "too_many_fee_tokens__fee_balance_overflow",
            Rule::BlockTooManyFeeTokens,
            Rule::BlockFeeBalanceOverflow,
            &fee_full,
            params(16),
            (0..5).map(|t| pay(t as u32 + 1, t, 0)).collect(),
        ),
    ]
}

/// Block pairs that cannot be shown both ways, with the reason.
pub const APART_BLOCK: &[(Rule, Rule, &str)] = &[
    (
        Rule::BlockFeeAccountMissing,
        Rule::BlockTooManyFeeTokens,
        "the fee account's existence check cannot be switched off: fee collection reads the account it finds",
    ),
    (Rule::BlockFeeAccountMissing, Rule::BlockFeeBalanceOverflow, "a missing fee account has no balance to overflow"),
];

pub(super) fn transition_groups() -> Vec<(&'static str, Vec<Case>)> {
    vec![("order", transition_pairs())]
}

pub(super) fn block_groups() -> Vec<(&'static str, Vec<Case>)> {
    vec![("order", block_pairs())]
}

/// How one pair of checks is covered by a suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairCoverage {
    /// This many vectors break both, expecting the earlier rule.
    Covered(usize),
    /// No input shows the pair both ways, for this reason.
    Apart(&'static str),
    /// Neither: a gap.
    Missing,
}

/// One pair of checks in a declared order, and how a suite covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The input kind (`transfer`, …, `block`) or L1 call (`l1 deposit`, …, `l1 commit_block`, …).
    pub kind: String,
    /// The rule checked first (for blocks, `input` stands for any check of an input).
    pub earlier: &'static str,
    /// The rule checked later.
    pub later: &'static str,
    /// Covered, apart, or missing.
    pub status: PairCoverage,
}

/// Every pair of checks in the declared orders, and how `files` cover it. For blocks, the pairs
/// of the block's own checks, and of each with an input's check (as `input`).
pub fn pair_coverage(files: &[crate::vectors::VectorFile]) -> Vec<Pair> {
    let vectors: Vec<_> = files.iter().flat_map(|f| &f.vectors).filter(|v| v.name.contains("/order/")).collect();
    let count = |prefix: &str, earlier: Option<Rule>, later: Option<Rule>| {
        vectors
            .iter()
            .filter(|v| v.name.starts_with(prefix))
            .filter(|v| {
                let expected = crate::vectors::rejection(&v.expected);
                let other: Vec<&String> = v.rules.iter().filter(|r| Some(r.as_str()) != expected.as_deref()).collect();
                let is_input = |r: &str| Rule::from_id(r).is_some_and(|r| !BLOCK_OWN.contains(&r));
                let matches = |want: Option<Rule>, got: Option<&str>| match (want, got) {
                    (Some(w), Some(g)) => w.id() == g,
                    (None, Some(g)) => is_input(g),
                    _ => false,
                };
                matches(earlier, expected.as_deref()) && other.iter().any(|o| matches(later, Some(o.as_str())))
            })
            .count()
    };
    let mut out = Vec::new();
    for kind in InputKind::ALL.into_iter().filter(|k| *k != InputKind::Block) {
        let order = kind.order();
        for (i, &earlier) in order.iter().enumerate() {
            for &later in &order[i + 1..] {
                let n = count(&format!("transition/order/{}/", kind_name(kind)), Some(earlier), Some(later));
                let status = PairCoverage::of(n, apart(kind, earlier, later));
                out.push(Pair { kind: kind_name(kind).into(), earlier: earlier.id(), later: later.id(), status });
            }
        }
    }
    // The block: `None` stands for "an input's check", which runs between the block's size check
    // and its first chunk count, and again before each later input's chunk count.
    let block: Vec<Option<Rule>> =
        [Some(Rule::BlockUnsupportedSize), None].into_iter().chain(BLOCK_OWN[1..].iter().copied().map(Some)).collect();
    for (i, &earlier) in block.iter().enumerate() {
        for &later in &block[i + 1..] {
            let n = count("block/order/", earlier, later);
            let why = APART_BLOCK.iter().find(|(e, l, _)| Some(*e) == earlier && Some(*l) == later).map(|(.., w)| *w);
            let status = PairCoverage::of(n, why);
            let label = |r: Option<Rule>| r.map_or("input", Rule::id);
            out.push(Pair { kind: "block".into(), earlier: label(earlier), later: label(later), status });
        }
    }
    // The L1 calls, by their distinct rules.
    for call in CallKind::ALL {
        let rules = call.rules();
        for (i, &earlier) in rules.iter().enumerate() {
            for &later in &rules[i + 1..] {
                let name = call.method();
                let n = count(&format!("l1/order/{name}/"), Some(earlier), Some(later));
                let status = PairCoverage::of(n, super::l1_order::apart_l1(call, earlier, later));
                out.push(Pair { kind: format!("l1 {name}"), earlier: earlier.id(), later: later.id(), status });
            }
        }
    }
    out
}

const BLOCK_OWN: &[Rule] = zkrollup_spec::checks::BLOCK;
