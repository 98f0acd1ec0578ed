//! Check-order vectors for the L1 calls: for every call and every pair of its checks (in the
//! order [`CallKind::order`] declares), a sequence whose last call breaks both, expecting the
//! earlier rule.
//!
//! Each pair is built by one builder per call from the set of rules to break, so breaks that
//! touch the same thing are arranged together (a commit's per-op breaks go to ops in check
//! order). A pair counts only if it is shown both ways: the spec rejects the call with the
//! earlier rule, and with that rule switched off ([`L1::call_with`]) with the later one. The
//! codec's rules where a commit decodes an op cannot be switched off (their own order is the
//! codec's `read_order` vectors): a pair they open is shown by the later break alone giving the
//! later rule. Pairs that cannot be shown are listed in [`APART_L1`] with the reason, and
//! generation checks that each of them really fails to compose.

use zkrollup_spec::block::BlockInput;
use zkrollup_spec::checks::{CallKind, Checks};
use zkrollup_spec::l1::{pending_ops, OnchainOpMeta, SymbolicVerifier};
use zkrollup_spec::params::{CHUNK_BYTES, MAX_ACCOUNT_ID};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::rules::Rule;
use zkrollup_spec::testkit::*;
use zkrollup_spec::tx::ChangePubKeyAuth;

use super::l1::{funded, funded_with, governor, list_token, sender, validator, Script};
use super::order::shown_or_apart;
use crate::vectors::{Case, Expect};
use crate::wire::convert::{commit, dec, hex_of, l1_call_of, stored};
use crate::wire::L1Call;

/// Pairs (earlier, later) of one call that no sequence breaks so as to be shown both ways.
pub const APART_L1: &[(CallKind, Rule, Rule, &str)] = &[
    (
        CallKind::Deposit,
        Rule::L1TokenNotListed,
        Rule::L1DepositTotalOverflow,
        "no deposit of an unlisted token is ever accepted, so its total is zero",
    ),
    (CallKind::Deposit, Rule::L1DepositZeroAmount, Rule::L1DepositTotalOverflow, "adding zero cannot overflow"),
    (CallKind::ListToken, Rule::L1TokenZeroAddress, Rule::L1TokenAlreadyListed, "the zero address is never listed"),
    (
        CallKind::CommitBlock,
        Rule::CodecTruncated,
        Rule::CodecNonzeroPadding,
        "a truncated op is refused before its padding is read (the codec's read order)",
    ),
    (
        CallKind::CommitBlock,
        Rule::CodecTruncated,
        Rule::L1PriorityOpMismatch,
        "a truncated op runs to the end of the pubdata: it is not read, and no op can be listed after it",
    ),
    (
        CallKind::CommitBlock,
        Rule::CodecTruncated,
        Rule::L1ChangePubKeyUnauthorised,
        "a truncated op runs to the end of the pubdata: it is not read, and no op can be listed after it",
    ),
    (
        CallKind::CommitBlock,
        Rule::L1BadPubdataLength,
        Rule::L1BlockSizeUnverifiable,
        "the second speaks of block sizes only: a length that is no block size never breaks it",
    ),
    (
        CallKind::ProveBlock,
        Rule::L1ExodusModeActive,
        Rule::L1InvalidProof,
        "exodus mode drops committed, unexecuted blocks: none is left to prove",
    ),
    (
        CallKind::ExecuteBlock,
        Rule::L1ExodusModeActive,
        Rule::L1BadPendingOps,
        "exodus mode drops committed, unexecuted blocks: none is left to execute",
    ),
    (
        CallKind::RevertBlocks,
        Rule::L1ExodusModeActive,
        Rule::L1StoredBlockMismatch,
        "exodus mode leaves no unexecuted block, so every block of a revert breaks l1.revert_executed first",
    ),
    (
        CallKind::PerformExodus,
        Rule::L1NotExodusMode,
        Rule::L1ExodusAlreadyPerformed,
        "exits are performed only in exodus mode, so outside it none has been performed",
    ),
];

/// Why (`earlier`, `later`) of `kind` is not shown, if it is listed apart.
pub fn apart_l1(kind: CallKind, earlier: Rule, later: Rule) -> Option<&'static str> {
    APART_L1.iter().find(|(k, e, l, _)| *k == kind && *e == earlier && *l == later).map(|(.., why)| *why)
}

/// A sequence of accepted calls, and the call under test.
struct Built {
    script: Script,
    call: L1Call,
}

impl Built {
    /// The spec's rule for the last call with `off` switched off, or `None` if accepted.
    /// `Err` if a rule of `off` cannot be switched off.
    fn first_failure(&self, off: &[Rule]) -> Result<Option<Rule>, ()> {
        let checks = Checks::without(off).ok_or(())?;
        let call = l1_call_of(&self.call).expect("a built call converts");
        Ok(self.script.l1.clone().call_with(&call, &SymbolicVerifier, &checks).err().map(|e| e.rule))
    }
}

/// The last call of `kind` after its setup, breaking every rule of `breaks`; `None` where the
/// breaks cannot be set up together.
fn build(kind: CallKind, breaks: &[Rule]) -> Option<Built> {
    let has = |r: Rule| breaks.contains(&r);
    let (u0, u1) = (user(0), user(1));
    let by = |r: Rule| sender(if has(r) { u0.address } else { validator() });
    let (script, call) = match kind {
        CallKind::Deposit => {
            let mut s = Script::new();
            if has(Rule::L1DepositTotalOverflow) {
                s.deposit(&u0, 1, u128::MAX);
            }
            if has(Rule::L1ExodusModeActive) {
                s.deposit(&u0, 0, 1).exodus();
            }
            let call = L1Call::Deposit {
                from: sender(u0.address),
                to: sender(if has(Rule::L1DepositZeroAddress) { Address::ZERO } else { u1.address }),
                token: if has(Rule::L1TokenNotListed) { 2 } else { 1 },
                amount: dec(if has(Rule::L1DepositZeroAmount) { 0 } else { 100 }),
            };
            (s, call)
        }
        CallKind::RequestFullExit => {
            let mut s = Script::new();
            if has(Rule::L1ExodusModeActive) {
                s.deposit(&u0, 0, 1).exodus();
            }
            let call = L1Call::RequestFullExit {
                owner: sender(u0.address),
                account_id: if has(Rule::L1FullExitAccountIdOutOfRange) { MAX_ACCOUNT_ID + 1 } else { 0 },
                token: if has(Rule::L1TokenNotListed) { 5 } else { 0 },
            };
            (s, call)
        }
        CallKind::CommitBlock => commit_block(breaks)?,
        CallKind::ProveBlock | CallKind::ExecuteBlock => {
            let mut s = funded();
            s.full_exit(&u1, 1, 1); // an open request, for exodus mode
            s.time(s.l1.now + 10);
            let (b2, block2) = s.commit(vec![withdraw(&u0, 0, u0.address, 0, 10, 0, 1)]);
            let mut named = stored(&b2);
            let call = if kind == CallKind::ProveBlock {
                if has(Rule::L1BlockNotCommitted) {
                    named.state_root = dec(1u8);
                }
                let mut proof = SymbolicVerifier::proof_of(&block2.public_input());
                if has(Rule::L1InvalidProof) {
                    proof[31] ^= 1;
                }
                L1Call::ProveBlock { sender: by(Rule::L1NotValidator), block: named, proof: hex_of(&proof) }
            } else {
                s.prove(&b2, &block2);
                if has(Rule::L1BlockNotProven) {
                    named.state_root = dec(1u8);
                }
                let ops = if has(Rule::L1BadPendingOps) { vec![] } else { pending_ops(&block2) };
                L1Call::ExecuteBlock {
                    sender: by(Rule::L1NotValidator),
                    block: named,
                    pending_ops: ops.iter().map(|o| hex_of(o)).collect(),
                }
            };
            if has(Rule::L1ExodusModeActive) {
                s.exodus();
            }
            (s, call)
        }
        CallKind::RevertBlocks => {
            let mut s = funded();
            s.full_exit(&u1, 1, 1);
            s.time(s.l1.now + 10);
            let b1 = s.l1.blocks[1].clone();
            let (b2, _) = s.commit(vec![]);
            if has(Rule::L1ExodusModeActive) {
                s.exodus();
            }
            // An executed block after the unexecuted one; the last block named is the one
            // that does not match.
            let mut blocks = vec![stored(&b2)];
            if has(Rule::L1RevertExecuted) {
                blocks.push(stored(&b1));
            }
            if has(Rule::L1StoredBlockMismatch) {
                blocks.last_mut().expect("a block").state_root = dec(1u8);
            }
            (s, L1Call::RevertBlocks { sender: by(Rule::L1NotValidator), blocks })
        }
        CallKind::ActivateExodusMode => {
            let mut s = funded();
            s.deposit(&u1, 0, 300);
            if has(Rule::L1ExodusModeActive) {
                s.exodus();
                if has(Rule::L1ExodusNotDue) {
                    cancel_all(&mut s);
                }
            } else if !has(Rule::L1ExodusNotDue) {
                let due = s.l1.open_requests()[0].expires_at;
                s.time(due);
            }
            (s, L1Call::ActivateExodusMode)
        }
        CallKind::PerformExodus => {
            let mut s = funded();
            s.deposit(&u1, 0, 300);
            if !has(Rule::L1NotExodusMode) {
                s.exodus();
            }
            if has(Rule::L1ExodusAlreadyPerformed) {
                if has(Rule::L1NotExodusMode) {
                    return None;
                }
                s.perform_exit(0, 0);
            }
            let mut call = s.exit_call(0, 0);
            if let L1Call::PerformExodus { block, claim, .. } = &mut call {
                if has(Rule::L1ExodusWrongBlock) {
                    *block = stored(&s.l1.blocks[0]);
                }
                if has(Rule::L1ExodusBadProof) {
                    claim.amount = dec(1_000_001u32);
                }
            }
            (s, call)
        }
        CallKind::CancelOutstandingDeposits => {
            let mut s = funded();
            s.deposit(&u1, 0, 300);
            if !has(Rule::L1NotExodusMode) {
                s.exodus();
            }
            let n = if has(Rule::L1NothingToCancel) { 0u8 } else { 1 };
            (s, L1Call::CancelOutstandingDeposits { n: dec(n) })
        }
        CallKind::WithdrawPendingBalance => {
            // 1,000,000 of token 1 pending for user 0, of which the contract holds 5,000.
            let mut s = funded();
            s.fabricated_payout(u0.address, 1, 1_000_000);
            let amount: u32 = if has(Rule::L1InsufficientPendingBalance) {
                1_000_001
            } else if has(Rule::L1PayoutUnbacked) {
                1_000_000
            } else {
                100
            };
            (s, L1Call::WithdrawPendingBalance { owner: sender(u0.address), token: 1, amount: dec(amount) })
        }
        CallKind::ListToken => {
            // The vectors' deployment lists token 0x70… and allows three.
            let mut s = Script::new();
            if has(Rule::L1TooManyTokens) {
                s.govern(list_token(governor(), Address([0x72; 20])))
                    .govern(list_token(governor(), Address([0x73; 20])));
            }
            let token = if has(Rule::L1TokenZeroAddress) {
                Address::ZERO
            } else if has(Rule::L1TokenAlreadyListed) {
                Address([0x70; 20])
            } else {
                Address([0x74; 20])
            };
            let by = if has(Rule::L1NotGovernor) { validator() } else { governor() };
            (s, list_token(by, token))
        }
        CallKind::SetAuthPubkeyHash
        | CallKind::ProposeGovernor
        | CallKind::AcceptGovernor
        | CallKind::RenounceGovernor
        | CallKind::SetValidator => return None,
    };
    Some(Built { script, call })
}

fn cancel_all(s: &mut Script) {
    s.l1.cancel_outstanding_deposits(u64::MAX).expect("open requests to cancel");
    s.ok(L1Call::CancelOutstandingDeposits { n: dec(u64::MAX) });
}

/// Block 2 on top of [`funded`]: ChangePubKey of account 0, a Transfer, the open deposit, and
/// ChangePubKey of account 1, in that order, so that per-op breaks land in check order: a
/// repeated offset (the first ChangePubKey listed twice), then a listed Transfer, then the
/// deposit (wrong amount, or non-zero padding), then the second ChangePubKey (no fact), and a
/// truncated op in the last chunk.
fn commit_block(breaks: &[Rule]) -> Option<(Script, L1Call)> {
    let has = |r: Rule| breaks.contains(&r);
    let (u0, u1, key_a, key_b) = (user(0), user(1), user(10), user(11));
    // Without a verifier for 32-chunk blocks when that rule is broken: the block is cut to 32
    // chunks below (its ops take 18).
    let mut s = if has(Rule::L1BlockSizeUnverifiable) { funded_with(vec![8, 16, 64]) } else { funded() };
    s.deposit(&u1, 0, 300);
    s.set_auth(&u0, key_a.pubkey_hash, 1);
    if !has(Rule::L1ChangePubKeyUnauthorised) {
        s.set_auth(&u1, key_b.pubkey_hash, 2);
    }
    if has(Rule::L1ExodusModeActive) {
        s.exodus();
    } else {
        s.time(s.l1.now + 10);
    }
    let mut inputs = vec![
        BlockInput::Tx(change_pubkey(&key_a, 0, 0, 0, 1, ChangePubKeyAuth::Onchain)),
        BlockInput::Tx(transfer(&u1, 1, u0.address, 1, 10, 0, 1)),
    ];
    inputs.extend(s.unserved());
    inputs.push(BlockInput::Tx(change_pubkey(&key_b, 1, 0, 0, 2, ChangePubKeyAuth::Onchain)));
    let (mut parent, _, mut info) = s.build_of(inputs);
    if has(Rule::L1BlockSizeUnverifiable) {
        info.pubdata.truncate(32 * CHUNK_BYTES);
    }
    let [cpk_a, deposit, cpk_b]: [OnchainOpMeta; 3] = info.onchain_ops.clone().try_into().ok()?;
    let transfer_at = deposit.offset - 2 * CHUNK_BYTES;
    if has(Rule::L1PriorityOpMismatch) {
        info.pubdata[deposit.offset + 21] ^= 1; // the amount's last byte
    }
    if has(Rule::CodecNonzeroPadding) {
        info.pubdata[deposit.offset + 6 * CHUNK_BYTES - 1] = 1; // the deposit op's last padding byte
    }
    let mut ops = vec![cpk_a.clone()];
    if has(Rule::L1BadOnchainOpOffset) {
        ops.push(cpk_a);
    }
    if has(Rule::L1NotOnchainOp) {
        ops.push(OnchainOpMeta { offset: transfer_at, auth: None });
    }
    ops.extend([deposit, cpk_b]);
    if has(Rule::L1BadPubdataLength) {
        info.pubdata.extend([0; CHUNK_BYTES]);
    }
    if has(Rule::CodecTruncated) {
        let last = info.pubdata.len() - CHUNK_BYTES;
        info.pubdata[last] = 3; // a Withdraw (6 chunks) in the last chunk
        ops.push(OnchainOpMeta { offset: last, auth: None });
    }
    info.onchain_ops = ops;
    if has(Rule::L1BadTimestamp) {
        info.timestamp = s.l1.now + 1;
    }
    if has(Rule::L1BlockNumberMismatch) {
        info.block_number += 1;
    }
    if has(Rule::L1StoredBlockMismatch) {
        parent.commitment[0] ^= 1;
    }
    let sender = sender(if has(Rule::L1NotValidator) { u0.address } else { validator() });
    Some((s, L1Call::CommitBlock { sender, parent: stored(&parent), block: commit(&info) }))
}

/// The sequence breaking `earlier` and `later`, if it shows the pair both ways.
fn compose(kind: CallKind, earlier: Rule, later: Rule) -> Option<Built> {
    let built = build(kind, &[earlier, later])?;
    if built.first_failure(&[]) != Ok(Some(earlier)) {
        return None;
    }
    let later_fires = match built.first_failure(&[earlier]) {
        Ok(rule) => rule == Some(later),
        // Not switchable: the later break alone gives the later rule.
        Err(()) => build(kind, &[later]).is_some_and(|b| b.first_failure(&[]) == Ok(Some(later))),
    };
    later_fires.then_some(built)
}

fn short(rule: Rule) -> String {
    rule.id().strip_prefix("l1.").map_or_else(|| rule.id().replace('.', "_"), str::to_string)
}

/// The L1 pair vectors; panics if a pair neither composes nor is listed apart, or is listed
/// apart but composes.
fn pairs() -> Vec<Case> {
    let mut out = Vec::new();
    for kind in CallKind::ALL {
        let rules = kind.rules();
        if rules.len() < 2 {
            continue;
        }
        // Every builder starts from an accepted call, and each break alone gives its rule.
        let base = build(kind, &[]).expect("a base sequence");
        assert_eq!(base.first_failure(&[]), Ok(None), "{kind:?}: the base call is refused");
        for &r in &rules {
            let alone = build(kind, &[r]).expect("each break alone builds");
            assert_eq!(alone.first_failure(&[]), Ok(Some(r)), "{kind:?}: the break of {r} alone");
        }
        for (i, &earlier) in rules.iter().enumerate() {
            for &later in &rules[i + 1..] {
                let composed = compose(kind, earlier, later);
                if let Some(b) = shown_or_apart(&kind, earlier, later, composed, apart_l1(kind, earlier, later)) {
                    out.push(
                        b.script
                            .case(
                                &format!("{}/{}__{}", kind.method(), short(earlier), short(later)),
                                &format!("breaks {earlier} and {later}: the earlier check reports"),
                                Some(b.call),
                                Expect::Reject(earlier),
                            )
                            .with_rules(&[later]),
                    );
                }
            }
        }
    }
    out
}

pub(super) fn groups() -> Vec<(&'static str, Vec<Case>)> {
    vec![("order", pairs())]
}
