//! # 8. The L1 contract's rules
//!
//! The rollup contract as a pure state machine: what each call checks, what it records, and
//! what it pays out. The Solidity contract must behave exactly so (same acceptances, and reverts
//! carrying the same rule ids). This section is complete: an implementation of the `l1` kind of
//! conformance vectors needs nothing else but the sections it names.
//!
//! **Life of a block.** The operator *commits* it (header, pubdata, and for each on-chain op its
//! offset and, for ChangePubKey, the L1 authorisation); the contract checks the parent, the
//! priority requests the block serves, the ChangePubKey authorisations, and records the block's
//! commitment. The operator then *proves* it (the proof verifies against the commitment's 253-bit
//! public input), then *executes* it: withdrawals, forced exits and full exits become pending
//! balances their owners withdraw, and the served priority requests leave the queue.
//!
//! **Priority queue.** Deposits and full-exit requests join a queue with a deadline
//! ([`PRIORITY_EXPIRATION_SECONDS`] away, later under a flood). Committed blocks must serve the open requests in order.
//! If the oldest open request expires unserved, anyone may activate **exodus mode**: committed
//! but unexecuted blocks are dropped, block processing stops, owners exit with exit proofs
//! against the last executed root ([`crate::exit`]), and queued deposits can be refunded.
//!
//! **Proofs** are checked by a [`ProofVerifier`]. The deployed contract verifies Groth16, with a
//! verifier per block size (a verifying key is one circuit's, and a circuit has one size): it
//! takes blocks only of the sizes it holds a verifier for ([`L1Config::block_sizes`]), and a
//! block's proof goes to the verifier of its size ([`StoredBlock::chunks`]). The
//! spec and its vectors use [`SymbolicVerifier`], whose "proof" of public input `x` is `x`'s 32
//! bytes, so a vector can say "a correct proof" or "a wrong proof" without a prover. Adapters
//! that run real contracts replace each symbolic proof by a real proof of the same statement.
//!
//! ## Conventions
//!
//! - **Atomic calls.** A call either succeeds, with all its effects, or is rejected with the
//!   first rule it breaks and changes nothing ([`L1`] is left exactly as it was).
//! - **Check order.** Each call below lists its checks in the order the contract makes them; a
//!   call breaking several rules is rejected with the first one listed. A check is written
//!   `rule id`: condition, where the condition is what must hold.
//! - **Stored blocks** ([`StoredBlock`]) are compared whole: a stored block given in a call
//!   matches the contract's record only if all six fields are equal.
//! - **Counters.** `blocks[0]` is genesis; `blocks[1..=blocks_committed]` are the committed
//!   blocks, and `blocks_executed ≤ blocks_proven ≤ blocks_committed` count how many of them are
//!   proven and executed (always a prefix).
//! - **Time** is the L1 block timestamp [`L1::now`], moved only forward by [`L1::set_time`].
//!
//! ## Priority requests
//!
//! Every request ever made has an id, its index in [`L1::requests`], starting at 0. A request
//! made at time `now` expires at `max(now + PRIORITY_EXPIRATION_SECONDS, d +
//! PRIORITY_REQUEST_SPACING_SECONDS)`, `d` the deadline of the newest open request (with none
//! open: `now + PRIORITY_EXPIRATION_SECONDS`), so deadlines never decrease along the open
//! queue and the oldest open request is always the first to expire. Ids below
//! [`L1::first_open_request`] are done: executed, or refunded or dropped in exodus mode. The
//! others are *open*, oldest first; the first [`L1::committed_requests`] of them are already
//! served by committed, unexecuted blocks.
//!
//! **The next request.** While a commit walks its on-chain ops, the Deposit or FullExit op it
//! meets must serve request
//!
//! ```text
//! first_open_request + committed_requests + served
//! ```
//!
//! where `served` counts the Deposit and FullExit ops met earlier in the same commit. If no
//! request has that id, or the request does not match the op, the commit is rejected
//! (`l1.priority_op_mismatch`). A request matches:
//!
//! | op | request kind | fields that must be equal (op field = request field) | not compared |
//! |---|---|---|---|
//! | Deposit | Deposit | `address` = `to`, `token` = `token`, `amount` = `amount` | the request's `from`; the op's `account_id` (the L2 state chose it) |
//! | FullExit | FullExit | `account_id` = `account_id`, `owner` = `owner`, `token` = `token` | the op's `amount` (the L2 state decides it; zero for a wrong owner) |
//!
//! A Deposit op against a FullExit request, or the reverse, never matches. Execution of the
//! block then closes the requests it served: `first_open_request += priority_ops`.
//!
//! ## The pending-operations hash
//!
//! Execution must be given the pubdata of exactly the ops the commit recorded as paying out.
//! A commit therefore chains a keccak-256 hash over them ([`StoredBlock::pending_onchain_ops_hash`]):
//!
//! ```text
//! h_0     = keccak256("")        = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
//! h_{i+1} = keccak256(h_i ‖ op_i)
//! ```
//!
//! - `op_0, op_1, …` are the **Withdraw, ForcedExit and FullExit** ops among the commit's listed
//!   on-chain ops, in the order listed (which is pubdata order: offsets strictly increase).
//!   Deposits and ChangePubKeys are not hashed. A FullExit is hashed even with amount zero.
//! - Each `op_i` is the op's whole pubdata: all its chunks (6 × 8 = 48 bytes for each of the
//!   three kinds), zero padding included, exactly as in the block's pubdata.
//! - A commit with no such op stores `h_0` ([`empty_ops_hash`]); so does genesis.
//!
//! [`L1::execute_block`] recomputes the chain over the byte strings it is given, in the order
//! given, and compares. [`pending_ops`] computes the list from a [`crate::block::Block`]: all its
//! Withdraw, ForcedExit and FullExit ops in block order (the same list when the commit lists
//! every on-chain op, as [`commit_info`] does).
//!
//! ## ChangePubKey authorisation
//!
//! For a ChangePubKey op, the commit's [`OnchainOpMeta::auth`] says how the account's L1 owner
//! (the op's `owner`, the account's address) approved the new key. The check passes when:
//!
//! - `Onchain`, or no authorisation given: [`L1::auth_facts`] holds, under (`owner`, the op's
//!   `nonce`), exactly `keccak256(new_pubkey_hash)` ([`onchain_auth_fact`]). The fact is not
//!   consumed; the nonce in the op makes it single-use.
//! - `Eip191` or `Eip712`: `ecrecover` of the signature over the approval digest
//!   ([`crate::tx::auth::eip191_change_pubkey_message`] under EIP-191, or
//!   [`crate::tx::auth::eip712_change_pubkey_digest`] with the configured
//!   [`L1Config::domain`]; both over the op's `new_pubkey_hash`, `nonce` and `account_id`) is
//!   the op's `owner`. A signature `ecrecover` refuses (see
//!   [`crate::primitives::keys::ecrecover`]) is unauthorised.
//!
//! The domain and type strings of both signature kinds are fixed in [`crate::tx::auth`].
//!
//! ## The calls
//!
//! Each call is a method of [`L1`]; its documentation lists the checks in order and then the
//! effects. In short (rule ids in order; the same list, as data the calls run, is
//! [`crate::checks::CallKind::order`], and a test holds this table to it):
//!
//! | call | checks, in order |
//! |---|---|
//! | [`deposit`](L1::deposit) | `l1.exodus_mode_active`, `l1.token_not_listed`, `l1.deposit_zero_amount`, `l1.deposit_zero_address`, `l1.deposit_total_overflow` |
//! | [`request_full_exit`](L1::request_full_exit) | `l1.exodus_mode_active`, `l1.full_exit_account_id_out_of_range`, `l1.token_not_listed` |
//! | [`set_auth_pubkey_hash`](L1::set_auth_pubkey_hash) | `l1.auth_fact_exists` |
//! | [`commit_block`](L1::commit_block) | `l1.not_validator`, `l1.exodus_mode_active`, `l1.stored_block_mismatch`, `l1.block_number_mismatch`, `l1.bad_timestamp`, `l1.bad_pubdata_length`, `l1.block_size_unverifiable`; then per listed on-chain op: `l1.bad_onchain_op_offset`, `l1.not_onchain_op`, the op's decoding (`codec.truncated`, `codec.nonzero_padding`), then by kind `l1.priority_op_mismatch` (Deposit, FullExit) or `l1.change_pubkey_unauthorised` (ChangePubKey) |
//! | [`prove_block`](L1::prove_block) | `l1.not_validator`, `l1.exodus_mode_active`, `l1.block_not_committed` (twice), `l1.invalid_proof` |
//! | [`execute_block`](L1::execute_block) | `l1.not_validator`, `l1.exodus_mode_active`, `l1.block_not_proven` (twice), `l1.bad_pending_ops` |
//! | [`withdraw_pending_balance`](L1::withdraw_pending_balance) | `l1.insufficient_pending_balance`, `l1.payout_unbacked` |
//! | [`revert_blocks`](L1::revert_blocks) | `l1.not_validator`, `l1.exodus_mode_active`; then per block: `l1.revert_executed`, `l1.stored_block_mismatch` |
//! | [`activate_exodus_mode`](L1::activate_exodus_mode) | `l1.exodus_mode_active`, `l1.exodus_not_due` |
//! | [`perform_exodus`](L1::perform_exodus) | `l1.not_exodus_mode`, `l1.exodus_wrong_block` (twice), `l1.exodus_already_performed`, `l1.exodus_bad_proof` |
//! | [`cancel_outstanding_deposits`](L1::cancel_outstanding_deposits) | `l1.not_exodus_mode`, `l1.nothing_to_cancel` |
//! | [`propose_governor`](L1::propose_governor) | `l1.not_governor` |
//! | [`accept_governor`](L1::accept_governor) | `l1.not_pending_governor` |
//! | [`renounce_governor`](L1::renounce_governor) | `l1.not_governor` |
//! | [`set_validator`](L1::set_validator) | `l1.not_governor` |
//! | [`list_token`](L1::list_token) | `l1.not_governor`, `l1.token_zero_address`, `l1.token_already_listed`, `l1.too_many_tokens` |
//! | [`set_time`](L1::set_time) | none: never rejected |
//!
//! **Events.** Every accepted call appends what it did to [`L1::log`] as [`Event`]s, in the
//! order the contract logs them: a priority request with its full data and expiry, a commit's
//! stored block, proofs, executions (each pending credit first), reverts, exodus activation and
//! exits, cancelled requests, on-chain authorisations, pending credits and payouts (never for
//! zero). The contract's log must be exactly this: the node's L1 watcher reads nothing else.
//!
//! ## Governance
//!
//! One address, the [`L1::governor`], adds and removes validators and lists tokens. It hands the
//! role on in two steps, as the field's contracts do, so that a mistyped address cannot take it:
//! it proposes a successor ([`L1::propose_governor`]), and the role moves only when that address
//! accepts it from its own key ([`L1::accept_governor`]); until then the governor governs and may
//! propose again (the zero address withdraws the proposal). Renouncing the role for good is a
//! call of its own ([`L1::renounce_governor`]), not an address. Its power is bounded
//! on purpose: it cannot touch a balance, a block or the queue, and the proof verifiers are
//! fixed at deployment (a governor that could replace a verifier could take every balance). A
//! leaked governor key can at worst remove every honest validator or add a hostile one: blocks
//! stop or are reverted, and the priority queue's expiry then opens exodus, as for an operator
//! that stops. A leaked validator key is removed by the governor ([`L1::set_validator`]).
//!
//! **Tokens.** Token ids are handed out in listing order (ETH is 0, the first listed token 1);
//! a listing is never undone, since balances in the token may exist. The contract credits what
//! a deposit's transfer really delivered (a fee-on-transfer token credits less than asked), and
//! pays out with calls that accept tokens returning no boolean. **Rebasing tokens are not
//! supported** (a rebase changes what the contract holds without a deposit or payout, so
//! [`L1::held`] would no longer match its balance): the governor must not list them, and the
//! contract cannot tell them apart, so listing is the only gate.
//!
//! ## Deadlines that stretch under a flood
//!
//! Requests are free to make (their L1 gas aside) and a block serves at most ten of them. With
//! a fixed deadline an attacker could queue more within [`PRIORITY_EXPIRATION_SECONDS`] than
//! the operator can prove, force exodus for everyone, and leave every owner to exit with a
//! proof. So a request's deadline is also at least [`PRIORITY_REQUEST_SPACING_SECONDS`] after
//! the deadline of the newest open request: the operator is always granted that long per queued
//! request, which one prover needs a third of at any block size, so no flood forces exodus.
//!
//! A flood can only *delay*, and only while it is open: a request made while `n` flood
//! requests made at time `t` are open is due at most at `t + PRIORITY_EXPIRATION_SECONDS + n ·
//! PRIORITY_REQUEST_SPACING_SECONDS`; once the flood is served, deadlines are 3 days again (the
//! spacing counts from the newest *open* request, so a flood served early leaves no delay
//! banked for later). Requests are served in order, so an honest request's deadline is fixed
//! when it is made and no later request moves it. The delay needs the operator's help: every
//! flood request expires in turn like any other, so an operator that stops serving sees exodus
//! open at the flood's first deadline, and a censoring operator holds an honest request back
//! only by proving the flood ahead of it, one request per spacing, while its helper pays for
//! new ones: each day of delay costs 5,760 requests (about 0.5 Ggas at `requestFullExit`'s
//! gas) plus the blocks that serve them. A delay, never a loss: the honest request is served or
//! exodus opens. Pricing requests (a fee per request) would raise that cost; it is not built.
//!
//! No request is ever refused: a bound on open requests was considered and dropped, because
//! whoever frees places can refill them first (a validator can serve and request in one
//! transaction), and a censoring operator would then shut the escape hatch for the price of
//! keeping a bounded queue full. `cargo run --release -- bench flood` sets the attacker's gas
//! per day of delay beside the operator's gas of serving the flood.
//!
//! ## Decisions the state machine does not show
//!
//! An outside review of the contract (issue 11, item 8) asked for each of these to be decided;
//! what was decided, and why:
//!
//! - **EIP-191 approvals name the deployment** (chain id and contract, as EIP-712's domain
//!   does). They did not at first, as zkSync Lite's do not; the re-audit (issue 27) showed the
//!   cost: with L2 keys derived per deployment, a replayed approval would register one
//!   deployment's key on another, where that key's transactions would then replay.
//! - **On-chain facts are never reset** (zkSync Lite allowed a reset after a day). Kept: a fact
//!   serves one (owner, nonce) and is dead once the account's nonce moves past it, and an owner
//!   who set a wrong one approves by EIP-191 or EIP-712 instead. The exception is an owner that
//!   cannot sign (a contract, such as the n-of-n L1 multisig of the SDK issue): a wrong fact at
//!   a keyless account's nonce leaves it no way to set a key, only full exits. Such owners must
//!   set facts with care; a reset with a time lock belongs with the multisig work.
//! - **Exodus refunds go to the deposit's L1 sender**, not to its L2 recipient `to`. Kept: the
//!   deposit never reached L2, so the funds return to whoever paid them; `to` may be an address
//!   nobody controls on L1 (a typo, a counterfactual wallet).
//! - **The gas forwarded to a verifier is a constant** (400,000 in the contract): it bounds
//!   what a failing BN254 precompile burns. A one-input Groth16 check costs about 216,000 at
//!   today's prices (EIP-1108), so the cap leaves nearly 2× headroom; a repricing past it would
//!   make every proof fail and stall blocks until exodus, and would need a new deployment (the
//!   verifiers are immutable on purpose). No repricing of BN254 upwards has happened.
//! - **The constructor** refuses a zero or duplicate token address and more than `max_tokens`
//!   (with the listing rules' ids) and a genesis root outside the field.
//!
//! Which calls exodus mode stops: deposits, full-exit requests and every block call (commit,
//! prove, execute, revert) are rejected with `l1.exodus_mode_active`; setting an on-chain
//! authorisation, withdrawing pending balances and governance still work; exodus exits and
//! deposit cancellation work only in exodus mode.

use std::collections::{BTreeMap, BTreeSet};

use crate::block::{commitment, public_input};
use crate::checks::{CallKind, Checker, Checks};
use crate::exit::ExitClaim;
use crate::op::{chunks_of, decode_pubdata, is_onchain_code, Op};
use crate::params::{
    BLOCK_CHUNK_SIZES, CHUNK_BYTES, COMMIT_TIMESTAMP_WINDOW_SECONDS, MAX_ACCOUNT_ID, PRIORITY_EXPIRATION_SECONDS,
    PRIORITY_REQUEST_SPACING_SECONDS,
};
use crate::primitives::field::fr_to_be_bytes;
use crate::primitives::keys::keccak256;
use crate::primitives::{Address, Fr, PubKeyHash};
use crate::rules::{Rejection, Rule};
use crate::state::{AccountId, Nonce, TokenId};
use crate::transition::{BlockContext, DepositRequest, FullExitRequest, PriorityOp};
use crate::tx::auth::{onchain_auth_fact, ChangePubKeyAuth, L1Domain};

/// Checks block and exit proofs.
pub trait ProofVerifier {
    /// Whether `proof` proves a block of `chunks` chunks whose public input is `public_input`
    /// (a Groth16 verifying key is one circuit's: one block size).
    fn verify_block(&self, chunks: u16, public_input: &Fr, proof: &[u8]) -> bool;
    /// Whether `proof` proves an exit claim whose public input is `public_input`.
    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool;
}

/// The spec's verifier: a proof of `x` is the 32-byte big-endian encoding of `x`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SymbolicVerifier;

impl SymbolicVerifier {
    /// The symbolic proof of `public_input`: its 32 big-endian bytes.
    pub fn proof_of(public_input: &Fr) -> Vec<u8> {
        fr_to_be_bytes(public_input).to_vec()
    }
}

impl ProofVerifier for SymbolicVerifier {
    /// Every size alike: what a deployment verifies is its [`L1Config::block_sizes`].
    fn verify_block(&self, _chunks: u16, public_input: &Fr, proof: &[u8]) -> bool {
        proof == fr_to_be_bytes(public_input)
    }
    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool {
        proof == fr_to_be_bytes(public_input)
    }
}

/// Deployment parameters (the contract's constructor arguments).
///
/// The constructor refuses a token list that [`L1::list_token`] would refuse token by token (a
/// zero address, a duplicate, more than `max_tokens`) with the same rule ids; the genesis root
/// is a field element by its type (the contract refuses a word `≥ p`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1Config {
    /// The chain id and contract address, the EIP-712 domain of ChangePubKey approvals.
    pub domain: L1Domain,
    /// The first governor ([governance](crate::l1#governance)); the constructor takes its
    /// arguments in this struct's order.
    pub governor: Address,
    /// The first validators: addresses allowed to commit, prove, execute and revert blocks.
    pub validators: Vec<Address>,
    /// The root of block 0.
    pub genesis_root: Fr,
    /// The first listed tokens: token id `i` (1-based) is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Address>,
    /// The most tokens listed besides ETH; deployments use [`crate::params::MAX_LISTED_TOKENS`], all that 16-bit
    /// token ids allow.
    pub max_tokens: u16,
    /// The block sizes (chunks, each one of [`BLOCK_CHUNK_SIZES`]) the deployment holds a block
    /// verifier for. A Groth16 verifying key is one circuit's, so one size; a block of a size
    /// without a verifier could be committed but never proven, and is refused at commit.
    pub block_sizes: Vec<u16>,
}

impl L1Config {
    /// Every block size: what a deployment with a verifier for each takes.
    pub fn all_block_sizes() -> Vec<u16> {
        BLOCK_CHUNK_SIZES.iter().map(|&n| n as u16).collect()
    }

    /// The first rule the constructor breaks with this token list, if any: it lists each token
    /// in turn by [`L1::list_token`], whose checks this runs on an empty deployment.
    pub fn token_list_error(&self) -> Option<Rule> {
        let mut l1 = L1::new(L1Config { tokens: vec![], ..self.clone() }, 0);
        self.tokens.iter().find_map(|&token| l1.list_token(self.governor, token).err().map(|r| r.rule))
    }
}

/// What the contract remembers of a committed block; calls name blocks by this record, and the
/// contract checks it against the one it stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredBlock {
    /// The block's number (genesis is 0).
    pub block_number: u32,
    /// Priority requests the block serves.
    pub priority_ops: u64,
    /// The keccak chain over the pubdata of the ops execution pays out.
    pub pending_onchain_ops_hash: [u8; 32],
    /// The block's timestamp (L1 seconds), as committed.
    pub timestamp: u64,
    /// The state root after the block.
    pub state_root: Fr,
    /// The block commitment ([`crate::block::commitment`]); the proof's public input is its low 253
    /// bits. Zero for genesis.
    pub commitment: [u8; 32],
    /// The block's size in chunks: which verifier checks its proof. Zero for genesis.
    pub chunks: u16,
}

/// An on-chain op in a commit: where it starts in the pubdata, and for ChangePubKey its
/// authorisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnchainOpMeta {
    /// The byte offset of the op's first chunk in the block's pubdata.
    pub offset: usize,
    /// For a ChangePubKey, how its owner approved it (`None` is read as on-chain); ignored for
    /// other ops.
    pub auth: Option<ChangePubKeyAuth>,
}

/// A block as the operator commits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitBlock {
    /// The block's number: the parent's plus one.
    pub block_number: u32,
    /// The account the block's fees were credited to (committed, not checked, by the contract).
    pub fee_account: AccountId,
    /// The block's timestamp: between the parent's and the L1 clock.
    pub timestamp: u64,
    /// The state root after the block (committed; the proof binds it).
    pub new_state_root: Fr,
    /// The block's pubdata: whole chunks, as many as one of [`BLOCK_CHUNK_SIZES`].
    pub pubdata: Vec<u8>,
    /// The on-chain ops the contract acts on, by increasing offset.
    pub onchain_ops: Vec<OnchainOpMeta>,
}

/// A queued priority request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedRequest {
    /// The request.
    pub op: PriorityOp,
    /// When it expires unserved ([the deadline](crate::l1#priority-requests)).
    pub expires_at: u64,
}

/// The start of the pending-operations hash chain (module docs): `keccak256("")`, which is
/// `0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470`.
pub fn empty_ops_hash() -> [u8; 32] {
    keccak256(&[])
}

/// What the contract logs for watchers (the operator node's L1 watcher, indexers), in the
/// order it logs it within a call. A rejected call logs nothing. A watcher can follow the
/// contract through these alone: every priority request with its full data, every block's
/// stored record, every change to a pending balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A priority request joined the queue (Solidity: `DepositRequested` or
    /// `FullExitRequested`): its id, the request, and when it expires unserved.
    PriorityRequest {
        /// The request id.
        id: u64,
        /// The request.
        request: PriorityOp,
        /// When it expires ([the deadline](crate::l1#priority-requests)).
        expires_at: u64,
    },
    /// `owner` authorised, on chain, the ChangePubKey to `pubkey_hash` at `nonce`.
    AuthFactSet {
        /// The L1 address (the account's owner).
        owner: Address,
        /// The ChangePubKey's nonce.
        nonce: Nonce,
        /// The new key's hash.
        pubkey_hash: PubKeyHash,
    },
    /// A block was committed; the record later calls name it by.
    BlockCommitted(StoredBlock),
    /// The block with this number was proven.
    BlockProven {
        /// Its number.
        block_number: u32,
    },
    /// The block with this number was executed (its credits are logged before).
    BlockExecuted {
        /// Its number.
        block_number: u32,
    },
    /// The block with this number was reverted (one event per block, newest first).
    BlockReverted {
        /// Its number.
        block_number: u32,
    },
    /// Exodus mode started; exits prove against the state of this (last executed) block.
    ExodusActivated {
        /// The last executed block's number.
        last_executed: u32,
    },
    /// An exodus exit of (`account_id`, `token`) paid `amount` to `owner`'s pending balance.
    ExodusExit {
        /// The account.
        account_id: AccountId,
        /// The token.
        token: TokenId,
        /// Its L1 address.
        owner: Address,
        /// The amount (its credit, if not zero, is logged after).
        amount: u128,
    },
    /// In exodus mode, an open request was closed unserved (a deposit's refund credit follows).
    RequestCancelled {
        /// The request id.
        id: u64,
    },
    /// A pending balance rose (never logged for zero).
    PendingCredited {
        /// The L1 address owed.
        owner: Address,
        /// The token.
        token: TokenId,
        /// By how much.
        amount: u128,
    },
    /// A pending balance was paid out (never logged for zero).
    Withdrawal {
        /// The L1 address paid.
        owner: Address,
        /// The token.
        token: TokenId,
        /// How much.
        amount: u128,
    },
    /// The governor proposed `candidate` as its successor (the zero address: no proposal).
    GovernorProposed {
        /// The proposed governor.
        candidate: Address,
    },
    /// The role passed to `governor`: the proposed governor accepted it, or the governor
    /// renounced it (the zero address).
    GovernorChanged {
        /// The new governor.
        governor: Address,
    },
    /// The governor made `validator` a validator (`active`) or removed it.
    ValidatorSet {
        /// The address.
        validator: Address,
        /// Whether it may now commit, prove, execute and revert blocks.
        active: bool,
    },
    /// The governor listed `token` as token id `id`.
    TokenListed {
        /// The new token id.
        id: TokenId,
        /// The token contract's address.
        token: Address,
    },
}

/// The contract's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1 {
    /// The deployment parameters.
    pub config: L1Config,
    /// Who governs validators and tokens ([governance](crate::l1#governance)).
    pub governor: Address,
    /// The successor the governor proposed, until it accepts (zero: none).
    pub pending_governor: Address,
    /// Who may commit, prove, execute and revert blocks.
    pub validators: BTreeSet<Address>,
    /// Listed tokens: token id `i` (1-based) is `tokens[i - 1]`; token 0 is ETH.
    pub tokens: Vec<Address>,
    /// The L1 clock (block timestamp), moved by [`L1::set_time`].
    pub now: u64,
    /// `blocks[n]` is block `n`; `blocks[0]` is genesis. Holds committed blocks.
    pub blocks: Vec<StoredBlock>,
    /// The number of committed blocks (the last is `blocks[blocks_committed]`).
    pub blocks_committed: u32,
    /// The number of committed blocks that are proven.
    pub blocks_proven: u32,
    /// The number of proven blocks that are executed.
    pub blocks_executed: u32,
    /// Every priority request ever made; id = index.
    pub requests: Vec<QueuedRequest>,
    /// Requests before this id have been executed (or cancelled in exodus).
    pub first_open_request: u64,
    /// Open requests already served by committed, unexecuted blocks.
    pub committed_requests: u64,
    /// Amounts owed to L1 addresses per token (from executed blocks, exodus exits and cancelled
    /// deposits), until withdrawn.
    pub pending_balances: BTreeMap<(Address, TokenId), u128>,
    /// On-chain ChangePubKey approvals: `keccak256(pubkey_hash)` by (owner, nonce).
    pub auth_facts: BTreeMap<(Address, Nonce), [u8; 32]>,
    /// Whether exodus mode is active (it never turns off).
    pub exodus_mode: bool,
    /// The (account, token) pairs already paid out by an exodus exit.
    pub exited: BTreeSet<(AccountId, TokenId)>,
    /// What the contract holds per token: what was deposited and is not yet paid out (capped
    /// below 2^128, so no L2 balance can overflow; a token cycled through deposit and payout
    /// does not close).
    pub held: BTreeMap<TokenId, u128>,
    /// The contract's log: every event of every accepted call, in order.
    pub log: Vec<Event>,
    /// Which checks the calls make: all of them, except while [`L1::call_with`] runs a call
    /// with some switched off (the conformance generator showing a check-order pair both ways).
    checks: Checks,
}

impl L1 {
    /// A freshly deployed contract at time `now`. `config` must be deployable: its token list
    /// passes [`L1Config::token_list_error`] (the contract's constructor reverts otherwise;
    /// the wire format refuses such a configuration).
    pub fn new(config: L1Config, now: u64) -> L1 {
        let genesis = StoredBlock {
            block_number: 0,
            priority_ops: 0,
            pending_onchain_ops_hash: empty_ops_hash(),
            timestamp: 0,
            state_root: config.genesis_root,
            commitment: [0; 32],
            chunks: 0,
        };
        L1 {
            governor: config.governor,
            pending_governor: Address::ZERO,
            validators: config.validators.iter().copied().collect(),
            tokens: config.tokens.clone(),
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
            held: BTreeMap::new(),
            log: Vec::new(),
            checks: Checks::ALL,
        }
    }

    /// Moves the L1 clock to `max(now, self.now)`: never backwards, never rejected.
    pub fn set_time(&mut self, now: u64) {
        self.now = self.now.max(now);
    }

    /// The pending balance of (`owner`, `token`), zero if none.
    pub fn pending_balance(&self, owner: &Address, token: TokenId) -> u128 {
        self.pending_balances.get(&(*owner, token)).copied().unwrap_or(0)
    }

    /// The open (unexecuted) requests, oldest first.
    pub fn open_requests(&self) -> &[QueuedRequest] {
        &self.requests[self.first_open_request as usize..]
    }

    /// The last executed block (genesis if none).
    pub fn last_executed(&self) -> &StoredBlock {
        &self.blocks[self.blocks_executed as usize]
    }

    /// Runs `f` on a copy, with a checker for `kind`'s checks, and keeps the copy only if `f`
    /// succeeds.
    fn atomically<T>(
        &mut self,
        kind: CallKind,
        f: impl FnOnce(&mut L1, &mut Checker) -> Result<T, Rejection>,
    ) -> Result<T, Rejection> {
        let checks = self.checks.clone();
        let mut c = Checker::for_call(kind, &checks);
        let mut next = self.clone();
        let out = f(&mut next, &mut c)?;
        *self = next;
        Ok(out)
    }

    fn require_active(&self, c: &mut Checker) -> Result<(), Rejection> {
        c.check(!self.exodus_mode, Rule::L1ExodusModeActive, || "the contract is in exodus mode".into())
    }

    fn require_validator(&self, c: &mut Checker, sender: &Address) -> Result<(), Rejection> {
        c.check(self.validators.contains(sender), Rule::L1NotValidator, || format!("{sender} is no validator"))
    }

    fn require_token(&self, c: &mut Checker, token: TokenId) -> Result<(), Rejection> {
        c.check(token as usize <= self.tokens.len(), Rule::L1TokenNotListed, || format!("token {token}"))
    }

    fn credit_pending(&mut self, owner: Address, token: TokenId, amount: u128) {
        if amount > 0 {
            *self.pending_balances.entry((owner, token)).or_default() += amount;
            self.log.push(Event::PendingCredited { owner, token, amount });
        }
    }

    fn require_governor(&self, c: &mut Checker, sender: &Address) -> Result<(), Rejection> {
        // A renounced role (the zero governor) stays renounced, even for a caller at the zero
        // address, which an EVM test chain can impersonate.
        let governs = !self.governor.is_zero() && *sender == self.governor;
        c.check(governs, Rule::L1NotGovernor, || format!("{sender} is not the governor"))
    }

    /// Queues `op` with its deadline ([the spacing](crate::l1#deadlines-that-stretch-under-a-flood)).
    fn push_request(&mut self, op: PriorityOp) {
        // Saturating: a clock or deadline within 3 days of 2^64 s (never reached) would wrap.
        let spaced =
            self.open_requests().last().map_or(0, |r| r.expires_at.saturating_add(PRIORITY_REQUEST_SPACING_SECONDS));
        let expires_at = self.now.saturating_add(PRIORITY_EXPIRATION_SECONDS).max(spaced);
        let id = self.requests.len() as u64;
        self.log.push(Event::PriorityRequest { id, request: op.clone(), expires_at });
        self.requests.push(QueuedRequest { op, expires_at });
    }

    /// `depositETH` / `depositERC20`: `from` moves `amount` of `token` into the contract for the
    /// L2 account of `to`.
    ///
    /// Checks, in order:
    /// 1. `l1.exodus_mode_active`: exodus mode is not active.
    /// 2. `l1.token_not_listed`: `token ≤ tokens.len()` (0 is ETH, `i ≥ 1` is `tokens[i − 1]`).
    /// 3. `l1.deposit_zero_amount`: `amount > 0`.
    /// 4. `l1.deposit_zero_address`: `to` is not the zero address (`from` is not checked).
    /// 5. `l1.deposit_total_overflow`: what the contract [`held`](L1::held) of `token` (deposited
    ///    and not yet paid out), plus `amount`, fits in 128 bits.
    ///
    /// `amount` is what reached the contract: for an ERC-20 the contract measures its balance
    /// before and after the transfer (checks 3 and 5 apply to what arrived), so a token that
    /// takes a fee on transfer credits less than was sent and the books stay backed.
    ///
    /// Effects: [`held`](L1::held) of `token` rises by `amount`; the request `Deposit { from, to, token, amount }` is queued with the next
    /// request id, with its [deadline](crate::l1#priority-requests).
    pub fn deposit(&mut self, from: Address, to: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.atomically(CallKind::Deposit, |s, c| {
            s.require_active(c)?;
            s.require_token(c, token)?;
            c.check(amount > 0, Rule::L1DepositZeroAmount, || "amount 0".into())?;
            c.check(!to.is_zero(), Rule::L1DepositZeroAddress, || "to the zero address".into())?;
            let total = s.held.get(&token).copied().unwrap_or(0).checked_add(amount);
            c.check(total.is_some(), Rule::L1DepositTotalOverflow, || {
                format!("the contract would hold more than 2^128 - 1 of token {token}")
            })?;
            s.held.insert(token, total.unwrap_or(u128::MAX)); // MAX only with the check switched off
            s.push_request(PriorityOp::Deposit(DepositRequest { from, to, token, amount }));
            Ok(())
        })
    }

    /// `requestFullExit`: `owner` asks for account `account_id`'s whole `token` balance.
    ///
    /// Checks, in order:
    /// 1. `l1.exodus_mode_active`: exodus mode is not active.
    /// 2. `l1.full_exit_account_id_out_of_range`: `account_id ≤ MAX_ACCOUNT_ID` (`2^24 − 1`).
    /// 3. `l1.token_not_listed`: `token ≤ tokens.len()`.
    ///
    /// Effects: the request `FullExit { account_id, owner, token }` is queued with its
    /// [deadline](crate::l1#priority-requests). Ownership is not checked here: the L2 state decides
    /// it when the request is served (a wrong owner exits amount zero).
    pub fn request_full_exit(
        &mut self,
        owner: Address,
        account_id: AccountId,
        token: TokenId,
    ) -> Result<(), Rejection> {
        self.atomically(CallKind::RequestFullExit, |s, c| {
            s.require_active(c)?;
            c.check(account_id <= MAX_ACCOUNT_ID, Rule::L1FullExitAccountIdOutOfRange, || {
                format!("account {account_id}")
            })?;
            s.require_token(c, token)?;
            s.push_request(PriorityOp::FullExit(FullExitRequest { account_id, owner, token }));
            Ok(())
        })
    }

    /// `setAuthPubkeyHash`: `sender` authorises the ChangePubKey to `pkh` at `nonce`.
    ///
    /// Checks: `l1.auth_fact_exists`: no fact is recorded yet under (`sender`, `nonce`). Allowed
    /// in exodus mode too.
    ///
    /// Effects: records `keccak256(pkh)` ([`onchain_auth_fact`]) under (`sender`, `nonce`).
    pub fn set_auth_pubkey_hash(&mut self, sender: Address, pkh: PubKeyHash, nonce: Nonce) -> Result<(), Rejection> {
        self.atomically(CallKind::SetAuthPubkeyHash, |s, c| {
            c.check(!s.auth_facts.contains_key(&(sender, nonce)), Rule::L1AuthFactExists, || {
                format!("{sender} already set a key for nonce {nonce}")
            })?;
            s.auth_facts.insert((sender, nonce), onchain_auth_fact(&pkh));
            s.log.push(Event::AuthFactSet { owner: sender, nonce, pubkey_hash: pkh });
            Ok(())
        })
    }

    fn require_stored(&self, c: &mut Checker, number: u32, given: &StoredBlock, rule: Rule) -> Result<(), Rejection> {
        c.check(self.blocks.get(number as usize) == Some(given), rule, || {
            format!("block {} does not match stored block {number}", given.block_number)
        })
    }

    /// `commitBlocks` for one block on top of `parent` (the last committed block).
    ///
    /// Checks, in order:
    /// 1. `l1.not_validator`: `sender` is one of [`L1Config::validators`].
    /// 2. `l1.exodus_mode_active`: exodus mode is not active.
    /// 3. `l1.stored_block_mismatch`: `parent` equals `blocks[blocks_committed]`, the last
    ///    committed block (genesis if none).
    /// 4. `l1.block_number_mismatch`: `block.block_number = parent.block_number + 1`.
    /// 5. `l1.bad_timestamp`: `parent.timestamp ≤ block.timestamp ≤ now` and `now −
    ///    block.timestamp ≤ COMMIT_TIMESTAMP_WINDOW_SECONDS` (24 hours).
    /// 6. `l1.bad_pubdata_length`: the pubdata is a whole number of 8-byte chunks, and that number
    ///    is one of [`BLOCK_CHUNK_SIZES`] (8, 16, 32, 64).
    /// 7. `l1.block_size_unverifiable`: that block size is one of [`L1Config::block_sizes`]: the
    ///    deployment holds a verifier for blocks of that size, so the block can be proven.
    /// 8. Then each entry of `block.onchain_ops`, in the order given, with `next_free` the end of
    ///    the previous entry's op (0 at first):
    ///    1. `l1.bad_onchain_op_offset`: the offset is a multiple of 8, at least `next_free`, and
    ///       below the pubdata length.
    ///    2. `l1.not_onchain_op`: the byte at the offset is an on-chain op code: Deposit 1,
    ///       Withdraw 3, FullExit 6, ChangePubKey 7 or ForcedExit 8 ([`crate::op`]).
    ///    3. The op decodes from the bytes `[offset, min(offset + 8·chunks, pubdata length))`,
    ///       by [`decode_pubdata`]'s rules: `codec.truncated` if the op's chunks run past the end
    ///       of the pubdata, `codec.nonzero_padding` if its padding bytes are not zero. (On-chain
    ///       ops carry no packed amount, and every packed fee fits, so `codec.amount_too_large`
    ///       cannot occur.)
    ///    4. By the op's kind: a Deposit or FullExit must match the next request
    ///       (`l1.priority_op_mismatch`, see [Priority requests](crate::l1#priority-requests)); a
    ///       ChangePubKey must be authorised (`l1.change_pubkey_unauthorised`, see
    ///       [ChangePubKey authorisation](crate::l1#changepubkey-authorisation)); a Withdraw or
    ///       ForcedExit has no check here. The entry's `auth` is read only for a ChangePubKey.
    ///
    /// The contract does not check that every on-chain op is listed, nor anything else in the
    /// pubdata, nor the new root or fee account: the proof does, through the commitment.
    ///
    /// Effects: the on-chain flags are one byte per chunk, 1 at each listed op's first chunk and
    /// 0 elsewhere; the stored block is `{ block_number, priority_ops: served, pending_onchain_ops_hash,
    /// timestamp, state_root: new_state_root, commitment, chunks }` with the commitment of
    /// [`crate::block::commitment`] over the block's number, fee account and timestamp, the
    /// parent's state root, the new root, the pubdata and those flags. It becomes
    /// `blocks[blocks_committed + 1]`; `blocks_committed += 1` and `committed_requests +=
    /// served`. The call returns the stored block.
    pub fn commit_block(
        &mut self,
        sender: Address,
        parent: &StoredBlock,
        block: &CommitBlock,
    ) -> Result<StoredBlock, Rejection> {
        self.atomically(CallKind::CommitBlock, |s, c| {
            s.require_validator(c, &sender)?;
            s.require_active(c)?;
            s.require_stored(c, s.blocks_committed, parent, Rule::L1StoredBlockMismatch)?;
            c.check(
                parent.block_number.checked_add(1) == Some(block.block_number),
                Rule::L1BlockNumberMismatch,
                || format!("block {} after block {}", block.block_number, parent.block_number),
            )?;
            let (t, now) = (block.timestamp, s.now);
            let in_window = t >= parent.timestamp && t <= now && now - t <= COMMIT_TIMESTAMP_WINDOW_SECONDS;
            c.check(in_window, Rule::L1BadTimestamp, || {
                format!(
                    "timestamp {t} (parent {}, now {now}, at most {COMMIT_TIMESTAMP_WINDOW_SECONDS} s old)",
                    parent.timestamp
                )
            })?;
            let chunks = block.pubdata.len() / CHUNK_BYTES;
            c.check(
                block.pubdata.len().is_multiple_of(CHUNK_BYTES) && BLOCK_CHUNK_SIZES.contains(&chunks),
                Rule::L1BadPubdataLength,
                || format!("{} bytes of pubdata", block.pubdata.len()),
            )?;
            // This rule speaks of block sizes only: a length that is none (possible here only
            // with the check above switched off, in a check-order vector) breaks the one above.
            let size = u16::try_from(chunks).unwrap_or(u16::MAX);
            let verifiable = !BLOCK_CHUNK_SIZES.contains(&chunks) || s.config.block_sizes.contains(&size);
            let chunks = size;
            c.check(verifiable, Rule::L1BlockSizeUnverifiable, || {
                format!("no block verifier for {chunks} chunks (the deployment has {:?})", s.config.block_sizes)
            })?;
            let (flags, served, ops_hash) = s.process_onchain_ops(c, block)?;
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
                chunks,
            };
            s.blocks.truncate(s.blocks_committed as usize + 1);
            s.blocks.push(stored.clone());
            s.blocks_committed += 1;
            s.committed_requests += served;
            s.log.push(Event::BlockCommitted(stored.clone()));
            Ok(stored)
        })
    }

    /// Walks the listed on-chain ops (check 7 of [`L1::commit_block`]): returns the chunk flags,
    /// the number of priority requests served, and the pending-ops hash.
    fn process_onchain_ops(&self, c: &mut Checker, block: &CommitBlock) -> Result<(Vec<u8>, u64, [u8; 32]), Rejection> {
        let len = block.pubdata.len();
        // Whole chunks, but one more for a partial chunk when `l1.bad_pubdata_length` is
        // switched off.
        let mut flags = vec![0u8; len.div_ceil(CHUNK_BYTES)];
        let mut served = 0u64;
        let mut ops_hash = empty_ops_hash();
        let mut next_free = 0usize;
        for meta in &block.onchain_ops {
            c.next_input();
            let at = meta.offset;
            let inside = at < len;
            c.check(at % CHUNK_BYTES == 0 && at >= next_free && inside, Rule::L1BadOnchainOpOffset, || {
                format!("offset {at}")
            })?;
            c.guard(inside, Rule::L1BadOnchainOpOffset, || format!("offset {at} is past the pubdata"))?;
            let code = block.pubdata[at];
            c.check(is_onchain_code(code), Rule::L1NotOnchainOp, || format!("op code {code} at offset {at}"))?;
            let op_chunks = chunks_of(code);
            c.guard(op_chunks.is_some(), Rule::L1NotOnchainOp, || format!("unknown op code {code} at offset {at}"))?;
            let end = (at + op_chunks.expect("guarded") * CHUNK_BYTES).min(len);
            let op_bytes = &block.pubdata[at..end];
            let decoded = decode_pubdata(op_bytes).map(|mut ops| ops.pop().expect("one op decoded"));
            let op = c.decoded(decoded, &[Rule::CodecTruncated, Rule::CodecNonzeroPadding])?;
            flags[at / CHUNK_BYTES] = 1;
            next_free = end;
            match &op {
                Op::Deposit(d) => {
                    let want = self.next_request(c, served, at)?;
                    let ok = matches!(&want.op, PriorityOp::Deposit(r) if r.to == d.address && r.token == d.token && r.amount == d.amount);
                    c.check(ok, Rule::L1PriorityOpMismatch, || {
                        format!("deposit at {at} is not request {:?}", want.op)
                    })?;
                    served += 1;
                }
                Op::FullExit(f) => {
                    let want = self.next_request(c, served, at)?;
                    let ok = matches!(&want.op, PriorityOp::FullExit(r) if r.account_id == f.account_id && r.owner == f.owner && r.token == f.token);
                    c.check(ok, Rule::L1PriorityOpMismatch, || {
                        format!("full exit at {at} is not request {:?}", want.op)
                    })?;
                    served += 1;
                    ops_hash = keccak256(&[&ops_hash[..], op_bytes].concat());
                }
                Op::ChangePubKey(cpk) => {
                    let ok = match &meta.auth {
                        Some(ChangePubKeyAuth::Onchain) | None => {
                            self.auth_facts.get(&(cpk.owner, cpk.nonce))
                                == Some(&onchain_auth_fact(&cpk.new_pubkey_hash))
                        }
                        Some(auth) => {
                            auth.signer(&self.config.domain, &cpk.new_pubkey_hash, cpk.nonce, cpk.account_id)
                                == Some(cpk.owner)
                        }
                    };
                    c.check(ok, Rule::L1ChangePubKeyUnauthorised, || {
                        format!("account {} key change at {at}", cpk.account_id)
                    })?;
                }
                Op::Withdraw(_) | Op::ForcedExit(_) => {
                    ops_hash = keccak256(&[&ops_hash[..], op_bytes].concat());
                }
                // Listed only with `l1.not_onchain_op` switched off: nothing to act on.
                Op::Noop | Op::Transfer(_) | Op::TransferToNew(_) => {}
            }
        }
        Ok((flags, served, ops_hash))
    }

    /// The request the next Deposit or FullExit op of a commit serves, after `served` of them in
    /// the same commit: id `first_open_request + committed_requests + served`.
    /// No such request breaks `l1.priority_op_mismatch`, switched off or not: there is
    /// nothing to match.
    fn next_request(&self, c: &Checker, served: u64, at: usize) -> Result<&QueuedRequest, Rejection> {
        let id = self.first_open_request + self.committed_requests + served;
        let want = self.requests.get(id as usize);
        c.guard(want.is_some(), Rule::L1PriorityOpMismatch, || format!("op at {at}: no open request {id}"))?;
        Ok(want.expect("guarded"))
    }

    /// `proveBlocks` for the next committed, unproven block.
    ///
    /// Checks, in order:
    /// 1. `l1.not_validator`: `sender` is a validator.
    /// 2. `l1.exodus_mode_active`: exodus mode is not active.
    /// 3. `l1.block_not_committed`: `blocks_proven < blocks_committed`.
    /// 4. `l1.block_not_committed`: `block` equals `blocks[blocks_proven + 1]`.
    /// 5. `l1.invalid_proof`: `proof` verifies against [`public_input`]`(block.commitment)`, the
    ///    commitment's low 253 bits, with the verifier of blocks of `block.chunks` chunks (with
    ///    [`SymbolicVerifier`]: `proof` is those 32 bytes).
    ///
    /// Effects: `blocks_proven += 1`.
    pub fn prove_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        self.atomically(CallKind::ProveBlock, |s, c| {
            s.require_validator(c, &sender)?;
            s.require_active(c)?;
            c.check(s.blocks_proven < s.blocks_committed, Rule::L1BlockNotCommitted, || {
                "no committed block to prove".into()
            })?;
            s.require_stored(c, s.blocks_proven + 1, block, Rule::L1BlockNotCommitted)?;
            let input = public_input(&block.commitment);
            c.check(verifier.verify_block(block.chunks, &input, proof), Rule::L1InvalidProof, || {
                format!("proof of block {}", block.block_number)
            })?;
            s.blocks_proven += 1;
            s.log.push(Event::BlockProven { block_number: block.block_number });
            Ok(())
        })
    }

    /// `executeBlocks` for the next proven block, given the pubdata of its pending on-chain ops.
    ///
    /// Checks, in order:
    /// 1. `l1.not_validator`: `sender` is a validator.
    /// 2. `l1.exodus_mode_active`: exodus mode is not active.
    /// 3. `l1.block_not_proven`: `blocks_executed < blocks_proven`.
    /// 4. `l1.block_not_proven`: `block` equals `blocks[blocks_executed + 1]`.
    /// 5. `l1.bad_pending_ops`: the hash chain over `pending_ops`, in the order given, equals
    ///    `block.pending_onchain_ops_hash` ([the pending-operations hash](crate::l1#the-pending-operations-hash)).
    ///
    /// Effects: each pending op, in order, credits a pending balance (nothing for amount zero):
    /// a Withdraw `amount` of `token` to its `to` address, a ForcedExit `amount` of `token` to
    /// its `target_address`, a FullExit `amount` of `token` to its `owner`. Then
    /// `first_open_request += block.priority_ops`, `committed_requests -= block.priority_ops`
    /// and `blocks_executed += 1`.
    pub fn execute_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        pending_ops: &[Vec<u8>],
    ) -> Result<(), Rejection> {
        self.atomically(CallKind::ExecuteBlock, |s, c| {
            s.require_validator(c, &sender)?;
            s.require_active(c)?;
            c.check(s.blocks_executed < s.blocks_proven, Rule::L1BlockNotProven, || {
                "no proven block to execute".into()
            })?;
            s.require_stored(c, s.blocks_executed + 1, block, Rule::L1BlockNotProven)?;
            let mut h = empty_ops_hash();
            for op in pending_ops {
                h = keccak256(&[&h[..], op].concat());
            }
            c.check(h == block.pending_onchain_ops_hash, Rule::L1BadPendingOps, || {
                "pending ops differ from the commit".into()
            })?;
            for bytes in pending_ops {
                // The hash matched what commit decoded, so these decode to payable ops (unless
                // the check is switched off).
                match decode_pubdata(bytes).ok().and_then(|mut ops| ops.pop()) {
                    Some(Op::Withdraw(w)) => s.credit_pending(w.to, w.token, w.amount),
                    Some(Op::ForcedExit(f)) => s.credit_pending(f.target_address, f.token, f.amount),
                    Some(Op::FullExit(f)) => s.credit_pending(f.owner, f.token, f.amount),
                    _ => c.guard(false, Rule::L1BadPendingOps, || "a pending op that pays nothing".into())?,
                }
            }
            s.first_open_request += block.priority_ops;
            s.committed_requests -= block.priority_ops;
            s.blocks_executed += 1;
            s.log.push(Event::BlockExecuted { block_number: block.block_number });
            Ok(())
        })
    }

    /// `withdrawPendingBalance`: pays `amount` of `owner`'s pending `token` balance to `owner`.
    ///
    /// Checks, in order (allowed in exodus mode too):
    /// 1. `l1.insufficient_pending_balance`: `amount` is at most the pending balance of
    ///    (`owner`, `token`), zero if there is none.
    /// 2. `l1.payout_unbacked`: `amount` is at most what the contract [`held`](L1::held) of
    ///    `token`. A pending balance is always backed when every accepted proof is sound; a
    ///    block the verifier should have refused could owe more than was deposited, and the
    ///    contract pays out no other depositors' funds for it.
    ///
    /// Effects: the pending balance falls by `amount`, and so does [`held`](L1::held) of `token`
    /// (withdrawing zero changes nothing).
    pub fn withdraw_pending_balance(&mut self, owner: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        self.atomically(CallKind::WithdrawPendingBalance, |s, c| {
            let have = s.pending_balance(&owner, token);
            c.check(amount <= have, Rule::L1InsufficientPendingBalance, || {
                format!("{owner} has {have} pending, asks {amount}")
            })?;
            let held = s.held.get(&token).copied().unwrap_or(0);
            c.check(amount <= held, Rule::L1PayoutUnbacked, || {
                format!("a payout of {amount} of token {token}, the contract holds {held} from deposits")
            })?;
            s.pending_balances.insert((owner, token), have - amount);
            // Withdrawing zero is a no-op, also for a token never deposited (nothing is held).
            if amount > 0 {
                s.held.insert(token, held - amount);
                s.log.push(Event::Withdrawal { owner, token, amount });
            }
            Ok(())
        })
    }

    /// `revertBlocks`: drops committed, unexecuted blocks, newest first.
    ///
    /// Checks, in order:
    /// 1. `l1.not_validator`: `sender` is a validator.
    /// 2. `l1.exodus_mode_active`: exodus mode is not active.
    /// 3. Then for each block of `blocks`, in the order given:
    ///    1. `l1.revert_executed`: `blocks_committed > blocks_executed`;
    ///    2. `l1.stored_block_mismatch`: the block equals `blocks[blocks_committed]`, the last
    ///       committed block;
    ///
    ///    and it is dropped: `blocks_committed -= 1`, `committed_requests -= priority_ops`.
    ///
    /// Effects, at the end: `blocks_proven = min(blocks_proven, blocks_committed)`. An empty list
    /// is accepted and changes nothing.
    pub fn revert_blocks(&mut self, sender: Address, blocks: &[StoredBlock]) -> Result<(), Rejection> {
        self.atomically(CallKind::RevertBlocks, |s, c| {
            s.require_validator(c, &sender)?;
            s.require_active(c)?;
            for b in blocks {
                c.next_input();
                let unexecuted = s.blocks_committed > s.blocks_executed;
                let executed = || format!("block {} is executed", b.block_number);
                c.check(unexecuted, Rule::L1RevertExecuted, executed)?;
                s.require_stored(c, s.blocks_committed, b, Rule::L1StoredBlockMismatch)?;
                // Switched off, the check still holds here: an executed block is never dropped.
                c.guard(unexecuted, Rule::L1RevertExecuted, executed)?;
                s.blocks_committed -= 1;
                s.committed_requests -= b.priority_ops;
                s.log.push(Event::BlockReverted { block_number: b.block_number });
                s.blocks.truncate(s.blocks_committed as usize + 1);
            }
            s.blocks_proven = s.blocks_proven.min(s.blocks_committed);
            Ok(())
        })
    }

    /// `activateExodusMode`: allowed once the oldest open request has expired unserved.
    ///
    /// Checks, in order:
    /// 1. `l1.exodus_mode_active`: exodus mode is not active yet.
    /// 2. `l1.exodus_not_due`: an open request exists and the oldest one,
    ///    `requests[first_open_request]`, has `expires_at ≤ now` (a request served by a
    ///    committed but unexecuted block is still open).
    ///
    /// Effects: exodus mode is on; committed, unexecuted blocks are dropped (`blocks_committed =
    /// blocks_proven = blocks_executed`) and `committed_requests = 0`.
    pub fn activate_exodus_mode(&mut self) -> Result<(), Rejection> {
        self.atomically(CallKind::ActivateExodusMode, |s, c| {
            s.require_active(c)?;
            let due = s.open_requests().first().is_some_and(|r| r.expires_at <= s.now);
            c.check(due, Rule::L1ExodusNotDue, || "no expired open priority request".into())?;
            s.exodus_mode = true;
            s.blocks_committed = s.blocks_executed;
            s.blocks_proven = s.blocks_executed;
            s.committed_requests = 0;
            s.blocks.truncate(s.blocks_executed as usize + 1);
            s.log.push(Event::ExodusActivated { last_executed: s.blocks_executed });
            Ok(())
        })
    }

    /// `performExodus`: pays a proven balance of the last executed state, once per account and
    /// token.
    ///
    /// Checks, in order:
    /// 1. `l1.not_exodus_mode`: exodus mode is active.
    /// 2. `l1.exodus_wrong_block`: `last_executed` equals `blocks[blocks_executed]`.
    /// 3. `l1.exodus_wrong_block`: `claim.root` is `last_executed.state_root`.
    /// 4. `l1.exodus_already_performed`: (`claim.account_id`, `claim.token`) has not exited.
    /// 5. `l1.exodus_bad_proof`: `proof` verifies against the claim's public input
    ///    ([`ExitClaim::public_input`]).
    ///
    /// Effects: (`account_id`, `token`) is marked exited; `claim.amount` of `claim.token` is
    /// credited to `claim.owner`'s pending balance (nothing for zero).
    pub fn perform_exodus(
        &mut self,
        last_executed: &StoredBlock,
        claim: &ExitClaim,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        self.atomically(CallKind::PerformExodus, |s, c| {
            c.check(s.exodus_mode, Rule::L1NotExodusMode, || "exodus mode is not active".into())?;
            s.require_stored(c, s.blocks_executed, last_executed, Rule::L1ExodusWrongBlock)?;
            c.check(claim.root == last_executed.state_root, Rule::L1ExodusWrongBlock, || {
                "claim root is not the last executed root".into()
            })?;
            c.check(!s.exited.contains(&(claim.account_id, claim.token)), Rule::L1ExodusAlreadyPerformed, || {
                format!("account {} token {}", claim.account_id, claim.token)
            })?;
            c.check(verifier.verify_exit(&claim.public_input(), proof), Rule::L1ExodusBadProof, || {
                "exit proof".into()
            })?;
            s.exited.insert((claim.account_id, claim.token));
            let (account_id, token, owner, amount) = (claim.account_id, claim.token, claim.owner, claim.amount);
            s.log.push(Event::ExodusExit { account_id, token, owner, amount });
            s.credit_pending(owner, token, amount);
            Ok(())
        })
    }

    /// `cancelOutstandingDepositsForExodusMode`: refunds up to `n` open requests' deposits to
    /// their depositors' pending balances (full-exit requests are dropped).
    ///
    /// Checks, in order:
    /// 1. `l1.not_exodus_mode`: exodus mode is active.
    /// 2. `l1.nothing_to_cancel`: an open request exists and `n > 0`.
    ///
    /// Effects: the `min(n, open)` oldest open requests are closed (`first_open_request` rises by
    /// that many); each Deposit among them credits its `amount` of `token` to its `from`
    /// address's pending balance.
    pub fn cancel_outstanding_deposits(&mut self, n: u64) -> Result<(), Rejection> {
        self.atomically(CallKind::CancelOutstandingDeposits, |s, c| {
            c.check(s.exodus_mode, Rule::L1NotExodusMode, || "exodus mode is not active".into())?;
            let open = s.open_requests().len() as u64;
            c.check(open > 0 && n > 0, Rule::L1NothingToCancel, || "no open priority request".into())?;
            let take = n.min(open);
            for id in s.first_open_request..s.first_open_request + take {
                s.log.push(Event::RequestCancelled { id });
                if let PriorityOp::Deposit(d) = s.requests[id as usize].op.clone() {
                    s.credit_pending(d.from, d.token, d.amount);
                }
            }
            s.first_open_request += take;
            Ok(())
        })
    }

    /// `proposeGovernor`: the governor proposes `candidate` as its successor; the zero address
    /// withdraws a proposal. The role moves only when `candidate` accepts it.
    ///
    /// Checks: `l1.not_governor`: `sender` is the governor. Allowed in exodus mode too, like
    /// every governance call.
    ///
    /// Effects: [`L1::pending_governor`] becomes `candidate` (a later proposal replaces it).
    pub fn propose_governor(&mut self, sender: Address, candidate: Address) -> Result<(), Rejection> {
        self.atomically(CallKind::ProposeGovernor, |s, c| {
            s.require_governor(c, &sender)?;
            s.pending_governor = candidate;
            s.log.push(Event::GovernorProposed { candidate });
            Ok(())
        })
    }

    /// `acceptGovernor`: the proposed governor takes the role.
    ///
    /// Checks: `l1.not_pending_governor`: a successor is proposed and `sender` is it.
    ///
    /// Effects: [`L1::governor`] becomes `sender`; no proposal is left.
    pub fn accept_governor(&mut self, sender: Address) -> Result<(), Rejection> {
        self.atomically(CallKind::AcceptGovernor, |s, c| {
            c.check(!s.pending_governor.is_zero() && sender == s.pending_governor, Rule::L1NotPendingGovernor, || {
                format!("{sender} is not the proposed governor ({})", s.pending_governor)
            })?;
            s.governor = sender;
            s.pending_governor = Address::ZERO;
            s.log.push(Event::GovernorChanged { governor: sender });
            Ok(())
        })
    }

    /// `renounceGovernor`: the governor gives the role up for good: no validator is added or
    /// removed and no token listed afterwards.
    ///
    /// Checks: `l1.not_governor`: `sender` is the governor.
    ///
    /// Effects: [`L1::governor`] becomes the zero address; no proposal is left. `l1.not_governor`
    /// then refuses every sender, the zero address too (which no key controls, but an EVM test
    /// chain can impersonate): a zero governor is no governor.
    pub fn renounce_governor(&mut self, sender: Address) -> Result<(), Rejection> {
        self.atomically(CallKind::RenounceGovernor, |s, c| {
            s.require_governor(c, &sender)?;
            s.governor = Address::ZERO;
            s.pending_governor = Address::ZERO;
            s.log.push(Event::GovernorChanged { governor: Address::ZERO });
            Ok(())
        })
    }

    /// `setValidator`: the governor adds (`active`) or removes `validator`.
    ///
    /// Checks: `l1.not_governor`: `sender` is the governor.
    ///
    /// Effects: `validator` is in [`L1::validators`] exactly when `active` (setting what already
    /// holds changes nothing but the log).
    pub fn set_validator(&mut self, sender: Address, validator: Address, active: bool) -> Result<(), Rejection> {
        self.atomically(CallKind::SetValidator, |s, c| {
            s.require_governor(c, &sender)?;
            if active {
                s.validators.insert(validator);
            } else {
                s.validators.remove(&validator);
            }
            s.log.push(Event::ValidatorSet { validator, active });
            Ok(())
        })
    }

    /// `listToken`: the governor lists the ERC-20 at `token` under the next token id.
    ///
    /// Checks, in order:
    /// 1. `l1.not_governor`: `sender` is the governor.
    /// 2. `l1.token_zero_address`: `token` is not the zero address.
    /// 3. `l1.token_already_listed`: `token` is not listed yet.
    /// 4. `l1.too_many_tokens`: fewer than [`L1Config::max_tokens`] tokens are listed.
    ///
    /// Effects: `token` is appended to [`L1::tokens`]; its id is the new length.
    pub fn list_token(&mut self, sender: Address, token: Address) -> Result<(), Rejection> {
        self.atomically(CallKind::ListToken, |s, c| {
            s.require_governor(c, &sender)?;
            c.check(!token.is_zero(), Rule::L1TokenZeroAddress, || "token at the zero address".into())?;
            c.check(!s.tokens.contains(&token), Rule::L1TokenAlreadyListed, || format!("{token} is listed"))?;
            let (n, max) = (s.tokens.len(), s.config.max_tokens as usize);
            c.check(n < max, Rule::L1TooManyTokens, || format!("{n} tokens are listed, at most {max}"))?;
            s.tokens.push(token);
            s.log.push(Event::TokenListed { id: s.tokens.len() as TokenId, token });
            Ok(())
        })
    }
}

/// Every call the contract takes, as data: the one list the spec, the Solidity contract's
/// driver and the conformance vectors (`l1` kind) all answer. [`L1::call`] dispatches one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// L1 time moves on (never back).
    SetTime {
        /// The new L1 time, in seconds.
        now: u64,
    },
    /// [`L1::deposit`].
    Deposit {
        /// Who pays on L1.
        from: Address,
        /// The L2 owner credited.
        to: Address,
        /// The token.
        token: TokenId,
        /// The amount.
        amount: u128,
    },
    /// [`L1::request_full_exit`].
    RequestFullExit {
        /// Who asks (the account's owner, if the exit is to pay anything).
        owner: Address,
        /// The account to exit.
        account_id: AccountId,
        /// The token to exit.
        token: TokenId,
    },
    /// [`L1::set_auth_pubkey_hash`].
    SetAuthPubkeyHash {
        /// The L1 address authorising.
        sender: Address,
        /// The L2 key it authorises.
        pubkey_hash: PubKeyHash,
        /// The account nonce the authorisation is for.
        nonce: Nonce,
    },
    /// [`L1::commit_block`].
    CommitBlock {
        /// The validator.
        sender: Address,
        /// The last committed block, as stored.
        parent: StoredBlock,
        /// The new block.
        block: CommitBlock,
    },
    /// [`L1::prove_block`].
    ProveBlock {
        /// The validator.
        sender: Address,
        /// The block to prove, as stored.
        block: StoredBlock,
        /// The proof.
        proof: Vec<u8>,
    },
    /// [`L1::execute_block`].
    ExecuteBlock {
        /// The validator.
        sender: Address,
        /// The block to execute, as stored.
        block: StoredBlock,
        /// The pubdata of its on-chain ops, in order.
        pending_ops: Vec<Vec<u8>>,
    },
    /// [`L1::withdraw_pending_balance`].
    WithdrawPendingBalance {
        /// Whose pending balance pays out.
        owner: Address,
        /// The token.
        token: TokenId,
        /// The amount.
        amount: u128,
    },
    /// [`L1::revert_blocks`].
    RevertBlocks {
        /// The validator.
        sender: Address,
        /// The blocks to revert, newest first.
        blocks: Vec<StoredBlock>,
    },
    /// [`L1::activate_exodus_mode`].
    ActivateExodusMode,
    /// [`L1::perform_exodus`].
    PerformExodus {
        /// The last executed block, as stored.
        block: StoredBlock,
        /// What the exit proof states.
        claim: ExitClaim,
        /// The exit proof.
        proof: Vec<u8>,
    },
    /// [`L1::cancel_outstanding_deposits`].
    CancelOutstandingDeposits {
        /// How many open requests to go through at most.
        n: u64,
    },
    /// [`L1::propose_governor`].
    ProposeGovernor {
        /// The caller (the governor, if accepted).
        sender: Address,
        /// The proposed successor (zero: withdraw the proposal).
        candidate: Address,
    },
    /// [`L1::accept_governor`].
    AcceptGovernor {
        /// The caller (the proposed governor, if accepted).
        sender: Address,
    },
    /// [`L1::renounce_governor`].
    RenounceGovernor {
        /// The caller (the governor, if accepted).
        sender: Address,
    },
    /// [`L1::set_validator`].
    SetValidator {
        /// The caller (the governor, if accepted).
        sender: Address,
        /// The address added or removed.
        validator: Address,
        /// Added (`true`) or removed.
        active: bool,
    },
    /// [`L1::list_token`].
    ListToken {
        /// The caller (the governor, if accepted).
        sender: Address,
        /// The token contract's address.
        token: Address,
    },
}

impl Call {
    /// The contract function's name (deposits: `depositETH` for token 0, else `depositERC20`).
    pub fn name(&self) -> &'static str {
        match self {
            Call::SetTime { .. } => "setTime",
            Call::Deposit { token: 0, .. } => "depositETH",
            Call::Deposit { .. } => "depositERC20",
            Call::RequestFullExit { .. } => "requestFullExit",
            Call::SetAuthPubkeyHash { .. } => "setAuthPubkeyHash",
            Call::CommitBlock { .. } => "commitBlock",
            Call::ProveBlock { .. } => "proveBlock",
            Call::ExecuteBlock { .. } => "executeBlock",
            Call::WithdrawPendingBalance { .. } => "withdrawPendingBalance",
            Call::RevertBlocks { .. } => "revertBlocks",
            Call::ActivateExodusMode => "activateExodusMode",
            Call::PerformExodus { .. } => "performExodus",
            Call::CancelOutstandingDeposits { .. } => "cancelOutstandingDepositsForExodusMode",
            Call::ProposeGovernor { .. } => "proposeGovernor",
            Call::AcceptGovernor { .. } => "acceptGovernor",
            Call::RenounceGovernor { .. } => "renounceGovernor",
            Call::SetValidator { .. } => "setValidator",
            Call::ListToken { .. } => "listToken",
        }
    }
}

impl L1 {
    /// Makes one call; a commit answers the block it stored. Proofs are checked by `verifier`.
    pub fn call(&mut self, call: &Call, verifier: &dyn ProofVerifier) -> Result<Option<StoredBlock>, Rejection> {
        let done = |r: Result<(), Rejection>| r.map(|()| None);
        match call {
            Call::SetTime { now } => {
                self.set_time(*now);
                Ok(None)
            }
            Call::Deposit { from, to, token, amount } => done(self.deposit(*from, *to, *token, *amount)),
            Call::RequestFullExit { owner, account_id, token } => {
                done(self.request_full_exit(*owner, *account_id, *token))
            }
            Call::SetAuthPubkeyHash { sender, pubkey_hash, nonce } => {
                done(self.set_auth_pubkey_hash(*sender, *pubkey_hash, *nonce))
            }
            Call::CommitBlock { sender, parent, block } => self.commit_block(*sender, parent, block).map(Some),
            Call::ProveBlock { sender, block, proof } => done(self.prove_block(*sender, block, proof, verifier)),
            Call::ExecuteBlock { sender, block, pending_ops } => done(self.execute_block(*sender, block, pending_ops)),
            Call::WithdrawPendingBalance { owner, token, amount } => {
                done(self.withdraw_pending_balance(*owner, *token, *amount))
            }
            Call::RevertBlocks { sender, blocks } => done(self.revert_blocks(*sender, blocks)),
            Call::ActivateExodusMode => done(self.activate_exodus_mode()),
            Call::PerformExodus { block, claim, proof } => done(self.perform_exodus(block, claim, proof, verifier)),
            Call::CancelOutstandingDeposits { n } => done(self.cancel_outstanding_deposits(*n)),
            Call::ProposeGovernor { sender, candidate } => done(self.propose_governor(*sender, *candidate)),
            Call::AcceptGovernor { sender } => done(self.accept_governor(*sender)),
            Call::RenounceGovernor { sender } => done(self.renounce_governor(*sender)),
            Call::SetValidator { sender, validator, active } => done(self.set_validator(*sender, *validator, *active)),
            Call::ListToken { sender, token } => done(self.list_token(*sender, *token)),
        }
    }

    /// [`L1::call`] with only the checks `checks` leaves on: how the conformance generator
    /// shows that a check-order vector breaks two rules (with the first switched off, the
    /// second reports). Answering a vector never uses it.
    pub fn call_with(
        &mut self,
        call: &Call,
        verifier: &dyn ProofVerifier,
        checks: &Checks,
    ) -> Result<Option<StoredBlock>, Rejection> {
        let saved = std::mem::replace(&mut self.checks, checks.clone());
        let out = self.call(call, verifier);
        self.checks = saved;
        out
    }
}

/// What the operator sends to commit `block`, whose inputs were `inputs`: the pubdata and, for
/// each on-chain op, in block order, its offset and (for ChangePubKey) the authorisation from
/// the transaction.
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

/// The pubdata of the ops that executing `block` pays out (Withdraw, ForcedExit, FullExit), in
/// block order, each with its padding: what [`L1::execute_block`] is given.
pub fn pending_ops(block: &crate::block::Block) -> Vec<Vec<u8>> {
    block
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Withdraw(_) | Op::ForcedExit(_) | Op::FullExit(_)))
        .map(Op::to_pubdata)
        .collect()
}
