//! zkrollup's development L1: an Ethereum chain on revm, served over the standard JSON-RPC
//! methods a client library needs, and no more. `zkrollup l1` runs it as its own process, so
//! that the node, wallets and tools in other processes reach it as they reach anvil or any
//! Ethereum node: through alloy, with signed transactions. Two development methods anvil also
//! has let time pass and mine at will (`evm_increaseTime`, `evm_mine`).
//!
//! Data flows one way: a signed transaction arrives over JSON-RPC ([`server`]), is decoded and
//! its signer recovered with alloy's types and run by revm into the open block ([`chain`]);
//! the block is sealed (per transaction, or on an interval) and, if the chain is kept in a file,
//! appended to it ([`journal`]) before anyone can read its receipt.
//!
//! What it leaves out, on purpose: no state trie (block headers carry a zero state root), no
//! state history (queries answer for the latest state; with interval mining that state
//! includes the open block's transactions, as "pending" would on another node), no
//! pending-transaction pool (a transaction runs when it arrives, or is refused then), no
//! subscriptions or filters, and no calls from a contract's address (EIP-3607 applies to
//! `eth_call` too).

pub mod chain;
pub mod journal;
pub mod server;

pub use chain::{Chain, ChainError, Genesis};
pub use jsonrpsee::server::ServerHandle;
pub use server::{DevChain, DevChainConfig, Mining};

use alloy_primitives::{address, Address, U256};

/// The development accounts' private keys: the first of the well-known "test test … junk"
/// mnemonic's (anvil's and hardhat's), public knowledge, so **insecure**: for a development
/// chain only. The same keys fund the same accounts on anvil, so a test or a tool runs on
/// either chain unchanged.
pub const DEV_KEYS: [&str; 4] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

/// The addresses of [`DEV_KEYS`] (checked against the keys in the tests).
pub const DEV_ADDRESSES: [Address; 4] = [
    address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
    address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
    address!("90F79bf6EB2c4f870365E785982E1f101E93b906"),
];

/// The chain id of development chains (anvil's).
pub const DEV_CHAIN_ID: u64 = 31337;

/// A development genesis: each of [`DEV_ADDRESSES`] holds 10,000 ETH; blocks of 30M gas; a
/// base fee of 1 gwei at genesis, moving by EIP-1559's rule.
pub fn dev_genesis(chain_id: u64, timestamp: u64) -> Genesis {
    let eth = U256::from(10u128.pow(18));
    Genesis {
        chain_id,
        timestamp,
        block_gas_limit: 30_000_000,
        base_fee: 1_000_000_000,
        accounts: DEV_ADDRESSES.iter().map(|a| (*a, eth * U256::from(10_000))).collect(),
    }
}
