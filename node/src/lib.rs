//! # zkrollup-node: the operator as a service
//!
//! A long-running node on the reference operator: wallets reach it through the JSON-RPC API
//! (`zkrollup-api`), and everything it promises is durable in an embedded store first.
//!
//! Data flows one way, a module per stage:
//!
//! ```text
//! API (rpc) ──► sequencer ──► store ──► witness ──► prover job ──► store ──► L1 sender ──► L1
//!                  ▲          (blocks)                           (proofs)  commit, prove, execute
//!                  └──────────── L1 watcher ◀── the contract's events (priority requests) ◀──┘
//! ```
//!
//! - [`rpc`]: the API server; parses, and verifies signatures off the async runtime's threads.
//!   Over WebSocket, `subscriptions` follow a transaction, an account, the blocks and the
//!   priority requests: the stages announce what changed ([`events`]), the subscriptions read
//!   it back through the API's own `get` methods.
//! - `endpoints`: beside it on the same port, `GET /metrics` ([`metrics`]: what the node
//!   counts and times) and `GET /health/live`, `/health/ready`.
//! - [`sequencer`]: the one thread that owns the state keeper and writes the store; answers a
//!   submission only once it is durable; seals blocks.
//! - [`store`]: the embedded store (redb): transactions and receipts, blocks, the committed
//!   accounts (a restart loads them, checked against the last block's root, without replaying),
//!   priority operations, proofs, L1 progress. Every stage reads its input from it.
//! - [`witness`]: a sealed block's inputs executed by the circuit's builder into a proving job.
//! - [`prover`]: the job boundary (witness in, proof out) and the in-process Groth16 prover.
//! - [`l1`]: the narrow boundary to the L1; behind it the embedded revm chain, or any Ethereum
//!   node over JSON-RPC through alloy.
//! - [`anvil`]: the pinned anvil, started on loopback: the real L1 of the tests.
//! - [`pipeline`]: the prover, L1 watcher and L1 sender threads.
//! - [`config`]: settings and their defaults.
//! - [`dev`]: a development deployment on embedded defaults (the embedded chain, dev keys).
//! - [`kill_points`]: named points where a crash test makes the node die (`ZKROLLUP_KILL_AT`).

pub mod anvil;
pub mod config;
pub mod dev;
mod endpoints;
pub mod events;
pub mod kill_points;
pub mod l1;
pub mod metrics;
pub mod pipeline;
pub mod prover;
pub mod rpc;
pub mod sequencer;
pub mod store;
mod subscriptions;
pub mod witness;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use jsonrpsee::server::ServerHandle;
use zkrollup_spec::transition::PriorityOp;

pub use config::NodeConfig;
use pipeline::{Errors, Pipeline};
use sequencer::SequencerHandle;
use store::{Store, StoreError};

/// A running node: the sequencer thread and the store; [`Node::serve`] adds the API.
pub struct Node {
    sequencer: SequencerHandle,
    store: Arc<Store>,
    config: Arc<NodeConfig>,
    thread: Option<std::thread::JoinHandle<()>>,
    pipeline: Option<Pipeline>,
    errors: Arc<std::sync::Mutex<Errors>>,
    metrics: Arc<metrics::Metrics>,
    events: events::Events,
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("block size {0}: supported sizes are {sizes:?}", sizes = zkrollup_spec::params::BLOCK_CHUNK_SIZES)]
    BlockSize(usize),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("the store {path}: {source}")]
    Store { path: String, source: StoreError },
    #[error("the L1 cannot be reached: {0}")]
    L1(#[from] l1::L1Error),
    #[error("the API cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

impl Node {
    /// Opens (or creates) the node's store in `data_dir` and resumes where it stopped.
    pub fn open(data_dir: &Path, config: NodeConfig) -> Result<Node, NodeError> {
        if !zkrollup_spec::params::BLOCK_CHUNK_SIZES.contains(&config.block_chunks) {
            return Err(NodeError::BlockSize(config.block_chunks));
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|source| NodeError::DataDir { path: data_dir.display().to_string(), source })?;
        let identity = config.store_identity();
        let path = data_dir.join("node.redb");
        let at = |source| NodeError::Store { path: path.display().to_string(), source };
        let store = Arc::new(Store::open(&path, &identity).map_err(at)?);
        let domain = zkrollup_spec::tx::auth::L1Domain { chain_id: config.chain_id, contract: config.rollup };
        let events = events::Events::default();
        let fees = config.fee_per_chunk.clone();
        let (sequencer, thread) =
            sequencer::start(store.clone(), config.keeper(), domain, fees, events.clone()).map_err(at)?;
        let (errors, metrics) = (Arc::default(), Arc::default());
        let config = Arc::new(config);
        Ok(Node { sequencer, store, config, thread: Some(thread), pipeline: None, errors, metrics, events })
    }

    /// Starts the stages after sealing: witness and proof, and the L1 sender and watcher (the
    /// watcher on a connection of its own, which `l1` opens). A node without them accepts and
    /// seals, and its blocks stay "sealed".
    pub fn start_pipeline(&mut self, l1: Box<dyn l1::L1>, prover: Box<dyn prover::Prover>) -> Result<(), NodeError> {
        if let Some(mut p) = self.pipeline.take() {
            p.stop();
        }
        let (store, sequencer, errors) = (self.store.clone(), self.sequencer.clone(), self.errors.clone());
        let p = Pipeline::start(store, sequencer, l1, prover, errors, self.metrics.clone(), self.events.clone())?;
        self.pipeline = Some(p);
        Ok(())
    }

    /// Serves the API on `addr` (port 0: any free port); the address bound and the server's
    /// handle (stop it with `handle.stop()`).
    pub async fn serve(&self, addr: SocketAddr) -> Result<(SocketAddr, ServerHandle), NodeError> {
        rpc::serve(self.api(), addr).await.map_err(|source| NodeError::Listen { addr, source })
    }

    /// The names of the methods the API serves (subscribing and unsubscribing ones included).
    pub fn api_methods(&self) -> Vec<&'static str> {
        rpc::module(self.api()).method_names().collect()
    }

    fn api(&self) -> rpc::Api {
        rpc::Api {
            sequencer: self.sequencer.clone(),
            store: self.store.clone(),
            config: self.config.clone(),
            errors: self.errors.clone(),
            metrics: self.metrics.clone(),
            events: self.events.clone(),
        }
    }

    /// Hands the keeper a priority operation read from L1, once per serial id (the L1 watcher's
    /// job once it exists); whether it was new.
    pub async fn priority(&self, serial_id: u64, op: PriorityOp) -> Result<bool, String> {
        self.sequencer.priority(serial_id, op).await
    }

    /// Seals a block now if anything can go in one; its number.
    pub async fn seal(&self) -> Result<Option<u32>, String> {
        self.sequencer.seal().await
    }

    /// Stops the sequencer after the requests already sent, and closes the store.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(mut p) = self.pipeline.take() {
            p.stop();
        }
        if let Some(t) = self.thread.take() {
            self.sequencer.stop();
            let _ = t.join();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop();
    }
}
