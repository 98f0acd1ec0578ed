//! # 8. The L1 contract's rules
//!
//! The rollup contract as a pure state machine: what each call checks, what it records, and
//! what it pays out. The Solidity contract must behave exactly so (same acceptances, and reverts
//! carrying the same rule ids). Every call is atomic: a rejected call changes nothing.
//!
//! **Life of a block.** The operator *commits* it (header, pubdata, and for each on-chain op its
//! offset and, for ChangePubKey, the L1 authorisation); the contract checks the parent, the
//! priority requests the block serves, the ChangePubKey authorisations, and records the block's
//! commitment. The operator then *proves* it (the proof verifies against the commitment's 253-bit
//! public input), then *executes* it: withdrawals, forced exits and full exits become pending
//! balances their owners withdraw, and the served priority requests leave the queue.
//!
//! **Priority queue.** Deposits and full-exit requests join a queue with an expiry
//! ([`PRIORITY_EXPIRATION_SECONDS`]). Committed blocks must serve the open requests in order.
//! If the oldest open request expires unserved, anyone may activate **exodus mode**: committed
//! but unexecuted blocks are dropped, block processing stops, owners exit with exit proofs
//! against the last executed root ([`crate::exit`]), and queued deposits can be refunded.
//!
//! **Proofs** are checked by a [`ProofVerifier`]. The deployed contract verifies Groth16; the
//! spec and its vectors use [`SymbolicVerifier`], whose "proof" of public input `x` is `x`'s 32
//! bytes, so a vector can say "a correct proof" or "a wrong proof" without a prover. Adapters
//! that run real contracts replace each symbolic proof by a real proof of the same statement.

use std::collections::{BTreeMap, BTreeSet};

use crate::block::{commitment, public_input};
use crate::exit::ExitClaim;
use crate::op::{chunks_of, decode_pubdata, is_onchain_code, Op};
use crate::params::{BLOCK_CHUNK_SIZES, CHUNK_BYTES, MAX_ACCOUNT_ID, PRIORITY_EXPIRATION_SECONDS};
use crate::primitives::field::fr_to_be_bytes;
use crate::primitives::keys::keccak256;
use crate::primitives::{Address, Fr, PubKeyHash};
use crate::rules::{ensure, Rejection, Rule};
use crate::state::{AccountId, Nonce, TokenId};
use crate::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
use crate::tx::auth::{onchain_auth_fact, ChangePubKeyAuth, L1Domain};

/// Checks block and exit proofs.
pub trait ProofVerifier {
    fn verify_block(&self, public_input: &Fr, proof: &[u8]) -> bool;
    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool;
}

/// The spec's verifier: a proof of `x` is the 32-byte big-endian encoding of `x`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SymbolicVerifier;

impl SymbolicVerifier {
    pub fn proof_of(public_input: &Fr) -> Vec<u8> {
        fr_to_be_bytes(public_input).to_vec()
    }
}

impl ProofVerifier for SymbolicVerifier {
    fn verify_block(&self, public_input: &Fr, proof: &[u8]) -> bool {
        proof == fr_to_be_bytes(public_input)
    }
    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool {
        proof == fr_to_be_bytes(public_input)
    }
}

/// Deployment parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1Config {
    pub domain: L1Domain,
    /// Addresses allowed to commit, prove, execute and revert blocks.
    pub validators: Vec<Address>,
    /// The root of block 0.
    pub genesis_root: Fr,
    /// Listed tokens: token id `i` (1-based) is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Address>,
}

/// What the contract remembers of a committed block; calls name blocks by this record, and the
/// contract checks it against the one it stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredBlock {
    pub block_number: u32,
    /// Priority requests the block serves.
    pub priority_ops: u64,
    /// The keccak chain over the pubdata of the ops execution pays out.
    pub pending_onchain_ops_hash: [u8; 32],
    pub timestamp: u64,
    pub state_root: Fr,
    pub commitment: [u8; 32],
}

/// An on-chain op in a commit: where it starts in the pubdata, and for ChangePubKey its
/// authorisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnchainOpMeta {
    pub offset: usize,
    pub auth: Option<ChangePubKeyAuth>,
}

/// A block as the operator commits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitBlock {
    pub block_number: u32,
    pub fee_account: AccountId,
    pub timestamp: u64,
    pub new_state_root: Fr,
    pub pubdata: Vec<u8>,
    pub onchain_ops: Vec<OnchainOpMeta>,
}

/// A queued priority request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedRequest {
    pub op: PriorityOp,
    pub expires_at: u64,
}

/// The keccak chain start: `keccak256("")`.
pub fn empty_ops_hash() -> [u8; 32] {
    keccak256(&[])
}

/// The contract's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1 {
    pub config: L1Config,
    /// The L1 clock (block timestamp), moved by [`L1::set_time`].
    pub now: u64,
    /// `blocks[n]` is block `n`; `blocks[0]` is genesis. Holds committed blocks.
    pub blocks: Vec<StoredBlock>,
    pub blocks_committed: u32,
    pub blocks_proven: u32,
    pub blocks_executed: u32,
    /// Every priority request ever made; id = index.
    pub requests: Vec<QueuedRequest>,
    /// Requests before this id have been executed (or cancelled in exodus).
    pub first_open_request: u64,
    /// Open requests already served by committed, unexecuted blocks.
    pub committed_requests: u64,
    pub pending_balances: BTreeMap<(Address, TokenId), u128>,
    pub auth_facts: BTreeMap<(Address, Nonce), [u8; 32]>,
    pub exodus_mode: bool,
    pub exited: BTreeSet<(AccountId, TokenId)>,
    /// Total ever deposited per token (capped below 2^128, so no L2 balance can overflow).
    pub total_deposited: BTreeMap<TokenId, u128>,
    /// What the contract holds per token.
    pub held: BTreeMap<TokenId, u128>,
}

impl L1 {
    /// A freshly deployed contract at time `now`.
    pub fn new(config: L1Config, now: u64) -> L1 {
        let genesis = StoredBlock {
            block_number: 0,
            priority_ops: 0,
            pending_onchain_ops_hash: empty_ops_hash(),
            timestamp: 0,
            state_root: config.genesis_root,
            commitment: [0; 32],
        };
        L1 {
            config,
            now,
            blocks: vec![genesis],
            blocks_committed: 0,
            blocks_proven: 0,
            blocks_executed: 0,
            requests: Vec::new(),
            first_open_request: 0,
            committed_requests: 0,
            pending_balances: BTreeMap::new(),
            auth_facts: BTreeMap::new(),
            exodus_mode: false,
            exited: BTreeSet::new(),
            total_deposited: BTreeMap::new(),
            held: BTreeMap::new(),
        }
    }

    /// Moves the L1 clock (never backwards).
    pub fn set_time(&mut self, now: u64) {
        self.now = self.now.max(now);
    }

    pub fn pending_balance(&self, owner: &Address, token: TokenId) -> u128 {
        self.pending_balances.get(&(*owner, token)).copied().unwrap_or(0)
    }

    /// The open (unexecuted) requests, oldest first.
    pub fn open_requests(&self) -> &[QueuedRequest] {
        &self.requests[self.first_open_request as usize..]
    }

    pub fn last_executed(&self) -> &StoredBlock {
        &self.blocks[self.blocks_executed as usize]
    }

    /// Runs `f` on a copy and keeps the copy only if `f` succeeds.
    fn atomically<T>(&mut self, f: impl FnOnce(&mut L1) -> Result<T, Rejection>) -> Result<T, Rejection> {
        let mut next = self.clone();
        let out = f(&mut next)?;
        *self = next;
        Ok(out)
    }

    fn require_active(&self) -> Result<(), Rejection> {
        ensure(!self.exodus_mode, Rule::L1ExodusModeActive, || "the contract is in exodus mode".into())
    }

    fn require_validator(&self, sender: &Address) -> Result<(), Rejection> {
        ensure(self.config.validators.contains(sender), Rule::L1NotValidator, || format!("{sender} is no validator"))
    }

    fn require_token(&self, token: TokenId) -> Result<(), Rejection> {
        ensure(token as usize <= self.config.tokens.len(), Rule::L1TokenNotListed, || format!("token {token}"))
    }

    fn credit_pending(&mut self, owner: Address, token: TokenId, amount: u128) {
        if amount > 0 {
            *self.pending_balances.entry((owner, token)).or_default() += amount;
        }
    }

    fn push_request(&mut self, op: PriorityOp) {
        let expires_at = self.now + PRIORITY_EXPIRATION_SECONDS;
        self.requests.push(QueuedRequest { op, expires_at });
    }

    /// `depositETH` / `depositERC20`: `from` moves `amount` of `token` into the contract for the
    /// L2 account of `to`.
    pub fn deposit(&mut self, from: Address, to: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_active()?;
            s.require_token(token)?;
            ensure(amount > 0, Rule::L1DepositZeroAmount, || "amount 0".into())?;
            ensure(!to.is_zero(), Rule::L1DepositZeroAddress, || "to the zero address".into())?;
            let total = s.total_deposited.get(&token).copied().unwrap_or(0).checked_add(amount);
            let total = total.ok_or_else(|| {
                Rejection::new(Rule::L1DepositTotalOverflow, format!("token {token} deposits would exceed 2^128"))
            })?;
            s.total_deposited.insert(token, total);
            *s.held.entry(token).or_default() += amount;
            s.push_request(PriorityOp::Deposit(DepositRequest { from, to, token, amount }));
            Ok(())
        })
    }

    /// `requestFullExit`: `owner` asks for account `account_id`'s whole `token` balance.
    pub fn request_full_exit(
        &mut self,
        owner: Address,
        account_id: AccountId,
        token: TokenId,
    ) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_active()?;
            ensure(account_id <= MAX_ACCOUNT_ID, Rule::L1FullExitAccountIdOutOfRange, || {
                format!("account {account_id}")
            })?;
            s.require_token(token)?;
            s.push_request(PriorityOp::FullExit(FullExitRequest { account_id, owner, token }));
            Ok(())
        })
    }

    /// `setAuthPubkeyHash`: `sender` authorises the ChangePubKey to `pkh` at `nonce`.
    pub fn set_auth_pubkey_hash(&mut self, sender: Address, pkh: PubKeyHash, nonce: Nonce) -> Result<(), Rejection> {
        self.atomically(|s| {
            ensure(!s.auth_facts.contains_key(&(sender, nonce)), Rule::L1AuthFactExists, || {
                format!("{sender} already set a key for nonce {nonce}")
            })?;
            s.auth_facts.insert((sender, nonce), onchain_auth_fact(&pkh));
            Ok(())
        })
    }

    fn require_stored(&self, number: u32, given: &StoredBlock, rule: Rule) -> Result<(), Rejection> {
        ensure(self.blocks.get(number as usize) == Some(given), rule, || {
            format!("block {} does not match stored block {number}", given.block_number)
        })
    }

    /// `commitBlocks` for one block on top of `parent` (the last committed block).
    pub fn commit_block(
        &mut self,
        sender: Address,
        parent: &StoredBlock,
        block: &CommitBlock,
    ) -> Result<StoredBlock, Rejection> {
        self.atomically(|s| {
            s.require_validator(&sender)?;
            s.require_active()?;
            s.require_stored(s.blocks_committed, parent, Rule::L1StoredBlockMismatch)?;
            ensure(block.block_number == parent.block_number + 1, Rule::L1BlockNumberMismatch, || {
                format!("block {} after block {}", block.block_number, parent.block_number)
            })?;
            ensure(block.timestamp >= parent.timestamp && block.timestamp <= s.now, Rule::L1BadTimestamp, || {
                format!("timestamp {} (parent {}, now {})", block.timestamp, parent.timestamp, s.now)
            })?;
            let chunks = block.pubdata.len() / CHUNK_BYTES;
            ensure(
                block.pubdata.len().is_multiple_of(CHUNK_BYTES) && BLOCK_CHUNK_SIZES.contains(&chunks),
                Rule::L1BadPubdataLength,
                || format!("{} bytes of pubdata", block.pubdata.len()),
            )?;
            let (flags, served, ops_hash) = s.process_onchain_ops(block)?;
            let ctx = BlockContext {
                block_number: block.block_number,
                fee_account: block.fee_account,
                timestamp: block.timestamp,
            };
            let stored = StoredBlock {
                block_number: block.block_number,
                priority_ops: served,
                pending_onchain_ops_hash: ops_hash,
                timestamp: block.timestamp,
                state_root: block.new_state_root,
                commitment: commitment(&ctx, &parent.state_root, &block.new_state_root, &block.pubdata, &flags),
            };
            s.blocks.truncate(s.blocks_committed as usize + 1);
            s.blocks.push(stored.clone());
            s.blocks_committed += 1;
            s.committed_requests += served;
            Ok(stored)
        })
    }

    /// Walks the listed on-chain ops: returns the chunk flags, the number of priority requests
    /// served, and the pending-ops hash.
    fn process_onchain_ops(&self, block: &CommitBlock) -> Result<(Vec<u8>, u64, [u8; 32]), Rejection> {
        let chunks = block.pubdata.len() / CHUNK_BYTES;
        let mut flags = vec![0u8; chunks];
        let mut served = 0u64;
        let mut ops_hash = empty_ops_hash();
        let mut next_free = 0usize;
        for meta in &block.onchain_ops {
            let at = meta.offset;
            ensure(
                at % CHUNK_BYTES == 0 && at >= next_free && at < block.pubdata.len(),
                Rule::L1BadOnchainOpOffset,
                || format!("offset {at}"),
            )?;
            let code = block.pubdata[at];
            ensure(is_onchain_code(code), Rule::L1NotOnchainOp, || format!("op code {code} at offset {at}"))?;
            let end = (at + chunks_of(code).expect("on-chain codes are known") * CHUNK_BYTES).min(block.pubdata.len());
            let op_bytes = &block.pubdata[at..end];
            let op = decode_pubdata(op_bytes)?.pop().expect("one op decoded");
            flags[at / CHUNK_BYTES] = 1;
            next_free = end;
            match &op {
                Op::Deposit(d) => {
                    let want = self.next_request(served, at)?;
                    let ok = matches!(&want.op, PriorityOp::Deposit(r) if r.to == d.address && r.token == d.token && r.amount == d.amount);
                    ensure(ok, Rule::L1PriorityOpMismatch, || format!("deposit at {at} is not request {:?}", want.op))?;
                    served += 1;
                }
                Op::FullExit(f) => {
                    let want = self.next_request(served, at)?;
                    let ok = matches!(&want.op, PriorityOp::FullExit(r) if r.account_id == f.account_id && r.owner == f.owner && r.token == f.token);
                    ensure(ok, Rule::L1PriorityOpMismatch, || {
                        format!("full exit at {at} is not request {:?}", want.op)
                    })?;
                    served += 1;
                    ops_hash = keccak256(&[&ops_hash[..], op_bytes].concat());
                }
                Op::ChangePubKey(c) => {
                    let ok = match &meta.auth {
                        Some(ChangePubKeyAuth::Onchain) | None => {
                            self.auth_facts.get(&(c.owner, c.nonce)) == Some(&onchain_auth_fact(&c.new_pubkey_hash))
                        }
                        Some(auth) => {
                            auth.signer(&self.config.domain, &c.new_pubkey_hash, c.nonce, c.account_id) == Some(c.owner)
                        }
                    };
                    ensure(ok, Rule::L1ChangePubKeyUnauthorised, || {
                        format!("account {} key change at {at}", c.account_id)
                    })?;
                }
                Op::Withdraw(_) | Op::ForcedExit(_) => {
                    ops_hash = keccak256(&[&ops_hash[..], op_bytes].concat());
                }
                Op::Noop | Op::Transfer(_) | Op::TransferToNew(_) => unreachable!("not on-chain codes"),
            }
        }
        Ok((flags, served, ops_hash))
    }

    fn next_request(&self, served: u64, at: usize) -> Result<&QueuedRequest, Rejection> {
        let id = self.first_open_request + self.committed_requests + served;
        self.requests
            .get(id as usize)
            .ok_or_else(|| Rejection::new(Rule::L1PriorityOpMismatch, format!("op at {at}: no open request {id}")))
    }

    /// `proveBlocks` for the next committed, unproven block.
    pub fn prove_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_validator(&sender)?;
            s.require_active()?;
            ensure(s.blocks_proven < s.blocks_committed, Rule::L1BlockNotCommitted, || {
                "no committed block to prove".into()
            })?;
            s.require_stored(s.blocks_proven + 1, block, Rule::L1BlockNotCommitted)?;
            ensure(verifier.verify_block(&public_input(&block.commitment), proof), Rule::L1InvalidProof, || {
                format!("proof of block {}", block.block_number)
            })?;
            s.blocks_proven += 1;
            Ok(())
        })
    }

    /// `executeBlocks` for the next proven block, given the pubdata of its pending on-chain ops.
    pub fn execute_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        pending_ops: &[Vec<u8>],
    ) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_validator(&sender)?;
            s.require_active()?;
            ensure(s.blocks_executed < s.blocks_proven, Rule::L1BlockNotProven, || {
                "no proven block to execute".into()
            })?;
            s.require_stored(s.blocks_executed + 1, block, Rule::L1BlockNotProven)?;
            let mut h = empty_ops_hash();
            for op in pending_ops {
                h = keccak256(&[&h[..], op].concat());
            }
            ensure(h == block.pending_onchain_ops_hash, Rule::L1BadPendingOps, || {
                "pending ops differ from the commit".into()
            })?;
            for bytes in pending_ops {
                // The hash matched what commit decoded, so these decode.
                match decode_pubdata(bytes)?.pop() {
                    Some(Op::Withdraw(w)) => s.credit_pending(w.to, w.token, w.amount),
                    Some(Op::ForcedExit(f)) => s.credit_pending(f.target_address, f.token, f.amount),
                    Some(Op::FullExit(f)) => s.credit_pending(f.owner, f.token, f.amount),
                    _ => unreachable!("commit hashes only payable ops"),
                }
            }
            s.first_open_request += block.priority_ops;
            s.committed_requests -= block.priority_ops;
            s.blocks_executed += 1;
            Ok(())
        })
    }

    /// `withdrawPendingBalance`: pays `amount` of `owner`'s pending `token` balance to `owner`.
    pub fn withdraw_pending_balance(&mut self, owner: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.atomically(|s| {
            let have = s.pending_balance(&owner, token);
            ensure(amount <= have, Rule::L1InsufficientPendingBalance, || {
                format!("{owner} has {have} pending, asks {amount}")
            })?;
            s.pending_balances.insert((owner, token), have - amount);
            // Withdrawing zero is a no-op, also for a token never deposited (nothing is held).
            if amount > 0 {
                *s.held.get_mut(&token).expect("a pending balance is backed by what the contract holds") -= amount;
            }
            Ok(())
        })
    }

    /// `revertBlocks`: drops committed, unexecuted blocks, newest first.
    pub fn revert_blocks(&mut self, sender: Address, blocks: &[StoredBlock]) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_validator(&sender)?;
            s.require_active()?;
            for b in blocks {
                ensure(s.blocks_committed > s.blocks_executed, Rule::L1RevertExecuted, || {
                    format!("block {} is executed", b.block_number)
                })?;
                s.require_stored(s.blocks_committed, b, Rule::L1StoredBlockMismatch)?;
                s.blocks_committed -= 1;
                s.committed_requests -= b.priority_ops;
                s.blocks.truncate(s.blocks_committed as usize + 1);
            }
            s.blocks_proven = s.blocks_proven.min(s.blocks_committed);
            Ok(())
        })
    }

    /// `activateExodusMode`: allowed once the oldest open request has expired unserved.
    pub fn activate_exodus_mode(&mut self) -> Result<(), Rejection> {
        self.atomically(|s| {
            s.require_active()?;
            let due = s.open_requests().first().is_some_and(|r| r.expires_at <= s.now);
            ensure(due, Rule::L1ExodusNotDue, || "no expired open priority request".into())?;
            s.exodus_mode = true;
            s.blocks_committed = s.blocks_executed;
            s.blocks_proven = s.blocks_executed;
            s.committed_requests = 0;
            s.blocks.truncate(s.blocks_executed as usize + 1);
            Ok(())
        })
    }

    /// `performExodus`: pays a proven balance of the last executed state, once per account and
    /// token.
    pub fn perform_exodus(
        &mut self,
        last_executed: &StoredBlock,
        claim: &ExitClaim,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        self.atomically(|s| {
            ensure(s.exodus_mode, Rule::L1NotExodusMode, || "exodus mode is not active".into())?;
            s.require_stored(s.blocks_executed, last_executed, Rule::L1ExodusWrongBlock)?;
            ensure(claim.root == last_executed.state_root, Rule::L1ExodusWrongBlock, || {
                "claim root is not the last executed root".into()
            })?;
            ensure(!s.exited.contains(&(claim.account_id, claim.token)), Rule::L1ExodusAlreadyPerformed, || {
                format!("account {} token {}", claim.account_id, claim.token)
            })?;
            ensure(verifier.verify_exit(&claim.public_input(), proof), Rule::L1ExodusBadProof, || "exit proof".into())?;
            s.exited.insert((claim.account_id, claim.token));
            s.credit_pending(claim.owner, claim.token, claim.amount);
            Ok(())
        })
    }

    /// `cancelOutstandingDepositsForExodusMode`: refunds up to `n` open requests' deposits to
    /// their depositors' pending balances (full-exit requests are dropped).
    pub fn cancel_outstanding_deposits(&mut self, n: u64) -> Result<(), Rejection> {
        self.atomically(|s| {
            ensure(s.exodus_mode, Rule::L1NotExodusMode, || "exodus mode is not active".into())?;
            let open = s.open_requests().len() as u64;
            ensure(open > 0 && n > 0, Rule::L1NothingToCancel, || "no open priority request".into())?;
            let take = n.min(open);
            let refunds: Vec<DepositRequest> = s.open_requests()[..take as usize]
                .iter()
                .filter_map(|r| match &r.op {
                    PriorityOp::Deposit(d) => Some(d.clone()),
                    PriorityOp::FullExit(_) => None,
                })
                .collect();
            for d in refunds {
                s.credit_pending(d.from, d.token, d.amount);
            }
            s.first_open_request += take;
            Ok(())
        })
    }
}

/// What the operator sends to commit `block`, whose inputs were `inputs`: the pubdata and, for
/// each on-chain op, its offset and (for ChangePubKey) the authorisation from the transaction.
pub fn commit_info(block: &crate::block::Block, inputs: &[crate::block::BlockInput]) -> CommitBlock {
    use crate::block::BlockInput;
    use crate::tx::Tx;
    let mut auths = inputs.iter().filter_map(|i| match i {
        BlockInput::Tx(Tx::ChangePubKey(c)) => Some(c.auth),
        _ => None,
    });
    let mut onchain_ops = Vec::new();
    let mut offset = 0;
    for op in &block.ops {
        if op.is_onchain() {
            let auth = matches!(op, Op::ChangePubKey(_)).then(|| auths.next()).flatten();
            onchain_ops.push(OnchainOpMeta { offset, auth });
        }
        offset += op.chunks() * CHUNK_BYTES;
    }
    let ctx = block.params.context;
    CommitBlock {
        block_number: ctx.block_number,
        fee_account: ctx.fee_account,
        timestamp: ctx.timestamp,
        new_state_root: block.new_root,
        pubdata: block.pubdata(),
        onchain_ops,
    }
}

/// The pubdata of the ops that executing `block` pays out (Withdraw, ForcedExit, FullExit).
pub fn pending_ops(block: &crate::block::Block) -> Vec<Vec<u8>> {
    block
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Withdraw(_) | Op::ForcedExit(_) | Op::FullExit(_)))
        .map(Op::to_pubdata)
        .collect()
}
