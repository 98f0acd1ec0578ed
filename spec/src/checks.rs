//! # Check order
//!
//! An input may break several rules at once; implementations must report the same *first*
//! failure. This section is that order, as data: for every kind of input, its rules in the
//! order they are checked. The transition and block rules ([`crate::transition`],
//! [`crate::block`]) make every check through a [`Checker`] that holds its kind's list and
//! panics when a check runs out of its place, so the lists and the code cannot drift apart.
//!
//! Not every check runs for every input: a transfer to an existing account has no
//! `transfer.account_tree_full` check, and a check after a failing one never runs. A rule may
//! be checked at most once per input, and only after every rule before it in the list that is
//! checked at all.
//!
//! **Switching checks off.** To show that a conformance vector really breaks two rules, the
//! vector generator runs it again with the first rule switched off and expects the second
//! ([`Checks::without`]). Switching a rule off makes its check pass without looking. The
//! checks that find the thing every later check reads — the signing account, a forced exit's
//! target, the block's fee account — cannot be switched off ([`Checks::switchable`]), and
//! neither can the codec's rules where a call decodes (they belong to the decoder, whose own
//! read order the codec vectors pin).
//!
//! **The L1 calls** ([`crate::l1`]) declare their checks the same way ([`CallKind::order`]),
//! and make them through a [`Checker`] too.

use std::collections::BTreeSet;

use crate::rules::{Rejection, Rule};

/// What a list of checks belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputKind {
    /// A signed Transfer.
    Transfer,
    /// A signed Withdraw.
    Withdraw,
    /// A signed ChangePubKey.
    ChangePubKey,
    /// A signed ForcedExit.
    ForcedExit,
    /// A Deposit requested on L1.
    Deposit,
    /// A FullExit requested on L1.
    FullExit,
    /// A block: its own checks, around those of its inputs.
    Block,
}

/// The envelope every signed transaction passes first, in order.
pub const ENVELOPE: &[Rule] = &[
    Rule::TxAccountIdOutOfRange,
    Rule::TxAccountMissing,
    Rule::TxSignerNotAccountKey,
    Rule::TxBadSignature,
    Rule::TxNonceMismatch,
    Rule::TxNonceOverflow,
    Rule::TxNotYetValid,
    Rule::TxExpired,
];

/// A block's own checks. `block.unsupported_size` comes first; then each input in turn, its
/// own checks followed by `block.too_many_chunks` (the chunks used so far, that input's
/// included, fit the block); then fee collection.
pub const BLOCK: &[Rule] = &[
    Rule::BlockUnsupportedSize,
    Rule::BlockTooManyChunks,
    Rule::BlockFeeAccountMissing,
    Rule::BlockTooManyFeeTokens,
    Rule::BlockFeeBalanceOverflow,
];

impl InputKind {
    /// Every kind, in the order of this specification.
    pub const ALL: [InputKind; 7] = [
        InputKind::Transfer,
        InputKind::Withdraw,
        InputKind::ChangePubKey,
        InputKind::ForcedExit,
        InputKind::Deposit,
        InputKind::FullExit,
        InputKind::Block,
    ];

    /// Whether inputs of this kind are signed transactions (and pass the [`ENVELOPE`] first).
    pub fn is_tx(self) -> bool {
        matches!(self, InputKind::Transfer | InputKind::Withdraw | InputKind::ChangePubKey | InputKind::ForcedExit)
    }

    /// The checks of this kind after the envelope (for transactions) or on their own.
    pub fn own_checks(self) -> &'static [Rule] {
        match self {
            InputKind::Transfer => &[
                Rule::TransferToZeroAddress,
                Rule::TransferAccountTreeFull,
                Rule::TransferInsufficientBalance,
                Rule::TransferRecipientBalanceOverflow,
            ],
            InputKind::Withdraw => &[Rule::WithdrawInsufficientBalance],
            InputKind::ChangePubKey => &[Rule::ChangePubKeyInsufficientFeeBalance],
            InputKind::ForcedExit => {
                &[Rule::ForcedExitTargetMissing, Rule::ForcedExitTargetHasKey, Rule::ForcedExitInsufficientFeeBalance]
            }
            InputKind::Deposit => {
                &[Rule::DepositZeroAddress, Rule::DepositAccountTreeFull, Rule::DepositBalanceOverflow]
            }
            InputKind::FullExit => &[Rule::FullExitAccountIdOutOfRange],
            InputKind::Block => BLOCK,
        }
    }

    /// The whole list: the envelope, then the kind's own checks.
    pub fn order(self) -> Vec<Rule> {
        let envelope = if self.is_tx() { ENVELOPE } else { &[] };
        envelope.iter().chain(self.own_checks()).copied().collect()
    }
}

/// An L1 contract call that checks something (`setTime` checks nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallKind {
    /// `depositETH` / `depositERC20`.
    Deposit,
    /// `requestFullExit`.
    RequestFullExit,
    /// `setAuthPubkeyHash`.
    SetAuthPubkeyHash,
    /// `commitBlocks`, for one block.
    CommitBlock,
    /// `proveBlocks`, for one block.
    ProveBlock,
    /// `executeBlocks`, for one block.
    ExecuteBlock,
    /// `withdrawPendingBalance`.
    WithdrawPendingBalance,
    /// `revertBlocks`.
    RevertBlocks,
    /// `activateExodusMode`.
    ActivateExodusMode,
    /// `performExodus`.
    PerformExodus,
    /// `cancelOutstandingDepositsForExodusMode`.
    CancelOutstandingDeposits,
    /// `proposeGovernor`.
    ProposeGovernor,
    /// `acceptGovernor`.
    AcceptGovernor,
    /// `renounceGovernor`.
    RenounceGovernor,
    /// `setValidator`.
    SetValidator,
    /// `listToken`.
    ListToken,
}

impl CallKind {
    /// Every call kind, in the order of [`crate::l1`].
    pub const ALL: [CallKind; 16] = [
        CallKind::Deposit,
        CallKind::RequestFullExit,
        CallKind::SetAuthPubkeyHash,
        CallKind::CommitBlock,
        CallKind::ProveBlock,
        CallKind::ExecuteBlock,
        CallKind::WithdrawPendingBalance,
        CallKind::RevertBlocks,
        CallKind::ActivateExodusMode,
        CallKind::PerformExodus,
        CallKind::CancelOutstandingDeposits,
        CallKind::ProposeGovernor,
        CallKind::AcceptGovernor,
        CallKind::RenounceGovernor,
        CallKind::SetValidator,
        CallKind::ListToken,
    ];

    /// The call's checks in order. A rule may stand twice (two conditions, one rule id). The
    /// part from [`CallKind::per_item_from`] on runs once per item of the call, in order.
    pub fn order(self) -> &'static [Rule] {
        match self {
            CallKind::Deposit => &[
                Rule::L1ExodusModeActive,
                Rule::L1TokenNotListed,
                Rule::L1DepositZeroAmount,
                Rule::L1DepositZeroAddress,
                Rule::L1DepositTotalOverflow,
            ],
            CallKind::RequestFullExit => {
                &[Rule::L1ExodusModeActive, Rule::L1FullExitAccountIdOutOfRange, Rule::L1TokenNotListed]
            }
            CallKind::SetAuthPubkeyHash => &[Rule::L1AuthFactExists],
            CallKind::CommitBlock => &[
                Rule::L1NotValidator,
                Rule::L1ExodusModeActive,
                Rule::L1StoredBlockMismatch,
                Rule::L1BlockNumberMismatch,
                Rule::L1BadTimestamp,
                Rule::L1BadPubdataLength,
                Rule::L1BlockSizeUnverifiable,
                // Per listed on-chain op:
                Rule::L1BadOnchainOpOffset,
                Rule::L1NotOnchainOp,
                Rule::CodecTruncated,
                Rule::CodecNonzeroPadding,
                Rule::L1PriorityOpMismatch,
                Rule::L1ChangePubKeyUnauthorised,
            ],
            CallKind::ProveBlock => &[
                Rule::L1NotValidator,
                Rule::L1ExodusModeActive,
                Rule::L1BlockNotCommitted,
                Rule::L1BlockNotCommitted,
                Rule::L1InvalidProof,
            ],
            CallKind::ExecuteBlock => &[
                Rule::L1NotValidator,
                Rule::L1ExodusModeActive,
                Rule::L1BlockNotProven,
                Rule::L1BlockNotProven,
                Rule::L1BadPendingOps,
            ],
            CallKind::WithdrawPendingBalance => &[Rule::L1InsufficientPendingBalance, Rule::L1PayoutUnbacked],
            CallKind::RevertBlocks => &[
                Rule::L1NotValidator,
                Rule::L1ExodusModeActive,
                // Per block:
                Rule::L1RevertExecuted,
                Rule::L1StoredBlockMismatch,
            ],
            CallKind::ActivateExodusMode => &[Rule::L1ExodusModeActive, Rule::L1ExodusNotDue],
            CallKind::PerformExodus => &[
                Rule::L1NotExodusMode,
                Rule::L1ExodusWrongBlock,
                Rule::L1ExodusWrongBlock,
                Rule::L1ExodusAlreadyPerformed,
                Rule::L1ExodusBadProof,
            ],
            CallKind::CancelOutstandingDeposits => &[Rule::L1NotExodusMode, Rule::L1NothingToCancel],
            CallKind::ProposeGovernor | CallKind::RenounceGovernor | CallKind::SetValidator => &[Rule::L1NotGovernor],
            CallKind::AcceptGovernor => &[Rule::L1NotPendingGovernor],
            CallKind::ListToken => {
                &[Rule::L1NotGovernor, Rule::L1TokenZeroAddress, Rule::L1TokenAlreadyListed, Rule::L1TooManyTokens]
            }
        }
    }

    /// The [`crate::l1::L1`] method that makes this call (its name in the `l1` docs' table, in
    /// vector names and in coverage reports).
    pub fn method(self) -> &'static str {
        match self {
            CallKind::Deposit => "deposit",
            CallKind::RequestFullExit => "request_full_exit",
            CallKind::SetAuthPubkeyHash => "set_auth_pubkey_hash",
            CallKind::CommitBlock => "commit_block",
            CallKind::ProveBlock => "prove_block",
            CallKind::ExecuteBlock => "execute_block",
            CallKind::WithdrawPendingBalance => "withdraw_pending_balance",
            CallKind::RevertBlocks => "revert_blocks",
            CallKind::ActivateExodusMode => "activate_exodus_mode",
            CallKind::PerformExodus => "perform_exodus",
            CallKind::CancelOutstandingDeposits => "cancel_outstanding_deposits",
            CallKind::ProposeGovernor => "propose_governor",
            CallKind::AcceptGovernor => "accept_governor",
            CallKind::RenounceGovernor => "renounce_governor",
            CallKind::SetValidator => "set_validator",
            CallKind::ListToken => "list_token",
        }
    }

    /// Where the checks made once per item start: a commit's listed on-chain ops, a revert's
    /// blocks. `None` for calls without items.
    pub fn per_item_from(self) -> Option<usize> {
        match self {
            CallKind::CommitBlock => Some(7),
            CallKind::RevertBlocks => Some(2),
            _ => None,
        }
    }

    /// The call's distinct rules, in order of first appearance.
    pub fn rules(self) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for r in self.order() {
            if !out.contains(r) {
                out.push(*r);
            }
        }
        out
    }
}

/// Where `rule` stands in the order of the input kind that checks it (the envelope's rules
/// count for every transaction kind). Of two rules one input breaks, the lower rank reports.
/// Rules outside every list (the codec's and the contract's) rank last.
pub fn rank(rule: Rule) -> usize {
    let mut all = ENVELOPE.iter().chain(InputKind::ALL.iter().flat_map(|k| k.own_checks()));
    all.position(|r| *r == rule).unwrap_or(usize::MAX)
}

/// Which checks run: all of them ([`Checks::ALL`]), or all but some switched off, for testing
/// the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    off: BTreeSet<Rule>,
}

impl Checks {
    /// Every check runs.
    pub const ALL: Checks = Checks { off: BTreeSet::new() };

    /// Every check runs except those of `off`. `None` if one of them cannot be switched off.
    pub fn without(off: &[Rule]) -> Option<Checks> {
        off.iter().all(|r| Checks::switchable(*r)).then(|| Checks { off: off.iter().copied().collect() })
    }

    /// Whether `rule`'s check can be switched off: not the checks that find what every later
    /// check reads.
    pub fn switchable(rule: Rule) -> bool {
        !matches!(
            rule,
            Rule::TxAccountMissing
                | Rule::ForcedExitTargetMissing
                | Rule::BlockFeeAccountMissing
                | Rule::CodecTruncated
                | Rule::CodecNonzeroPadding
        )
    }

    /// Whether `rule`'s check runs.
    pub fn is_on(&self, rule: Rule) -> bool {
        !self.off.contains(&rule)
    }
}

/// What a [`Checker`] checks: an L2 input, or an L1 call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    Input(InputKind),
    Call(CallKind),
}

/// Makes one input's (or one call's) checks in its kind's order.
#[derive(Debug)]
pub struct Checker<'a> {
    subject: Subject,
    order: Vec<Rule>,
    /// Where each item's checks start again ([`Checker::next_input`]).
    per_item_from: usize,
    next: usize,
    checks: &'a Checks,
}

impl<'a> Checker<'a> {
    /// A checker for one input of `kind`.
    pub fn new(kind: InputKind, checks: &'a Checks) -> Self {
        // A block's per-input part is `block.too_many_chunks`, right after its size check.
        Checker { subject: Subject::Input(kind), order: kind.order(), per_item_from: 1, next: 0, checks }
    }

    /// A checker for one L1 call of `kind`.
    pub fn for_call(kind: CallKind, checks: &'a Checks) -> Self {
        let per_item_from = kind.per_item_from().unwrap_or(0);
        Checker { subject: Subject::Call(kind), order: kind.order().to_vec(), per_item_from, next: 0, checks }
    }

    /// The checks this checker runs, for the inputs it hands on to (a block's inputs).
    pub fn checks(&self) -> &'a Checks {
        self.checks
    }

    /// Moves past `rule` in the order; a spec bug (a panic) if `rule` is not ahead.
    fn advance(&mut self, rule: Rule) {
        let Some(at) = self.order[self.next..].iter().position(|r| *r == rule) else {
            panic!("spec bug: {rule} checked out of the order declared for {:?}", self.subject)
        };
        self.next += at + 1;
    }

    /// `Err` with `rule` unless `holds` (or the check is switched off); the detail is built
    /// only on failure.
    pub fn check(&mut self, holds: bool, rule: Rule, detail: impl FnOnce() -> String) -> Result<(), Rejection> {
        self.advance(rule);
        if holds || !self.checks.is_on(rule) {
            Ok(())
        } else {
            Err(Rejection::new(rule, detail()))
        }
    }

    /// The found value, or `Err` with `rule` (an existence check: never switched off).
    pub fn found<T>(&mut self, found: Option<T>, rule: Rule, detail: impl FnOnce() -> String) -> Result<T, Rejection> {
        self.advance(rule);
        found.ok_or_else(|| Rejection::new(rule, detail()))
    }

    /// Where a switched-off check guarded something the input now needs (an account for the
    /// zero address, an id in a full tree), the rule holds after all: `Err` with `rule` unless
    /// `holds`, whether switched off or not, without moving through the order. With every
    /// check on, a guard never fails: its check ran and passed before.
    pub fn guard(&self, holds: bool, rule: Rule, detail: impl FnOnce() -> String) -> Result<(), Rejection> {
        if holds {
            Ok(())
        } else {
            Err(Rejection::new(rule, detail()))
        }
    }

    /// The result of a decoder whose rejections are `rules` (in the decoder's read order),
    /// as a check in this order: not switchable, since what it decodes is what later checks
    /// read. A rejection outside `rules` is a spec bug.
    pub fn decoded<T>(&mut self, result: Result<T, Rejection>, rules: &[Rule]) -> Result<T, Rejection> {
        match result {
            Ok(v) => {
                rules.iter().for_each(|r| self.advance(*r));
                Ok(v)
            }
            Err(e) => {
                assert!(rules.contains(&e.rule), "spec bug: the decoder refused with {}, not one of {rules:?}", e.rule);
                self.advance(e.rule);
                Err(e)
            }
        }
    }

    /// The next item's checks: a block's next input (`block.too_many_chunks` is checked once
    /// per input), a commit's next on-chain op, a revert's next block. Starts the order again
    /// at its per-item part.
    pub fn next_input(&mut self) {
        self.next = self.per_item_from;
    }
}
