//! Proof checks answered by the Solidity verifier running in revm, behind the spec's
//! [`ProofVerifier`] trait: the spec's L1 state machine then accepts an exit exactly when the
//! deployed contract would.

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

/// A Groth16 verifier contract for exit proofs, deployed in an in-memory EVM.
pub struct OnchainExitVerifier {
    evm: RefCell<L1Evm>,
    at: Address,
    /// Gas of every verification call so far.
    pub gas: RefCell<Vec<u64>>,
    pub deploy_gas: u64,
}

impl OnchainExitVerifier {
    pub fn deploy(vk: &Vk) -> Result<Self, String> {
        let mut evm = L1Evm::new();
        let (at, deploy_gas) =
            evm.deploy(DEPLOYER, &bytecode(GROTH16_VERIFIER), &constructor_args(vk)?).map_err(|e| e.to_string())?;
        Ok(OnchainExitVerifier { evm: RefCell::new(evm), at, gas: RefCell::new(Vec::new()), deploy_gas })
    }

    /// The proof as the bytes an L1 call carries: the contract's eight words.
    pub fn encode(proof: &Groth16Proof) -> Vec<u8> {
        proof_words(proof).iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
    }
}

impl ProofVerifier for OnchainExitVerifier {
    fn verify_block(&self, _public_input: &Fr, _proof: &[u8]) -> bool {
        false // block proofs go to the block verifier, not this one
    }

    fn verify_exit(&self, public_input: &Fr, proof: &[u8]) -> bool {
        let Ok(words) = <[u8; 256]>::try_from(proof) else { return false };
        let proof: [U256; 8] = std::array::from_fn(|i| U256::from_be_slice(&words[32 * i..32 * i + 32]));
        let data = IGroth16Verifier::verifyProofCall { proof, input: fr_word(public_input) }.abi_encode();
        let Ok(out) = self.evm.borrow_mut().call(DEPLOYER, self.at, data) else { return false };
        self.gas.borrow_mut().push(out.gas_used);
        IGroth16Verifier::verifyProofCall::abi_decode_returns(&out.output).unwrap_or(false)
    }
}
