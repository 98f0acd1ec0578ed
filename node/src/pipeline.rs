//! The stages after sealing, each a thread that reads its input from the store and writes its
//! output there (so a restart resumes every stage where the store says it stopped):
//!
//! - the **prover**: the next sealed block without a proof → witness → [`Prover`] job → proof
//!   stored;
//! - the **L1 watcher**: new priority requests from the contract's events, handed to the
//!   sequencer by serial id, and ChangePubKey facts, from a stored cursor;
//! - the **L1 sender**: commit the next sealed block, prove the next committed one with a proof,
//!   execute the next proven one, through the [`L1`] boundary.
//!
//! The watcher has a connection of its own, so that deposits are read on while the sender
//! waits for a receipt. Each loop sleeps briefly when it finds nothing to do and stops when
//! asked. A failed step is recorded (the status API shows it) and retried after a pause,
//! unless retrying cannot help or would do harm: the contract refusing a call by one of its
//! rules (it would refuse it again), or the L1 reorganising below the watcher's
//! confirmations (a request read from the lost blocks may be gone). Then that stage halts and
//! says why in the status: the operator decides (a restart tries a refused call again; a
//! reorganisation needs the node's priority operations reconciled with the L1's by hand).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use zkrollup_api::BlockStage;
use zkrollup_conformance::wire::{convert, StoredBlockJson};
use zkrollup_spec::l1::{commit_info, pending_ops, Event, StoredBlock};
use zkrollup_spec::transition::PriorityOp;

use crate::events::{ChainEvent, Events};
use crate::l1::{L1Error, L1};
use crate::metrics::{L1Call, Metrics};
use crate::prover::Prover;
use crate::sequencer::{unix_now, SequencerHandle};
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

/// The last error of each stage, if it is failing (and retrying) or has halted.
#[derive(Default)]
pub struct Errors {
    pub prover: Option<String>,
    pub l1_watcher: Option<String>,
    pub l1_sender: Option<String>,
}

/// How a halted stage's error begins (after `stage: ` in the status).
const HALTED: &str = "halted: ";

impl Errors {
    /// Each stage: its name in the status, its name as a metric label, and its error if any.
    fn stages(&self) -> [(&'static str, &'static str, &Option<String>); 3] {
        [
            ("prover", "prover", &self.prover),
            ("l1 watcher", "l1_watcher", &self.l1_watcher),
            ("l1 sender", "l1_sender", &self.l1_sender),
        ]
    }

    /// The errors of the stages that `keep`, `stage: message`.
    fn listed_if(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        self.stages()
            .into_iter()
            .filter_map(|(stage, _, m)| m.as_ref().filter(|m| keep(m)).map(|m| format!("{stage}: {m}")))
            .collect()
    }

    /// Each failing stage's error, `stage: message`.
    pub fn listed(&self) -> Vec<String> {
        self.listed_if(|_| true)
    }

    /// Each stage's name (as a metric label) and whether it fails.
    pub fn failing(&self) -> [(&'static str, bool); 3] {
        self.stages().map(|(_, label, m)| (label, m.is_some()))
    }

    /// The stages that stopped (`stage: halted: why`): the node will not move on without its
    /// operator.
    pub fn halted(&self) -> Vec<String> {
        self.listed_if(|m| m.starts_with(HALTED))
    }
}

/// A step that could not go on.
enum Failure {
    /// Not a failure: what the step needs has not happened yet (looked at again after a pause).
    Wait,
    /// Tried again after a pause (the chain or the store may answer then).
    Retry(String),
    /// The stage stops: trying again would fail the same way, or do harm.
    Halt(String),
}

/// An error retried.
fn retry(e: impl ToString) -> Failure {
    Failure::Retry(e.to_string())
}

/// How far the L1's clock may lag the node's. A block's timestamp is the node's clock at its
/// seal, and the contract takes no block from the L1's future: a block younger than this
/// refused for its timestamp waits for the L1 clock to pass it (an L1 block comes every 12 s on
/// Ethereum, and a call is simulated on the latest one).
const L1_CLOCK_LAG: u64 = 60;

/// An L1 call's error while doing `what`: a rule of the contract and a reorganisation halt the
/// stage (the commit's `l1.bad_timestamp` is the sender's to weigh first).
fn l1_failure(what: String, e: L1Error) -> Failure {
    let m = format!("{what}: {e}");
    match e {
        L1Error::Rejected { .. } => Failure::Halt(format!("{m} (a restart of the node tries again)")),
        L1Error::Reorg { .. } => Failure::Halt(m),
        L1Error::Other(_) => Failure::Retry(m),
    }
}

impl Pipeline {
    pub fn start(
        store: Arc<Store>,
        sequencer: SequencerHandle,
        l1: Box<dyn L1>,
        prover: Box<dyn Prover>,
        errors: Arc<Mutex<Errors>>,
        metrics: Arc<Metrics>,
        events: Events,
    ) -> Result<Pipeline, L1Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut prover_stage =
            ProverStage { store: store.clone(), prover, witness: WitnessBuilder::default(), metrics: metrics.clone() };
        let mut watcher = Watcher { store: store.clone(), sequencer, l1: l1.connection()?, metrics: metrics.clone() };
        let poll = watcher.l1.poll_interval();
        let mut l1 = l1;
        l1.record_in(store.clone());
        let mut sender = Sender { store, l1, metrics, events };
        let report = |errors: &Arc<Mutex<Errors>>, field: fn(&mut Errors) -> &mut Option<String>| {
            let errors = errors.clone();
            move |m| *field(&mut errors.lock().unwrap()) = m
        };
        let threads = vec![
            spawn("prover", stop.clone(), IDLE, move || prover_stage.step(), report(&errors, |e| &mut e.prover)),
            spawn("l1-watcher", stop.clone(), poll, move || watcher.step(), report(&errors, |e| &mut e.l1_watcher)),
            spawn("l1-sender", stop.clone(), IDLE, move || sender.step(), report(&errors, |e| &mut e.l1_sender)),
        ];
        Ok(Pipeline { stop, threads })
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

/// A stage's loop: `step` until asked to stop or it halts, pausing `idle` when it did nothing
/// or longer when it failed; `report` gets each error and `None` once a step succeeds again.
fn spawn(
    name: &str,
    stop: Arc<AtomicBool>,
    idle: Duration,
    mut step: impl FnMut() -> Result<bool, Failure> + Send + 'static,
    report: impl Fn(Option<String>) + Send + 'static,
) -> JoinHandle<()> {
    let stage = name.to_string();
    // Logged when a stage starts failing, fails differently, or recovers: not at every retry.
    let mut last: Option<String> = None;
    let mut report = move |m: Option<String>| {
        if m != last {
            match &m {
                Some(e) if e.starts_with(HALTED) => tracing::error!(stage, "{e}"),
                Some(e) => tracing::warn!(stage, "{e} (retrying)"),
                None => tracing::info!(stage, "recovered"),
            }
            last = m.clone();
        }
        report(m)
    };
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match step() {
                    Ok(worked) => {
                        report(None);
                        if !worked {
                            std::thread::sleep(idle);
                        }
                    }
                    Err(Failure::Wait) => {
                        report(None);
                        std::thread::sleep(AFTER_ERROR);
                    }
                    Err(Failure::Retry(e)) => {
                        report(Some(e));
                        std::thread::sleep(AFTER_ERROR);
                    }
                    Err(Failure::Halt(e)) => {
                        return report(Some(format!("{HALTED}{e}")));
                    }
                }
            }
        })
        .expect("spawning a thread")
}

struct ProverStage {
    store: Arc<Store>,
    prover: Box<dyn Prover>,
    witness: WitnessBuilder,
    metrics: Arc<Metrics>,
}

impl ProverStage {
    /// Proves the next sealed block without a proof; whether there was one.
    fn step(&mut self) -> Result<bool, Failure> {
        let n = self.store.progress().map_err(retry)?.proofs + 1;
        let Some(job) = self.witness.job(&self.store, n).map_err(retry)? else { return Ok(false) };
        crate::kill_points::reached("prover.witnessed");
        let started = Instant::now();
        let proof = self.prover.prove(job).map_err(|e| retry(format!("proving block {n}: {e}")))?;
        let took = started.elapsed();
        self.metrics.proved(took);
        tracing::info!(block = n, seconds = format!("{:.1}", took.as_secs_f64()), "proven off chain");
        crate::kill_points::reached("prover.proved");
        self.store.put_proof(n, &proof).map_err(retry)?;
        Ok(true)
    }
}

struct Watcher {
    store: Arc<Store>,
    sequencer: SequencerHandle,
    l1: Box<dyn L1>,
    metrics: Arc<Metrics>,
}

impl Watcher {
    /// Hands new priority requests to the sequencer and records ChangePubKey facts, then moves
    /// the cursor past them (a request seen twice after a crash is applied once: the sequencer
    /// keys them by serial id; a fact recorded twice is the same fact).
    fn step(&mut self) -> Result<bool, Failure> {
        let cursor = self.store.l1_cursor().map_err(retry)?;
        let (events, next) = timed(&self.metrics, L1Call::ReadEvents, || self.l1.events(cursor))
            .map_err(|e| l1_failure("reading the L1".into(), e))?;
        for e in events {
            match e {
                Event::PriorityRequest { id, request, .. } => {
                    let kind = match request {
                        PriorityOp::Deposit(_) => "deposit",
                        PriorityOp::FullExit(_) => "full exit",
                    };
                    if self.sequencer.priority_blocking(id, request).map_err(retry)? {
                        tracing::info!(serial_id = id, kind, "L1 request read");
                    }
                }
                Event::AuthFactSet { owner, nonce, pubkey_hash } => {
                    self.store.add_auth_fact(&owner, nonce, &pubkey_hash).map_err(retry)?;
                }
                _ => {}
            }
        }
        if next == cursor {
            return Ok(false);
        }
        self.store.set_l1_cursor(&next).map_err(retry)?;
        Ok(true)
    }
}

struct Sender {
    store: Arc<Store>,
    l1: Box<dyn L1>,
    metrics: Arc<Metrics>,
    events: Events,
}

/// Runs the L1 call `f` of `kind`, timing it.
fn timed<T>(metrics: &Metrics, kind: L1Call, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    metrics.l1_call(kind, started.elapsed());
    out
}

impl Sender {
    /// Records that block `n` reached `stage` on L1 (`stored`: as the contract stored it at
    /// its commit).
    fn settled(&self, n: u32, stage: BlockStage, stored: Option<&StoredBlockJson>) -> Result<(), Failure> {
        crate::kill_points::reached("l1.settled");
        self.events
            .announce(ChainEvent::Block { number: n, stage }, || self.store.set_stage(n, stage, stored))
            .map_err(retry)?;
        let stage = match stage {
            BlockStage::Sealed => "sealed",
            BlockStage::Committed => "committed on L1",
            BlockStage::Proven => "proven on L1",
            BlockStage::Executed => "executed on L1",
        };
        tracing::info!(block = n, "{stage}");
        Ok(())
    }

    fn stored(&self, n: u32) -> Result<StoredBlock, Failure> {
        if n == 0 {
            return Ok(self.l1.genesis());
        }
        let json =
            self.store.l1_block(n).map_err(retry)?.ok_or_else(|| retry(format!("block {n} is not committed")))?;
        convert::stored_of(&json).map_err(retry)
    }

    /// One L1 transaction: the earliest stage that can move (execute, prove, then commit, so a
    /// block goes through quickly rather than commits running ahead).
    fn step(&mut self) -> Result<bool, Failure> {
        let p = self.store.progress().map_err(retry)?;
        let n = p.executed + 1;
        if n <= p.proven {
            let (block, _) = block_of(&self.store, n).map_err(retry)?.ok_or_else(|| retry(format!("no block {n}")))?;
            let stored = self.stored(n)?;
            timed(&self.metrics, L1Call::Execute, || self.l1.execute(&stored, &pending_ops(&block)))
                .map_err(|e| l1_failure(format!("executing block {n}"), e))?;
            self.settled(n, BlockStage::Executed, None)?;
            return Ok(true);
        }
        let n = p.proven + 1;
        if n <= p.committed && n <= p.proofs {
            let proof = self.store.proof(n).map_err(retry)?.ok_or_else(|| retry(format!("no proof of block {n}")))?;
            let stored = self.stored(n)?;
            timed(&self.metrics, L1Call::Prove, || self.l1.prove(&stored, &proof))
                .map_err(|e| l1_failure(format!("proving block {n} on L1"), e))?;
            self.settled(n, BlockStage::Proven, None)?;
            return Ok(true);
        }
        let n = p.committed + 1;
        let Some((block, inputs)) = block_of(&self.store, n).map_err(retry)? else { return Ok(false) };
        let parent = self.stored(n - 1)?;
        // Refused for its timestamp, a young block waits for the L1 clock; an older one may be
        // the L1's clock or the node's at fault, and is retried while the operator looks.
        let young = unix_now() < block.params.context.timestamp + L1_CLOCK_LAG;
        let committed = timed(&self.metrics, L1Call::Commit, || self.l1.commit(&parent, &commit_info(&block, &inputs)));
        let stored = committed.map_err(|e| match e {
            L1Error::Rejected { rule } if rule == "l1.bad_timestamp" => {
                if young {
                    Failure::Wait
                } else {
                    Failure::Retry(format!("committing block {n}: the contract refused it: {rule}"))
                }
            }
            e => l1_failure(format!("committing block {n}"), e),
        })?;
        self.settled(n, BlockStage::Committed, Some(&convert::stored(&stored)))?;
        Ok(true)
    }
}
