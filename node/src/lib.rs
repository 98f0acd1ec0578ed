//! # zkrollup-node: the operator as a service
//!
//! A long-running node on the reference operator: wallets reach it through the JSON-RPC API
//! (`zkrollup-api`), and everything it promises is durable in an embedded store first.
//!
//! Data flows one way, a module per stage:
//!
//! ```text
//! API (rpc) ──► sequencer (state keeper; group commit to the store) ──► sealed blocks
//!    ▲                         ▲
//!    └── reads: store ─────────┘ priority operations from L1 (serial ids, each once)
//! ```
//!
//! - [`rpc`]: the API server; parses and verifies signatures on its worker threads.
//! - [`sequencer`]: the one thread that owns the state keeper and writes the store; answers a
//!   submission only once it is durable; seals blocks.
//! - [`store`]: the embedded store (redb): transactions and receipts, blocks, the committed
//!   accounts (a restart loads them, checked against the last block's root, without replaying),
//!   priority operations.
//! - [`config`]: settings and their defaults.
//!
//! Node part 1 lands in steps (issue 28): this is the first (the API, the store, the keeper
//! and sealing). The witness, the prover job, the L1 sender and the L1 watcher follow; until
//! then blocks stop at "sealed" and priority operations are handed in by [`Node::priority`].

pub mod config;
pub mod rpc;
pub mod sequencer;
pub mod store;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use jsonrpsee::server::ServerHandle;
use zkrollup_spec::transition::PriorityOp;

pub use config::NodeConfig;
use sequencer::SequencerHandle;
use store::{Identity, Store, StoreError, STORE_FORMAT};

/// A running node: the sequencer thread and the store; [`Node::serve`] adds the API.
pub struct Node {
    sequencer: SequencerHandle,
    store: Arc<Store>,
    config: Arc<NodeConfig>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("block size {0}: supported sizes are {sizes:?}", sizes = zkrollup_spec::params::BLOCK_CHUNK_SIZES)]
    BlockSize(usize),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
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
        let identity = Identity {
            format: STORE_FORMAT,
            chain_id: config.chain_id,
            rollup: config.rollup.to_string(),
            block_chunks: config.block_chunks as u16,
        };
        let store = Arc::new(Store::open(&data_dir.join("node.redb"), &identity)?);
        let (sequencer, thread) = sequencer::start(store.clone(), config.keeper())?;
        Ok(Node { sequencer, store, config: Arc::new(config), thread: Some(thread) })
    }

    /// Serves the API on `addr` (port 0: any free port); the address bound and the server's
    /// handle (stop it with `handle.stop()`).
    pub async fn serve(&self, addr: SocketAddr) -> Result<(SocketAddr, ServerHandle), NodeError> {
        let api =
            rpc::Api { sequencer: self.sequencer.clone(), store: self.store.clone(), config: self.config.clone() };
        rpc::serve(api, addr).await.map_err(|source| NodeError::Listen { addr, source })
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
