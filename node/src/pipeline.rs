//! The stages after sealing, each a thread that reads its input from the store and writes its
//! output there (so a restart resumes every stage where the store says it stopped):
//!
//! - the **prover** thread: the next sealed block without a proof → witness → [`Prover`] job →
//!   proof stored;
//! - the **L1** thread: the L1 watcher (new priority requests from the contract's events, handed
//!   to the sequencer by serial id) and the L1 sender (commit the next sealed block, prove the
//!   next committed one with a proof, execute the next proven one), through the [`L1`] boundary.
//!
//! Each loop sleeps briefly when it finds nothing to do and stops when asked. An error stops
//! nothing: it is recorded (the status API shows it) and the step is retried after a pause.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use zkrollup_api::BlockStage;
use zkrollup_conformance::wire::convert;
use zkrollup_spec::l1::{commit_info, pending_ops, Event, StoredBlock};

use crate::l1::L1;
use crate::prover::Prover;
use crate::sequencer::SequencerHandle;
use crate::store::Store;
use crate::witness::{block_of, WitnessBuilder};

/// How long an idle stage waits before looking again.
const IDLE: Duration = Duration::from_millis(50);
/// How long a stage waits after an error before retrying.
const AFTER_ERROR: Duration = Duration::from_secs(1);

/// The running stages.
pub struct Pipeline {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// The last error of each stage, if it is failing.
#[derive(Default)]
pub struct Errors {
    pub prover: Option<String>,
    pub l1: Option<String>,
}

impl Pipeline {
    pub fn start(
        store: Arc<Store>,
        sequencer: SequencerHandle,
        l1: Box<dyn L1>,
        prover: Box<dyn Prover>,
        errors: Arc<Mutex<Errors>>,
    ) -> Pipeline {
        let stop = Arc::new(AtomicBool::new(false));
        let mut prover_stage = ProverStage { store: store.clone(), prover, witness: WitnessBuilder::default() };
        let mut l1_stage = L1Stage { store, sequencer, l1 };
        let e = errors.clone();
        let threads = vec![
            spawn("prover", stop.clone(), move || prover_stage.step(), move |m| e.lock().unwrap().prover = m),
            spawn("l1", stop.clone(), move || l1_stage.step(), move |m| errors.lock().unwrap().l1 = m),
        ];
        Pipeline { stop, threads }
    }

    /// Stops the stages after their current step.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A stage's loop: `step` until asked to stop, pausing when it did nothing or failed;
/// `report` gets each error and `None` once a step succeeds again.
fn spawn(
    name: &str,
    stop: Arc<AtomicBool>,
    mut step: impl FnMut() -> Result<bool, String> + Send + 'static,
    report: impl Fn(Option<String>) + Send + 'static,
) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match step() {
                    Ok(worked) => {
                        report(None);
                        if !worked {
                            std::thread::sleep(IDLE);
                        }
                    }
                    Err(e) => {
                        report(Some(e));
                        std::thread::sleep(AFTER_ERROR);
                    }
                }
            }
        })
        .expect("spawning a thread")
}

fn s(e: impl ToString) -> String {
    e.to_string()
}

struct ProverStage {
    store: Arc<Store>,
    prover: Box<dyn Prover>,
    witness: WitnessBuilder,
}

impl ProverStage {
    /// Proves the next sealed block without a proof; whether there was one.
    fn step(&mut self) -> Result<bool, String> {
        let n = self.store.progress().map_err(s)?.proofs + 1;
        let Some(job) = self.witness.job(&self.store, n)? else { return Ok(false) };
        let proof = self.prover.prove(job).map_err(|e| format!("proving block {n}: {e}"))?;
        self.store.put_proof(n, &proof).map_err(s)?;
        Ok(true)
    }
}

struct L1Stage {
    store: Arc<Store>,
    sequencer: SequencerHandle,
    l1: Box<dyn L1>,
}

impl L1Stage {
    fn step(&mut self) -> Result<bool, String> {
        let watched = self.watch()?;
        let sent = self.send()?;
        Ok(watched || sent)
    }

    /// Hands new priority requests to the sequencer and records ChangePubKey facts, then moves
    /// the cursor past them (a request seen twice after a crash is applied once: the sequencer
    /// keys them by serial id; a fact recorded twice is the same fact).
    fn watch(&mut self) -> Result<bool, String> {
        let cursor = self.store.l1_cursor().map_err(s)?;
        let (events, next) = self.l1.events(cursor).map_err(s)?;
        for e in events {
            match e {
                Event::PriorityRequest { id, request, .. } => {
                    self.sequencer.priority_blocking(id, request)?;
                }
                Event::AuthFactSet { owner, nonce, pubkey_hash } => {
                    self.store.add_auth_fact(&owner, nonce, &pubkey_hash).map_err(s)?;
                }
                _ => {}
            }
        }
        if next == cursor {
            return Ok(false);
        }
        self.store.set_l1_cursor(next).map_err(s)?;
        Ok(true)
    }

    fn stored(&self, n: u32) -> Result<StoredBlock, String> {
        if n == 0 {
            return Ok(self.l1.genesis());
        }
        let json = self.store.l1_block(n).map_err(s)?.ok_or(format!("block {n} is not committed"))?;
        convert::stored_of(&json).map_err(s)
    }

    /// One L1 transaction: the earliest stage that can move (execute, prove, then commit, so a
    /// block goes through quickly rather than commits running ahead).
    fn send(&mut self) -> Result<bool, String> {
        let p = self.store.progress().map_err(s)?;
        let n = p.executed + 1;
        if n <= p.proven {
            let (block, _) = block_of(&self.store, n)?.ok_or(format!("no block {n}"))?;
            self.l1.execute(&self.stored(n)?, &pending_ops(&block)).map_err(|e| format!("executing block {n}: {e}"))?;
            self.store.set_stage(n, BlockStage::Executed, None).map_err(s)?;
            return Ok(true);
        }
        let n = p.proven + 1;
        if n <= p.committed && n <= p.proofs {
            let proof = self.store.proof(n).map_err(s)?.ok_or(format!("no proof of block {n}"))?;
            self.l1.prove(&self.stored(n)?, &proof).map_err(|e| format!("proving block {n} on L1: {e}"))?;
            self.store.set_stage(n, BlockStage::Proven, None).map_err(s)?;
            return Ok(true);
        }
        let n = p.committed + 1;
        let Some((block, inputs)) = block_of(&self.store, n)? else { return Ok(false) };
        let parent = self.stored(n - 1)?;
        let stored =
            self.l1.commit(&parent, &commit_info(&block, &inputs)).map_err(|e| format!("committing block {n}: {e}"))?;
        self.store.set_stage(n, BlockStage::Committed, Some(&convert::stored(&stored))).map_err(s)?;
        Ok(true)
    }
}
