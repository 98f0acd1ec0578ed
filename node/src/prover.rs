//! The prover boundary: a job is a block's witness in, its proof out. [`InProcessProver`] proves
//! on this machine's cores; workers in other processes (issue 36) take the same jobs.

use zkrollup_circuits::block::BlockCircuit;
use zkrollup_circuits::groth16::{prove, verify, Pk, Vk};
use zkrollup_contracts::verifier::proof_bytes;
use zkrollup_spec::primitives::Fr;

/// One block to prove.
pub struct ProofJob {
    /// The block's number (also the proof's randomness seed: a job proven twice gives one proof).
    pub block: u32,
    /// The block's public input (the commitment's low 253 bits), which the proof must verify
    /// against.
    pub public_input: Fr,
    /// The block circuit with its witness.
    pub circuit: BlockCircuit,
}

/// Proves jobs.
pub trait Prover: Send {
    /// The proof of `job`, as the contract takes it (eight 32-byte words).
    fn prove(&self, job: ProofJob) -> Result<Vec<u8>, String>;
}

/// Groth16 on this machine, with the block circuit's keys for one block size.
pub struct InProcessProver {
    pub pk: Pk,
    pub vk: Vk,
}

impl Prover for InProcessProver {
    /// Proves, then verifies the proof against the job's public input before anyone relies on
    /// it: a proof that fails here means the keeper and the circuit disagree about the block.
    fn prove(&self, job: ProofJob) -> Result<Vec<u8>, String> {
        let proof = prove(&self.pk, job.circuit, job.block as u64).map_err(|e| e.to_string())?;
        if !verify(&self.vk, &[job.public_input], &proof).map_err(|e| e.to_string())? {
            return Err(format!("block {}: the proof does not verify against the block's public input", job.block));
        }
        Ok(proof_bytes(&proof))
    }
}
