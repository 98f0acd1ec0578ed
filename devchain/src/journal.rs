//! The chain kept in a file across restarts: its genesis, then each sealed block's time and
//! signed transactions, one JSON line per block, synced before the block is served. A restart
//! replays them: the EVM is deterministic, so the replay rebuilds the same state and the same
//! block hashes, and a file that does not replay (written by another revm, or edited) is refused
//! rather than served half-right.
//!
//! A line cut short by a crash is the block being written, never served: it is dropped.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use alloy_primitives::Bytes;

use crate::chain::{raw, Block, Chain, Genesis};

/// One sealed block, as the file holds it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Line {
    number: u64,
    timestamp: u64,
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

impl Journal {
    /// Opens the chain kept at `path`: a new chain from `genesis` if the file does not exist,
    /// else the chain it holds, replayed from its own genesis, which must have `genesis`'s chain
    /// id and accounts (its time is the file's).
    pub fn open(path: &Path, genesis: Genesis) -> Result<(Chain, Journal), String> {
        if !path.exists() {
            let mut file =
                OpenOptions::new().create_new(true).append(true).open(path).map_err(|e| io(path, "create", e))?;
            let header = serde_json::to_string(&genesis).map_err(|e| io(path, "encode", e))?;
            writeln!(file, "{header}").and_then(|_| file.sync_all()).map_err(|e| io(path, "write", e))?;
            return Ok((Chain::new(genesis), Journal { file, path: path.into() }));
        }
        let text = std::fs::read(path).map_err(|e| io(path, "read", e))?;
        let mut lines = BufReader::new(&text[..]).lines();
        let header = lines.next().ok_or_else(|| io(path, "read", "empty"))?.map_err(|e| io(path, "read", e))?;
        let kept: Genesis = serde_json::from_str(&header).map_err(|e| io(path, "its genesis line", e))?;
        if kept.chain_id != genesis.chain_id || kept.accounts != genesis.accounts {
            return Err(io(
                path,
                "open",
                format!("it holds chain {} with other genesis accounts or id than asked (chain {}): another --state, or delete it", kept.chain_id, genesis.chain_id),
            ));
        }
        let mut chain = Chain::new(kept);
        // The length of the lines that replayed: a torn last line is cut off there.
        let mut good = header.len() + 1;
        let all: Vec<_> = lines.collect::<Result<_, _>>().map_err(|e| io(path, "read", e))?;
        for (i, text) in all.iter().enumerate() {
            let line: Line = match serde_json::from_str(text) {
                Ok(l) => l,
                Err(_) if i + 1 == all.len() => break,
                Err(e) => return Err(io(path, &format!("line {}", i + 2), e)),
            };
            for tx in &line.txs {
                chain
                    .send_raw(tx, line.timestamp)
                    .map_err(|e| io(path, &format!("block {} does not replay", line.number), e))?;
            }
            let number = chain.seal_at(line.timestamp);
            if number != line.number || chain.head().txs.len() != line.txs.len() {
                return Err(io(path, &format!("block {} does not replay", line.number), "it seals as another block"));
            }
            good += text.len() + 1;
        }
        let file = OpenOptions::new().append(true).open(path).map_err(|e| io(path, "open", e))?;
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
            txs: block.txs.iter().map(|t| raw(&t.envelope)).collect(),
        };
        let text = serde_json::to_string(&line).map_err(|e| io(&self.path, "encode", e))?;
        writeln!(self.file, "{text}").and_then(|_| self.file.sync_data()).map_err(|e| io(&self.path, "write", e))
    }
}
