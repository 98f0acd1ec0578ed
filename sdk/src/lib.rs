//! # zkrollup-sdk: the wallet library
//!
//! What a wallet needs to use the rollup from Rust: a [`Wallet`] holding an L1 key and the L2
//! key derived from it as the spec defines, signing transactions whose amounts and fees are
//! packed strictly ([`amount`]: an amount that does not pack is an error naming its packable
//! neighbours, never rounded); a [`Provider`] for the node's API, whose refusals come back
//! typed with the spec's rule id ([`SdkError`]); and a [`TxHandle`] per submitted transaction
//! that waits for the [`Stage`] the caller needs. Several tasks sending from one account share
//! a [`NonceManager`], which gives each transaction its own nonce and leaves no gap. What only
//! the L1 takes — deposits, full exits, on-chain key facts, payouts of what the contract owes —
//! goes through [`L1`], the rollup's contract over Ethereum JSON-RPC, signed with the wallet's
//! L1 key; a deposit's [`Mined::request`] is what [`Provider::wait_priority_op`] follows.
//!
//! Data flows one way: amounts in people's units → base units → a signed [`Tx`] → the node →
//! statuses; and an L1 transaction → its request → the node's blocks.
//!
//! ```no_run
//! use std::time::Duration;
//! use zkrollup_sdk::{amount, Provider, Stage, Wallet, L1};
//! use zkrollup_sdk::api::TxKind;
//! use zkrollup_sdk::spec::tx::auth::L1Domain;
//!
//! # async fn example() -> Result<(), zkrollup_sdk::SdkError> {
//! let node = Provider::http("http://127.0.0.1:3030")?;
//! // The deployment the L2 key is for: the chain id and the rollup's address (`zkr_contracts`).
//! let domain = L1Domain { chain_id: 31337, contract: "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9".parse().unwrap() };
//! let wallet = Wallet::from_l1_key_hex(&std::env::var("MY_L1_KEY").unwrap(), domain)?;
//!
//! // Funds come from L1: a deposit, followed until the node has it in a block.
//! let l1 = L1::with_wallet("http://127.0.0.1:8545", &wallet)?;
//! let deposit = l1.deposit_eth(&wallet.address(), amount::parse_units("0.01", 18)?).await?;
//! let serial = deposit.request.expect("a deposit makes a request");
//! node.wait_priority_op(serial, Stage::InBlock, Duration::from_secs(60)).await?;
//! let me = node.account(&wallet.address()).await?.expect("opened by the deposit");
//!
//! let to = "0xb2a3bd40617621036972bdb48e1b68d196d11481".parse().unwrap();
//! let value = amount::parse_units("0.001", 18)?; // ETH has 18 decimals
//! let fee = node.fee(TxKind::Transfer, 0).await?;
//! let tx = wallet.transfer(me.id, to, (0, value, fee), me.next_nonce)?;
//! let handle = node.submit(&tx).await?;
//! let status = handle.wait(Stage::InBlock, Duration::from_secs(60)).await?;
//! println!("{} is {status:?}", handle.hash);
//! # Ok(())
//! # }
//! ```

pub mod amount;
mod error;
pub mod l1;
mod nonces;
mod provider;
mod wallet;

pub use error::SdkError;
pub use l1::{Mined, L1};
pub use nonces::NonceManager;
pub use provider::{Provider, Stage, TxHandle};
pub use wallet::{Authorisation, Wallet};

/// The node's API types (statuses, account views, fee kinds).
pub use zkrollup_api as api;
/// The protocol's types (addresses, transactions, domains).
pub use zkrollup_spec as spec;
/// A signed transaction.
pub use zkrollup_spec::tx::Tx;
