//! How a wallet's L1 transaction goes out: simulated (a refusal is the rollup's rule, no gas
//! spent), filled from the chain (the pending nonce, a quarter more gas than estimated, the
//! chain's fees), signed here for the wallet's chain — so its hash is known before it leaves —
//! broadcast, and waited for until mined, every wait bounded. The request it had to make (a
//! deposit's, a full exit's) is found in its receipt by kind, sender and fields: a log planted by
//! a hostile token in the same transaction is not taken for it.

use alloy_network::eip2718::Encodable2718;
use alloy_network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy_primitives::{Address as EvmAddress, U256};
use alloy_provider::Provider as _;
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_sol_types::{SolError, SolEvent};
use std::future::IntoFuture;
use std::time::{Duration, Instant};

use super::{Mined, Rollup, L1};
use crate::SdkError;

/// A key that signs, and the chain its transactions are for.
#[derive(Clone)]
pub(super) struct Signer {
    pub(super) from: EvmAddress,
    pub(super) wallet: EthereumWallet,
    pub(super) chain_id: u64,
}

/// The request a transaction must make, as the rollup logs it.
pub(super) enum Expect {
    Nothing,
    Deposit { from: EvmAddress, to: EvmAddress, token: u16 },
    FullExit { owner: EvmAddress, account: u32, token: u16 },
}

/// How often a receipt is asked for while waiting.
const RECEIPT_POLL: Duration = Duration::from_millis(250);

/// Whether a JSON-RPC error is a revert (code 3 with data, as geth and anvil answer, or a
/// message saying so), not another refusal by the endpoint.
pub(super) fn is_revert(e: &alloy_json_rpc::ErrorPayload) -> bool {
    e.as_revert_data().is_some() || e.code == 3 || e.message.contains("revert")
}

impl L1 {
    /// What `input` to `to` with `value` wei from the sender would answer now (`eth_call`): a
    /// revert by one of the rollup's rules is [`SdkError::Rejected`].
    pub(super) async fn simulate(
        &self,
        to: EvmAddress,
        input: &[u8],
        value: u128,
    ) -> Result<alloy_primitives::Bytes, SdkError> {
        let tx = TransactionRequest::default().with_from(self.sender()?).with_to(to).with_value(U256::from(value));
        match tokio::time::timeout(self.timeout, self.provider.call(tx.with_input(input.to_vec())).into_future()).await
        {
            Err(_) => Err(self.no_answer("eth_call")),
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => {
                let revert = e.as_error_resp().and_then(|r| r.as_revert_data());
                Err(match revert.and_then(|d| Rollup::Rejected::abi_decode(&d).ok()) {
                    Some(r) => SdkError::Rejected { rule: r.rule, message: "the rollup contract refuses it".into() },
                    None => self.failed(e),
                })
            }
        }
    }

    /// Sends `input` to `to` with `value` wei, signed with the wallet's key, and waits until it
    /// is mined; `expect` says the request it must make. The caller holds `self.sending`.
    pub(super) async fn send(
        &self,
        to: EvmAddress,
        input: Vec<u8>,
        value: u128,
        expect: Expect,
    ) -> Result<Mined, SdkError> {
        let signer = self.signing()?;
        if to == self.rollup {
            // A call to an address without code "succeeds" and would keep the ETH sent.
            let code = self.within("eth_getCode", self.provider.get_code_at(to)).await?;
            if code.is_empty() {
                return Err(SdkError::L1(format!("no contract at the rollup's address {to} on this L1")));
            }
        }
        self.simulate(to, &input, value).await?;
        let tx = TransactionRequest::default()
            .with_from(signer.from)
            .with_to(to)
            .with_value(U256::from(value))
            .with_input(input);
        let gas = self.within("eth_estimateGas", self.provider.estimate_gas(tx.clone())).await?;
        // The pending count, asked each time: the same key may send from another wallet.
        let nonce =
            self.within("eth_getTransactionCount", self.provider.get_transaction_count(signer.from).pending()).await?;
        let fees = self.within("eth_feeHistory", self.provider.estimate_eip1559_fees()).await?;
        let tx = tx
            .with_chain_id(signer.chain_id)
            .with_nonce(nonce)
            // A quarter more than estimated: the state may move before it is mined.
            .with_gas_limit(gas.saturating_add(gas / 4))
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = tx.build(&signer.wallet).await.map_err(|e| SdkError::L1(format!("signing: {e}")))?;
        let hash = *envelope.tx_hash();
        let shown = format!("0x{}", hex::encode(hash));
        let unconfirmed = |why: String| SdkError::Unconfirmed { hash: shown.clone(), why };

        let raw = envelope.encoded_2718();
        match tokio::time::timeout(self.timeout, self.provider.send_raw_transaction(&raw).into_future()).await {
            Err(_) => {
                return Err(unconfirmed(format!("the L1 did not answer its broadcast in {} s", self.timeout.as_secs())))
            }
            // Refused outright (a nonce taken meanwhile, a fee too low): not in flight.
            Ok(Err(e)) if e.as_error_resp().is_some_and(|r| !r.message.contains("already known")) => {
                return Err(SdkError::L1(format!("the L1 refused transaction {shown}: {}", self.failed(e))));
            }
            Ok(Err(e)) if e.as_error_resp().is_none() => return Err(unconfirmed(self.failed(e).to_string())),
            Ok(_) => {}
        }
        let receipt = self.receipt(hash).await.map_err(unconfirmed)?;
        if !receipt.status() {
            // The state moved between the simulation and the block.
            return Err(SdkError::L1(format!("transaction {shown} reverted on chain")));
        }
        let (request, credited) = found(&receipt, self.rollup, &expect)
            .map_err(|why| SdkError::L1(format!("transaction {shown} was mined, but {why}")))?;
        let (block, gas_used) = (receipt.block_number.unwrap_or_default(), receipt.gas_used);
        Ok(Mined { hash: hash.0, block, gas_used, request, credited })
    }

    /// The receipt of `hash`, once mined, within the timeout: else why not.
    async fn receipt(&self, hash: alloy_primitives::TxHash) -> Result<TransactionReceipt, String> {
        let started = Instant::now();
        loop {
            let left = self.timeout.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, self.provider.get_transaction_receipt(hash).into_future()).await {
                Ok(Ok(Some(receipt))) => return Ok(receipt),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => return Err(format!("asking for its receipt: {}", self.failed(e))),
                Err(_) => {}
            }
            if started.elapsed() >= self.timeout {
                return Err(format!("it was not mined within {} s", self.timeout.as_secs()));
            }
            tokio::time::sleep(RECEIPT_POLL).await;
        }
    }
}

/// The request `expect` says `receipt` made, found among the rollup's logs by kind, sender
/// and fields: its serial id and, for a deposit, the amount credited. Exactly one must match.
fn found(
    receipt: &TransactionReceipt,
    rollup: EvmAddress,
    expect: &Expect,
) -> Result<(Option<u64>, Option<u128>), String> {
    let logs = receipt.inner.logs().iter().filter(|l| l.address() == rollup);
    let matches: Vec<(u64, Option<u128>)> = match expect {
        Expect::Nothing => return Ok((None, None)),
        Expect::Deposit { from, to, token } => logs
            .filter_map(|l| Rollup::DepositRequested::decode_log(&l.inner).ok())
            .filter(|e| e.from == *from && e.to == *to && e.token == *token)
            .map(|e| (e.id, Some(e.amount)))
            .collect(),
        Expect::FullExit { owner, account, token } => logs
            .filter_map(|l| Rollup::FullExitRequested::decode_log(&l.inner).ok())
            .filter(|e| e.owner == *owner && e.accountId == *account && e.token == *token)
            .map(|e| (e.id, None))
            .collect(),
    };
    match matches.as_slice() {
        [(id, credited)] => Ok((Some(*id), *credited)),
        [] => Err("the rollup logged no such request".into()),
        _ => Err(format!("the rollup logged {} such requests", matches.len())),
    }
}
