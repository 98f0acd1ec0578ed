//! The rollup contract's logs, read back as the spec's [`Event`]s, so a watcher built on the
//! spec's view (and the tests comparing the two) read the contract's log directly.

use alloy_primitives::Log;
use alloy_sol_types::SolEventInterface;
use zkrollup_spec::l1::Event;
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::transition::{DepositRequest, FullExitRequest, PriorityOp};

use crate::artifacts::Rollup::{self, RollupEvents as E};
use crate::rollup::spec_stored;

fn address(a: alloy_primitives::Address) -> Address {
    Address(a.0 .0)
}

/// The spec's event for one of the rollup's logs; `Err` for a log the contract does not
/// declare (or one that does not decode).
pub fn decode(log: &Log) -> Result<Event, String> {
    let e = E::decode_raw_log(log.topics(), &log.data.data).map_err(|e| format!("an undeclared log: {e}"))?;
    Ok(match e {
        E::DepositRequested(d) => Event::PriorityRequest {
            id: d.id,
            request: PriorityOp::Deposit(DepositRequest {
                from: address(d.from),
                to: address(d.to),
                token: d.token,
                amount: d.amount,
            }),
            expires_at: d.expiresAt,
        },
        E::FullExitRequested(f) => Event::PriorityRequest {
            id: f.id,
            request: PriorityOp::FullExit(FullExitRequest {
                account_id: f.accountId,
                owner: address(f.owner),
                token: f.token,
            }),
            expires_at: f.expiresAt,
        },
        E::AuthFactSet(a) => {
            Event::AuthFactSet { owner: address(a.owner), nonce: a.nonce, pubkey_hash: PubKeyHash(a.pubkeyHash.0) }
        }
        E::BlockCommitted(b) => Event::BlockCommitted(spec_stored(&Rollup::StoredBlock {
            blockNumber: b.blockNumber,
            priorityOps: b.priorityOps,
            pendingOnchainOpsHash: b.pendingOnchainOpsHash,
            timestamp: b.timestamp,
            stateRoot: b.stateRoot,
            commitment: b.commitment,
            chunks: b.chunks,
        })),
        E::BlockProven(b) => Event::BlockProven { block_number: b.blockNumber },
        E::BlockExecuted(b) => Event::BlockExecuted { block_number: b.blockNumber },
        E::BlockReverted(b) => Event::BlockReverted { block_number: b.blockNumber },
        E::ExodusActivated(x) => Event::ExodusActivated { last_executed: x.lastExecuted },
        E::ExodusExit(x) => {
            Event::ExodusExit { account_id: x.accountId, token: x.token, owner: address(x.owner), amount: x.amount }
        }
        E::RequestCancelled(r) => Event::RequestCancelled { id: r.id },
        E::PendingCredited(p) => Event::PendingCredited { owner: address(p.owner), token: p.token, amount: p.amount },
        E::Withdrawal(w) => Event::Withdrawal { owner: address(w.owner), token: w.token, amount: w.amount },
        E::GovernorProposed(g) => Event::GovernorProposed { candidate: address(g.candidate) },
        E::GovernorChanged(g) => Event::GovernorChanged { governor: address(g.governor) },
        E::ValidatorSet(v) => Event::ValidatorSet { validator: address(v.validator), active: v.active },
        E::TokenListed(t) => Event::TokenListed { id: t.id, token: address(t.token) },
    })
}
