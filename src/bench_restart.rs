//! `zkrollup bench restart`: how long the node takes to start again on its store, against the
//! length of its chain. A restart replays nothing: it verifies the store file's page checksums
//! (a read of the whole file, which grows with the chain), then loads the accounts after the
//! last sealed block, checks them against that block's root, and re-checks the transactions
//! still queued. Each chain here is `n` sealed 8-chunk blocks of one deposit each, to 10
//! accounts in turn (the state stays the same size while the chain grows: the restart's time
//! must not grow with it), then to a new account each (the state grows with the chain).

use std::time::{Duration, Instant};

use zkrollup_node::store::Store;
use zkrollup_node::{Node, NodeConfig};
use zkrollup_spec::testkit::{user, TEST_DOMAIN};
use zkrollup_spec::transition::{DepositRequest, PriorityOp};

pub(crate) fn run(lengths: &[u32]) -> Result<(), String> {
    if lengths.is_empty() || lengths.contains(&0) {
        return Err("--blocks: one or more chain lengths, each at least 1".into());
    }
    let config = NodeConfig {
        block_chunks: 8,
        seal_timeout: Duration::from_secs(3600),
        ..NodeConfig::dev(TEST_DOMAIN.chain_id, TEST_DOMAIN.contract)
    };
    let identity = config.store_identity();
    let rt = crate::bench_node::runtime()?;
    println!("the node started again on its store: blocks sealed before, store size, time to open");
    println!(
        "{:>8} {:>9} {:>12} {:>22} {:>18}",
        "blocks", "accounts", "store (MB)", "store open (checksums)", "node open (total)"
    );
    // Ten accounts in turn, then a new account for each block.
    let chains = lengths.iter().map(|&n| (n, n.min(10))).chain(lengths.iter().map(|&n| (n, n)));
    for (n, accounts) in chains {
        let dir = std::env::temp_dir().join(format!("zkrollup-bench-restart-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let node = Node::open(&dir, config.clone()).map_err(|e| e.to_string())?;
        rt.block_on(async {
            for i in 0..n {
                let u = user(1_000 + i % accounts).address;
                let deposit = PriorityOp::Deposit(DepositRequest { from: u, to: u, token: 0, amount: 1 });
                node.priority(i as u64, deposit).await?;
                if node.seal().await? != Some(i + 1) {
                    return Err(format!("block {} was not sealed", i + 1));
                }
            }
            Ok::<(), String>(())
        })?;
        node.shutdown();
        let path = dir.join("node.redb");
        let size = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        let t = Instant::now();
        drop(Store::open(&path, &identity).map_err(|e| e.to_string())?);
        let store_open = t.elapsed();
        let t = Instant::now();
        let node = Node::open(&dir, config.clone()).map_err(|e| e.to_string())?;
        let node_open = t.elapsed();
        node.shutdown();
        std::fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
        println!(
            "{n:>8} {accounts:>9} {:>12.2} {:>20.1}ms {:>16.1}ms",
            size as f64 / 1e6,
            store_open.as_secs_f64() * 1e3,
            node_open.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
