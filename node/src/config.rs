//! The node's settings, with the defaults `zkrollup node --help` states.

use std::collections::BTreeMap;
use std::time::Duration;

use zkrollup_api::TxKind;
use zkrollup_reference::keeper::{KeeperConfig, MempoolLimits};
use zkrollup_spec::primitives::Address;

use crate::store::{Identity, STORE_FORMAT};

/// Everything a node is started with.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// The L1 chain id (the store and every L2 key signature are bound to it).
    pub chain_id: u64,
    /// The rollup contract.
    pub rollup: Address,
    /// The block size the node seals, in chunks (one the contract has a verifier for).
    pub block_chunks: usize,
    /// The account fees are paid to (the operator's).
    pub fee_account: u32,
    /// Seal a non-empty block once its oldest item has waited this long.
    pub seal_timeout: Duration,
    /// The mempool's bounds.
    pub limits: MempoolLimits,
    /// The listed ERC-20 tokens: token `i + 1` is `tokens[i]` (token 0 is ETH).
    pub tokens: Vec<Address>,
    /// The price table: the fee asked per chunk of a transaction, in each accepted fee token's
    /// smallest unit; a transaction paying less is refused. No price feed is reachable: an
    /// operator sets it. Empty: no fee is asked.
    pub fee_per_chunk: BTreeMap<u16, u128>,
    /// Request bounds of the API.
    pub api: ApiLimits,
}

/// What one request may ask of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiLimits {
    /// The largest request body, in bytes.
    pub max_request_bytes: u32,
    /// The most calls in one JSON-RPC batch.
    pub max_batch_calls: u32,
    /// The most transactions in one `zkr_submitBatch`.
    pub max_batch_txs: usize,
    /// The most open connections.
    pub max_connections: u32,
    /// The messages (answers and notifications) queued for one WebSocket connection; a
    /// subscription whose notification finds the queue full is ended, saying so.
    pub subscription_buffer: u32,
    /// The most subscriptions one WebSocket connection may hold.
    pub max_subscriptions: u32,
}

impl Default for ApiLimits {
    /// A signed transaction is under 1 KiB in JSON: 1 MiB carries any batch of 64 with room. A
    /// notification is under 1 KiB too, but a block's, which lists its transactions' hashes (70
    /// bytes each): a full queue of 1,024 is about a megabyte per connection, up to 18 MiB of
    /// 512-chunk blocks (a subscriber that lets it fill is dropped).
    fn default() -> Self {
        ApiLimits {
            max_request_bytes: 1 << 20,
            max_batch_calls: 100,
            max_batch_txs: 64,
            max_connections: 256,
            subscription_buffer: 1024,
            max_subscriptions: 64,
        }
    }
}

impl NodeConfig {
    /// A development node for `chain_id` and `rollup`: 16-chunk blocks, fees in ETH and token 1.
    pub fn dev(chain_id: u64, rollup: Address) -> Self {
        NodeConfig {
            chain_id,
            rollup,
            block_chunks: 16,
            fee_account: 0,
            seal_timeout: Duration::from_secs(5),
            limits: MempoolLimits::default(),
            tokens: vec![],
            fee_per_chunk: BTreeMap::from([(0, 1_000), (1, 1)]),
            api: ApiLimits::default(),
        }
    }

    /// What this node's store must belong to: its chain, contract, block size, and this
    /// version's store format.
    pub fn store_identity(&self) -> Identity {
        Identity {
            format: STORE_FORMAT,
            chain_id: self.chain_id,
            rollup: self.rollup.to_string(),
            block_chunks: self.block_chunks as u16,
        }
    }

    pub(crate) fn keeper(&self) -> KeeperConfig {
        KeeperConfig {
            chunks: self.block_chunks,
            fee_account: self.fee_account,
            seal_timeout: self.seal_timeout.as_secs(),
            limits: self.limits,
        }
    }
}

/// The chunks a transaction of `kind` takes in a block (the spec's op sizes).
pub fn chunks_of(kind: TxKind) -> u128 {
    use zkrollup_spec::op::{chunks_of, op_code};
    let code = match kind {
        TxKind::Transfer => op_code::TRANSFER,
        TxKind::TransferToNew => op_code::TRANSFER_TO_NEW,
        TxKind::Withdraw => op_code::WITHDRAW,
        TxKind::ForcedExit => op_code::FORCED_EXIT,
        TxKind::ChangePubKey => op_code::CHANGE_PUBKEY,
    };
    chunks_of(code).expect("every op code has a size") as u128
}

/// The fee `table` asks for a transaction of `kind` paid in `token`: its chunks times the token's
/// price, rounded up to a packable fee; 0 if the table is empty; an error naming the tokens taken
/// if `token` is not one.
pub fn required_fee(table: &BTreeMap<u16, u128>, kind: TxKind, token: u16) -> Result<u128, String> {
    if table.is_empty() {
        return Ok(0);
    }
    let Some(&price) = table.get(&token) else {
        let taken: Vec<_> = table.keys().collect();
        return Err(format!("this node takes fees in tokens {taken:?}, not {token}"));
    };
    chunks_of(kind)
        .checked_mul(price)
        .and_then(packable_fee_at_least)
        .ok_or_else(|| "the configured price gives a fee above the largest packable fee".to_string())
}

/// The smallest packable fee at or above `v`; `None` above the largest packable fee.
pub fn packable_fee_at_least(v: u128) -> Option<u128> {
    use zkrollup_spec::primitives::packing::PackedFee;
    // The smallest exponent whose mantissa ceil(v / 10^e) fits: any packable value at or above
    // `v` with a smaller exponent would need a larger mantissa.
    (0u8..32).find_map(|e| {
        let scale = 10u128.checked_pow(e as u32)?;
        let m = v.div_ceil(scale);
        PackedFee::new(u64::try_from(m).ok()?, e).map(|p| p.value())
    })
}
