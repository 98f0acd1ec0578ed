//! The adapter for the Solidity rollup contract: every L1 vector's calls run against the
//! contract in revm (deployed at the vector's contract address, with test ERC-20s at its token
//! addresses), and the outcome is read back from the contract: which calls reverted and with
//! which rule id, what a commit returned, and the final state from its views and balances.
//!
//! Proofs in L1 vectors are symbolic (the proof of `x` is `x`), so the contract is deployed
//! with the symbolic verifier contract; real Groth16 proofs through the same contract are
//! exercised by the end-to-end test and the demo.

use std::collections::{BTreeMap, BTreeSet};

use zkrollup_contracts::artifacts::{bytecode, SYMBOLIC_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_spec::l1::{StoredBlock, L1};
use zkrollup_spec::op::Op;
use zkrollup_spec::primitives::Address;

use super::Implementation;
use crate::l1_contract::{CallError, RollupOnL1, DEPLOYER};
use crate::wire::convert::*;
use crate::wire::{self as w, Kind, Outcome, VectorInput, Verdict};

pub struct ContractImplementation;

impl Implementation for ContractImplementation {
    fn name(&self) -> String {
        "contract".into()
    }

    fn supports(&self, kind: Kind) -> bool {
        kind == Kind::L1
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        match input {
            VectorInput::L1(l1) => run_l1(l1),
            other => Err(format!("the contract adapter does not take {} vectors", other.kind().as_str())),
        }
    }
}

/// What the adapter remembers to read the contract's state back: the blocks commits returned
/// and every address that may hold a pending balance.
struct Seen {
    blocks: BTreeMap<u32, StoredBlock>,
    addresses: BTreeSet<Address>,
}

fn run_l1(input: &w::L1Input) -> Result<Outcome, String> {
    let config = l1_config_of(&input.config).map_err(|e| e.to_string())?;
    let start = u64_of(&input.start_time).map_err(|e| e.to_string())?;
    let mut evm = L1Evm::new();
    let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).map_err(|e| e.to_string())?;
    let mut c = RollupOnL1::deploy_with(evm, &config, start, symbolic, symbolic)?;
    let genesis = L1::new(config.clone(), start).blocks[0].clone();
    let mut seen = Seen { blocks: BTreeMap::from([(0, genesis)]), addresses: BTreeSet::new() };
    let mut results = Vec::new();
    for call in &input.calls {
        let r = call_contract(&mut c, call, &mut seen).map_err(|e| e.to_string())?;
        results.push(match r {
            Ok(stored_block) => Verdict::Accepted(w::CallAccepted { stored_block: stored_block.as_ref().map(stored) }),
            Err(CallError::Rejected(rule)) => Verdict::Rejected { rule },
            Err(CallError::Other(e)) => return Err(format!("call {call:?}: {e}")),
        });
    }
    Ok(Outcome::L1(w::L1Outcome { results, final_state: summary(&mut c, &seen, config.tokens.len())? }))
}

type CallResult = Result<Option<StoredBlock>, CallError>;

fn call_contract(c: &mut RollupOnL1, call: &w::L1Call, seen: &mut Seen) -> Result<CallResult, WireError> {
    use w::L1Call as C;
    let mut note = |a: Address| {
        seen.addresses.insert(a);
        a
    };
    Ok(match call {
        C::SetTime { now } => {
            c.set_time(u64_of(now)?);
            Ok(None)
        }
        C::Deposit { from, to, token, amount } => {
            let (from, to) = (note(address_of(from)?), note(address_of(to)?));
            c.deposit(&from, &to, *token, u128_of(amount)?).map(|_| None)
        }
        C::RequestFullExit { owner, account_id, token } => {
            let owner = note(address_of(owner)?);
            c.request_full_exit(&owner, *account_id, *token).map(|_| None)
        }
        C::SetAuthPubkeyHash { sender, pubkey_hash, nonce } => {
            c.set_auth_pubkey_hash(&address_of(sender)?, &pkh_of(pubkey_hash)?, *nonce).map(|_| None)
        }
        C::CommitBlock { sender, parent, block } => {
            let r = c.commit_block(&address_of(sender)?, &stored_of(parent)?, &commit_of(block)?);
            if let Ok((b, _)) = &r {
                seen.blocks.insert(b.block_number, b.clone());
            }
            r.map(|(b, _)| Some(b))
        }
        C::ProveBlock { sender, block, proof } => {
            c.prove_block(&address_of(sender)?, &stored_of(block)?, &bytes_of(proof)?).map(|_| None)
        }
        C::ExecuteBlock { sender, block, pending_ops } => {
            let ops: Vec<Vec<u8>> = pending_ops.iter().map(|o| bytes_of(o)).collect::<Result<_, _>>()?;
            // Whoever an op pays may hold a pending balance afterwards.
            for op in ops.iter().filter_map(|o| Op::from_pubdata(o).ok()) {
                match op {
                    Op::Withdraw(o) => note(o.to),
                    Op::ForcedExit(o) => note(o.target_address),
                    Op::FullExit(o) => note(o.owner),
                    _ => continue,
                };
            }
            c.execute_block(&address_of(sender)?, &stored_of(block)?, &ops).map(|_| None)
        }
        C::WithdrawPendingBalance { owner, token, amount } => {
            let owner = note(address_of(owner)?);
            c.withdraw_pending_balance(&owner, *token, u128_of(amount)?).map(|_| None)
        }
        C::RevertBlocks { sender, blocks } => {
            let blocks: Vec<_> = blocks.iter().map(stored_of).collect::<Result<_, _>>()?;
            c.revert_blocks(&address_of(sender)?, &blocks).map(|_| None)
        }
        C::ActivateExodusMode => c.activate_exodus_mode().map(|_| None),
        C::PerformExodus { block, claim, proof } => {
            let claim = claim_of(claim)?;
            note(claim.owner);
            c.perform_exodus(&stored_of(block)?, &claim, &bytes_of(proof)?).map(|_| None)
        }
        C::CancelOutstandingDeposits { n } => c.cancel_outstanding_deposits(u64_of(n)?).map(|_| None),
    })
}

fn summary(c: &mut RollupOnL1, seen: &Seen, listed: usize) -> Result<w::L1Summary, String> {
    let (committed, proven, executed) = c.blocks();
    let (first_open, total) = c.requests();
    let last = seen.blocks.get(&committed).ok_or("the last committed block was never returned by a commit")?;
    let tokens = 0..=listed as u16;
    let mut pending = Vec::new();
    for owner in &seen.addresses {
        for token in tokens.clone() {
            let amount = c.pending_balance(owner, token);
            if amount > 0 {
                pending.push(w::PendingBalance { owner: owner.to_string(), token, amount: dec(amount) });
            }
        }
    }
    let mut held = Vec::new();
    for token in tokens {
        if c.total_deposited(token) > 0 {
            held.push(w::Balance { token, amount: c.held(token).to_string() });
        }
    }
    Ok(w::L1Summary {
        now: dec(c.now()),
        blocks_committed: committed,
        blocks_proven: proven,
        blocks_executed: executed,
        first_open_request: dec(first_open),
        total_requests: dec(total),
        exodus_mode: c.exodus_mode(),
        last_committed_block: stored(last),
        pending_balances: pending,
        held,
    })
}
