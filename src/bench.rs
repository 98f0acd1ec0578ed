//! `zkrollup bench`: throughput figures, each measured beside its baseline in the same run
//! (ratios are what to compare across machines).
//!
//! - accepted transfers/s: the state keeper's checks and receipts, signatures verified,
//!   against the spec applying the same transfers (signature checks included);
//! - transfers/s with state roots: blocks sealed by the keeper (root per block), against the
//!   spec's `apply_block`, which recomputes roots from scratch;
//! - transfers/s with witness material: the keeper sealing with per-chunk paths.

use std::time::Instant;

use rayon::prelude::*;
use zkrollup_reference::keeper::{KeeperConfig, MempoolLimits, StateKeeper};
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::state::State;
use zkrollup_spec::testkit::{context, funded_state, transfer, user};
use zkrollup_spec::transition::apply_tx;
use zkrollup_spec::tx::Tx;

/// What to measure.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The reference node: Poseidon, accepted transfers, roots, witness material.
    Throughput,
    /// The circuits: constraints per chunk and op kind, Groth16 setup and proving per block size.
    Circuits,
    /// The rollup contract: L1 gas per transfer and per withdrawal at each block size.
    L1,
    /// Flooding the priority queue: the attacker's gas per request against the operator's cost
    /// and rate of serving requests, at each block size of `--sizes`.
    Flood,
    /// The node through its API on loopback, load from a second process: durable receipts per
    /// second beside the keeper in memory, receipt latency, a withdrawal's time to L1.
    Node,
    /// The node's restart time against its chain's length (`--blocks`): the store's checksums
    /// verified, the state loaded and checked against the last block's root.
    Restart,
    /// The node over JSON-RPC on the development chain beside anvil: a deposit's time to its
    /// credit, a withdrawal's time to its pending balance on L1, the gas of each L1 call kind.
    Chains,
}

#[derive(clap::Args)]
pub(crate) struct BenchArgs {
    /// What to measure.
    #[arg(value_enum, default_value = "throughput")]
    pub target: Target,
    /// Block sizes to set up and prove (`bench circuits`, `bench flood`; `bench node`: a
    /// withdrawal's time to executed at each).
    #[arg(long, value_delimiter = ',', default_values_t = vec![8usize, 16])]
    pub sizes: Vec<usize>,
    /// Accounts in the state.
    #[arg(long, default_value_t = 256)]
    pub accounts: u32,
    /// Transfers the reference processes per figure (the spec gets an eighth).
    #[arg(long, default_value_t = 4096)]
    pub transfers: u32,
    /// Block size in chunks.
    #[arg(long, default_value_t = 64)]
    pub chunks: usize,
    /// Connections the load process sends on (`bench node`): more connections, bigger groups
    /// per fsync.
    #[arg(long, default_value_t = 128)]
    pub concurrency: u32,
    /// Chain lengths in sealed blocks (`bench restart`).
    #[arg(long, value_delimiter = ',', default_values_t = vec![10u32, 100, 1000])]
    pub blocks: Vec<u32>,
    /// Deposits timed one after another (`bench chains`).
    #[arg(long, default_value_t = 3)]
    pub deposits: u32,
}

/// `n` signed transfers: account `i % accounts` sends to the next account, nonces in order.
fn transfers(accounts: u32, n: u32) -> Vec<Tx> {
    (0..n)
        .into_par_iter()
        .map(|k| {
            let from = k % accounts;
            let to = user((from + 1) % accounts).address;
            transfer(&user(from), from, to, 0, 1 + (k % 7) as u128, 1, k / accounts)
        })
        .collect()
}

fn rate(items: usize, f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    items as f64 / t.elapsed().as_secs_f64()
}

fn row(name: &str, spec: f64, reference: f64) {
    println!("{name:<44} {spec:>12.0} {reference:>12.0} {:>9.1}x", reference / spec);
}

pub(crate) fn run(args: &BenchArgs) -> Result<(), String> {
    match args.target {
        Target::Circuits => return crate::bench_circuits::run(&args.sizes),
        Target::L1 => return crate::bench_l1::run(),
        Target::Flood => return crate::bench_flood::run(&args.sizes),
        Target::Node => {
            return crate::bench_node::run(args.accounts, args.transfers, args.chunks, args.concurrency, &args.sizes)
        }
        Target::Chains => return crate::bench_chains::run(args.deposits),
        Target::Restart => return crate::bench_restart::run(&args.blocks),
        Target::Throughput => {}
    }
    if args.accounts < 2 || args.transfers < 16 {
        return Err("need at least 2 accounts and 16 transfers".into());
    }
    let threads = rayon::current_num_threads();
    println!(
        "zkrollup bench: {} accounts, {} transfers, {}-chunk blocks, {threads} threads",
        args.accounts, args.transfers, args.chunks
    );
    print!("signing {} transfers... ", args.transfers);
    let txs = transfers(args.accounts, args.transfers);
    println!("done");
    let spec_n = (args.transfers / 8).max(16) as usize;
    let genesis: State = funded_state(args.accounts, &[(0, 1u128 << 100)]);
    // A mempool that holds the whole load at once: the bench measures throughput, not bounds.
    let per_account = args.transfers.div_ceil(args.accounts.max(1)) + 1;
    let limits =
        MempoolLimits { max_nonce_gap: per_account, per_account: per_account as usize, total: args.transfers as usize };
    let config = KeeperConfig { chunks: args.chunks, fee_account: 0, seal_timeout: 1, limits };
    let per_block = args.chunks / 2;

    println!("\n{:<44} {:>12} {:>12} {:>10}", "figure (per second)", "spec", "reference", "ratio");

    // 0. Poseidon t=5 (tree nodes and leaves): light-poseidon (spec) vs the sparse form.
    let xs: Vec<zkrollup_spec::primitives::Fr> = (1..=4u64).map(Into::into).collect();
    let n = 20_000;
    let (mut a, mut b) = (xs[0], xs[0]);
    let spec_hash = rate(n, || (0..n).for_each(|_| a += zkrollup_spec::primitives::poseidon::poseidon(&xs)));
    let ref_hash = rate(n, || (0..n).for_each(|_| b += zkrollup_reference::poseidon::poseidon(&xs)));
    if a != b {
        return Err("the two Poseidon implementations disagree".into());
    }
    row("Poseidon t=5 hashes", spec_hash, ref_hash);

    // 1. Accepted transfers.
    let mut spec_state = genesis.clone();
    let ctx = context();
    let spec_accept = rate(spec_n, || {
        for tx in &txs[..spec_n] {
            apply_tx(&mut spec_state, tx, &ctx).expect("valid");
        }
    });
    let mut keeper = StateKeeper::new(RefState::from_spec(&genesis), config, 1, false);
    keeper.state().root();
    let batch = txs.clone();
    let mut accepted = 0;
    let ref_accept = rate(txs.len(), || {
        accepted = keeper.submit_many(batch, ctx.timestamp).iter().filter(|r| r.is_ok()).count();
    });
    if accepted != txs.len() {
        return Err(format!("only {accepted} of {} transfers were accepted", txs.len()));
    }
    row("accepted transfers (signatures verified)", spec_accept, ref_accept);

    // 2. With state roots, block by block.
    let mut spec_state = genesis.clone();
    let spec_blocks: Vec<Vec<BlockInput>> =
        txs[..spec_n].chunks(per_block).map(|c| c.iter().cloned().map(BlockInput::Tx).collect()).collect();
    let spec_roots = rate(spec_n, || {
        for (i, inputs) in spec_blocks.iter().enumerate() {
            let mut c = ctx;
            c.block_number = i as u32 + 1;
            apply_block(&mut spec_state, &BlockParams { context: c, chunks: args.chunks }, inputs)
                .expect("valid block");
        }
    });
    let seal_all = |keeper: &mut StateKeeper| -> Result<usize, String> {
        let mut sealed = 0;
        while !keeper.mempool.is_empty() {
            let (b, dropped) = keeper.seal(ctx.timestamp).map_err(|e| e.to_string())?;
            if !dropped.is_empty() || b.ops.is_empty() {
                return Err(format!("block dropped {} transfers", dropped.len()));
            }
            sealed += b.ops.len();
        }
        Ok(sealed)
    };
    let mut result = Ok(0);
    let ref_roots = rate(txs.len(), || result = seal_all(&mut keeper));
    result?;
    row("transfers with state roots", spec_roots, ref_roots);

    // 3. With witness material.
    let mut witnessing = StateKeeper::new(RefState::from_spec(&genesis), config, 1, true);
    witnessing.state().root();
    witnessing.submit_many(txs.clone(), ctx.timestamp);
    let mut result = Ok(0);
    let ref_witness = rate(txs.len(), || result = seal_all(&mut witnessing));
    result?;
    row("transfers with roots and witness material", spec_roots, ref_witness);
    println!("\n(spec columns: {spec_n} transfers; the spec has no witness mode, its roots figure is repeated)");
    Ok(())
}
