//! A scripted operator over an L1 backend: [`SpecRollup`] keeps an L2 state, builds blocks from
//! the unserved priority requests and given transactions, and commits, proves and executes them
//! on an [`L1Backend`] (the spec's L1, or the spec beside the Solidity contract). The L1 vectors,
//! the demo, the benchmarks and the differential tests all drive the protocol through it.

use std::collections::BTreeMap;

use zkrollup_spec::block::{apply_block, Block, BlockInput, BlockParams};
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1::{
    commit_info, pending_ops, Call, CommitBlock, L1Config, ProofVerifier, StoredBlock, SymbolicVerifier, L1,
};
use zkrollup_spec::op::Op;
use zkrollup_spec::params::MAX_LISTED_TOKENS;
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::rules::Rejection;
use zkrollup_spec::state::{genesis_root, AccountId, Nonce, State, TokenId};
use zkrollup_spec::testkit::TEST_DOMAIN;
use zkrollup_spec::transition::{BlockContext, PriorityOp};
use zkrollup_spec::tx::*;

/// Why a block of [`SpecRollup::block_proven`] failed.
#[derive(Debug)]
pub enum BlockError<E> {
    /// The spec refused the block or an L1 step.
    Rejected(Rejection),
    /// The prover failed.
    Prover(E),
}

impl<E> From<Rejection> for BlockError<E> {
    fn from(r: Rejection) -> Self {
        BlockError::Rejected(r)
    }
}

impl<E: core::fmt::Display> core::fmt::Display for BlockError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BlockError::Rejected(r) => write!(f, "{r}"),
            BlockError::Prover(e) => write!(f, "prover: {e}"),
        }
    }
}

/// The L1 a [`SpecRollup`] runs against: the spec's state machine itself, or (outside this
/// crate) the spec beside a deployed contract that must answer every call the same way.
pub trait L1Backend {
    /// The spec's view of the L1 state.
    fn state(&self) -> &L1;

    /// Makes one call of the contract's list ([`Call`]); a commit answers the stored block.
    fn call(&mut self, call: &Call, verifier: &dyn ProofVerifier) -> Result<Option<StoredBlock>, Rejection>;

    /// L1 time moves on.
    fn set_time(&mut self, now: u64) {
        self.call(&Call::SetTime { now }, &SymbolicVerifier).expect("setting the time never fails");
    }

    /// [`L1::deposit`].
    fn deposit(&mut self, from: Address, to: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.call(&Call::Deposit { from, to, token, amount }, &SymbolicVerifier).map(drop)
    }

    /// [`L1::request_full_exit`].
    fn request_full_exit(&mut self, owner: Address, account_id: AccountId, token: TokenId) -> Result<(), Rejection> {
        self.call(&Call::RequestFullExit { owner, account_id, token }, &SymbolicVerifier).map(drop)
    }

    /// [`L1::set_auth_pubkey_hash`].
    fn set_auth_pubkey_hash(&mut self, sender: Address, pkh: PubKeyHash, nonce: Nonce) -> Result<(), Rejection> {
        self.call(&Call::SetAuthPubkeyHash { sender, pubkey_hash: pkh, nonce }, &SymbolicVerifier).map(drop)
    }

    /// [`L1::commit_block`].
    fn commit_block(
        &mut self,
        sender: Address,
        parent: &StoredBlock,
        block: &CommitBlock,
    ) -> Result<StoredBlock, Rejection> {
        let call = Call::CommitBlock { sender, parent: parent.clone(), block: block.clone() };
        self.call(&call, &SymbolicVerifier).map(|b| b.expect("a commit answers the stored block"))
    }

    /// [`L1::prove_block`].
    fn prove_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        self.call(&Call::ProveBlock { sender, block: block.clone(), proof: proof.to_vec() }, verifier).map(drop)
    }

    /// [`L1::execute_block`].
    fn execute_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        pending_ops: &[Vec<u8>],
    ) -> Result<(), Rejection> {
        let call = Call::ExecuteBlock { sender, block: block.clone(), pending_ops: pending_ops.to_vec() };
        self.call(&call, &SymbolicVerifier).map(drop)
    }

    /// [`L1::withdraw_pending_balance`].
    fn withdraw_pending_balance(&mut self, owner: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.call(&Call::WithdrawPendingBalance { owner, token, amount }, &SymbolicVerifier).map(drop)
    }

    /// [`L1::activate_exodus_mode`].
    fn activate_exodus_mode(&mut self) -> Result<(), Rejection> {
        self.call(&Call::ActivateExodusMode, &SymbolicVerifier).map(drop)
    }

    /// [`L1::perform_exodus`].
    fn perform_exodus(
        &mut self,
        last_executed: &StoredBlock,
        claim: &ExitClaim,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        let call = Call::PerformExodus { block: last_executed.clone(), claim: claim.clone(), proof: proof.to_vec() };
        self.call(&call, verifier).map(drop)
    }

    /// [`L1::cancel_outstanding_deposits`].
    fn cancel_outstanding_deposits(&mut self, n: u64) -> Result<(), Rejection> {
        self.call(&Call::CancelOutstandingDeposits { n }, &SymbolicVerifier).map(drop)
    }
}

impl L1Backend for L1 {
    fn state(&self) -> &L1 {
        self
    }

    fn call(&mut self, call: &Call, verifier: &dyn ProofVerifier) -> Result<Option<StoredBlock>, Rejection> {
        L1::call(self, call, verifier)
    }
}

/// A rollup run on the spec alone: the L1 state machine, the L2 state, and an honest operator
/// that includes every open priority request, proves symbolically and executes at once.
pub struct SpecRollup<B: L1Backend = L1> {
    /// The L1 the rollup runs against.
    pub l1: B,
    /// The L2 state after the last executed block.
    pub l2: State,
    /// The validator address every block call is sent from.
    pub operator: Address,
    /// Paid out of the contract, per token.
    paid_out: BTreeMap<TokenId, u128>,
}

impl SpecRollup {
    /// A fresh deployment validated by `operator`, listing one ERC-20 (token 1), at time `now`.
    pub fn new(operator: Address, now: u64) -> SpecRollup {
        SpecRollup::with_backend(L1::new(Self::config(operator), now), operator)
    }

    /// The deployment parameters [`SpecRollup::new`] uses: a verifier for every block size (a
    /// deployment with one Groth16 key lists its size alone).
    pub fn config(operator: Address) -> L1Config {
        L1Config {
            domain: TEST_DOMAIN,
            governor: operator,
            validators: vec![operator],
            genesis_root: genesis_root(),
            tokens: vec![Address([0x70; 20])],
            max_tokens: MAX_LISTED_TOKENS,
            block_sizes: L1Config::all_block_sizes(),
        }
    }
}

impl<B: L1Backend> SpecRollup<B> {
    /// A rollup over `l1`, a fresh deployment validated by `operator`.
    pub fn with_backend(l1: B, operator: Address) -> Self {
        SpecRollup { l1, l2: State::new(), operator, paid_out: BTreeMap::new() }
    }

    /// Applies as many open, uncommitted priority requests as fit, then `txs`, as one block,
    /// and takes it through commit, prove (symbolically) and execute; then everyone withdraws
    /// their pending balances. Returns the block's ops.
    pub fn block(&mut self, txs: Vec<Tx>, chunks: usize) -> Result<Vec<Op>, Rejection> {
        let prove = |_: &State, b: &Block, _: &[BlockInput]| {
            Ok::<_, std::convert::Infallible>(SymbolicVerifier::proof_of(&b.public_input()))
        };
        self.block_proven(txs, chunks, prove, &SymbolicVerifier).map_err(|e| match e {
            BlockError::Rejected(r) => r,
            BlockError::Prover(never) => match never {},
        })
    }

    /// [`Self::block`] with real proofs: `prove` gets the pre-state, the applied block and its
    /// inputs and returns the proof bytes that `verifier` checks at the prove step.
    pub fn block_proven<E>(
        &mut self,
        txs: Vec<Tx>,
        chunks: usize,
        prove: impl FnOnce(&State, &Block, &[BlockInput]) -> Result<Vec<u8>, E>,
        verifier: &dyn ProofVerifier,
    ) -> Result<Vec<Op>, BlockError<E>> {
        let now = self.l1.state().now;
        self.l1.set_time(now + 60);
        let served = self.l1.state().committed_requests as usize;
        let tx_chunks: usize = txs.iter().map(|t| zkrollup_spec::op::chunks_of(t.tx_type()).unwrap_or(0)).sum();
        let mut budget = chunks.saturating_sub(tx_chunks);
        let mut inputs = Vec::new();
        for r in &self.l1.state().open_requests()[served..] {
            let need = match r.op {
                PriorityOp::Deposit(_) => zkrollup_spec::op::chunks_of(zkrollup_spec::op::op_code::DEPOSIT),
                PriorityOp::FullExit(_) => zkrollup_spec::op::chunks_of(zkrollup_spec::op::op_code::FULL_EXIT),
            }
            .expect("known op");
            if need > budget {
                break;
            }
            budget -= need;
            inputs.push(BlockInput::Priority(r.op.clone()));
        }
        inputs.extend(txs.into_iter().map(BlockInput::Tx));
        let parent = self.l1.state().blocks[self.l1.state().blocks_committed as usize].clone();
        let context =
            BlockContext { block_number: parent.block_number + 1, fee_account: 0, timestamp: self.l1.state().now };
        let pre = self.l2.clone();
        let mut post = self.l2.clone();
        let block = apply_block(&mut post, &BlockParams { context, chunks }, &inputs)?;
        let proof = prove(&pre, &block, &inputs).map_err(BlockError::Prover)?;
        let op = self.operator;
        let stored = self.l1.commit_block(op, &parent, &commit_info(&block, &inputs))?;
        self.l1.prove_block(op, &stored, &proof, verifier)?;
        self.l1.execute_block(op, &stored, &pending_ops(&block))?;
        self.l2 = post;
        self.withdraw_all();
        Ok(block.ops)
    }

    /// Open priority requests not yet in a committed block.
    pub fn unserved_requests(&self) -> usize {
        self.l1.state().open_requests().len() - self.l1.state().committed_requests as usize
    }

    /// Total paid out of the contract in `token`.
    pub fn paid_out(&self, token: TokenId) -> u128 {
        self.paid_out.get(&token).copied().unwrap_or(0)
    }

    /// Every token ever deposited, with the total of its deposit requests (refunded ones
    /// included: a refund is paid out like any pending balance).
    pub fn deposited(&self) -> BTreeMap<TokenId, u128> {
        let mut out = BTreeMap::new();
        for r in &self.l1.state().requests {
            if let PriorityOp::Deposit(d) = &r.op {
                *out.entry(d.token).or_default() += d.amount;
            }
        }
        out
    }

    /// Withdraws every pending balance to its owner.
    pub fn withdraw_all(&mut self) {
        let pending: Vec<_> = self.l1.state().pending_balances.iter().map(|(&k, &v)| (k, v)).collect();
        for ((owner, token), amount) in pending {
            self.l1.withdraw_pending_balance(owner, token, amount).expect("withdrawing exactly the pending balance");
            *self.paid_out.entry(token).or_default() += amount;
        }
    }

    /// Checks that value reconciles for every token ever deposited: what the contract holds is
    /// the L2 balances plus the pending balances plus the deposits not yet in a block (not checked
    /// in exodus mode), and what it holds plus what was paid out is what was deposited.
    pub fn reconcile(&self) -> Result<(), String> {
        for (token, deposited) in self.deposited() {
            let queued: u128 = self.l1.state().open_requests()[self.l1.state().committed_requests as usize..]
                .iter()
                .map(|r| match &r.op {
                    PriorityOp::Deposit(d) if d.token == token => d.amount,
                    _ => 0,
                })
                .sum();
            let pending: u128 =
                self.l1.state().pending_balances.iter().filter(|((_, t), _)| *t == token).map(|(_, v)| v).sum();
            let held = self.l1.state().held.get(&token).copied().unwrap_or(0);
            let l2 = if self.l1.state().exodus_mode { 0 } else { self.l2.total_balance(token) };
            if !self.l1.state().exodus_mode && held != l2 + pending + queued {
                return Err(format!(
                    "token {token}: contract holds {held}, L2 {l2} + pending {pending} + queued {queued}"
                ));
            }
            let paid = self.paid_out(token);
            if held + paid != deposited {
                return Err(format!("token {token}: held {held} + paid out {paid} != deposited {deposited}"));
            }
        }
        Ok(())
    }
}
