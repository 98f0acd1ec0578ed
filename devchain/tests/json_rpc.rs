//! The development chain through alloy's provider over HTTP, as any client reaches it: signed
//! transactions, receipts, logs, reverts with their data, refusals, fees, blocks, and the chain
//! kept in a file across a restart.

use std::time::Duration;

use alloy_eips::eip2718::Encodable2718;
use alloy_network::{Ethereum, EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy_primitives::{Address, Bytes, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolEvent};
use jsonrpsee::server::ServerHandle;
use zkrollup_contracts::artifacts::{bytecode, TestToken, TEST_TOKEN};
use zkrollup_devchain::{
    dev_genesis, DevChain, DevChainConfig, Genesis, Mining, DEV_ADDRESSES, DEV_CHAIN_ID, DEV_KEYS,
};

struct Running {
    url: String,
    chain: DevChain,
    _server: ServerHandle,
}

impl Running {
    /// Stops the chain, letting go of its file.
    async fn close(self) {
        self.chain.close().await.unwrap();
    }
}

async fn start(mining: Mining, state: Option<std::path::PathBuf>) -> Running {
    start_with(DevChainConfig { genesis: dev_genesis(DEV_CHAIN_ID, 1_700_000_000), mining, state }).await
}

async fn start_with(config: DevChainConfig) -> Running {
    let chain = DevChain::start(config).expect("the chain starts");
    let (addr, server) = chain.serve("127.0.0.1:0".parse().unwrap()).await.expect("it listens");
    Running { url: format!("http://{addr}"), chain, _server: server }
}

fn wallet(url: &str, key: &str) -> DynProvider {
    let signer: PrivateKeySigner = key.parse().unwrap();
    ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.parse().unwrap()).erased()
}

/// Deploys a test ERC-20 with `provider`'s key: its address.
async fn token(provider: &DynProvider) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(bytecode(TEST_TOKEN));
    let receipt = provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    receipt.contract_address.expect("a creation has an address")
}

#[test]
fn the_dev_addresses_are_the_dev_keys() {
    for (key, address) in DEV_KEYS.iter().zip(DEV_ADDRESSES) {
        assert_eq!(key.parse::<PrivateKeySigner>().unwrap().address(), address);
    }
}

#[tokio::test]
async fn a_signed_transfer_is_mined_with_its_fee_and_receipt() {
    let chain = start(Mining::PerTransaction, None).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    assert_eq!(provider.get_chain_id().await.unwrap(), DEV_CHAIN_ID);
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    let to = Address::repeat_byte(0x42);
    let before = provider.get_balance(DEV_ADDRESSES[0]).await.unwrap();
    let tx = TransactionRequest::default().with_to(to).with_value(U256::from(12_345));
    let receipt = provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();

    assert!(receipt.status());
    assert_eq!((receipt.block_number, receipt.gas_used, receipt.from), (Some(1), 21_000, DEV_ADDRESSES[0]));
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::from(12_345));
    // The sender paid the value and 21,000 gas at the price the receipt states: block 1's base
    // fee (the genesis's 1 gwei less an eighth, as the genesis block is empty) and a tip.
    let paid = before - provider.get_balance(DEV_ADDRESSES[0]).await.unwrap();
    assert_eq!(paid, U256::from(12_345u128 + 21_000 * receipt.effective_gas_price));
    assert_eq!(provider.get_transaction_count(DEV_ADDRESSES[0]).await.unwrap(), 1);

    let block = provider.get_block_by_number(BlockNumberOrTag::Latest).await.unwrap().expect("a head");
    assert_eq!((block.header.number, block.header.base_fee_per_gas), (1, Some(875_000_000)));
    assert!(receipt.effective_gas_price > 875_000_000);
    assert_eq!(block.transactions.hashes().collect::<Vec<_>>(), vec![receipt.transaction_hash]);
    let genesis = provider.get_block_by_number(0.into()).await.unwrap().unwrap();
    assert_eq!(block.header.parent_hash, genesis.header.hash);
    let tx = provider.get_transaction_by_hash(receipt.transaction_hash).await.unwrap().expect("mined");
    assert_eq!((tx.inner.signer(), tx.block_number), (DEV_ADDRESSES[0], Some(1)));
    // Block 1's 21,000 gas is below the 15M target: the next base fee falls again (EIP-1559).
    let history = provider.get_fee_history(2, BlockNumberOrTag::Latest, &[50.0]).await.unwrap();
    assert_eq!(history.base_fee_per_gas[..2], [1_000_000_000, 875_000_000]);
    assert!(history.base_fee_per_gas[2] < 875_000_000, "{history:?}");
    assert_eq!(history.reward.unwrap()[1], vec![receipt.effective_gas_price - 875_000_000]);
}

#[tokio::test]
async fn contracts_log_revert_with_their_data_and_are_read_by_filters() {
    let chain = start(Mining::PerTransaction, None).await;
    let provider = wallet(&chain.url, DEV_KEYS[1]);
    let token = token(&provider).await;
    assert!(!provider.get_code_at(token).await.unwrap().is_empty());
    let (me, you) = (DEV_ADDRESSES[1], DEV_ADDRESSES[2]);
    let send = |call: Vec<u8>| {
        let provider = provider.clone();
        async move {
            let tx = TransactionRequest::default().with_to(token).with_input(call);
            provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap()
        }
    };
    send(TestToken::mintCall { to: me, amount: U256::from(100) }.abi_encode()).await;
    let moved = send(TestToken::transferCall { to: you, amount: U256::from(40) }.abi_encode()).await;
    assert!(moved.status());

    let balance = |who| TestToken::balanceOfCall::new((who,)).abi_encode();
    let read = |who| {
        let provider = provider.clone();
        let call = balance(who);
        async move {
            let out = provider.call(TransactionRequest::default().with_to(token).with_input(call)).await.unwrap();
            TestToken::balanceOfCall::abi_decode_returns(&out).unwrap()
        }
    };
    assert_eq!((read(me).await, read(you).await), (U256::from(60), U256::from(40)));

    // The transfer's log, found by address, event and topic, with its place in the chain.
    let filter = Filter::new()
        .address(token)
        .event_signature(TestToken::Transfer::SIGNATURE_HASH)
        .topic2(you.into_word())
        .from_block(0u64);
    let logs = provider.get_logs(&filter).await.unwrap();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!((logs[0].transaction_hash, logs[0].block_number), (Some(moved.transaction_hash), moved.block_number));
    let event = TestToken::Transfer::decode_log(&logs[0].inner).unwrap();
    assert_eq!((event.from, event.to, event.value), (me, you, U256::from(40)));
    // A range past the head is an error, as anvil answers it.
    assert!(provider.get_logs(&Filter::new().from_block(0u64).to_block(1_000u64)).await.is_err());

    // Moving more than one holds reverts with Solidity's Panic(0x11), in the error's data.
    let too_much = TransactionRequest::default()
        .with_to(token)
        .with_input(TestToken::transferCall { to: me, amount: U256::from(41) }.abi_encode())
        .with_from(you);
    let e = provider.call(too_much.clone()).await.expect_err("an underflow reverts");
    let data: Bytes = e.as_error_resp().and_then(|r| r.as_revert_data()).expect("revert data");
    assert_eq!(data[..4], [0x4e, 0x48, 0x7b, 0x71], "{e}");
    assert_eq!(U256::from_be_slice(&data[4..]), U256::from(0x11));
    assert!(provider.estimate_gas(too_much).await.is_err());
    // The gas estimate is enough and not far above what the call needs.
    let fits = TransactionRequest::default()
        .with_to(token)
        .with_input(TestToken::transferCall { to: me, amount: U256::from(40) }.abi_encode())
        .with_from(you);
    let estimate = provider.estimate_gas(fits.clone()).await.unwrap();
    assert!((moved.gas_used - 17_100..moved.gas_used + 5_000).contains(&estimate), "{estimate} vs {}", moved.gas_used);
    let you_sign = wallet(&chain.url, DEV_KEYS[2]);
    let sent = you_sign.send_transaction(fits.with_gas_limit(estimate)).await.unwrap().get_receipt().await.unwrap();
    assert!(sent.status(), "the estimate is enough");
}

#[tokio::test]
async fn bad_transactions_are_refused_and_nothing_is_mined() {
    let chain = start(Mining::PerTransaction, None).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    let signer: PrivateKeySigner = DEV_KEYS[0].parse().unwrap();
    let sign = |nonce: u64, chain_id: u64, gas: u64| {
        let signer = signer.clone();
        async move {
            let tx = TransactionRequest::default()
                .with_to(Address::repeat_byte(1))
                .with_value(U256::from(gas))
                .with_nonce(nonce)
                .with_chain_id(chain_id)
                .with_gas_limit(gas)
                .with_max_fee_per_gas(2_000_000_000)
                .with_max_priority_fee_per_gas(1);
            let envelope =
                <TransactionRequest as NetworkTransactionBuilder<Ethereum>>::build(tx, &EthereumWallet::from(signer))
                    .await
                    .unwrap();
            envelope.encoded_2718()
        }
    };
    let good = sign(0, DEV_CHAIN_ID, 21_000).await;
    provider.send_raw_transaction(&good).await.unwrap().get_receipt().await.unwrap();
    for (raw, why) in [
        (good.clone(), "already known"),
        (sign(0, DEV_CHAIN_ID, 21_001).await, "nonce"),
        (sign(5, DEV_CHAIN_ID, 21_000).await, "nonce"),
        (sign(1, 1, 21_000).await, "chain"),
        (sign(1, DEV_CHAIN_ID, u64::MAX).await, "above the most one transaction may use"),
        (vec![0x02, 0xc0], "not a signed transaction"),
    ] {
        let e = provider.send_raw_transaction(&raw).await.expect_err(why);
        assert!(e.to_string().contains(why), "{why}: {e}");
    }
    // A key with no ETH cannot pay for gas.
    let poor = wallet(&chain.url, "0x0000000000000000000000000000000000000000000000000000000000000001");
    let e = poor.send_transaction(TransactionRequest::default().with_to(Address::ZERO)).await.expect_err("no funds");
    assert!(e.to_string().to_lowercase().contains("fund"), "{e}");
    assert_eq!(provider.get_block_number().await.unwrap(), 1);
}

#[tokio::test]
async fn blocks_come_on_the_interval_and_receipts_with_them() {
    let chain = start(Mining::Interval(Duration::from_millis(300)), None).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    let first = provider.get_block_number().await.unwrap();
    let tx = TransactionRequest::default().with_to(Address::repeat_byte(7)).with_value(U256::from(1));
    let pending = provider.send_transaction(tx).await.unwrap();
    let hash = *pending.tx_hash();
    let receipt = pending.get_receipt().await.unwrap();
    assert!(receipt.block_number.unwrap() > first);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let later = provider.get_block_number().await.unwrap();
    assert!(later > receipt.block_number.unwrap(), "empty blocks keep coming");
    assert_eq!(provider.get_transaction_receipt(hash).await.unwrap().unwrap().block_number, receipt.block_number);
}

/// Time passes as anvil lets it (`evm_increaseTime`, through alloy's anvil API): the next
/// block is three days later, and `evm_mine` seals one at will; a negative or absurd move and
/// options this chain does not take are refused.
#[tokio::test]
async fn the_clock_moves_ahead_on_request_and_blocks_are_mined_at_will() {
    use alloy_provider::ext::AnvilApi;
    let chain = start(Mining::PerTransaction, None).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    let head = |p: DynProvider| async move {
        let b = p.get_block_by_number(BlockNumberOrTag::Latest).await.unwrap().unwrap();
        (b.header.number, b.header.timestamp)
    };
    let (n0, t0) = head(provider.clone()).await;
    let days = 3 * 24 * 3600;
    assert_eq!(provider.anvil_increase_time(days).await.unwrap(), days as i64);
    assert_eq!(provider.anvil_increase_time(10).await.unwrap(), days as i64 + 10, "the offset adds up");
    assert_eq!(provider.evm_mine(None).await.unwrap(), "0x0");
    let (n1, t1) = head(provider.clone()).await;
    assert_eq!(n1, n0 + 1, "one block mined");
    assert!(t1 >= t0 + days + 10, "{t1} is three days after {t0}");
    let client = provider.client();
    let refused: Result<i64, _> = client.request("evm_increaseTime", (-5i64,)).await;
    assert!(refused.is_err(), "a negative move");
    let refused: Result<String, _> = client.request("evm_mine", (serde_json::json!({ "blocks": 2 }),)).await;
    assert!(refused.unwrap_err().to_string().contains("takes no options"));
    assert_eq!(head(provider).await.0, n1, "nothing mined by a refused request");
}

/// The chain's file: synced blocks resume with their hashes; a last line without its newline
/// (the block being written when the process died, never served) is dropped; a file in use by
/// another chain, or of another chain, is refused.
#[tokio::test]
async fn a_chain_kept_in_a_file_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.jsonl");
    let start_kept = || start(Mining::PerTransaction, Some(path.clone()));
    let head =
        |p: DynProvider| async move { p.get_block_by_number(BlockNumberOrTag::Latest).await.unwrap().unwrap().header };
    let pay = |p: DynProvider| async move {
        let tx = TransactionRequest::default().with_to(Address::repeat_byte(9)).with_value(U256::from(5));
        p.send_transaction(tx).await.unwrap().get_receipt().await.unwrap()
    };
    let (first, token) = {
        let chain = start_kept().await;
        let provider = wallet(&chain.url, DEV_KEYS[0]);
        let token = token(&provider).await;
        pay(provider.clone()).await;
        let e = DevChain::start(DevChainConfig {
            genesis: dev_genesis(DEV_CHAIN_ID, 0),
            mining: Mining::PerTransaction,
            state: Some(path.clone()),
        })
        .err()
        .expect("a file in use");
        assert!(e.contains("another chain"), "{e}");
        let first = head(provider).await;
        chain.close().await;
        (first, token)
    };
    // A crash in the middle of writing a block leaves a torn line: it is dropped.
    let append = |bytes: &[u8]| {
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(bytes).unwrap()
    };
    append(b"{\"number\":3,\"timest");

    let second = {
        let chain = start_kept().await;
        let provider = wallet(&chain.url, DEV_KEYS[0]);
        let again = head(provider.clone()).await;
        assert_eq!((again.number, again.hash), (first.number, first.hash));
        assert_eq!(provider.get_balance(Address::repeat_byte(9)).await.unwrap(), U256::from(5));
        assert!(!provider.get_code_at(token).await.unwrap().is_empty());
        assert_eq!(pay(provider.clone()).await.block_number, Some(first.number + 1));
        let second = head(provider).await;
        chain.close().await;
        second
    };
    // The last block's line whole but for its newline: never synced whole, never served.
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 1]).unwrap();
    let chain = start_kept().await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    assert_eq!(head(provider.clone()).await.hash, first.hash, "block {} is dropped", second.number);
    assert_eq!(provider.get_balance(Address::repeat_byte(9)).await.unwrap(), U256::from(5));
    chain.close().await;

    // Another chain's file is refused, not served.
    let config = DevChainConfig { genesis: dev_genesis(5, 0), mining: Mining::PerTransaction, state: Some(path) };
    let e = DevChain::start(config).err().expect("another chain id");
    assert!(e.contains("chain 31337"), "{e}");
}

/// With interval mining and a file: a transaction whose gas limit does not fit in what the
/// open block has left goes to the next block, and both blocks are kept; closing seals the
/// open block; the chain replays to the same head.
#[tokio::test]
async fn interval_blocks_are_kept_in_the_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.jsonl");
    // Blocks of 40,000 gas: two transfers of 21,000 each do not fit in one.
    let genesis = Genesis { block_gas_limit: 40_000, ..dev_genesis(DEV_CHAIN_ID, 1_700_000_000) };
    let mining = Mining::Interval(Duration::from_secs(3_600));
    let (a, b, head) = {
        let chain = start_with(DevChainConfig { genesis: genesis.clone(), mining, state: Some(path.clone()) }).await;
        let provider = wallet(&chain.url, DEV_KEYS[0]);
        let transfer = |n: u64| {
            TransactionRequest::default()
                .with_to(Address::repeat_byte(3))
                .with_gas_limit(21_000)
                .with_nonce(n)
                .with_max_fee_per_gas(10_000_000_000)
                .with_max_priority_fee_per_gas(1)
        };
        let a = *provider.send_transaction(transfer(0)).await.unwrap().tx_hash();
        let b = *provider.send_transaction(transfer(1)).await.unwrap().tx_hash();
        // a's block was sealed when b did not fit; b waits in the open block, and closing the
        // chain seals it.
        let a = provider.get_transaction_receipt(a).await.unwrap().expect("a's block is sealed");
        assert!(provider.get_transaction_receipt(b).await.unwrap().is_none(), "b waits in the open block");
        let head = provider.get_block_by_number(BlockNumberOrTag::Latest).await.unwrap().unwrap().header;
        chain.close().await;
        (a, b, head)
    };
    assert_eq!(a.block_hash, Some(head.hash));
    let chain = start_with(DevChainConfig { genesis, mining: Mining::PerTransaction, state: Some(path) }).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    let a_again = provider.get_transaction_receipt(a.transaction_hash).await.unwrap().expect("kept");
    assert_eq!((a_again.block_hash, a_again.block_number), (a.block_hash, a.block_number));
    let b = provider.get_transaction_receipt(b).await.unwrap().expect("sealed at close, and kept");
    assert_eq!(b.block_number, Some(head.number + 1), "the next block");
    chain.close().await;
}

#[tokio::test]
async fn fee_history_refuses_what_geth_refuses() {
    let chain = start(Mining::PerTransaction, None).await;
    let provider = wallet(&chain.url, DEV_KEYS[0]);
    let many: Vec<f64> = (0..101).map(f64::from).map(|p| p * 0.99).collect();
    assert!(provider.get_fee_history(1, BlockNumberOrTag::Latest, &many).await.is_err(), "101 percentiles");
    assert!(provider.get_fee_history(1, BlockNumberOrTag::Latest, &[50.0, 50.0]).await.is_err(), "not rising");
    assert!(provider.get_fee_history(1, BlockNumberOrTag::Number(5), &[]).await.is_err(), "beyond the head");
    let none = provider.get_fee_history(1, BlockNumberOrTag::Latest, &[]).await.unwrap();
    assert_eq!(none.base_fee_per_gas, vec![1_000_000_000, 875_000_000]);
}
