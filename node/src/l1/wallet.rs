//! What a wallet does on the L1, over JSON-RPC with a signed transaction of its own key:
//! deposits of ETH and ERC-20s, full-exit requests, on-chain ChangePubKey facts, a test token
//! to deposit, withdrawals of what the contract owes, and in exodus mode its activation, exits
//! and cancellations (and a development chain's clock moved on); and what a tool reads there
//! (balances, pending balances, the block counters, the blocks committed, the gas of the
//! rollup's calls). For the demo, tests, tools and benches, blocking; wallets use the SDK's
//! `zkrollup_sdk::L1` (async), which the wallet command line is built on.

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address as EvmAddress, U256};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_sol_types::SolCall;
use zkrollup_contracts::artifacts::{bytecode, Rollup, TestToken, TEST_TOKEN};
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1::StoredBlock;
use zkrollup_spec::primitives::{Address, PubKeyHash};

use super::json_rpc::{
    block_committed_logs, endpoint, other, provider, runtime, send, stored_of, within, JsonRpcConfig,
};
use super::L1Error;

fn evm(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

/// Sends `tx` with `key` and waits for its receipt (after a simulation, so a refusal names the
/// contract's rule).
fn transact(rpc: &JsonRpcConfig, key: &str, tx: TransactionRequest) -> Result<TransactionReceipt, L1Error> {
    let provider = provider(&rpc.url, key)?;
    runtime()?.block_on(send(&provider, tx, rpc))
}

/// A mined transaction: its L1 block, the gas it used, and the serial id of the priority
/// request it made (a deposit or a full exit), which the node's API follows.
#[derive(Clone, Copy, Debug)]
pub struct Mined {
    pub block: u64,
    pub gas_used: u64,
    pub request: Option<u64>,
}

fn call(rpc: &JsonRpcConfig, key: &str, to: &Address, data: Vec<u8>, value: u128) -> Result<Mined, L1Error> {
    use alloy_sol_types::SolEvent;
    let tx = TransactionRequest::default().with_to(evm(to)).with_input(data).with_value(U256::from(value));
    let receipt = transact(rpc, key, tx)?;
    // A request's serial id is the first topic after the signature of both request events.
    let requests = [Rollup::DepositRequested::SIGNATURE_HASH, Rollup::FullExitRequested::SIGNATURE_HASH];
    let request = receipt.inner.logs().iter().find_map(|log| match log.topics() {
        [signature, id, ..] if log.address() == evm(to) && requests.contains(signature) => {
            Some(U256::from_be_bytes(id.0).saturating_to::<u64>())
        }
        _ => None,
    });
    Ok(Mined { block: receipt.block_number.unwrap_or_default(), gas_used: receipt.gas_used, request })
}

/// Sends `amount` wei to `to`.
pub fn send_eth(rpc: &JsonRpcConfig, key: &str, to: &Address, amount: u128) -> Result<Mined, L1Error> {
    call(rpc, key, to, vec![], amount)
}

/// `depositETH` of `amount` wei to `to`.
pub fn deposit_eth(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    to: &Address,
    amount: u128,
) -> Result<Mined, L1Error> {
    call(rpc, key, rollup, Rollup::depositETHCall { to: evm(to) }.abi_encode(), amount)
}

/// Approves the rollup for `amount` of the ERC-20 at `token` (listed as `token_id`), then
/// `depositERC20`s it to `to`: the deposit.
pub fn deposit_erc20(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    (token_id, token): (u16, &Address),
    to: &Address,
    amount: u128,
) -> Result<Mined, L1Error> {
    call(rpc, key, token, TestToken::approveCall { spender: evm(rollup), amount: U256::from(amount) }.abi_encode(), 0)?;
    let deposit = Rollup::depositERC20Call { token: token_id, amount, to: evm(to) };
    call(rpc, key, rollup, deposit.abi_encode(), 0)
}

/// `requestFullExit` of account `account`'s balance of `token`.
pub fn request_full_exit(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    account: u32,
    token: u16,
) -> Result<Mined, L1Error> {
    call(rpc, key, rollup, Rollup::requestFullExitCall { accountId: account, token }.abi_encode(), 0)
}

/// `setAuthPubkeyHash`: the sender's L1 address authorises the L2 key of `pubkey_hash` for its
/// ChangePubKey at `nonce` (an on-chain fact, for wallets that cannot sign a message).
pub fn set_auth_pubkey_hash(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    pubkey_hash: &PubKeyHash,
    nonce: u32,
) -> Result<Mined, L1Error> {
    let call = Rollup::setAuthPubkeyHashCall { pubkeyHash: pubkey_hash.0.into(), nonce };
    self::call(rpc, key, rollup, call.abi_encode(), 0)
}

/// `withdrawPendingBalance`: pays `amount` of `token` waiting for `owner` to `owner` (anyone
/// may send it; `key` pays the gas).
pub fn withdraw_pending_balance(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    owner: &Address,
    token: u16,
    amount: u128,
) -> Result<Mined, L1Error> {
    let call = Rollup::withdrawPendingBalanceCall { owner: evm(owner), token, amount };
    self::call(rpc, key, rollup, call.abi_encode(), 0)
}

/// `activateExodusMode`: anyone's, once a priority request has expired unserved.
pub fn activate_exodus_mode(rpc: &JsonRpcConfig, key: &str, rollup: &Address) -> Result<Mined, L1Error> {
    call(rpc, key, rollup, Rollup::activateExodusModeCall {}.abi_encode(), 0)
}

/// `performExodus`: the exit proven by `proof` (Groth16, 256 bytes) of `claim` against the
/// last executed block `last`, credited to the claim's owner as a pending balance (anyone may
/// send it; `key` pays the gas).
pub fn perform_exodus(
    rpc: &JsonRpcConfig,
    key: &str,
    rollup: &Address,
    last: &StoredBlock,
    claim: &ExitClaim,
    proof: &[u8],
) -> Result<Mined, L1Error> {
    use zkrollup_contracts::rollup::{proof_words, sol_claim, sol_stored};
    let call =
        Rollup::performExodusCall { lastExecuted: sol_stored(last), c: sol_claim(claim), proof: proof_words(proof) };
    self::call(rpc, key, rollup, call.abi_encode(), 0)
}

/// `cancelOutstandingDepositsForExodusMode`: in exodus mode, up to `n` open requests closed,
/// their deposits refundable to their depositors.
pub fn cancel_outstanding_deposits(rpc: &JsonRpcConfig, key: &str, rollup: &Address, n: u64) -> Result<Mined, L1Error> {
    call(rpc, key, rollup, Rollup::cancelOutstandingDepositsForExodusModeCall { n }.abi_encode(), 0)
}

/// Moves a development chain's clock (`zkrollup l1`'s or anvil's) `seconds` ahead and mines a
/// block at the new time, as `evm_increaseTime` and `evm_mine` do: how a demo or a test lets a
/// priority request's deadline pass. The new head's timestamp: the offset moves the wall
/// clock, which a chain mining a block per transaction may have run ahead of, so a caller
/// waiting for a time checks it.
pub fn increase_time(rpc: &JsonRpcConfig, seconds: u64) -> Result<u64, L1Error> {
    use alloy_provider::ext::AnvilApi;
    use alloy_provider::{Provider, ProviderBuilder};
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
    runtime()?.block_on(async {
        within(rpc, "evm_increaseTime", provider.anvil_increase_time(seconds)).await?;
        within(rpc, "evm_mine", provider.evm_mine(None)).await?;
        let head = within(rpc, "eth_getBlockByNumber", provider.get_block_by_number(Default::default())).await?;
        Ok(head.ok_or_else(|| other("no latest block"))?.header.timestamp)
    })
}

/// Deploys a test ERC-20 (anyone may mint) with `key`: its address.
pub fn deploy_test_token(rpc: &JsonRpcConfig, key: &str) -> Result<Address, L1Error> {
    let receipt = transact(rpc, key, TransactionRequest::default().with_deploy_code(bytecode(TEST_TOKEN)))?;
    let at = receipt.contract_address.ok_or_else(|| other("a deployment without an address"))?;
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

/// The balance of `token` waiting on L1 for `owner` (withdrawals and exits paid out by executed
/// blocks, until withdrawn).
pub fn pending_balance(rpc: &JsonRpcConfig, rollup: &Address, owner: &Address, token: u16) -> Result<u128, L1Error> {
    let out = view(rpc, rollup, Rollup::pendingBalanceCall::new((evm(owner), token)).abi_encode())?;
    Rollup::pendingBalanceCall::abi_decode_returns(&out).map_err(other)
}

/// The rollup's block counters: committed, proven, executed.
pub fn blocks(rpc: &JsonRpcConfig, rollup: &Address) -> Result<(u32, u32, u32), L1Error> {
    let committed = view(rpc, rollup, Rollup::blocksCommittedCall {}.abi_encode())?;
    let proven = view(rpc, rollup, Rollup::blocksProvenCall {}.abi_encode())?;
    let executed = view(rpc, rollup, Rollup::blocksExecutedCall {}.abi_encode())?;
    Ok((
        Rollup::blocksCommittedCall::abi_decode_returns(&committed).map_err(other)?,
        Rollup::blocksProvenCall::abi_decode_returns(&proven).map_err(other)?,
        Rollup::blocksExecutedCall::abi_decode_returns(&executed).map_err(other)?,
    ))
}

/// What `owner` holds on L1: its ETH (`token` `None`) or its balance of the ERC-20 at `token`.
pub fn balance_of(rpc: &JsonRpcConfig, owner: &Address, token: Option<&Address>) -> Result<U256, L1Error> {
    use alloy_provider::{Provider, ProviderBuilder};
    match token {
        None => {
            let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
            runtime()?.block_on(within(rpc, "eth_getBalance", provider.get_balance(evm(owner))))
        }
        Some(token) => {
            let out = view(rpc, token, TestToken::balanceOfCall(evm(owner)).abi_encode())?;
            TestToken::balanceOfCall::abi_decode_returns(&out).map_err(other)
        }
    }
}

/// Every call to the rollup at `rollup` mined from L1 block `from` to the head, in order: the
/// function called (by its selector), whether it succeeded, and the gas it used.
pub fn rollup_calls(
    rpc: &JsonRpcConfig,
    rollup: &Address,
    from: u64,
) -> Result<Vec<(&'static str, bool, u64)>, L1Error> {
    let history = super::audit::read_history(rpc, rollup, from)?;
    Ok(history.txs.iter().map(|t| (t.function(), t.success, t.gas_used)).collect())
}

/// Every block the rollup at `rollup` recorded as committed from L1 block `from` on, as it
/// stored it, from its `BlockCommitted` logs in order (a block reverted and committed again
/// appears twice).
pub fn committed_blocks(rpc: &JsonRpcConfig, rollup: &Address, from: u64) -> Result<Vec<StoredBlock>, L1Error> {
    use alloy_provider::{Provider, ProviderBuilder};
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
    let filter = block_committed_logs(evm(rollup), from);
    let logs = runtime()?.block_on(within(rpc, "eth_getLogs", provider.get_logs(&filter)))?;
    logs.iter().map(stored_of).collect()
}

/// A view of the contract at `at`, by `eth_call`: its return data.
fn view(rpc: &JsonRpcConfig, at: &Address, data: Vec<u8>) -> Result<alloy_primitives::Bytes, L1Error> {
    use alloy_provider::{Provider, ProviderBuilder};
    let provider = ProviderBuilder::new().connect_http(endpoint(&rpc.url)?);
    let tx = TransactionRequest::default().with_to(evm(at)).with_input(data);
    runtime()?.block_on(within(rpc, "eth_call", provider.call(tx)))
}

/// The ERC-20s the rollup at `rollup` lists, in token-id order (token `i + 1` is the `i`th).
pub fn listed_tokens(rpc: &JsonRpcConfig, rollup: &Address) -> Result<Vec<Address>, L1Error> {
    let out = view(rpc, rollup, Rollup::listedTokensCall {}.abi_encode())?;
    let listed = Rollup::listedTokensCall::abi_decode_returns(&out).map_err(other)?;
    Ok(listed.into_iter().map(|a| Address(a.0 .0)).collect())
}
