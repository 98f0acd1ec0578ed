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
use zkrollup_spec::l1::{Call, L1Config, ProofVerifier, StoredBlock, L1};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rejection;

use crate::rollup::{proof_words, CallError, RollupOnL1, DEPLOYER};

/// Groth16 verification with arkworks, for the spec's side: blocks of `block_chunks` chunks
/// (a verifying key is one circuit's) and exits.
pub struct NativeVerifier {
    pub block_chunks: u16,
    pub block: Vk,
    pub exit: Vk,
}

fn native(vk: &Vk, input: &Fr, proof: &[u8]) -> bool {
    let words: [U256; 8] = proof_words(proof);
    proof_from_words(&words).is_some_and(|p| verify(vk, &[*input], &p).unwrap_or(false))
}

impl ProofVerifier for NativeVerifier {
    fn verify_block(&self, chunks: u16, input: &Fr, proof: &[u8]) -> bool {
        chunks == self.block_chunks && native(&self.block, input, proof)
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
    /// Deploys Groth16 verifiers for `block_vk`, the key of `block_chunks`-chunk blocks, and
    /// `exit_vk`, then the rollup; the deployment takes blocks of that size alone (its
    /// `config.block_sizes` is set to it).
    pub fn deploy(
        config: L1Config,
        now: u64,
        block_chunks: usize,
        block_vk: &Vk,
        exit_vk: &Vk,
    ) -> Result<Self, String> {
        let (contract, config, deploy_gas) = RollupOnL1::deploy_groth16(&config, now, block_chunks, block_vk, exit_vk)?;
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
}

impl L1Backend for DualL1 {
    fn state(&self) -> &L1 {
        &self.spec
    }

    /// Makes the call on both; records the contract's gas when they agree, else the mismatch
    /// (verdict, rule id, stored block, or the events logged); answers the spec's result.
    fn call(&mut self, call: &Call, verifier: &dyn ProofVerifier) -> Result<Option<StoredBlock>, Rejection> {
        let (spec_logged, contract_logged) = (self.spec.log.len(), self.contract.log.len());
        let spec = self.spec.call(call, verifier);
        let contract = self.contract.call(call);
        let (s_events, c_events) = (&self.spec.log[spec_logged..], &self.contract.log[contract_logged..]);
        if s_events != c_events {
            self.mismatches.push(format!("{}: spec logged {s_events:?}, contract {c_events:?}", call.name()));
        }
        match (&spec, contract) {
            (_, _) if matches!(call, Call::SetTime { .. }) => {}
            (Ok(s), Ok((c, gas))) if *s == c => self.gas.entry(call.name()).or_default().push(gas),
            (Err(s), Err(CallError::Rejected(rule))) if s.rule.id() == rule => {}
            (s, c) => self.mismatches.push(format!("{}: spec {s:?}, contract {c:?}", call.name())),
        }
        spec
    }
}
