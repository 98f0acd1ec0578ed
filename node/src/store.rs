//! The embedded store: redb, one file. Every write is one redb transaction committed with
//! `Durability::Immediate` (fsync) before its caller answers anyone; the sequencer groups the
//! writes of concurrent submissions into one (group commit). Readers run in parallel with the
//! writer on redb's snapshots.
//!
//! Values are JSON of the API's own types (a record is what the API answers, plus bookkeeping):
//! slower than a binary encoding, but a store an operator can inspect, and one encoding fewer.
//!
//! Tables:
//! - `meta`: the store's [`Identity`] (the chain and contract it belongs to), the next sequence
//!   number and the next priority serial id.
//! - `txs`: hash → [`TxRecord`] (every accepted transaction, its status).
//! - `queue`: sequence number → hash, the accepted transactions not yet in a block, in order.
//! - `blocks`: number → [`BlockRecord`].
//! - `accounts`: id → the account after the last sealed block (the committed state: a restart
//!   loads it, checked against the last block's root, and never replays blocks).
//! - `history`: (id, block) → the account after that block (for the verified view).
//! - `priority`: serial id → [`PriorityRecord`] (each request once, keyed by its serial id).
//! - `proofs`: block → its proof, as the contract takes it.
//! - `l1_blocks`: block → the block as the contract stored it at commit (what proving and
//!   executing it on L1 name).
//!
//! - `auth_facts`: owner ‖ nonce → the pubkey hash its owner authorised on L1 (the watcher
//!   records them; a ChangePubKey authorised on chain is accepted only with its fact).
//!
//! `meta` also keeps the pipeline's progress ([`Progress`]), the L1 watcher's cursor and the L1
//! sender's transaction in flight ([`InFlight`]), recorded before it is sent.

use std::path::Path;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use zkrollup_api::{AccountState, BlockInfo, BlockStage, PriorityOpJson, TxJson, TxStatus};
use zkrollup_conformance::wire::{convert, AccountJson, OpJson, StoredBlockJson};
use zkrollup_reference::state::RefState;
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::state::State;

use crate::l1::in_flight::{InFlight, Journal};
use crate::l1::{L1Cursor, L1Error};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const TXS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("txs");
const QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("queue");
const BLOCKS: TableDefinition<u32, &[u8]> = TableDefinition::new("blocks");
const ACCOUNTS: TableDefinition<u32, &[u8]> = TableDefinition::new("accounts");
const HISTORY: TableDefinition<(u32, u32), &[u8]> = TableDefinition::new("history");
const PRIORITY: TableDefinition<u64, &[u8]> = TableDefinition::new("priority");
const PROOFS: TableDefinition<u32, &[u8]> = TableDefinition::new("proofs");
const L1_BLOCKS: TableDefinition<u32, &[u8]> = TableDefinition::new("l1_blocks");
const AUTH_FACTS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("auth_facts");

/// The sender records its transaction in flight in the store, durably, before sending it.
impl Journal for Store {
    fn in_flight(&self) -> Result<Option<InFlight>, L1Error> {
        self.l1_in_flight().map_err(|e| L1Error::Other(e.to_string()))
    }

    fn record(&self, in_flight: Option<&InFlight>) -> Result<(), L1Error> {
        self.set_l1_in_flight(in_flight).map_err(|e| L1Error::Other(e.to_string()))
    }
}

/// The layout version of the store; a store of another is refused (2: the L1 cursor keeps the
/// hash of the last block read).
pub const STORE_FORMAT: u32 = 2;

/// What a store belongs to: a node refuses a store of another chain, contract or block size.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// [`STORE_FORMAT`] when written.
    pub format: u32,
    /// The L1 chain id.
    pub chain_id: u64,
    /// The rollup contract, `0x`-hex.
    pub rollup: String,
    /// The block size the node seals.
    pub block_chunks: u16,
}

/// An accepted transaction.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TxRecord {
    /// Its place in the order of acceptance.
    pub seq: u64,
    /// The transaction as submitted.
    pub tx: TxJson,
    /// Where it is.
    pub status: TxStatus,
    /// The `seq` of its atomic batch's first transaction, if it came in one of two or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u64>,
}

/// A sealed block: what the API tells of it, and what the later stages need.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BlockRecord {
    pub info: BlockInfo,
    /// The state root before the block, decimal.
    pub old_root: String,
    pub fee_account: u32,
    /// The id the next new account gets, after the block.
    pub next_account_id: u32,
    pub ops: Vec<OpJson>,
}

/// A priority operation seen on L1.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PriorityRecord {
    pub serial_id: u64,
    pub op: PriorityOpJson,
    /// The block that includes it, once sealed.
    pub block: Option<u32>,
}

/// How far the pipeline has come: the last block at each stage (0: none).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub proofs: u32,
    pub committed: u32,
    pub proven: u32,
    pub executed: u32,
}

/// A block with its priority operations and transactions, in block order.
pub type BlockInputs = (BlockRecord, Vec<PriorityOpJson>, Vec<TxJson>);

/// What a restart needs, read in one snapshot.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The committed state's accounts, by increasing id.
    pub accounts: Vec<AccountJson>,
    /// The last sealed block, if any.
    pub last_block: Option<BlockRecord>,
    /// Priority operations not yet in a block, by serial id.
    pub pending_priority: Vec<PriorityRecord>,
    /// Accepted transactions not yet in a block, in the order of acceptance.
    pub queued: Vec<TxRecord>,
    /// The next sequence number to hand out.
    pub next_seq: u64,
    /// The serial id the next priority operation must carry.
    pub next_serial: u64,
}

/// A store failure. A store is refused at start if it is not this node's (another chain,
/// contract, block size or format) or its file is damaged: redb's page checksums are verified
/// at every open, and records that do not decode or disagree with each other are named.
/// The node names the file ([`crate::NodeError::Store`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("in use by another process (one node per store)")]
    Locked,
    #[error(
        "{}: start the node with its own chain's configuration, or on a new data directory",
        foreign(found, asked)
    )]
    OtherChain { found: Identity, asked: Identity },
    #[error("written by a newer zkrollup (store format {found}; this one reads format {supported}): run that version, or start on a new data directory")]
    NewerFormat { found: u32, supported: u32 },
    #[error("of store format {found}, which this zkrollup (format {supported}) cannot migrate: start on a new data directory")]
    OlderFormat { found: u32, supported: u32 },
    #[error("damaged ({what}): {detail}; the node will not start on it: restore it from a backup, or start on a new data directory")]
    Damaged { what: &'static str, detail: String },
    #[error("store: {0}")]
    Db(#[from] redb::Error),
}

/// What differs between the store's identity and the node's, in words.
fn foreign(found: &Identity, asked: &Identity) -> String {
    let mut differs = Vec::new();
    if found.chain_id != asked.chain_id {
        differs.push(format!("chain {} (this node: chain {})", found.chain_id, asked.chain_id));
    }
    if found.rollup != asked.rollup {
        differs.push(format!("rollup contract {} (this node: {})", found.rollup, asked.rollup));
    }
    if found.block_chunks != asked.block_chunks {
        differs.push(format!("{}-chunk blocks (this node: {})", found.block_chunks, asked.block_chunks));
    }
    format!("belongs to {}", differs.join(", "))
}

fn db_err(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Db(e.into())
}

fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("records are plain data")
}

fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Damaged { what, detail: e.to_string() })
}

/// The node's store.
pub struct Store {
    db: Database,
    path: std::path::PathBuf,
}

/// What a sealed block changes in the store, written in one transaction.
pub struct SealWrite<'a> {
    pub block: &'a BlockRecord,
    /// The accounts the block changed, as they are after it.
    pub accounts: &'a [AccountJson],
    /// Transactions dropped while building it, with their status.
    pub dropped: &'a [([u8; 32], TxStatus)],
}

impl Store {
    /// The store file's size in bytes (0 if it cannot be read).
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// Opens the store at `path` (created if missing) for `identity`; a store of another chain,
    /// contract, block size or format is refused.
    pub fn open(path: &Path, identity: &Identity) -> Result<Store, StoreError> {
        let damaged = |detail: String| StoreError::Damaged { what: "file", detail };
        let opened = |e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked,
            redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => damaged(detail),
            // A file cut short: redb reads past its end.
            redb::DatabaseError::Storage(redb::StorageError::Io(e))
                if e.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                damaged(format!("shorter than its own layout ({e})"))
            }
            e => db_err(e),
        };
        // redb checks pages only at open after a crash; a byte flipped on disk since would be
        // read as data. Every page's checksum is verified here, at every start (a full read of
        // the file). `false`: a damaged latest commit that redb rolled back to the one before,
        // which may have lost the last receipts: refused, so that an operator hears of it.
        // redb 3.1 asserts, rather than errs, on a file shorter than its header says: that
        // panic is caught and named as the damage it is.
        let checked = std::panic::catch_unwind(|| {
            let mut db = Database::create(path).map_err(opened)?;
            match db.check_integrity().map_err(opened)? {
                true => Ok(db),
                false => Err(damaged(
                    "a page failed its checksum and redb rolled the file back to its previous commit, which may lack the last receipts".into(),
                )),
            }
        });
        let db = checked.unwrap_or_else(|panic| {
            let what =
                panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            Err(damaged(format!("redb cannot read it ({})", what.unwrap_or_else(|| "it panicked".into()))))
        })?;
        let store = Store { db, path: path.to_path_buf() };
        let w = store.db.begin_write().map_err(db_err)?;
        {
            let mut meta = w.open_table(META).map_err(db_err)?;
            let found = meta.get("identity").map_err(db_err)?.map(|v| decode::<Identity>("identity", v.value()));
            match found {
                Some(found) => {
                    let found = found?;
                    if found.format > identity.format {
                        return Err(StoreError::NewerFormat { found: found.format, supported: identity.format });
                    }
                    if found.format < identity.format {
                        return Err(StoreError::OlderFormat { found: found.format, supported: identity.format });
                    }
                    if &found != identity {
                        return Err(StoreError::OtherChain { found, asked: identity.clone() });
                    }
                }
                None => {
                    meta.insert("identity", encode(identity).as_slice()).map_err(db_err)?;
                }
            }
            // Every table exists from the first open, so readers never find one missing.
            w.open_table(TXS).map_err(db_err)?;
            w.open_table(QUEUE).map_err(db_err)?;
            w.open_table(BLOCKS).map_err(db_err)?;
            w.open_table(ACCOUNTS).map_err(db_err)?;
            w.open_table(HISTORY).map_err(db_err)?;
            w.open_table(PRIORITY).map_err(db_err)?;
            w.open_table(PROOFS).map_err(db_err)?;
            w.open_table(L1_BLOCKS).map_err(db_err)?;
            w.open_table(AUTH_FACTS).map_err(db_err)?;
        }
        w.commit().map_err(db_err)?;
        Ok(store)
    }

    /// Everything a restart needs.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let mut out = Loaded::default();
        for e in r.open_table(ACCOUNTS).map_err(db_err)?.iter().map_err(db_err)? {
            let (_, v) = e.map_err(db_err)?;
            out.accounts.push(decode("account", v.value())?);
        }
        if let Some(e) = r.open_table(BLOCKS).map_err(db_err)?.last().map_err(db_err)? {
            out.last_block = Some(decode("block", e.1.value())?);
        }
        for e in r.open_table(PRIORITY).map_err(db_err)?.iter().map_err(db_err)? {
            let rec: PriorityRecord = decode("priority operation", e.map_err(db_err)?.1.value())?;
            if rec.block.is_none() {
                out.pending_priority.push(rec);
            }
        }
        let txs = r.open_table(TXS).map_err(db_err)?;
        for e in r.open_table(QUEUE).map_err(db_err)?.iter().map_err(db_err)? {
            let (_, hash) = e.map_err(db_err)?;
            let Some(v) = txs.get(hash.value()).map_err(db_err)? else {
                return Err(StoreError::Damaged { what: "queue", detail: "a queued hash with no transaction".into() });
            };
            out.queued.push(decode("transaction", v.value())?);
        }
        let meta = r.open_table(META).map_err(db_err)?;
        for (key, field) in [("next_seq", &mut out.next_seq), ("next_serial", &mut out.next_serial)] {
            if let Some(v) = meta.get(key).map_err(db_err)? {
                *field = decode("meta", v.value())?;
            }
        }
        Ok(out)
    }

    fn write(&self, f: impl FnOnce(&redb::WriteTransaction) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut w = self.db.begin_write().map_err(db_err)?;
        w.set_durability(Durability::Immediate).map_err(db_err)?;
        f(&w)?;
        crate::kill_points::reached("store.write");
        w.commit().map_err(db_err)
    }

    /// Records accepted transactions (one group) as queued; durable on return.
    pub fn accept(&self, txs: &[([u8; 32], TxRecord)], next_seq: u64) -> Result<(), StoreError> {
        self.write(|w| {
            let mut t = w.open_table(TXS).map_err(db_err)?;
            let mut q = w.open_table(QUEUE).map_err(db_err)?;
            for (hash, rec) in txs {
                t.insert(hash.as_slice(), encode(rec).as_slice()).map_err(db_err)?;
                q.insert(rec.seq, hash.as_slice()).map_err(db_err)?;
            }
            put_meta(w, "next_seq", &next_seq)
        })
    }

    /// Records a priority operation if its serial id is new; whether it was.
    pub fn add_priority(&self, rec: &PriorityRecord) -> Result<bool, StoreError> {
        let mut new = false;
        self.write(|w| {
            let mut t = w.open_table(PRIORITY).map_err(db_err)?;
            if t.get(rec.serial_id).map_err(db_err)?.is_none() {
                t.insert(rec.serial_id, encode(rec).as_slice()).map_err(db_err)?;
                put_meta(w, "next_serial", &(rec.serial_id + 1))?;
                new = true;
            }
            Ok(())
        })?;
        Ok(new)
    }

    /// Records a sealed block and everything it changes, in one transaction.
    pub fn seal(&self, s: &SealWrite<'_>) -> Result<(), StoreError> {
        let n = s.block.info.number;
        self.write(|w| {
            w.open_table(BLOCKS).map_err(db_err)?.insert(n, encode(s.block).as_slice()).map_err(db_err)?;
            let in_block =
                s.block.info.txs.iter().filter_map(|h| parse_hash(h)).map(|h| (h, TxStatus::InBlock { block: n }));
            set_status(w, in_block.chain(s.dropped.iter().cloned()))?;
            let mut accounts = w.open_table(ACCOUNTS).map_err(db_err)?;
            let mut history = w.open_table(HISTORY).map_err(db_err)?;
            for a in s.accounts {
                let v = encode(a);
                accounts.insert(a.id, v.as_slice()).map_err(db_err)?;
                history.insert((a.id, n), v.as_slice()).map_err(db_err)?;
            }
            let mut priority = w.open_table(PRIORITY).map_err(db_err)?;
            for &serial in &s.block.info.priority_ops {
                let mut rec: PriorityRecord = match priority.get(serial).map_err(db_err)? {
                    Some(v) => decode("priority operation", v.value())?,
                    None => return Err(StoreError::Damaged { what: "priority", detail: format!("serial {serial}") }),
                };
                rec.block = Some(n);
                priority.insert(serial, encode(&rec).as_slice()).map_err(db_err)?;
            }
            Ok(())
        })
    }

    /// Marks queued transactions as dropped (they became invalid while the node was down, or
    /// every one a block could take was dropped, so no block was sealed).
    pub fn drop_queued(&self, dropped: &[([u8; 32], TxStatus)]) -> Result<(), StoreError> {
        self.write(|w| set_status(w, dropped.iter().cloned()))
    }

    fn meta<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(META).map_err(db_err)?;
        let v = t.get(key).map_err(db_err)?;
        v.map_or(Ok(T::default()), |v| decode("meta", v.value()))
    }

    /// The pipeline's progress.
    pub fn progress(&self) -> Result<Progress, StoreError> {
        self.meta("progress")
    }

    /// Where the L1 watcher stopped reading.
    pub fn l1_cursor(&self) -> Result<L1Cursor, StoreError> {
        self.meta("l1_cursor")
    }

    /// Records the L1 watcher's cursor.
    pub fn set_l1_cursor(&self, cursor: &L1Cursor) -> Result<(), StoreError> {
        self.write(|w| put_meta(w, "l1_cursor", cursor))
    }

    /// The L1 sender's transaction in flight, if one is.
    pub fn l1_in_flight(&self) -> Result<Option<InFlight>, StoreError> {
        self.meta("l1_in_flight")
    }

    /// Records the L1 sender's transaction in flight (before it is sent), or that none is.
    pub fn set_l1_in_flight(&self, in_flight: Option<&InFlight>) -> Result<(), StoreError> {
        self.write(|w| put_meta(w, "l1_in_flight", &in_flight))
    }

    /// Records block `n`'s proof (blocks are proven in order).
    pub fn put_proof(&self, n: u32, proof: &[u8]) -> Result<(), StoreError> {
        self.write(|w| {
            w.open_table(PROOFS).map_err(db_err)?.insert(n, proof).map_err(db_err)?;
            advance(w, |p| p.proofs = n)
        })
    }

    /// Records that `owner` authorised `pubkey_hash` for its nonce `nonce` on L1.
    pub fn add_auth_fact(&self, owner: &Address, nonce: u32, pubkey_hash: &PubKeyHash) -> Result<(), StoreError> {
        self.write(|w| {
            let key = fact_key(owner, nonce);
            w.open_table(AUTH_FACTS)
                .map_err(db_err)?
                .insert(key.as_slice(), pubkey_hash.0.as_slice())
                .map_err(db_err)?;
            Ok(())
        })
    }

    /// The pubkey hash `owner` authorised on L1 for its nonce `nonce`, if any.
    pub fn auth_fact(&self, owner: &Address, nonce: u32) -> Result<Option<PubKeyHash>, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(AUTH_FACTS).map_err(db_err)?;
        let v = t.get(fact_key(owner, nonce).as_slice()).map_err(db_err)?;
        v.map(|v| {
            v.value()
                .try_into()
                .map(PubKeyHash)
                .map_err(|_| StoreError::Damaged { what: "auth facts", detail: "a hash of the wrong length".into() })
        })
        .transpose()
    }

    /// Block `n`'s proof.
    pub fn proof(&self, n: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(PROOFS).map_err(db_err)?;
        Ok(t.get(n).map_err(db_err)?.map(|v| v.value().to_vec()))
    }

    /// Records that block `n` reached `stage` on L1 (with the block as the contract stored it,
    /// at commit).
    pub fn set_stage(&self, n: u32, stage: BlockStage, stored: Option<&StoredBlockJson>) -> Result<(), StoreError> {
        self.write(|w| {
            let mut blocks = w.open_table(BLOCKS).map_err(db_err)?;
            let mut rec: BlockRecord = match blocks.get(n).map_err(db_err)? {
                Some(v) => decode("block", v.value())?,
                None => return Err(StoreError::Damaged { what: "blocks", detail: format!("no block {n}") }),
            };
            rec.info.stage = stage;
            blocks.insert(n, encode(&rec).as_slice()).map_err(db_err)?;
            if let Some(stored) = stored {
                w.open_table(L1_BLOCKS).map_err(db_err)?.insert(n, encode(stored).as_slice()).map_err(db_err)?;
            }
            advance(w, |p| match stage {
                BlockStage::Sealed => {}
                BlockStage::Committed => p.committed = n,
                BlockStage::Proven => p.proven = n,
                BlockStage::Executed => p.executed = n,
            })
        })
    }

    /// Block `n` as the contract stored it; `None` before its commit.
    pub fn l1_block(&self, n: u32) -> Result<Option<StoredBlockJson>, StoreError> {
        self.get(L1_BLOCKS, n, "L1 block")
    }

    /// Block `n`'s inputs in block order: its priority operations, then its transactions.
    pub fn block_inputs(&self, n: u32) -> Result<Option<BlockInputs>, StoreError> {
        let Some(rec) = self.block(n)? else { return Ok(None) };
        let mut priority = Vec::new();
        for &serial in &rec.info.priority_ops {
            let p: PriorityRecord = self.get(PRIORITY, serial, "priority operation")?.ok_or_else(|| {
                StoreError::Damaged { what: "priority", detail: format!("block {n} names serial {serial}") }
            })?;
            priority.push(p.op);
        }
        let mut txs = Vec::new();
        for h in &rec.info.txs {
            let t = parse_hash(h).map(|h| self.tx(&h)).transpose()?.flatten();
            let t = t.ok_or_else(|| StoreError::Damaged { what: "txs", detail: format!("block {n} names {h}") })?;
            txs.push(t.tx);
        }
        Ok(Some((rec, priority, txs)))
    }

    /// Every account as it was after block `at`, by increasing id.
    pub fn accounts_at(&self, at: u32) -> Result<Vec<AccountJson>, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(HISTORY).map_err(db_err)?;
        let mut out: Vec<AccountJson> = Vec::new();
        for e in t.iter().map_err(db_err)? {
            let (k, v) = e.map_err(db_err)?;
            let (id, block) = k.value();
            if block > at {
                continue;
            }
            // Versions of one id come in increasing block order: the last one read wins.
            let a: AccountJson = decode("account", v.value())?;
            match out.last_mut() {
                Some(last) if last.id == id => *last = a,
                _ => out.push(a),
            }
        }
        Ok(out)
    }

    /// A transaction the node accepted.
    pub fn tx(&self, hash: &[u8; 32]) -> Result<Option<TxRecord>, StoreError> {
        self.get(TXS, hash.as_slice(), "transaction")
    }

    /// A sealed block.
    pub fn block(&self, n: u32) -> Result<Option<BlockRecord>, StoreError> {
        self.get(BLOCKS, n, "block")
    }

    /// A priority operation.
    pub fn priority_op(&self, serial: u64) -> Result<Option<PriorityRecord>, StoreError> {
        self.get(PRIORITY, serial, "priority operation")
    }

    /// Account `id` as it was after block `at` (the latest version at or before it).
    pub fn account_at(&self, id: u32, at: u32) -> Result<Option<AccountState>, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(HISTORY).map_err(db_err)?;
        let Some(e) = t.range((id, 0)..=(id, at)).map_err(db_err)?.next_back() else { return Ok(None) };
        let a: AccountJson = decode("account", e.map_err(db_err)?.1.value())?;
        Ok(Some(AccountState { nonce: a.nonce, pubkey_hash: a.pubkey_hash, balances: a.balances }))
    }

    fn get<'k, K: redb::Key + 'static, T: DeserializeOwned>(
        &self,
        table: TableDefinition<K, &[u8]>,
        key: impl std::borrow::Borrow<K::SelfType<'k>>,
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        let r = self.db.begin_read().map_err(db_err)?;
        let t = r.open_table(table).map_err(db_err)?;
        let v = t.get(key).map_err(db_err)?;
        v.map(|v| decode(what, v.value())).transpose()
    }
}

fn fact_key(owner: &Address, nonce: u32) -> Vec<u8> {
    [owner.0.as_slice(), &nonce.to_be_bytes()].concat()
}

/// Moves the pipeline's progress, in the same transaction as the change it records.
fn advance(w: &redb::WriteTransaction, f: impl FnOnce(&mut Progress)) -> Result<(), StoreError> {
    let mut p: Progress = match w.open_table(META).map_err(db_err)?.get("progress").map_err(db_err)? {
        Some(v) => decode("progress", v.value())?,
        None => Progress::default(),
    };
    f(&mut p);
    put_meta(w, "progress", &p)
}

/// Writes `meta`'s `key`.
fn put_meta<T: Serialize>(w: &redb::WriteTransaction, key: &str, value: &T) -> Result<(), StoreError> {
    w.open_table(META).map_err(db_err)?.insert(key, encode(value).as_slice()).map_err(db_err)?;
    Ok(())
}

/// The state of `accounts` (as the store holds them) and the id counter `next_account_id`.
pub fn state_of(accounts: &[AccountJson], next_account_id: u32) -> Result<RefState, StoreError> {
    let damaged = |e: &dyn std::fmt::Display| StoreError::Damaged { what: "accounts", detail: e.to_string() };
    let mut by_id = std::collections::BTreeMap::new();
    for a in accounts {
        by_id.insert(a.id, convert::account_of(a).map_err(|e| damaged(&e))?);
    }
    let state = State::from_parts(by_id, next_account_id).map_err(|e| damaged(&e))?;
    Ok(RefState::from_spec(&state))
}

/// Sets the status of queued transactions, which leave the queue.
fn set_status(w: &redb::WriteTransaction, items: impl Iterator<Item = ([u8; 32], TxStatus)>) -> Result<(), StoreError> {
    let mut txs = w.open_table(TXS).map_err(db_err)?;
    let mut queue = w.open_table(QUEUE).map_err(db_err)?;
    for (hash, status) in items {
        let mut rec: TxRecord = match txs.get(hash.as_slice()).map_err(db_err)? {
            Some(v) => decode("transaction", v.value())?,
            None => {
                return Err(StoreError::Damaged { what: "txs", detail: format!("no transaction {}", hash_hex(&hash)) })
            }
        };
        queue.remove(rec.seq).map_err(db_err)?;
        rec.status = status;
        txs.insert(hash.as_slice(), encode(&rec).as_slice()).map_err(db_err)?;
    }
    Ok(())
}

/// A `0x`-hex hash as stored in block records.
pub fn hash_hex(h: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(h))
}

/// The bytes of a `0x`-hex hash; `None` if it is not one.
pub fn parse_hash(s: &str) -> Option<[u8; 32]> {
    let b = hex::decode(s.strip_prefix("0x")?).ok()?;
    b.try_into().ok()
}
