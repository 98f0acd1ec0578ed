//! An in-memory L1: revm over an in-memory database, with deploy and call helpers that
//! report gas. Nonces are tracked here (revm leaves them to the caller).

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, U256};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::result::ExecutionResult;
use revm::context_interface::ContextTr;
use revm::database::InMemoryDB;
use revm::handler::{MainBuilder, MainContext, MainnetEvm};
use revm::ExecuteCommitEvm;

type Ctx = Context<BlockEnv, TxEnv, CfgEnv, InMemoryDB>;

/// Why a call did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum EvmError {
    #[error("reverted (gas {gas}): 0x{}", hex::encode(.output))]
    Revert { gas: u64, output: Bytes },
    #[error("halted (gas {gas}): {reason}")]
    Halt { gas: u64, reason: String },
    #[error("the EVM refused the transaction: {0}")]
    Invalid(String),
}

/// The outcome of a successful call.
#[derive(Debug, Clone)]
pub struct CallOutcome {
    pub output: Bytes,
    pub gas_used: u64,
    pub created: Option<Address>,
    /// The logs the call emitted, in order.
    pub logs: Vec<alloy_primitives::Log>,
}

pub struct L1Evm {
    evm: MainnetEvm<Ctx>,
    nonces: HashMap<Address, u64>,
}

impl Default for L1Evm {
    fn default() -> Self {
        Self::new()
    }
}

impl L1Evm {
    pub fn new() -> Self {
        let ctx: Ctx = Context::mainnet().with_db(InMemoryDB::default());
        L1Evm { evm: ctx.build_mainnet(), nonces: HashMap::new() }
    }

    /// Sets the block timestamp seen by the next calls.
    pub fn set_timestamp(&mut self, t: u64) {
        self.evm.ctx.block.timestamp = U256::from(t);
    }

    fn send(
        &mut self,
        from: Address,
        to: Option<Address>,
        data: Vec<u8>,
        value: U256,
    ) -> Result<CallOutcome, EvmError> {
        let chain_id = self.evm.ctx.cfg.chain_id;
        let nonce = self.nonces.entry(from).or_insert(0);
        let builder = TxEnv::builder()
            .chain_id(Some(chain_id))
            .caller(from)
            .gas_limit(16_000_000)
            .gas_price(0)
            .nonce(*nonce)
            .value(value)
            .data(data.into());
        let tx = match to {
            Some(a) => builder.call(a),
            None => builder.create(),
        }
        .build_fill();
        let result = self.evm.transact_commit(tx).map_err(|e| EvmError::Invalid(format!("{e:?}")))?;
        *nonce += 1;
        match result {
            ExecutionResult::Success { .. } => Ok(CallOutcome {
                gas_used: result.tx_gas_used(),
                created: result.created_address(),
                logs: result.logs().to_vec(),
                output: result.into_output().unwrap_or_default(),
            }),
            ExecutionResult::Revert { gas, output, .. } => Err(EvmError::Revert { gas: gas.total_gas_spent(), output }),
            ExecutionResult::Halt { reason, gas, .. } => {
                Err(EvmError::Halt { gas: gas.total_gas_spent(), reason: format!("{reason:?}") })
            }
        }
    }

    /// Deploys `bytecode ‖ constructor_args` from `from`; returns the address and gas.
    pub fn deploy(
        &mut self,
        from: Address,
        bytecode: &[u8],
        constructor_args: &[u8],
    ) -> Result<(Address, u64), EvmError> {
        let mut code = bytecode.to_vec();
        code.extend_from_slice(constructor_args);
        let out = self.send(from, None, code, U256::ZERO)?;
        Ok((out.created.expect("a successful create has an address"), out.gas_used))
    }

    /// Calls `to` with `data` from `from`, committing state changes.
    pub fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<CallOutcome, EvmError> {
        self.send(from, Some(to), data, U256::ZERO)
    }

    /// Calls `to` with `data` and `value` wei from `from`.
    pub fn call_value(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<CallOutcome, EvmError> {
        self.send(from, Some(to), data, value)
    }

    /// Sets the chain id the contracts see (`block.chainid`).
    pub fn set_chain_id(&mut self, id: u64) {
        self.evm.ctx.cfg.chain_id = id;
    }

    fn db(&mut self) -> &mut InMemoryDB {
        self.evm.ctx.db_mut()
    }

    /// The ETH balance of `a`, in wei.
    pub fn balance(&mut self, a: Address) -> U256 {
        self.db().cache.accounts.get(&a).map_or(U256::ZERO, |acc| acc.info.balance)
    }

    /// Whether `a` holds code (a deployed contract).
    pub fn has_code(&mut self, a: Address) -> bool {
        self.db().cache.accounts.get(&a).and_then(|acc| acc.info.code.as_ref()).is_some_and(|c| !c.is_empty())
    }

    /// Sets the ETH balance of `a` (test funding).
    pub fn set_balance(&mut self, a: Address, wei: U256) {
        let db = self.db();
        let mut info = db.cache.accounts.get(&a).map(|acc| acc.info.clone()).unwrap_or_default();
        info.balance = wei;
        db.insert_account_info(a, info);
    }

    /// Moves the deployed contract at `from` (code, storage, balance) to `to`, as if it had been
    /// deployed there: lets a harness place a contract at an address fixed in advance (the
    /// EIP-712 domain of the vectors names the contract's address).
    pub fn move_contract(&mut self, from: Address, to: Address) {
        let db = self.db();
        if let Some(acc) = db.cache.accounts.remove(&from) {
            db.cache.accounts.insert(to, acc);
        }
    }
}
