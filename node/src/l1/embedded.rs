//! The embedded chain: the rollup contract in revm on a thread of the node's process.

use std::sync::mpsc;

use zkrollup_contracts::rollup::{CallError, RollupOnL1};
use zkrollup_spec::l1::{CommitBlock, Event, StoredBlock};
use zkrollup_spec::primitives::Address;

use super::{L1Cursor, L1Error, L1};
use crate::sequencer::unix_now;

/// The embedded chain: the rollup contract in revm on a thread of its own (revm's EVM is not
/// `Send`, and the chain is shared with whatever else in this process acts on L1: the tests',
/// the demo's, the CLI's users). Callers send it closures; its clock follows the wall clock.
#[derive(Clone)]
pub struct EmbeddedChain {
    jobs: mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce(&mut RollupOnL1) + Send>;

const CHAIN_STOPPED: &str = "the embedded chain has stopped";

impl EmbeddedChain {
    /// Starts the chain's thread with the chain `make` builds there; `make`'s error if it fails.
    /// The thread ends when the last handle is dropped.
    pub fn spawn(make: impl FnOnce() -> Result<RollupOnL1, String> + Send + 'static) -> Result<Self, String> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready, is_ready) = mpsc::channel();
        std::thread::Builder::new()
            .name("embedded-l1".into())
            .spawn(move || {
                let mut chain = match make() {
                    Ok(c) => c,
                    Err(e) => return drop(ready.send(Err(e))),
                };
                let _ = ready.send(Ok(()));
                for job in rx {
                    job(&mut chain);
                }
            })
            .map_err(|e| e.to_string())?;
        is_ready.recv().map_err(|_| CHAIN_STOPPED.to_string())??;
        Ok(EmbeddedChain { jobs })
    }

    /// Runs `f` on the chain, its clock first moved to now.
    pub fn with<T: Send + 'static>(&self, f: impl FnOnce(&mut RollupOnL1) -> T + Send + 'static) -> Result<T, String> {
        let (reply, answer) = mpsc::channel();
        let job: Job = Box::new(move |chain| {
            chain.set_time(unix_now());
            let _ = reply.send(f(chain));
        });
        self.jobs.send(job).map_err(|_| CHAIN_STOPPED.to_string())?;
        answer.recv().map_err(|_| CHAIN_STOPPED.to_string())
    }
}

/// The node's [`L1`] on the embedded chain.
#[derive(Clone)]
pub struct EmbeddedL1 {
    chain: EmbeddedChain,
    operator: Address,
    genesis: StoredBlock,
}

impl EmbeddedL1 {
    /// The node's view of `chain`, sending as `operator` (a validator); `genesis` is the
    /// contract's block 0.
    pub fn new(chain: EmbeddedChain, operator: Address, genesis: StoredBlock) -> Self {
        EmbeddedL1 { chain, operator, genesis }
    }

    fn call<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut RollupOnL1, &Address) -> Result<T, CallError> + Send + 'static,
    ) -> Result<T, L1Error> {
        let operator = self.operator;
        let answer = self.chain.with(move |c| f(c, &operator)).map_err(L1Error::Other)?;
        answer.map_err(|e| match e {
            CallError::Rejected(rule) => L1Error::Rejected { rule },
            CallError::Other(e) => L1Error::Other(e),
        })
    }
}

impl L1 for EmbeddedL1 {
    fn genesis(&self) -> StoredBlock {
        self.genesis.clone()
    }

    fn commit(&mut self, parent: &StoredBlock, block: &CommitBlock) -> Result<StoredBlock, L1Error> {
        let (parent, block) = (parent.clone(), block.clone());
        self.call(move |c, op| c.commit_block(op, &parent, &block).map(|(stored, _gas)| stored))
    }

    fn prove(&mut self, block: &StoredBlock, proof: &[u8]) -> Result<(), L1Error> {
        let (block, proof) = (block.clone(), proof.to_vec());
        self.call(move |c, op| c.prove_block(op, &block, &proof).map(|_| ()))
    }

    fn execute(&mut self, block: &StoredBlock, pending_ops: &[Vec<u8>]) -> Result<(), L1Error> {
        let (block, pending_ops) = (block.clone(), pending_ops.to_vec());
        self.call(move |c, op| c.execute_block(op, &block, &pending_ops).map(|_| ()))
    }

    /// The cursor counts log entries: the embedded chain's history never changes.
    fn events(&mut self, cursor: L1Cursor) -> Result<(Vec<Event>, L1Cursor), L1Error> {
        self.call(move |c, _| {
            let from = (cursor.next as usize).min(c.log.len());
            Ok((c.log[from..].to_vec(), L1Cursor { next: c.log.len() as u64, last_hash: None }))
        })
    }

    /// In the process: looked at often.
    fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(50)
    }

    fn connection(&self) -> Result<Box<dyn L1>, L1Error> {
        Ok(Box::new(self.clone()))
    }
}
