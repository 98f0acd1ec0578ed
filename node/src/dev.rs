//! A development deployment on embedded defaults: Groth16 keys from public seeds (made once,
//! then cached: insecure, and said so), the rollup contract deployed on the embedded revm chain
//! with verifiers of those keys, and the node's L1 and prover over them. What `zkrollup node`
//! starts with no L1 given, and what the tests and the demo use.

use std::path::Path;
use zkrollup_circuits::keys::{load_or_make, CircuitKind};
use zkrollup_contracts::rollup::RollupOnL1;
use zkrollup_spec::l1::{L1Config, L1};

use crate::l1::{EmbeddedChain, EmbeddedL1};
use crate::prover::InProcessProver;

/// The block circuit's development setup seed (public, hence insecure).
pub const BLOCK_SETUP_SEED: u64 = 0xb10c;
/// The exit circuit's development setup seed (as public).
pub const EXIT_SETUP_SEED: u64 = 0x5eed;

/// The embedded chain with the rollup deployed, and the node's parts for it.
pub struct DevChain {
    /// The chain, shared with whatever else in this process acts on L1.
    pub chain: EmbeddedChain,
    /// The deployment's parameters.
    pub config: L1Config,
    /// The node's L1.
    pub l1: EmbeddedL1,
    /// The node's prover.
    pub prover: InProcessProver,
}

/// Deploys `config` (its `block_sizes` set to `chunks`) at time `now`, with keys from `keys`;
/// the node sends as `config.validators[0]`.
pub fn deploy(keys: &Path, chunks: usize, config: &L1Config, now: u64) -> Result<DevChain, String> {
    let (pk, vk, _) = load_or_make(keys, CircuitKind::Block(chunks), BLOCK_SETUP_SEED).map_err(|e| e.to_string())?;
    let (_, exit_vk, _) = load_or_make(keys, CircuitKind::Exit, EXIT_SETUP_SEED).map_err(|e| e.to_string())?;
    let operator = *config.validators.first().ok_or("the deployment names no validator")?;
    let config = L1Config { block_sizes: vec![chunks as u16], ..config.clone() };
    let (deployed, block_vk) = (config.clone(), vk.clone());
    let chain = EmbeddedChain::spawn(move || {
        RollupOnL1::deploy_groth16(&deployed, now, chunks, &block_vk, &exit_vk).map(|(c, _, _)| c)
    })?;
    let genesis = L1::new(config.clone(), now).blocks[0].clone();
    let l1 = EmbeddedL1::new(chain.clone(), operator, genesis);
    Ok(DevChain { chain, config, l1, prover: InProcessProver { pk, vk } })
}
