//! The chain kept in a file across restarts: its genesis, then each sealed block's number,
//! time, hash and signed transactions, one JSON line per block, written in one write and synced
//! before the block is served. A restart replays them: the EVM is deterministic under named
//! rules, so the replay rebuilds the same state and the same block hashes, checked line by
//! line; a file that does not replay (written under other rules, or edited) is refused rather
//! than served half-right. The file is locked while a chain has it open.
//!
//! A last line without its newline is the block being written when the process died, never
//! served: it is dropped.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use alloy_primitives::{Bytes, B256};

use crate::chain::{raw, Block, Chain, Genesis};

/// One sealed block, as the file holds it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Line {
    number: u64,
    timestamp: u64,
    hash: B256,
    txs: Vec<Bytes>,
}

/// The open state file.
pub struct Journal {
    file: File,
    path: PathBuf,
}

fn io(path: &Path, what: &str, e: impl std::fmt::Display) -> String {
    format!("the chain's state file {}: {what}: {e}", path.display())
}

/// Locks `file` for this process: two chains appending to one file would interleave their
/// blocks. (Where advisory locks are not available, nothing is locked.)
fn lock(file: &File, path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use rustix::fs::{flock, FlockOperation};
        flock(file, FlockOperation::NonBlockingLockExclusive)
            .map_err(|e| io(path, "lock", format!("{e}: another chain (zkrollup l1 or node) has it open")))?;
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

impl Journal {
    /// Opens the chain kept at `path`: a new chain from `genesis` if the file does not exist,
    /// else the chain it holds, replayed from its own genesis, which must have `genesis`'s chain
    /// id and accounts (its time is the file's).
    pub fn open(path: &Path, genesis: Genesis) -> Result<(Chain, Journal), String> {
        if !path.exists() {
            let mut file =
                OpenOptions::new().create_new(true).append(true).open(path).map_err(|e| io(path, "create", e))?;
            lock(&file, path)?;
            let header = serde_json::to_string(&genesis).map_err(|e| io(path, "encode", e))? + "\n";
            file.write_all(header.as_bytes()).and_then(|_| file.sync_all()).map_err(|e| io(path, "write", e))?;
            return Ok((Chain::new(genesis), Journal { file, path: path.into() }));
        }
        let file = OpenOptions::new().append(true).open(path).map_err(|e| io(path, "open", e))?;
        lock(&file, path)?;
        let text = std::fs::read(path).map_err(|e| io(path, "read", e))?;
        let mut lines = BufReader::new(&text[..]).lines();
        let header = lines.next().ok_or_else(|| io(path, "read", "empty"))?.map_err(|e| io(path, "read", e))?;
        let kept: Genesis = serde_json::from_str(&header).map_err(|e| io(path, "its genesis line", e))?;
        if kept.chain_id != genesis.chain_id || kept.accounts != genesis.accounts {
            return Err(io(
                path,
                "open",
                format!(
                    "it holds chain {} with another id or other genesis accounts than asked (chain {}): keep this chain \
                     elsewhere, or delete the file (zkrollup node --reset does) to start afresh",
                    kept.chain_id, genesis.chain_id
                ),
            ));
        }
        let mut chain = Chain::new(kept);
        // The length of the lines that replayed: a torn last line is cut off there.
        let mut good = header.len() + 1;
        let mut all: Vec<_> = lines.collect::<Result<_, _>>().map_err(|e| io(path, "read", e))?;
        if !text.ends_with(b"\n") {
            all.pop(); // torn: its block was never served
        }
        for (i, text) in all.iter().enumerate() {
            let line: Line = serde_json::from_str(text).map_err(|e| io(path, &format!("line {}", i + 2), e))?;
            for tx in &line.txs {
                chain
                    .send_raw(tx, line.timestamp)
                    .map_err(|e| io(path, &format!("block {} does not replay", line.number), e))?;
            }
            let number = chain.seal_at(line.timestamp);
            if number != line.number || chain.head().txs.len() != line.txs.len() || chain.head().hash != line.hash {
                return Err(io(
                    path,
                    &format!("block {} does not replay", line.number),
                    format!(
                        "it seals as another block ({} transactions, hash {})",
                        chain.head().txs.len(),
                        chain.head().hash
                    ),
                ));
            }
            good += text.len() + 1;
        }
        if good < text.len() {
            file.set_len(good as u64).map_err(|e| io(path, "cut its torn last line", e))?;
        }
        Ok((chain, Journal { file, path: path.into() }))
    }

    /// Appends `block` and syncs it.
    pub fn append(&mut self, block: &Block) -> Result<(), String> {
        let line = Line {
            number: block.header.number,
            timestamp: block.header.timestamp,
            hash: block.hash,
            txs: block.txs.iter().map(|t| raw(&t.envelope)).collect(),
        };
        // One write: a line is in the file whole, with its newline, or torn at its end.
        let text = serde_json::to_string(&line).map_err(|e| io(&self.path, "encode", e))? + "\n";
        self.file.write_all(text.as_bytes()).and_then(|_| self.file.sync_data()).map_err(|e| io(&self.path, "write", e))
    }
}
