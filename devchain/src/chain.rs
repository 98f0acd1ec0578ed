//! The chain itself: revm over an in-memory database, signed transactions executed into an open
//! block, blocks sealed with EIP-1559 base fees, and the history a client reads back.
//!
//! A transaction runs when it arrives, against the state the open block has reached, so a
//! refusal (a bad nonce, too little ETH for its gas) is the sender's answer at once, as a real
//! node's mempool gives it. The open block is sealed after each transaction (automine) or on an
//! interval; until then its transactions have no receipt.

use std::collections::HashMap;

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction, TxEnvelope};
use alloy_eips::eip1559::BaseFeeParams;
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{keccak256, Address, Bytes, Log, TxKind, B256, U256};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::result::{EVMError, ExecutionResult};
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::handler::{MainBuilder, MainContext, MainnetEvm};
use revm::state::AccountInfo;
use revm::{ExecuteCommitEvm, ExecuteEvm};

type Ctx = Context<BlockEnv, TxEnv, CfgEnv, InMemoryDB>;

/// Where the priority fees go.
const COINBASE: Address = Address::new([0xc0; 20]);

/// How the chain starts.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Genesis {
    pub chain_id: u64,
    /// The genesis block's time (unix seconds).
    pub timestamp: u64,
    /// Gas a block may hold.
    pub block_gas_limit: u64,
    /// The genesis block's base fee, in wei per gas.
    pub base_fee: u64,
    /// Accounts funded at genesis, with their wei.
    pub accounts: Vec<(Address, U256)>,
}

/// Why a transaction or a call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The bytes are not a signed transaction this chain takes.
    #[error("{0}")]
    BadTransaction(String),
    /// The EVM refused the transaction before running it (nonce, funds, fees, gas limit).
    #[error("{0}")]
    Invalid(String),
    /// The call reverted with this data.
    #[error("execution reverted")]
    Reverted(Bytes),
    /// The call halted (out of gas, a bad opcode, …).
    #[error("execution halted: {0}")]
    Halted(String),
    /// A block, transaction or range the chain does not have.
    #[error("{0}")]
    NotFound(String),
    /// The transaction does not fit in the open block beside its transactions: the block is to
    /// be sealed (and kept) first, then the transaction sent again.
    #[error("the open block is full")]
    BlockFull,
}

/// A transaction in a block, with its outcome.
#[derive(Clone, Debug)]
pub struct MinedTx {
    pub envelope: TxEnvelope,
    pub from: Address,
    pub hash: B256,
    pub success: bool,
    pub gas_used: u64,
    /// Gas used by this transaction and those before it in its block.
    pub cumulative_gas_used: u64,
    pub effective_gas_price: u128,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
}

impl MinedTx {
    /// Its receipt as it enters the receipts trie.
    pub fn receipt(&self) -> ReceiptEnvelope<Log> {
        let receipt = Receipt {
            status: self.success.into(),
            cumulative_gas_used: self.cumulative_gas_used,
            logs: self.logs.clone(),
        };
        ReceiptEnvelope::from_typed(self.envelope.tx_type(), ReceiptWithBloom::from(receipt))
    }
}

/// A sealed block.
#[derive(Clone, Debug)]
pub struct Block {
    pub header: Header,
    pub hash: B256,
    pub txs: Vec<MinedTx>,
}

/// The block being filled.
struct Open {
    number: u64,
    timestamp: u64,
    base_fee: u64,
    txs: Vec<MinedTx>,
}

/// The chain: its state, its sealed blocks and the open one.
pub struct Chain {
    evm: MainnetEvm<Ctx>,
    genesis: Genesis,
    blocks: Vec<Block>,
    /// Where each mined transaction is: (block, index).
    index: HashMap<B256, (u64, usize)>,
    open: Option<Open>,
    /// Seconds added to the clock (`evm_increaseTime`): how a test or the demo lets days pass.
    time_offset: u64,
}

fn invalid(e: EVMError<std::convert::Infallible>) -> ChainError {
    match e {
        EVMError::Transaction(t) => ChainError::Invalid(t.to_string()),
        e => ChainError::Invalid(e.to_string()),
    }
}

impl Chain {
    /// A chain holding only its genesis block.
    pub fn new(genesis: Genesis) -> Self {
        let mut db = InMemoryDB::default();
        for (address, wei) in &genesis.accounts {
            db.insert_account_info(*address, AccountInfo { balance: *wei, ..Default::default() });
        }
        let mut ctx: Ctx = Context::mainnet().with_db(db);
        ctx.cfg.chain_id = genesis.chain_id;
        // The rules are named, not left to revm's default: a chain kept in a file must replay
        // under the rules it ran under.
        ctx.cfg.spec = revm::primitives::hardfork::SpecId::OSAKA;
        let header = Header {
            number: 0,
            timestamp: genesis.timestamp,
            gas_limit: genesis.block_gas_limit,
            base_fee_per_gas: Some(genesis.base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        ctx.db_mut().cache.block_hashes.insert(U256::ZERO, hash);
        Chain {
            evm: ctx.build_mainnet(),
            genesis,
            blocks: vec![Block { header, hash, txs: vec![] }],
            index: HashMap::new(),
            open: None,
            time_offset: 0,
        }
    }

    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    pub fn chain_id(&self) -> u64 {
        self.genesis.chain_id
    }

    /// The latest sealed block.
    pub fn head(&self) -> &Block {
        self.blocks.last().expect("the genesis block is never removed")
    }

    pub fn block(&self, number: u64) -> Option<&Block> {
        self.blocks.get(usize::try_from(number).ok()?)
    }

    pub fn block_by_hash(&self, hash: &B256) -> Option<&Block> {
        self.blocks.iter().rev().find(|b| b.hash == *hash)
    }

    /// A mined transaction, with its block.
    pub fn transaction(&self, hash: &B256) -> Option<(&Block, usize)> {
        let (number, i) = *self.index.get(hash)?;
        Some((self.block(number)?, i))
    }

    /// Whether the open block holds transactions (their receipts wait for its seal).
    pub fn has_pending(&self) -> bool {
        self.open.as_ref().is_some_and(|o| !o.txs.is_empty())
    }

    /// The base fee the next block charges.
    pub fn next_base_fee(&self) -> u64 {
        let head = &self.head().header;
        BaseFeeParams::ethereum().next_block_base_fee(
            head.gas_used,
            head.gas_limit,
            head.base_fee_per_gas.unwrap_or(self.genesis.base_fee),
        )
    }

    /// Moves the chain's clock `seconds` ahead of the wall clock, on top of earlier moves (the
    /// open block keeps its time; the next one takes the new time): the total offset.
    pub fn increase_time(&mut self, seconds: u64) -> u64 {
        self.time_offset = self.time_offset.saturating_add(seconds);
        self.time_offset
    }

    /// The open block, opened at `now` (unix seconds, plus the clock's offset) if there is none:
    /// each block's time is after its parent's, so blocks sealed within one second run ahead of
    /// the clock a little.
    fn open(&mut self, now: u64) -> &mut Open {
        let now = now.saturating_add(self.time_offset);
        if self.open.is_none() {
            let head = &self.head().header;
            let (number, timestamp) = (head.number + 1, now.max(head.timestamp + 1));
            self.open = Some(Open { number, timestamp, base_fee: self.next_base_fee(), txs: vec![] });
        }
        let open = self.open.as_mut().expect("opened above");
        let block = &mut self.evm.ctx.block;
        block.number = U256::from(open.number);
        block.timestamp = U256::from(open.timestamp);
        block.basefee = open.base_fee;
        block.gas_limit = self.genesis.block_gas_limit;
        block.beneficiary = COINBASE;
        block.prevrandao = Some(keccak256(open.number.to_be_bytes()));
        open
    }

    /// Decodes a signed transaction (EIP-2718 envelope: legacy with EIP-155, 2930, 1559 or
    /// 7702), recovers its signer, runs it into the open block and keeps it there; its hash.
    /// A transaction that reverts is mined (and pays for its gas) like on any chain.
    /// [`ChainError::BlockFull`] if the open block holds transactions and this one's gas limit
    /// does not fit beside them: the caller seals the block, and keeps it, before sending again.
    pub fn send_raw(&mut self, raw: &[u8], now: u64) -> Result<B256, ChainError> {
        let envelope = TxEnvelope::decode_2718_exact(raw)
            .map_err(|e| ChainError::BadTransaction(format!("not a signed transaction: {e}")))?;
        let hash = *envelope.tx_hash();
        if envelope.is_eip4844() {
            return Err(ChainError::BadTransaction("blob transactions are not taken here".into()));
        }
        if envelope.chain_id() != Some(self.chain_id()) {
            return Err(ChainError::BadTransaction(format!(
                "the transaction is for chain {:?}, this is chain {} (a legacy transaction must name it: EIP-155)",
                envelope.chain_id(),
                self.chain_id()
            )));
        }
        let pending = self.open.as_ref().is_some_and(|o| o.txs.iter().any(|t| t.hash == hash));
        if pending || self.index.contains_key(&hash) {
            return Err(ChainError::BadTransaction(format!("transaction {hash} is already known")));
        }
        let from = envelope.recover_signer().map_err(|e| ChainError::BadTransaction(format!("bad signature: {e}")))?;
        if envelope.gas_limit() > self.gas_cap() {
            return Err(ChainError::Invalid(format!(
                "gas limit {} is above the most one transaction may use here, {} (the block's limit and EIP-7825's cap)",
                envelope.gas_limit(),
                self.gas_cap()
            )));
        }
        let used = self.open.as_ref().map_or(0, |o| o.txs.last().map_or(0, |t| t.cumulative_gas_used));
        if used + envelope.gas_limit() > self.genesis.block_gas_limit && self.has_pending() {
            return Err(ChainError::BlockFull);
        }
        let open_base_fee = self.open(now).base_fee;
        let tx = tx_env(&envelope, from, self.chain_id());
        let outcome = match self.evm.transact(tx) {
            Ok(o) => o,
            Err(e) => {
                if !self.has_pending() {
                    self.open = None;
                }
                return Err(invalid(e));
            }
        };
        self.evm.commit(outcome.state);
        let result = outcome.result;
        let open = self.open.as_mut().expect("opened above");
        let cumulative_gas_used = open.txs.last().map_or(0, |t| t.cumulative_gas_used) + result.tx_gas_used();
        let effective_gas_price = envelope.effective_gas_price(Some(open_base_fee));
        open.txs.push(MinedTx {
            from,
            hash,
            success: result.is_success(),
            gas_used: result.tx_gas_used(),
            cumulative_gas_used,
            effective_gas_price,
            contract_address: result.created_address(),
            logs: result.logs().to_vec(),
            envelope,
        });
        Ok(hash)
    }

    /// Seals the open block (an empty one if none is open): the new head's number.
    pub fn seal_at(&mut self, now: u64) -> u64 {
        self.open(now);
        self.seal();
        self.head().header.number
    }

    fn seal(&mut self) {
        let Some(open) = self.open.take() else { return };
        let receipts: Vec<_> = open.txs.iter().map(MinedTx::receipt).collect();
        let envelopes: Vec<_> = open.txs.iter().map(|t| t.envelope.clone()).collect();
        let mut logs_bloom = alloy_primitives::Bloom::default();
        for r in &receipts {
            logs_bloom.accrue_bloom(r.logs_bloom());
        }
        let header = Header {
            parent_hash: self.head().hash,
            beneficiary: COINBASE,
            transactions_root: alloy_consensus::proofs::calculate_transaction_root(&envelopes),
            receipts_root: alloy_consensus::proofs::calculate_receipt_root(&receipts),
            logs_bloom,
            number: open.number,
            gas_limit: self.genesis.block_gas_limit,
            gas_used: open.txs.last().map_or(0, |t| t.cumulative_gas_used),
            timestamp: open.timestamp,
            mix_hash: keccak256(open.number.to_be_bytes()),
            base_fee_per_gas: Some(open.base_fee),
            // No state trie is kept: the state root stays zero (a client of this chain never
            // proves state against it).
            ..Default::default()
        };
        let hash = header.hash_slow();
        // BLOCKHASH answers with the hashes the chain serves.
        self.evm.ctx.db_mut().cache.block_hashes.insert(U256::from(open.number), hash);
        for (i, tx) in open.txs.iter().enumerate() {
            self.index.insert(tx.hash, (open.number, i));
        }
        self.blocks.push(Block { header, hash, txs: open.txs });
    }

    /// Runs `request` against the state the open block has reached, without keeping its effects
    /// (`eth_call`); `gas` caps it. No fee is charged unless the request names one, and its
    /// nonce is not checked.
    pub fn call(&mut self, request: &CallRequest, gas: u64, now: u64) -> Result<(Bytes, u64), ChainError> {
        let caller = request.from.unwrap_or_default();
        let nonce = self.nonce(caller);
        let priced = request.gas_price.is_some() || request.max_fee_per_gas.is_some();
        self.open(now);
        let tx = TxEnv {
            tx_type: if request.max_fee_per_gas.is_some() { 2 } else { 0 },
            caller,
            gas_limit: gas,
            gas_price: request.max_fee_per_gas.or(request.gas_price).unwrap_or(0),
            gas_priority_fee: request.max_priority_fee_per_gas,
            kind: request.to,
            value: request.value.unwrap_or_default(),
            data: request.input.clone(),
            nonce,
            chain_id: Some(self.chain_id()),
            ..Default::default()
        };
        // An unpriced call runs at a zero base fee (as geth runs it): it pays nothing, and its
        // caller needs only the value it sends.
        if !priced {
            self.evm.ctx.block.basefee = 0;
        }
        self.evm.ctx.cfg.disable_nonce_check = true;
        let outcome = self.evm.transact(tx);
        self.evm.ctx.cfg.disable_nonce_check = false;
        if !self.has_pending() {
            // Nothing was sent into the block opened for the call: the next one opens anew.
            self.open = None;
        }
        match outcome.map_err(invalid)?.result {
            r @ ExecutionResult::Success { .. } => Ok((r.output().cloned().unwrap_or_default(), r.tx_gas_used())),
            ExecutionResult::Revert { output, .. } => Err(ChainError::Reverted(output)),
            ExecutionResult::Halt { reason, .. } => Err(ChainError::Halted(format!("{reason:?}"))),
        }
    }

    /// The least gas limit at which `request` succeeds (`eth_estimateGas`), found by bisection
    /// between the gas it used and the cap (a call may need more than it uses: refunds, and the
    /// 63/64 of the gas it may pass on). The call's own error if it fails at the cap.
    pub fn estimate_gas(&mut self, request: &CallRequest, now: u64) -> Result<u64, ChainError> {
        let cap = request.gas.unwrap_or(self.gas_cap()).min(self.gas_cap());
        let (_, used) = self.call(request, cap, now)?;
        let (mut low, mut high) = (used.saturating_sub(1), cap);
        // Most calls succeed a little above what they use: try there first.
        let guess = (used + used / 16 + 2_300).min(cap);
        if self.call(request, guess, now).is_ok() {
            high = guess;
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            match self.call(request, mid, now) {
                Ok(_) => high = mid,
                Err(_) => low = mid,
            }
        }
        Ok(high)
    }

    /// The most gas one transaction may use: the block's limit, and the cap of EIP-7825 where
    /// the rules have it.
    pub fn gas_cap(&self) -> u64 {
        let cfg = &self.evm.ctx.cfg;
        cfg.tx_gas_limit_cap.unwrap_or(revm::primitives::eip7825::TX_GAS_LIMIT_CAP).min(self.genesis.block_gas_limit)
    }

    fn account(&self, address: Address) -> Option<&AccountInfo> {
        self.evm.ctx.db_ref().cache.accounts.get(&address).map(|a| &a.info)
    }

    /// An account's nonce in the state the open block has reached.
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).map_or(0, |a| a.nonce)
    }

    pub fn balance(&self, address: Address) -> U256 {
        self.account(address).map_or(U256::ZERO, |a| a.balance)
    }

    pub fn code(&self, address: Address) -> Bytes {
        self.account(address).and_then(|a| a.code.as_ref()).map(|c| c.original_bytes()).unwrap_or_default()
    }
}

/// What `eth_call` and `eth_estimateGas` run: a transaction nobody signed.
#[derive(Clone, Debug, Default)]
pub struct CallRequest {
    pub from: Option<Address>,
    pub to: TxKind,
    pub gas: Option<u64>,
    pub gas_price: Option<u128>,
    pub max_fee_per_gas: Option<u128>,
    pub max_priority_fee_per_gas: Option<u128>,
    pub value: Option<U256>,
    pub input: Bytes,
}

/// The EVM's view of a signed transaction.
fn tx_env(tx: &TxEnvelope, from: Address, chain_id: u64) -> TxEnv {
    TxEnv {
        tx_type: tx.tx_type() as u8,
        caller: from,
        gas_limit: tx.gas_limit(),
        gas_price: tx.max_fee_per_gas(),
        gas_priority_fee: tx.max_priority_fee_per_gas(),
        kind: tx.kind(),
        value: tx.value(),
        data: tx.input().clone(),
        nonce: tx.nonce(),
        chain_id: Some(chain_id),
        access_list: tx.access_list().cloned().unwrap_or_default(),
        authorization_list: tx
            .authorization_list()
            .map(|list| list.iter().cloned().map(revm::context::either::Either::Left).collect())
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// The bytes a transaction was sent as (its EIP-2718 encoding).
pub fn raw(tx: &TxEnvelope) -> Bytes {
    tx.encoded_2718().into()
}
