//! # Rules
//!
//! Every check the protocol makes has a stable id of the form `section.check`. A rejection
//! anywhere in the spec carries the rule that failed; the conformance vectors, the reference
//! implementation, the circuits' soundness tests and the contract's reverts all speak in these
//! ids. The list below is the single source: [`Rule::ALL`] and the table in the documentation
//! are derived from it.
//!
//! Each rule also says *who enforces it* in the deployed system ([`Enforcer`]): the block
//! circuit (L2 rules: a block breaking one has no proof), the L1 contract (L1 rules: the call
//! reverts), or every decoder (codec rules: the bytes are not a valid encoding).

use core::fmt;

/// Who must reject an input that breaks a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Enforcer {
    /// Decoders of bytes (transactions, pubdata): malformed input is an error, never a panic.
    Codec,
    /// The block circuit: no satisfying witness exists for a block that breaks the rule.
    Circuit,
    /// The L1 contract: the call reverts.
    Contract,
}

macro_rules! rules {
    ($( $variant:ident = $id:literal, $enforcer:ident, $doc:literal; )*) => {
        /// A named protocol rule. See the module documentation for the full table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( #[doc = $doc] $variant, )*
        }

        impl Rule {
            /// Every rule, in the order of this specification.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id, e.g. `transfer.insufficient_balance`.
            pub const fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// One sentence: what the rule demands.
            pub const fn description(self) -> &'static str {
                match self { $( Rule::$variant => $doc, )* }
            }

            /// Who rejects an input breaking this rule.
            pub const fn enforcer(self) -> Enforcer {
                match self { $( Rule::$variant => Enforcer::$enforcer, )* }
            }
        }
    };
}

rules! {
    // --- codec: bytes that are not a valid encoding -------------------------------------
    CodecTruncated = "codec.truncated", Codec,
        "The input is shorter than the layout it must follow.";
    CodecTrailingBytes = "codec.trailing_bytes", Codec,
        "The input is longer than the layout it must follow.";
    CodecUnknownOp = "codec.unknown_op", Codec,
        "The first byte of an operation is a known op code.";
    CodecUnknownTxType = "codec.unknown_tx_type", Codec,
        "The first byte of a transaction is a known transaction type.";
    CodecNonzeroPadding = "codec.nonzero_padding", Codec,
        "The bytes padding an operation to whole chunks are zero.";
    CodecBadLength = "codec.bad_length", Codec,
        "Pubdata is a whole number of chunks.";
    CodecAmountTooLarge = "codec.amount_too_large", Codec,
        "A packed amount or fee decodes to a value that fits in 128 bits.";
    CodecBadSignature = "codec.bad_signature", Codec,
        "A signature's points lie on BabyJubjub and its scalar S is below the subgroup order.";
    CodecBadAuth = "codec.bad_auth", Codec,
        "A ChangePubKey authorisation has a known kind (0 on-chain, 1 EIP-191, 2 EIP-712), with 65 signature bytes for 1 and 2 (whether they recover the owner is the contract's check).";
    CodecOpAfterNoop = "codec.op_after_noop", Codec,
        "In a block's pubdata, Noops only pad the end: no other op follows a Noop.";

    // --- tx: the envelope every signed L2 transaction must satisfy ----------------------
    TxAccountIdOutOfRange = "tx.account_id_out_of_range", Circuit,
        "The signing account id is below 2^24.";
    TxAccountMissing = "tx.account_missing", Circuit,
        "The signing account exists.";
    TxSignerNotAccountKey = "tx.signer_not_account_key", Circuit,
        "The signer's public key hashes to the account's pubkey hash (for ChangePubKey: to the new one).";
    TxBadSignature = "tx.bad_signature", Circuit,
        "The EdDSA-Poseidon signature verifies over the transaction's signing message, under a key not of small order (8·A is not the identity).";
    TxNonceMismatch = "tx.nonce_mismatch", Circuit,
        "The transaction's nonce equals the account's nonce.";
    TxNonceOverflow = "tx.nonce_overflow", Circuit,
        "The account's nonce is below 2^32 - 1, so it can rise by one.";
    TxNotYetValid = "tx.not_yet_valid", Circuit,
        "The block timestamp is at or after the transaction's valid_from.";
    TxExpired = "tx.expired", Circuit,
        "The block timestamp is at or before the transaction's valid_until.";

    // --- deposit ---------------------------------------------------------------------
    DepositZeroAddress = "deposit.zero_address", Circuit,
        "A deposit credits a non-zero L1 address (zero marks an empty account leaf).";
    DepositAccountTreeFull = "deposit.account_tree_full", Circuit,
        "A deposit to a new address finds a free account id.";
    DepositBalanceOverflow = "deposit.balance_overflow", Circuit,
        "The credited balance stays below 2^128.";

    // --- transfer --------------------------------------------------------------------
    TransferToZeroAddress = "transfer.to_zero_address", Circuit,
        "A transfer goes to a non-zero address.";
    TransferInsufficientBalance = "transfer.insufficient_balance", Circuit,
        "The sender's balance covers amount plus fee.";
    TransferAccountTreeFull = "transfer.account_tree_full", Circuit,
        "A transfer to a new address finds a free account id.";
    TransferRecipientBalanceOverflow = "transfer.recipient_balance_overflow", Circuit,
        "The recipient's balance stays below 2^128.";

    // --- withdraw --------------------------------------------------------------------
    WithdrawInsufficientBalance = "withdraw.insufficient_balance", Circuit,
        "The account's balance covers amount plus fee.";

    // --- full exit -------------------------------------------------------------------
    FullExitAccountIdOutOfRange = "full_exit.account_id_out_of_range", Circuit,
        "A full exit names an account id below 2^24.";

    // --- change pubkey ---------------------------------------------------------------
    ChangePubKeyInsufficientFeeBalance = "change_pubkey.insufficient_fee_balance", Circuit,
        "The account's balance of the fee token covers the fee.";

    // --- forced exit -----------------------------------------------------------------
    ForcedExitTargetMissing = "forced_exit.target_missing", Circuit,
        "An account with the target address exists.";
    ForcedExitTargetHasKey = "forced_exit.target_has_key", Circuit,
        "The target account has no L2 key (pubkey hash zero).";
    ForcedExitInsufficientFeeBalance = "forced_exit.insufficient_fee_balance", Circuit,
        "The initiator's balance of the token covers the fee.";

    // --- block -----------------------------------------------------------------------
    BlockUnsupportedSize = "block.unsupported_size", Circuit,
        "The block's chunk count is one of the sizes that have a circuit.";
    BlockTooManyChunks = "block.too_many_chunks", Circuit,
        "The block's operations fit in its chunks.";
    BlockTooManyFeeTokens = "block.too_many_fee_tokens", Circuit,
        "A block collects fees in at most FEE_TOKENS_PER_BLOCK distinct tokens.";
    BlockFeeAccountMissing = "block.fee_account_missing", Circuit,
        "The block's fee account exists.";
    BlockFeeBalanceOverflow = "block.fee_balance_overflow", Circuit,
        "The fee account's balance stays below 2^128 after fee collection.";

    // --- l1: the contract ------------------------------------------------------------
    L1NotValidator = "l1.not_validator", Contract,
        "Only a validator commits, proves, executes or reverts blocks.";
    L1ExodusModeActive = "l1.exodus_mode_active", Contract,
        "Deposits, requests and block processing stop once exodus mode is active.";
    L1NotExodusMode = "l1.not_exodus_mode", Contract,
        "Exodus exits and deposit cancellation happen only in exodus mode.";
    L1TokenNotListed = "l1.token_not_listed", Contract,
        "Deposits and full exits name a listed token.";
    L1DepositZeroAmount = "l1.deposit_zero_amount", Contract,
        "A deposit moves a non-zero amount.";
    L1DepositZeroAddress = "l1.deposit_zero_address", Contract,
        "A deposit credits a non-zero L2 address.";
    L1DepositTotalOverflow = "l1.deposit_total_overflow", Contract,
        "What the contract holds of a token (deposited and not yet paid out) stays below 2^128, so no L2 balance can overflow.";
    L1FullExitAccountIdOutOfRange = "l1.full_exit_account_id_out_of_range", Contract,
        "A full exit request names an account id below 2^24.";
    L1AuthFactExists = "l1.auth_fact_exists", Contract,
        "An on-chain ChangePubKey authorisation is set once per address and nonce.";
    L1StoredBlockMismatch = "l1.stored_block_mismatch", Contract,
        "The stored block a call builds on is the one the contract recorded.";
    L1BlockNumberMismatch = "l1.block_number_mismatch", Contract,
        "A committed block's number is one more than the last committed block's.";
    L1BadTimestamp = "l1.bad_timestamp", Contract,
        "A block's timestamp is not before its predecessor's, not after the L1 time, and at most 24 hours before it.";
    L1BadPubdataLength = "l1.bad_pubdata_length", Contract,
        "A committed block's pubdata fills one of the supported chunk counts.";
    L1BadOnchainOpOffset = "l1.bad_onchain_op_offset", Contract,
        "On-chain op offsets are chunk-aligned, strictly increasing and inside the pubdata.";
    L1NotOnchainOp = "l1.not_onchain_op", Contract,
        "Every on-chain op offset points at an op the contract must process (the proof shows none is left out).";
    L1PriorityOpMismatch = "l1.priority_op_mismatch", Contract,
        "Deposits and full exits in a block are the next open priority requests, in order.";
    L1ChangePubKeyUnauthorised = "l1.change_pubkey_unauthorised", Contract,
        "A ChangePubKey is authorised by the account's L1 key: EIP-191, EIP-712 or an on-chain fact.";
    L1BlockNotCommitted = "l1.block_not_committed", Contract,
        "Blocks are proven in order, and only once committed.";
    L1InvalidProof = "l1.invalid_proof", Contract,
        "A block proof verifies against the block's public input.";
    L1BlockNotProven = "l1.block_not_proven", Contract,
        "Blocks are executed in order, and only once proven.";
    L1BadPendingOps = "l1.bad_pending_ops", Contract,
        "Execution is given exactly the on-chain operations recorded at commit.";
    L1InsufficientPendingBalance = "l1.insufficient_pending_balance", Contract,
        "A withdrawal takes at most the owner's pending balance.";
    L1PayoutUnbacked = "l1.payout_unbacked", Contract,
        "A payout takes at most what the contract holds of the token from deposits (only a block the verifier should have refused can owe more).";
    L1RevertExecuted = "l1.revert_executed", Contract,
        "Only committed, not yet executed blocks can be reverted, newest first.";
    L1ExodusNotDue = "l1.exodus_not_due", Contract,
        "Exodus mode starts only when the oldest open priority request has expired.";
    L1ExodusWrongBlock = "l1.exodus_wrong_block", Contract,
        "An exodus exit proves against the last executed block.";
    L1ExodusAlreadyPerformed = "l1.exodus_already_performed", Contract,
        "Each account exits each token at most once in exodus mode.";
    L1ExodusBadProof = "l1.exodus_bad_proof", Contract,
        "An exodus exit's proof verifies against its claim.";
    L1NothingToCancel = "l1.nothing_to_cancel", Contract,
        "Cancelling outstanding deposits needs an open priority request.";
    L1BlockSizeUnverifiable = "l1.block_size_unverifiable", Contract,
        "A block is committed only in a size the deployment holds a proof verifier for: no proof of another size could ever be checked.";
    L1NotGovernor = "l1.not_governor", Contract,
        "Only the governor adds or removes validators, lists tokens, proposes its successor or renounces governance.";
    L1NotPendingGovernor = "l1.not_pending_governor", Contract,
        "Governance changes hands only when the proposed governor accepts it, from its own address.";
    L1TokenZeroAddress = "l1.token_zero_address", Contract,
        "A listed token has a non-zero address.";
    L1TokenAlreadyListed = "l1.token_already_listed", Contract,
        "A token address is listed at most once.";
    L1TooManyTokens = "l1.too_many_tokens", Contract,
        "At most the deployment's bound of tokens are listed besides ETH (65,535: token ids are 16 bits).";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Rule {
    /// Looks a rule up by its id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The section a rule belongs to: the part of its id before the dot.
    pub fn section(self) -> &'static str {
        self.id().split('.').next().unwrap_or("")
    }
}

/// A rejection: the rule that failed and what was seen. Rejected inputs change nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {detail}")]
pub struct Rejection {
    /// The rule broken.
    pub rule: Rule,
    /// What was seen, for people (conformance compares only the rule).
    pub detail: String,
}

impl Rejection {
    /// A rejection by `rule`, with `detail`.
    pub fn new(rule: Rule, detail: impl Into<String>) -> Self {
        Rejection { rule, detail: detail.into() }
    }
}

/// `Err(Rejection)` unless `cond` holds; the detail is built only on failure.
pub fn ensure(cond: bool, rule: Rule, detail: impl FnOnce() -> String) -> Result<(), Rejection> {
    if cond {
        Ok(())
    } else {
        Err(Rejection::new(rule, detail()))
    }
}

/// The rule table as Markdown, derived from [`Rule::ALL`] (used by docs and `zkrollup rules`).
pub fn markdown_table() -> String {
    let mut out = String::from("| rule id | enforced by | requirement |\n|---|---|---|\n");
    for r in Rule::ALL {
        out.push_str(&format!("| `{}` | {:?} | {} |\n", r.id(), r.enforcer(), r.description()));
    }
    out
}
