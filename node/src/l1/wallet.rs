//! What a wallet does on the L1, over JSON-RPC with a signed transaction of its own key:
//! deposits of ETH and ERC-20s, full-exit requests, and a test token to deposit. For tests and
//! tools; the SDK (issue 32) takes them over.

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address as EvmAddress, U256};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
use zkrollup_contracts::artifacts::{bytecode, Rollup, TestToken, TEST_TOKEN};
use zkrollup_spec::primitives::Address;

use super::json_rpc::{endpoint, other, provider, runtime, send, within, JsonRpcConfig, Sent};
use super::L1Error;

fn evm(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

/// Sends `tx` with `key` and waits for its receipt (after a simulation, so a refusal names the
/// contract's rule).
fn transact(rpc: &JsonRpcConfig, key: &str, tx: TransactionRequest) -> Result<Sent, L1Error> {
    let provider = provider(&rpc.url, key)?;
    runtime()?.block_on(send(&provider, tx, rpc))
}

fn call(rpc: &JsonRpcConfig, key: &str, to: &Address, data: Vec<u8>, value: u128) -> Result<u64, L1Error> {
    let tx = TransactionRequest::default().with_to(evm(to)).with_input(data).with_value(U256::from(value));
    Ok(transact(rpc, key, tx)?.receipt.block_number.unwrap_or_default())
}

/// Sends `amount` wei to `to`: the L1 block it is in.
pub fn send_eth(rpc: &JsonRpcConfig, key: &str, to: &Address, amount: u128) -> Result<u64, L1Error> {
    call(rpc, key, to, vec![], amount)
}

/// `depositETH` of `amount` wei to `to`: the L1 block it is in.
pub fn deposit_eth(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    to: &Address,
    amount: u128,
) -> Result<u64, L1Error> {
    call(rpc, key, rollup, Rollup::depositETHCall { to: evm(to) }.abi_encode(), amount)
}

/// Approves the rollup for `amount` of the ERC-20 at `token` (listed as `token_id`), then
/// `depositERC20`s it to `to`: the L1 block of the deposit.
pub fn deposit_erc20(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    (token_id, token): (u16, &Address),
    to: &Address,
    amount: u128,
) -> Result<u64, L1Error> {
    call(rpc, key, token, TestToken::approveCall { spender: evm(rollup), amount: U256::from(amount) }.abi_encode(), 0)?;
    let deposit = Rollup::depositERC20Call { token: token_id, amount, to: evm(to) };
    call(rpc, key, rollup, deposit.abi_encode(), 0)
}

/// `requestFullExit` of account `account`'s balance of `token`: the L1 block it is in.
pub fn request_full_exit(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    account: u32,
    token: u16,
) -> Result<u64, L1Error> {
    call(rpc, key, rollup, Rollup::requestFullExitCall { accountId: account, token }.abi_encode(), 0)
}

/// Deploys a test ERC-20 (anyone may mint) with `key`: its address.
pub fn deploy_test_token(rpc: &JsonRpcConfig, key: &str) -> Result<Address, L1Error> {
    let sent = transact(rpc, key, TransactionRequest::default().with_deploy_code(bytecode(TEST_TOKEN)))?;
    let at = sent.receipt.contract_address.ok_or_else(|| other("a deployment without an address"))?;
    Ok(Address(at.0 .0))
}

/// Mints `amount` of the test ERC-20 at `token` to `to`, sent with `key`.
pub fn mint_test_token(
    rpc: &JsonRpcConfig,
    key: &str,
    token: &Address,
    to: &Address,
    amount: u128,
) -> Result<(), L1Error> {
    call(rpc, key, token, TestToken::mintCall { to: evm(to), amount: U256::from(amount) }.abi_encode(), 0).map(drop)
}

/// The ERC-20s the rollup at `rollup` lists, in token-id order (token `i + 1` is the `i`th).
pub fn listed_tokens(rpc: &JsonRpcConfig, rollup: &Address) -> Result<Vec<Address>, L1Error> {
    use alloy_provider::{Provider, ProviderBuilder};
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
    let tx = TransactionRequest::default().with_to(evm(rollup)).with_input(Rollup::listedTokensCall {}.abi_encode());
    let out = runtime()?.block_on(within(rpc, "eth_call", provider.call(tx)))?;
    let listed = Rollup::listedTokensCall::abi_decode_returns(&out).map_err(other)?;
    Ok(listed.into_iter().map(|a| Address(a.0 .0)).collect())
}
