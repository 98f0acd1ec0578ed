//! Proof checks answered by Solidity verifiers running in revm, behind the spec's
//! [`ProofVerifier`] trait: the spec's L1 state machine then accepts a block or an exit exactly
//! when the deployed verifier contract would. One generic Groth16 verifier contract is deployed
//! per circuit, with that circuit's verifying key as constructor arguments.

use std::cell::RefCell;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use zkrollup_circuits::groth16::{Groth16Proof, Vk};
use zkrollup_contracts::artifacts::{bytecode, IGroth16Verifier, GROTH16_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_contracts::verifier::{constructor_args, fr_word, proof_words};
use zkrollup_spec::l1::ProofVerifier;
use zkrollup_spec::primitives::Fr;

const DEPLOYER: Address = Address::new([0xd0; 20]);

/// A deployed verifier and the gas of every call it answered.
struct Deployed {
    at: Address,
    gas: RefCell<Vec<u64>>,
}

/// Verifier contracts for block proofs and exit proofs, deployed in one in-memory EVM.
pub struct OnchainVerifier {
    evm: RefCell<L1Evm>,
    block: Option<Deployed>,
    exit: Option<Deployed>,
    /// Gas of each deployment.
    pub deploy_gas: Vec<u64>,
}

impl OnchainVerifier {
    /// Deploys a verifier for each key given; proofs of a kind without one are refused.
    pub fn deploy(block_vk: Option<&Vk>, exit_vk: Option<&Vk>) -> Result<Self, String> {
        let mut evm = L1Evm::new();
        let mut deploy_gas = Vec::new();
        let mut deploy = |vk: Option<&Vk>| -> Result<Option<Deployed>, String> {
            let Some(vk) = vk else { return Ok(None) };
            let (at, gas) =
                evm.deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(vk)?).map_err(|e| e.to_string())?;
            deploy_gas.push(gas);
            Ok(Some(Deployed { at, gas: RefCell::new(Vec::new()) }))
        };
        let block = deploy(block_vk)?;
        let exit = deploy(exit_vk)?;
        Ok(OnchainVerifier { evm: RefCell::new(evm), block, exit, deploy_gas })
    }

    /// The proof as the bytes an L1 call carries: the contract's eight words.
    pub fn encode(proof: &Groth16Proof) -> Vec<u8> {
        proof_words(proof).iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
    }

    fn call(&self, to: &Option<Deployed>, public_input: &Fr, proof: &[u8]) -> bool {
        let (Some(d), Ok(words)) = (to, <[u8; 256]>::try_from(proof)) else { return false };
        let proof: [U256; 8] = std::array::from_fn(|i| U256::from_be_slice(&words[32 * i..32 * i + 32]));
        let data = IGroth16Verifier::verifyProofCall { proof, input: fr_word(public_input) }.abi_encode();
        let Ok(out) = self.evm.borrow_mut().call(DEPLOYER, d.at, data) else { return false };
        d.gas.borrow_mut().push(out.gas_used);
        IGroth16Verifier::verifyProofCall::abi_decode_returns(&out.output).unwrap_or(false)
    }

    /// Gas of every block-proof verification so far.
    pub fn block_gas(&self) -> Vec<u64> {
        self.block.as_ref().map_or_else(Vec::new, |d| d.gas.borrow().clone())
    }

    /// Gas of every exit-proof verification so far.
    pub fn exit_gas(&self) -> Vec<u64> {
        self.exit.as_ref().map_or_else(Vec::new, |d| d.gas.borrow().clone())
    }
}

impl ProofVerifier for OnchainVerifier {
    fn verify_block(&self, public_input: &Fr, proof: &[u8]) -> bool {
        self.call(&self.block, public_input, proof)
    }

    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool {
        self.call(&self.exit, public_input, proof)
    }
}
