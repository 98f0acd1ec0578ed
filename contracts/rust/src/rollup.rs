//! The rollup contract deployed in an in-memory EVM, driven with the spec's types: each call
//! returns `Ok` or the rule id the contract reverted with. Used by the contract adapter, the
//! differential L1 tests and the demo.

use crate::artifacts::{bytecode, rejected_rule, Rollup, TestToken, ROLLUP, TEST_TOKEN};
use crate::evm::{CallOutcome, EvmError, L1Evm};
use alloy_primitives::{Address as EvmAddress, Bytes, FixedBytes, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1::{Call, CommitBlock, Event, L1Config, StoredBlock};
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::field::fr_to_be_bytes;
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::state::{AccountId, Nonce, TokenId};
use zkrollup_spec::tx::ChangePubKeyAuth;

use ark_ff::PrimeField;

/// The gas of each contract a deployment made, by name.
pub type DeployGas = Vec<(&'static str, u64)>;

pub const DEPLOYER: EvmAddress = EvmAddress::new([0xd0; 20]);

/// A call's failure: the rule id of a `Rejected(rule)` revert, or something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    Rejected(String),
    Other(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Rejected(r) => write!(f, "reverted with {r}"),
            CallError::Other(e) => write!(f, "{e}"),
        }
    }
}

fn outcome(r: Result<CallOutcome, EvmError>) -> Result<CallOutcome, CallError> {
    r.map_err(|e| match &e {
        EvmError::Revert { output, .. } => match rejected_rule(output) {
            Some(rule) => CallError::Rejected(rule),
            None => CallError::Other(e.to_string()),
        },
        _ => CallError::Other(e.to_string()),
    })
}

pub fn evm_address(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

fn word(x: &Fr) -> U256 {
    U256::from_be_bytes(fr_to_be_bytes(x))
}

fn fr(x: U256) -> Fr {
    Fr::from_be_bytes_mod_order(&x.to_be_bytes::<32>())
}

pub fn sol_stored(b: &StoredBlock) -> Rollup::StoredBlock {
    Rollup::StoredBlock {
        blockNumber: b.block_number,
        priorityOps: b.priority_ops,
        pendingOnchainOpsHash: FixedBytes(b.pending_onchain_ops_hash),
        timestamp: b.timestamp,
        stateRoot: word(&b.state_root),
        commitment: FixedBytes(b.commitment),
        chunks: b.chunks,
    }
}

pub fn spec_stored(b: &Rollup::StoredBlock) -> StoredBlock {
    StoredBlock {
        block_number: b.blockNumber,
        priority_ops: b.priorityOps,
        pending_onchain_ops_hash: b.pendingOnchainOpsHash.0,
        timestamp: b.timestamp,
        state_root: fr(b.stateRoot),
        commitment: b.commitment.0,
        chunks: b.chunks,
    }
}

pub fn sol_claim(claim: &ExitClaim) -> Rollup::ExitClaim {
    Rollup::ExitClaim {
        root: word(&claim.root),
        accountId: claim.account_id,
        owner: evm_address(&claim.owner),
        token: claim.token,
        amount: claim.amount,
    }
}

pub fn sol_commit(c: &CommitBlock) -> Rollup::CommitBlockInfo {
    Rollup::CommitBlockInfo {
        blockNumber: c.block_number,
        feeAccount: c.fee_account,
        timestamp: c.timestamp,
        newStateRoot: word(&c.new_state_root),
        pubdata: Bytes::from(c.pubdata.clone()),
        onchainOps: c
            .onchain_ops
            .iter()
            .map(|m| {
                let (kind, sig) = match &m.auth {
                    None | Some(ChangePubKeyAuth::Onchain) => (0u8, vec![]),
                    Some(ChangePubKeyAuth::Eip191(s)) => (1, s.to_vec()),
                    Some(ChangePubKeyAuth::Eip712(s)) => (2, s.to_vec()),
                };
                // Offsets beyond 32 bits cannot be sent; the largest u32 is as invalid.
                Rollup::OnchainOp {
                    offset: m.offset.try_into().unwrap_or(u32::MAX),
                    authKind: kind,
                    authSig: sig.into(),
                }
            })
            .collect(),
    }
}

/// Proof bytes as the contract's eight words: a 256-byte Groth16 proof word by word; a 32-byte
/// symbolic proof as its first word (the symbolic verifier's convention); anything else as
/// words no verifier accepts.
pub fn proof_words(proof: &[u8]) -> [U256; 8] {
    match proof.len() {
        256 => std::array::from_fn(|i| U256::from_be_slice(&proof[32 * i..32 * i + 32])),
        32 => std::array::from_fn(|i| if i == 0 { U256::from_be_slice(proof) } else { U256::ZERO }),
        _ => [U256::MAX; 8],
    }
}

/// The rollup contract, its tokens and its EVM.
pub struct RollupOnL1 {
    pub evm: L1Evm,
    pub rollup: EvmAddress,
    pub tokens: Vec<EvmAddress>,
    /// The rollup's log, read back as the spec's events: every event of every call, in order.
    pub log: Vec<Event>,
    now: u64,
}

impl RollupOnL1 {
    /// Deploys test ERC-20s at the config's token addresses and the rollup at its domain's
    /// contract address, with the given verifier contracts, at time `now`.
    pub fn deploy(
        config: &L1Config,
        now: u64,
        block_verifier: EvmAddress,
        exit_verifier: EvmAddress,
    ) -> Result<Self, String> {
        let mut evm = L1Evm::new();
        let block_verifiers = Self::per_size(config, block_verifier);
        Self::deploy_in(&mut evm, config, now, block_verifiers, exit_verifier).map(|(rollup, tokens)| RollupOnL1 {
            evm,
            rollup,
            tokens,
            log: Vec::new(),
            now,
        })
    }

    /// The constructor's block verifiers: `block_verifier` for each size the config names, none
    /// for the others; the contract's slots are [`BLOCK_CHUNK_SIZES`] in order.
    pub fn per_size(config: &L1Config, block_verifier: EvmAddress) -> [EvmAddress; 4] {
        std::array::from_fn(|i| {
            let named = BLOCK_CHUNK_SIZES.get(i).is_some_and(|&n| config.block_sizes.iter().any(|&s| s as usize == n));
            if named {
                block_verifier
            } else {
                EvmAddress::ZERO
            }
        })
    }

    fn deploy_in(
        evm: &mut L1Evm,
        config: &L1Config,
        now: u64,
        block_verifiers: [EvmAddress; 4],
        exit_verifier: EvmAddress,
    ) -> Result<(EvmAddress, Vec<EvmAddress>), String> {
        evm.set_chain_id(config.domain.chain_id);
        evm.set_timestamp(now);
        let mut tokens = Vec::new();
        for t in &config.tokens {
            Self::place_test_token(evm, evm_address(t))?;
            tokens.push(evm_address(t));
        }
        let args = Self::constructor_args(config, &tokens, block_verifiers, exit_verifier);
        let (at, _) = evm.deploy(DEPLOYER, &bytecode(ROLLUP), &args).map_err(|e| e.to_string())?;
        let rollup = evm_address(&config.domain.contract);
        evm.move_contract(at, rollup);
        Ok((rollup, tokens))
    }

    /// The rollup's constructor arguments for `config`, with its tokens at `tokens` (in the
    /// config's order) and the verifier contracts given: the same on any chain.
    pub fn constructor_args(
        config: &L1Config,
        tokens: &[EvmAddress],
        block_verifiers: [EvmAddress; 4],
        exit_verifier: EvmAddress,
    ) -> Vec<u8> {
        Rollup::constructorCall {
            governor_: evm_address(&config.governor),
            validators: config.validators.iter().map(evm_address).collect(),
            genesisRoot: word(&config.genesis_root),
            tokenList: tokens.to_vec(),
            maxTokens_: config.max_tokens,
            blockVerifiers: block_verifiers,
            exitVerifier_: exit_verifier,
        }
        .abi_encode()
    }

    /// Deploys a test ERC-20 at `at`, unless a contract is there already (the zero address,
    /// which the contract refuses to list, gets none).
    fn place_test_token(evm: &mut L1Evm, at: EvmAddress) -> Result<(), String> {
        if at == EvmAddress::ZERO || evm.has_code(at) {
            return Ok(());
        }
        let (deployed, _) = evm.deploy(DEPLOYER, &bytecode(TEST_TOKEN), &[]).map_err(|e| e.to_string())?;
        evm.move_contract(deployed, at);
        Ok(())
    }

    /// Deploys Groth16 verifiers for `block_vk`, the key of `block_chunks`-chunk blocks, and
    /// `exit_vk`, then the rollup taking blocks of that size alone (`config.block_sizes` is set
    /// to it); with the gas of each deployment.
    pub fn deploy_groth16(
        config: &L1Config,
        now: u64,
        block_chunks: usize,
        block_vk: &zkrollup_circuits::groth16::Vk,
        exit_vk: &zkrollup_circuits::groth16::Vk,
    ) -> Result<(Self, L1Config, DeployGas), String> {
        use crate::artifacts::GROTH16_VERIFIER;
        use crate::verifier::constructor_args;
        let config = L1Config { block_sizes: vec![block_chunks as u16], ..config.clone() };
        let mut evm = L1Evm::new();
        let mut deploy_gas = Vec::new();
        let mut verifier = |name: &'static str, vk: &zkrollup_circuits::groth16::Vk| -> Result<_, String> {
            let (at, gas) =
                evm.deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(vk)?).map_err(|e| e.to_string())?;
            deploy_gas.push((name, gas));
            Ok(at)
        };
        let (b, e) = (verifier("block verifier", block_vk)?, verifier("exit verifier", exit_vk)?);
        let contract = Self::deploy_with(evm, &config, now, b, e)?;
        Ok((contract, config, deploy_gas))
    }

    /// Deploys into an existing EVM (where the verifiers live).
    pub fn deploy_with(
        evm: L1Evm,
        config: &L1Config,
        now: u64,
        block_verifier: EvmAddress,
        exit_verifier: EvmAddress,
    ) -> Result<Self, String> {
        Self::deploy_with_verifiers(evm, config, now, Self::per_size(config, block_verifier), exit_verifier)
    }

    /// [`RollupOnL1::deploy_with`], with a verifier of its own for each block size (8, 16, 32,
    /// 64 chunks; the zero address for none): `config.block_sizes` should name the sizes that
    /// have one, or the spec and the contract disagree at commit.
    pub fn deploy_with_verifiers(
        mut evm: L1Evm,
        config: &L1Config,
        now: u64,
        block_verifiers: [EvmAddress; 4],
        exit_verifier: EvmAddress,
    ) -> Result<Self, String> {
        let (rollup, tokens) = Self::deploy_in(&mut evm, config, now, block_verifiers, exit_verifier)?;
        Ok(RollupOnL1 { evm, rollup, tokens, log: Vec::new(), now })
    }

    pub fn now(&self) -> u64 {
        self.now
    }

    /// Moves the L1 clock (never backwards).
    pub fn set_time(&mut self, now: u64) {
        self.now = self.now.max(now);
        self.evm.set_timestamp(self.now);
    }

    fn send(&mut self, from: &Address, call: impl SolCall) -> Result<CallOutcome, CallError> {
        self.send_as(evm_address(from), call)
    }

    fn send_as(&mut self, from: EvmAddress, call: impl SolCall) -> Result<CallOutcome, CallError> {
        let out = outcome(self.evm.call(from, self.rollup, call.abi_encode()))?;
        self.record(&out)?;
        Ok(out)
    }

    /// Appends the rollup's logs of a successful call to [`RollupOnL1::log`] (other contracts'
    /// logs, a token's `Transfer`, are not the rollup's).
    fn record(&mut self, out: &CallOutcome) -> Result<(), CallError> {
        for log in out.logs.iter().filter(|l| l.address == self.rollup) {
            self.log.push(crate::events::decode(log).map_err(CallError::Other)?);
        }
        Ok(())
    }

    fn view<C: SolCall>(&mut self, call: C) -> C::Return {
        let out = self.evm.call(DEPLOYER, self.rollup, call.abi_encode()).expect("views do not revert");
        C::abi_decode_returns(&out.output).expect("views return their type")
    }

    /// `depositETH` or `depositERC20` from `from`, funding `from` first (ETH balance, or minted
    /// and approved tokens).
    pub fn deposit(&mut self, from: &Address, to: &Address, token: TokenId, amount: u128) -> Result<u64, CallError> {
        let sender = evm_address(from);
        if token == 0 {
            let have = self.evm.balance(sender);
            self.evm.set_balance(sender, have + U256::from(amount));
            let data = Rollup::depositETHCall { to: evm_address(to) }.abi_encode();
            let out = outcome(self.evm.call_value(sender, self.rollup, data, U256::from(amount)))?;
            self.record(&out)?;
            return Ok(out.gas_used);
        }
        if let Some(&t) = self.tokens.get(token as usize - 1) {
            let mint = TestToken::mintCall { to: sender, amount: U256::from(amount) }.abi_encode();
            outcome(self.evm.call(DEPLOYER, t, mint))?;
            let approve = TestToken::approveCall { spender: self.rollup, amount: U256::from(amount) }.abi_encode();
            outcome(self.evm.call(sender, t, approve))?;
        }
        self.send(from, Rollup::depositERC20Call { token, amount, to: evm_address(to) }).map(|o| o.gas_used)
    }

    pub fn request_full_exit(
        &mut self,
        owner: &Address,
        account_id: AccountId,
        token: TokenId,
    ) -> Result<u64, CallError> {
        self.send(owner, Rollup::requestFullExitCall { accountId: account_id, token }).map(|o| o.gas_used)
    }

    pub fn set_auth_pubkey_hash(&mut self, sender: &Address, pkh: &PubKeyHash, nonce: Nonce) -> Result<u64, CallError> {
        self.send(sender, Rollup::setAuthPubkeyHashCall { pubkeyHash: FixedBytes(pkh.0), nonce }).map(|o| o.gas_used)
    }

    pub fn commit_block(
        &mut self,
        sender: &Address,
        parent: &StoredBlock,
        b: &CommitBlock,
    ) -> Result<(StoredBlock, u64), CallError> {
        let out = self.send(sender, Rollup::commitBlockCall { parent: sol_stored(parent), b: sol_commit(b) })?;
        let stored =
            Rollup::commitBlockCall::abi_decode_returns(&out.output).map_err(|e| CallError::Other(e.to_string()))?;
        Ok((spec_stored(&stored), out.gas_used))
    }

    pub fn prove_block(&mut self, sender: &Address, b: &StoredBlock, proof: &[u8]) -> Result<u64, CallError> {
        self.send(sender, Rollup::proveBlockCall { b: sol_stored(b), proof: proof_words(proof) }).map(|o| o.gas_used)
    }

    pub fn execute_block(
        &mut self,
        sender: &Address,
        b: &StoredBlock,
        pending_ops: &[Vec<u8>],
    ) -> Result<u64, CallError> {
        let ops = pending_ops.iter().map(|o| Bytes::from(o.clone())).collect();
        self.send(sender, Rollup::executeBlockCall { b: sol_stored(b), pendingOps: ops }).map(|o| o.gas_used)
    }

    pub fn withdraw_pending_balance(
        &mut self,
        owner: &Address,
        token: TokenId,
        amount: u128,
    ) -> Result<u64, CallError> {
        let call = Rollup::withdrawPendingBalanceCall { owner: evm_address(owner), token, amount };
        self.send(owner, call).map(|o| o.gas_used)
    }

    pub fn revert_blocks(&mut self, sender: &Address, blocks: &[StoredBlock]) -> Result<u64, CallError> {
        self.send(sender, Rollup::revertBlocksCall { blocks: blocks.iter().map(sol_stored).collect() })
            .map(|o| o.gas_used)
    }

    pub fn activate_exodus_mode(&mut self) -> Result<u64, CallError> {
        self.send_as(DEPLOYER, Rollup::activateExodusModeCall {}).map(|o| o.gas_used)
    }

    pub fn perform_exodus(&mut self, last: &StoredBlock, claim: &ExitClaim, proof: &[u8]) -> Result<u64, CallError> {
        let call = Rollup::performExodusCall {
            lastExecuted: sol_stored(last),
            c: sol_claim(claim),
            proof: proof_words(proof),
        };
        self.send(&claim.owner, call).map(|o| o.gas_used)
    }

    pub fn cancel_outstanding_deposits(&mut self, n: u64) -> Result<u64, CallError> {
        self.send_as(DEPLOYER, Rollup::cancelOutstandingDepositsForExodusModeCall { n }).map(|o| o.gas_used)
    }

    pub fn propose_governor(&mut self, sender: &Address, candidate: &Address) -> Result<u64, CallError> {
        self.send(sender, Rollup::proposeGovernorCall { candidate: evm_address(candidate) }).map(|o| o.gas_used)
    }

    pub fn accept_governor(&mut self, sender: &Address) -> Result<u64, CallError> {
        self.send(sender, Rollup::acceptGovernorCall {}).map(|o| o.gas_used)
    }

    pub fn renounce_governor(&mut self, sender: &Address) -> Result<u64, CallError> {
        self.send(sender, Rollup::renounceGovernorCall {}).map(|o| o.gas_used)
    }

    pub fn set_validator(&mut self, sender: &Address, validator: &Address, active: bool) -> Result<u64, CallError> {
        self.send(sender, Rollup::setValidatorCall { validator: evm_address(validator), active }).map(|o| o.gas_used)
    }

    /// `listToken`; a test ERC-20 is placed at `token` first if nothing is deployed there, so
    /// deposits of the new token can be funded.
    pub fn list_token(&mut self, sender: &Address, token: &Address) -> Result<u64, CallError> {
        Self::place_test_token(&mut self.evm, evm_address(token)).map_err(CallError::Other)?;
        let gas = self.send(sender, Rollup::listTokenCall { token: evm_address(token) })?.gas_used;
        self.tokens = self.listed_tokens();
        Ok(gas)
    }

    // Views.

    /// Makes one call of the spec's list on the contract: the stored block for a commit, and the
    /// gas used (none for setting the time, which is not a transaction).
    pub fn call(&mut self, call: &Call) -> Result<(Option<StoredBlock>, u64), CallError> {
        let gas = |r: Result<u64, CallError>| r.map(|g| (None, g));
        match call {
            Call::SetTime { now } => {
                self.set_time(*now);
                Ok((None, 0))
            }
            Call::Deposit { from, to, token, amount } => gas(self.deposit(from, to, *token, *amount)),
            Call::RequestFullExit { owner, account_id, token } => {
                gas(self.request_full_exit(owner, *account_id, *token))
            }
            Call::SetAuthPubkeyHash { sender, pubkey_hash, nonce } => {
                gas(self.set_auth_pubkey_hash(sender, pubkey_hash, *nonce))
            }
            Call::CommitBlock { sender, parent, block } => {
                self.commit_block(sender, parent, block).map(|(b, g)| (Some(b), g))
            }
            Call::ProveBlock { sender, block, proof } => gas(self.prove_block(sender, block, proof)),
            Call::ExecuteBlock { sender, block, pending_ops } => gas(self.execute_block(sender, block, pending_ops)),
            Call::WithdrawPendingBalance { owner, token, amount } => {
                gas(self.withdraw_pending_balance(owner, *token, *amount))
            }
            Call::RevertBlocks { sender, blocks } => gas(self.revert_blocks(sender, blocks)),
            Call::ActivateExodusMode => gas(self.activate_exodus_mode()),
            Call::PerformExodus { block, claim, proof } => gas(self.perform_exodus(block, claim, proof)),
            Call::CancelOutstandingDeposits { n } => gas(self.cancel_outstanding_deposits(*n)),
            Call::ProposeGovernor { sender, candidate } => gas(self.propose_governor(sender, candidate)),
            Call::AcceptGovernor { sender } => gas(self.accept_governor(sender)),
            Call::RenounceGovernor { sender } => gas(self.renounce_governor(sender)),
            Call::SetValidator { sender, validator, active } => gas(self.set_validator(sender, validator, *active)),
            Call::ListToken { sender, token } => gas(self.list_token(sender, token)),
        }
    }

    pub fn blocks(&mut self) -> (u32, u32, u32) {
        (
            self.view(Rollup::blocksCommittedCall {}),
            self.view(Rollup::blocksProvenCall {}),
            self.view(Rollup::blocksExecutedCall {}),
        )
    }

    pub fn requests(&mut self) -> (u64, u64) {
        (self.view(Rollup::firstOpenRequestCall {}), self.view(Rollup::totalRequestsCall {}))
    }

    pub fn governor(&mut self) -> Address {
        Address(self.view(Rollup::governorCall {}).0 .0)
    }

    pub fn pending_governor(&mut self) -> Address {
        Address(self.view(Rollup::pendingGovernorCall {}).0 .0)
    }

    /// The listed tokens, token id 1 first.
    pub fn listed_tokens(&mut self) -> Vec<EvmAddress> {
        self.view(Rollup::listedTokensCall {})
    }

    pub fn exodus_mode(&mut self) -> bool {
        self.view(Rollup::exodusModeCall {})
    }

    pub fn pending_balance(&mut self, owner: &Address, token: TokenId) -> u128 {
        self.view(Rollup::pendingBalanceCall { _0: evm_address(owner), _1: token })
    }

    /// What the contract's books say it holds of `token` from deposits (the spec's `held`).
    pub fn held_from_deposits(&mut self, token: TokenId) -> u128 {
        self.view(Rollup::heldFromDepositsCall(token))
    }

    /// What the contract holds of `token` (its ETH balance, or its ERC-20 balance).
    pub fn held(&mut self, token: TokenId) -> U256 {
        if token == 0 {
            return self.evm.balance(self.rollup);
        }
        let Some(&t) = self.tokens.get(token as usize - 1) else { return U256::ZERO };
        let out = self.evm.call(DEPLOYER, t, TestToken::balanceOfCall(self.rollup).abi_encode()).expect("balanceOf");
        TestToken::balanceOfCall::abi_decode_returns(&out.output).expect("a uint256")
    }
}
