//! What the node counts and times, for a Prometheus scrape (`GET /metrics`, served by
//! [`crate::endpoints`]), with prometheus-client's registry and OpenMetrics text encoding.
//!
//! Two kinds: what happens (receipts, proof times, L1 call latencies) is recorded where it
//! happens, by the API and the pipeline's stages; what the node holds (mempool, blocks by stage,
//! the L1 transaction in flight, the store's size, failing stages) is read from the node's own
//! status when scraped, so it can never drift from what `zkr_status` answers.

use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use zkrollup_api::NetworkStatus;

/// A label set of one label.
type Label = [(&'static str, &'static str); 1];

/// The L1 calls whose latency is timed.
#[derive(Clone, Copy, Debug)]
pub enum L1Call {
    Commit,
    Prove,
    Execute,
    /// The watcher reading the contract's events.
    ReadEvents,
}

impl L1Call {
    fn label(self) -> &'static str {
        match self {
            L1Call::Commit => "commit",
            L1Call::Prove => "prove",
            L1Call::Execute => "execute",
            L1Call::ReadEvents => "read_events",
        }
    }
}

/// The node's metrics. Shared (`Arc`) by the API and the stages.
pub struct Metrics {
    registry: Registry,
    receipts: Counter,
    proof_seconds: Histogram,
    l1_call_seconds: Family<Label, Histogram>,
    mempool: Gauge,
    pending_priority_ops: Gauge,
    last_block: Family<Label, Gauge>,
    l1_in_flight: Gauge,
    l1_in_flight_attempts: Gauge,
    store_bytes: Gauge,
    stage_failing: Family<Label, Gauge>,
    subscriptions: Family<Label, Gauge>,
    subscriptions_dropped: Family<Label, Counter>,
    /// Scrapes set the gauges, then encode: one at a time, so that a scrape reads one status.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("zkrollup");
        let receipts = Counter::default();
        registry.register("receipts", "Transactions accepted, each durable before its receipt", receipts.clone());
        // 0.25 s to about 17 min: an 8-chunk proof takes seconds, a 512-chunk one minutes.
        let proof_seconds = Histogram::new(exponential_buckets(0.25, 2.0, 13));
        registry.register("proof_seconds", "Time to prove a block (the prover job)", proof_seconds.clone());
        let l1_call_seconds = Family::<Label, Histogram>::new_with_constructor(|| {
            // 5 ms to about 10 min: a development chain answers in milliseconds, Ethereum in blocks.
            Histogram::new(exponential_buckets(0.005, 2.0, 18))
        });
        registry.register(
            "l1_call_seconds",
            "L1 calls by kind, until settled (a transaction: mined with its confirmations)",
            l1_call_seconds.clone(),
        );
        let mempool = Gauge::default();
        registry.register("mempool_transactions", "Transactions accepted and not yet in a block", mempool.clone());
        let pending_priority_ops = Gauge::default();
        registry.register(
            "priority_ops_pending",
            "L1 requests read and not yet in a block",
            pending_priority_ops.clone(),
        );
        let last_block = Family::<Label, Gauge>::default();
        registry.register(
            "last_block",
            "The last block at each stage: sealed, proven_off_chain, committed, proven, executed",
            last_block.clone(),
        );
        let l1_in_flight = Gauge::default();
        registry.register(
            "l1_transactions_in_flight",
            "L1 transactions sent and not yet settled",
            l1_in_flight.clone(),
        );
        let l1_in_flight_attempts = Gauge::default();
        registry.register(
            "l1_transaction_in_flight_attempts",
            "Versions sent (fee bumps) of the L1 transaction in flight",
            l1_in_flight_attempts.clone(),
        );
        let store_bytes = Gauge::default();
        registry.register("store_bytes", "The store's file size", store_bytes.clone());
        let stage_failing = Family::<Label, Gauge>::default();
        registry.register(
            "stage_failing",
            "1 while a stage fails (retrying or halted: zkr_status says why)",
            stage_failing.clone(),
        );
        let subscriptions = Family::<Label, Gauge>::default();
        registry.register(
            "subscriptions",
            "Open WebSocket subscriptions by kind: tx, account, block, priority_op",
            subscriptions.clone(),
        );
        let subscriptions_dropped = Family::<Label, Counter>::default();
        registry.register(
            "subscriptions_dropped",
            "Subscriptions the node ended, by reason: slow (the subscriber did not read), lagged, store (unreadable)",
            subscriptions_dropped.clone(),
        );
        // Every series from the start: a dashboard sees 0, not a missing series.
        for kind in ["tx", "account", "block", "priority_op"] {
            let _ = subscriptions.get_or_create(&[("kind", kind)]);
        }
        for reason in ["slow", "lagged", "store"] {
            let _ = subscriptions_dropped.get_or_create(&[("reason", reason)]);
        }
        Metrics {
            registry,
            receipts,
            proof_seconds,
            l1_call_seconds,
            mempool,
            pending_priority_ops,
            last_block,
            l1_in_flight,
            l1_in_flight_attempts,
            store_bytes,
            stage_failing,
            subscriptions,
            subscriptions_dropped,
            scrape: Mutex::new(()),
        }
    }

    /// `n` receipts given.
    pub fn receipted(&self, n: usize) {
        self.receipts.inc_by(n as u64);
    }

    /// A block proven in `took`.
    pub fn proved(&self, took: Duration) {
        self.proof_seconds.observe(took.as_secs_f64());
    }

    /// An L1 call of `kind` that took `took` (failed or not).
    pub fn l1_call(&self, kind: L1Call, took: Duration) {
        self.l1_call_seconds.get_or_create(&[("call", kind.label())]).observe(took.as_secs_f64());
    }

    /// A subscription of `kind` opened (`1`) or closed (`-1`).
    pub fn subscriptions(&self, kind: &'static str, by: i64) {
        self.subscriptions.get_or_create(&[("kind", kind)]).inc_by(by);
    }

    /// A subscription the node ended for `reason`.
    pub fn subscription_dropped(&self, reason: &'static str) {
        self.subscriptions_dropped.get_or_create(&[("reason", reason)]).inc();
    }

    /// The OpenMetrics text of every metric, the node's holdings read from `status`, each
    /// stage's name and whether it fails (`failing`), and the store's file size `store_bytes`.
    pub fn render(&self, status: &NetworkStatus, failing: &[(&'static str, bool)], store_bytes: u64) -> String {
        let _one = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.mempool.set(gauge(status.mempool as u64));
        self.pending_priority_ops.set(gauge(status.pending_priority_ops as u64));
        for (stage, n) in [
            ("sealed", status.last_sealed),
            ("proven_off_chain", status.last_proven_off_chain),
            ("committed", status.last_committed),
            ("proven", status.last_proven),
            ("executed", status.last_executed),
        ] {
            self.last_block.get_or_create(&[("stage", stage)]).set(n.into());
        }
        self.l1_in_flight.set(status.l1_in_flight.is_some().into());
        self.l1_in_flight_attempts.set(status.l1_in_flight.as_ref().map_or(0, |f| gauge(f.versions as u64)));
        self.store_bytes.set(gauge(store_bytes));
        for &(stage, failing) in failing {
            self.stage_failing.get_or_create(&[("stage", stage)]).set(failing.into());
        }
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
