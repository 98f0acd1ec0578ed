//! An L1 backend that runs every call on the spec's state machine *and* on the Solidity rollup
//! contract in revm, and records any disagreement (a different verdict, rule id or stored
//! block). The spec's answer drives the caller; the contract's gas is recorded per call kind.
//! Proofs are checked on the spec's side by arkworks (native Groth16) and on the contract's side
//! by the Solidity verifier through the BN254 precompiles: two independent verifiers.

use std::collections::BTreeMap;

use crate::artifacts::{bytecode, GROTH16_VERIFIER};
use crate::evm::L1Evm;
use crate::verifier::{constructor_args, proof_from_words};
use alloy_primitives::U256;
use zkrollup_circuits::groth16::{verify, Vk};
use zkrollup_conformance::operator::L1Backend;
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1::{CommitBlock, L1Config, ProofVerifier, StoredBlock, L1};
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::rules::Rejection;
use zkrollup_spec::state::{AccountId, Nonce, TokenId};

use crate::rollup::{proof_words, CallError, RollupOnL1, DEPLOYER};

/// Groth16 verification with arkworks, for the spec's side.
pub struct NativeVerifier {
    pub block: Vk,
    pub exit: Vk,
}

fn native(vk: &Vk, input: &Fr, proof: &[u8]) -> bool {
    let words: [U256; 8] = proof_words(proof);
    proof_from_words(&words).is_some_and(|p| verify(vk, &[*input], &p).unwrap_or(false))
}

impl ProofVerifier for NativeVerifier {
    fn verify_block(&self, input: &Fr, proof: &[u8]) -> bool {
        native(&self.block, input, proof)
    }
    fn verify_exit(&self, input: &Fr, proof: &[u8]) -> bool {
        native(&self.exit, input, proof)
    }
}

/// The spec and the contract side by side.
pub struct DualL1 {
    pub spec: L1,
    pub contract: RollupOnL1,
    /// Gas of each successful contract call, by call kind.
    pub gas: BTreeMap<&'static str, Vec<u64>>,
    /// Every disagreement between the two, in order.
    pub mismatches: Vec<String>,
    /// Gas of deploying the verifiers and the rollup.
    pub deploy_gas: Vec<(&'static str, u64)>,
}

impl DualL1 {
    /// Deploys Groth16 verifiers for `block_vk` and `exit_vk`, then the rollup.
    pub fn deploy(config: L1Config, now: u64, block_vk: &Vk, exit_vk: &Vk) -> Result<Self, String> {
        let mut evm = L1Evm::new();
        let mut deploy_gas = Vec::new();
        let mut verifier = |name: &'static str, vk: &Vk| -> Result<_, String> {
            let (at, gas) =
                evm.deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(vk)?).map_err(|e| e.to_string())?;
            deploy_gas.push((name, gas));
            Ok(at)
        };
        let (b, e) = (verifier("block verifier", block_vk)?, verifier("exit verifier", exit_vk)?);
        let contract = RollupOnL1::deploy_with(evm, &config, now, b, e)?;
        Ok(DualL1 { spec: L1::new(config, now), contract, gas: BTreeMap::new(), mismatches: Vec::new(), deploy_gas })
    }

    /// Deploys with the symbolic verifier for blocks (benchmarks of commit and execute gas) and
    /// a Groth16 verifier for exits.
    pub fn deploy_symbolic(config: L1Config, now: u64, exit_vk: &Vk) -> Result<Self, String> {
        use crate::artifacts::SYMBOLIC_VERIFIER;
        let mut evm = L1Evm::new();
        let (b, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).map_err(|e| e.to_string())?;
        let (e, _) = evm
            .deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(exit_vk)?)
            .map_err(|e| e.to_string())?;
        let contract = RollupOnL1::deploy_with(evm, &config, now, b, e)?;
        Ok(DualL1 {
            spec: L1::new(config, now),
            contract,
            gas: BTreeMap::new(),
            mismatches: Vec::new(),
            deploy_gas: vec![],
        })
    }

    /// Compares the two answers; returns the spec's.
    fn agree<T: PartialEq + std::fmt::Debug>(
        &mut self,
        kind: &'static str,
        spec: Result<T, Rejection>,
        contract: Result<(T, u64), CallError>,
    ) -> Result<T, Rejection> {
        match (&spec, contract) {
            (Ok(s), Ok((c, gas))) if *s == c => self.gas.entry(kind).or_default().push(gas),
            (Err(s), Err(CallError::Rejected(rule))) if s.rule.id() == rule => {}
            (s, c) => self.mismatches.push(format!("{kind}: spec {s:?}, contract {c:?}")),
        }
        spec
    }
}

impl L1Backend for DualL1 {
    fn state(&self) -> &L1 {
        &self.spec
    }

    fn set_time(&mut self, now: u64) {
        self.spec.set_time(now);
        self.contract.set_time(now);
    }

    fn deposit(&mut self, from: Address, to: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        let s = self.spec.deposit(from, to, token, amount);
        let c = self.contract.deposit(&from, &to, token, amount).map(|g| ((), g));
        self.agree(if token == 0 { "depositETH" } else { "depositERC20" }, s, c)
    }

    fn request_full_exit(&mut self, owner: Address, account_id: AccountId, token: TokenId) -> Result<(), Rejection> {
        let s = self.spec.request_full_exit(owner, account_id, token);
        let c = self.contract.request_full_exit(&owner, account_id, token).map(|g| ((), g));
        self.agree("requestFullExit", s, c)
    }

    fn set_auth_pubkey_hash(&mut self, sender: Address, pkh: PubKeyHash, nonce: Nonce) -> Result<(), Rejection> {
        let s = self.spec.set_auth_pubkey_hash(sender, pkh, nonce);
        let c = self.contract.set_auth_pubkey_hash(&sender, &pkh, nonce).map(|g| ((), g));
        self.agree("setAuthPubkeyHash", s, c)
    }

    fn commit_block(
        &mut self,
        sender: Address,
        parent: &StoredBlock,
        block: &CommitBlock,
    ) -> Result<StoredBlock, Rejection> {
        let s = self.spec.commit_block(sender, parent, block);
        let c = self.contract.commit_block(&sender, parent, block);
        self.agree("commitBlock", s, c)
    }

    fn prove_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        let s = self.spec.prove_block(sender, block, proof, verifier);
        let c = self.contract.prove_block(&sender, block, proof).map(|g| ((), g));
        self.agree("proveBlock", s, c)
    }

    fn execute_block(
        &mut self,
        sender: Address,
        block: &StoredBlock,
        pending_ops: &[Vec<u8>],
    ) -> Result<(), Rejection> {
        let s = self.spec.execute_block(sender, block, pending_ops);
        let c = self.contract.execute_block(&sender, block, pending_ops).map(|g| ((), g));
        self.agree("executeBlock", s, c)
    }

    fn withdraw_pending_balance(&mut self, owner: Address, token: TokenId, amount: u128) -> Result<(), Rejection> {
        let s = self.spec.withdraw_pending_balance(owner, token, amount);
        let c = self.contract.withdraw_pending_balance(&owner, token, amount).map(|g| ((), g));
        self.agree("withdrawPendingBalance", s, c)
    }

    fn activate_exodus_mode(&mut self) -> Result<(), Rejection> {
        let s = self.spec.activate_exodus_mode();
        let c = self.contract.activate_exodus_mode().map(|g| ((), g));
        self.agree("activateExodusMode", s, c)
    }

    fn perform_exodus(
        &mut self,
        last_executed: &StoredBlock,
        claim: &ExitClaim,
        proof: &[u8],
        verifier: &dyn ProofVerifier,
    ) -> Result<(), Rejection> {
        let s = self.spec.perform_exodus(last_executed, claim, proof, verifier);
        let c = self.contract.perform_exodus(last_executed, claim, proof).map(|g| ((), g));
        self.agree("performExodus", s, c)
    }

    fn cancel_outstanding_deposits(&mut self, n: u64) -> Result<(), Rejection> {
        let s = self.spec.cancel_outstanding_deposits(n);
        let c = self.contract.cancel_outstanding_deposits(n).map(|g| ((), g));
        self.agree("cancelOutstandingDeposits", s, c)
    }
}
