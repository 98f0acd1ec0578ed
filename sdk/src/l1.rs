//! The rollup's contract on L1, as a wallet uses it, over Ethereum JSON-RPC (alloy): deposits
//! of ETH and of listed ERC-20s (the contract approved first when its allowance is short),
//! full-exit requests, on-chain ChangePubKey facts and withdrawals of what the contract owes;
//! and what a wallet reads there (its pending balances, its facts, the listed tokens, an
//! ERC-20's decimals, L1 balances).
//!
//! Each transaction is simulated first, so a refusal comes back as the contract's rule id
//! ([`SdkError::Rejected`]) without costing gas, then signed with the wallet's L1 key and
//! waited for until mined. One transaction at a time per [`L1`] (its clones included): the
//! nonces of concurrent sends never collide.
//!
//! The contract's interface is bound from its committed compiler output
//! (`contracts/artifacts/Rollup.json`, the file `zkrollup-contracts` binds too): a changed
//! signature fails to compile here, not at run time.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address as EvmAddress, U256};
use alloy_provider::{DynProvider, Provider as _, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::state::{AccountId, TokenId};
use zkrollup_spec::tx::auth::L1Domain;

use crate::{SdkError, Wallet};

alloy_sol_types::sol!(
    /// The rollup contract (contracts/src/Rollup.sol), from its committed ABI.
    Rollup,
    "../contracts/artifacts/Rollup.json"
);

alloy_sol_types::sol! {
    /// What EIP-20 tokens answer that a deposit and a balance need (`decimals` is optional in
    /// EIP-20: a token may revert it).
    interface Erc20 {
        function approve(address spender, uint256 amount) external returns (bool);
        function allowance(address owner, address spender) external view returns (uint256);
        function balanceOf(address owner) external view returns (uint256);
        function decimals() external view returns (uint8);
    }
}

/// How long a request to the L1 may wait for its answer, and a transaction for its receipt,
/// unless [`L1::with_timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// A mined L1 transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mined {
    /// Its hash.
    pub hash: [u8; 32],
    /// The L1 block it is in.
    pub block: u64,
    pub gas_used: u64,
    /// The serial id of the priority request it made (a deposit or a full exit): what the
    /// node's API follows ([`crate::Provider::wait_priority_op`]).
    pub request: Option<u64>,
}

/// The rollup on an L1: reads, and with a wallet's L1 key ([`L1::with_wallet`]) its
/// transactions.
#[derive(Clone)]
pub struct L1 {
    provider: DynProvider,
    /// The endpoint as given, for taking it out of errors (it may hold an API key).
    url: String,
    rollup: EvmAddress,
    /// The address that signs; `None`: reads only.
    from: Option<EvmAddress>,
    /// Held while a transaction is sent and mined: distinct nonces.
    sending: Arc<tokio::sync::Mutex<()>>,
    timeout: Duration,
}

fn evm(a: &Address) -> EvmAddress {
    EvmAddress::from(a.0)
}

impl L1 {
    /// The rollup at `rollup` on the L1 at `url` (`http://…`), for reads.
    pub fn http(url: &str, rollup: Address) -> Result<Self, SdkError> {
        let endpoint = endpoint(url)?;
        let provider = ProviderBuilder::new().connect_http(endpoint).erased();
        Ok(L1 {
            provider,
            url: url.to_string(),
            rollup: evm(&rollup),
            from: None,
            sending: Arc::default(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The rollup of `wallet`'s deployment (its domain's contract) on the L1 at `url`, sending
    /// transactions signed with the wallet's L1 key. Use [`L1::domain`] to check that the L1
    /// is the wallet's chain.
    pub fn with_wallet(url: &str, wallet: &Wallet) -> Result<Self, SdkError> {
        let signer = wallet.l1_signer();
        let from = signer.address();
        // The nonce asked of the chain for each transaction (its pending count), not counted
        // here: the same key may send from another wallet meanwhile. This client's own sends go
        // one at a time, each mined before the next.
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id()
            .wallet(EthereumWallet::from(signer))
            .connect_http(endpoint(url)?)
            .erased();
        Ok(L1 { provider, from: Some(from), ..Self::http(url, wallet.domain().contract)? })
    }

    /// The same, each request answered and each transaction mined within `timeout` (120 s by
    /// default).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        L1 { timeout, ..self }
    }

    /// The rollup's address.
    pub fn rollup(&self) -> Address {
        Address(self.rollup.0 .0)
    }

    /// The deployment: this L1's chain id and the rollup's address (what an L2 key is derived
    /// for).
    pub async fn domain(&self) -> Result<L1Domain, SdkError> {
        let chain_id = self.within("eth_chainId", self.provider.get_chain_id()).await?;
        Ok(L1Domain { chain_id, contract: self.rollup() })
    }

    /// `depositETH`: `amount` wei to `to`'s account on L2 (opened by the deposit if it has
    /// none).
    pub async fn deposit_eth(&self, to: &Address, amount: u128) -> Result<Mined, SdkError> {
        self.transact(self.rollup, Rollup::depositETHCall { to: evm(to) }.abi_encode(), amount).await
    }

    /// `depositERC20`: `amount` (base units) of the listed token `token` to `to`'s account on
    /// L2, after approving the rollup for it if its allowance is short.
    pub async fn deposit_erc20(&self, token: TokenId, to: &Address, amount: u128) -> Result<Mined, SdkError> {
        let erc20 = evm(&self.token_address(token).await?);
        let from = self.sender()?;
        let allowance = self.view(erc20, Erc20::allowanceCall { owner: from, spender: self.rollup }).await?;
        if allowance < U256::from(amount) {
            // Tokens like USDT refuse to change one non-zero allowance into another.
            if allowance > U256::ZERO {
                self.approve(erc20, U256::ZERO).await?;
            }
            self.approve(erc20, U256::from(amount)).await?;
        }
        let deposit = Rollup::depositERC20Call { token, amount, to: evm(to) };
        self.transact(self.rollup, deposit.abi_encode(), 0).await
    }

    /// `requestFullExit`: account `account`'s whole balance of `token` to its owner on L1,
    /// which the operator must serve (the sender must own the account).
    pub async fn request_full_exit(&self, account: AccountId, token: TokenId) -> Result<Mined, SdkError> {
        self.transact(self.rollup, Rollup::requestFullExitCall { accountId: account, token }.abi_encode(), 0).await
    }

    /// `setAuthPubkeyHash`: the sender authorises the L2 key of `pubkey_hash` for its
    /// ChangePubKey at `nonce` (an on-chain fact, for wallets that cannot sign a message).
    pub async fn set_auth_pubkey_hash(&self, pubkey_hash: &PubKeyHash, nonce: u32) -> Result<Mined, SdkError> {
        let call = Rollup::setAuthPubkeyHashCall { pubkeyHash: pubkey_hash.0.into(), nonce };
        self.transact(self.rollup, call.abi_encode(), 0).await
    }

    /// `withdrawPendingBalance`: pays `amount` of `token` waiting for `owner` to `owner` (anyone
    /// may send it; the sender pays the gas).
    pub async fn withdraw_pending_balance(
        &self,
        owner: &Address,
        token: TokenId,
        amount: u128,
    ) -> Result<Mined, SdkError> {
        let call = Rollup::withdrawPendingBalanceCall { owner: evm(owner), token, amount };
        self.transact(self.rollup, call.abi_encode(), 0).await
    }

    /// The balance of `token` waiting on L1 for `owner`: withdrawals and exits paid out by
    /// executed blocks, until withdrawn.
    pub async fn pending_balance(&self, owner: &Address, token: TokenId) -> Result<u128, SdkError> {
        self.view(self.rollup, Rollup::pendingBalanceCall::new((evm(owner), token))).await
    }

    /// The on-chain ChangePubKey fact `owner` set for its nonce `nonce`: the keccak-256 of the
    /// key's hash, zero if none.
    pub async fn auth_fact(&self, owner: &Address, nonce: u32) -> Result<[u8; 32], SdkError> {
        Ok(self.view(self.rollup, Rollup::authFactsCall::new((evm(owner), nonce))).await?.0)
    }

    /// The ERC-20s the rollup lists, in token-id order (token `i + 1` is the `i`th; 0 is ETH).
    pub async fn listed_tokens(&self) -> Result<Vec<Address>, SdkError> {
        let listed = self.view(self.rollup, Rollup::listedTokensCall {}).await?;
        Ok(listed.into_iter().map(|a| Address(a.0 .0)).collect())
    }

    /// The decimals of the ERC-20 at `token`, if it says them: `None` if it reverts the call
    /// or answers something else than a `uint8`; an error if no code answers there.
    pub async fn erc20_decimals(&self, token: &Address) -> Result<Option<u8>, SdkError> {
        let tx = TransactionRequest::default().with_to(evm(token)).with_input(Erc20::decimalsCall {}.abi_encode());
        match tokio::time::timeout(self.timeout, self.provider.call(tx).into_future()).await {
            Err(_) => Err(self.no_answer("eth_call")),
            Ok(Ok(out)) if out.is_empty() => Err(SdkError::L1(format!("no contract answers at {token}"))),
            Ok(Ok(out)) => Ok(Erc20::decimalsCall::abi_decode_returns(&out).ok()),
            Ok(Err(e)) if e.as_error_resp().is_some() => Ok(None),
            Ok(Err(e)) => Err(self.failed(e)),
        }
    }

    /// What `owner` holds on L1: its wei (`token` `None`) or its base units of the ERC-20 at
    /// `token`.
    pub async fn balance(&self, owner: &Address, token: Option<&Address>) -> Result<U256, SdkError> {
        match token {
            None => self.within("eth_getBalance", self.provider.get_balance(evm(owner))).await,
            Some(t) => self.view(evm(t), Erc20::balanceOfCall { owner: evm(owner) }).await,
        }
    }

    /// Approves the rollup for `amount` of the ERC-20 at `erc20`. Some tokens answer `false`
    /// rather than revert (others answer nothing, as USDT): `false` is an error here, before the
    /// deposit would fail on it.
    async fn approve(&self, erc20: EvmAddress, amount: U256) -> Result<Mined, SdkError> {
        let input = Erc20::approveCall { spender: self.rollup, amount }.abi_encode();
        let answer = self.simulate(erc20, &input, 0).await?;
        if Erc20::approveCall::abi_decode_returns(&answer).is_ok_and(|ok| !ok) {
            return Err(SdkError::L1(format!("the token at {erc20} answers false to approving the rollup")));
        }
        self.transact(erc20, input, 0).await
    }

    /// The address of the listed token `token` (an error for ETH, 0, or an unlisted id).
    async fn token_address(&self, token: TokenId) -> Result<Address, SdkError> {
        let listed = self.listed_tokens().await?;
        let at = (token as usize).checked_sub(1).and_then(|i| listed.get(i));
        at.copied().ok_or_else(|| SdkError::L1(format!("token {token} is not an ERC-20 the rollup lists")))
    }

    fn sender(&self) -> Result<EvmAddress, SdkError> {
        self.from.ok_or_else(|| SdkError::L1("this L1 client reads only: make it with L1::with_wallet".into()))
    }

    /// `call` to the contract at `at` by `eth_call`, decoded.
    async fn view<C: SolCall>(&self, at: EvmAddress, call: C) -> Result<C::Return, SdkError> {
        let tx = TransactionRequest::default().with_to(at).with_input(call.abi_encode());
        let out = self.within("eth_call", self.provider.call(tx)).await?;
        C::abi_decode_returns(&out)
            .map_err(|e| SdkError::L1(format!("{}: an answer that does not decode: {e}", C::SIGNATURE)))
    }

    /// Simulates `input` to `to` with `value` wei (a refusal is the contract's rule), then sends
    /// it signed with the wallet's key and waits until it is mined.
    async fn transact(&self, to: EvmAddress, input: Vec<u8>, value: u128) -> Result<Mined, SdkError> {
        let _one_at_a_time = self.sending.lock().await;
        self.simulate(to, &input, value).await?;
        let tx = TransactionRequest::default().with_from(self.sender()?).with_to(to).with_value(U256::from(value));
        let pending = self.within("eth_sendTransaction", self.provider.send_transaction(tx.with_input(input))).await?;
        let receipt = pending.with_timeout(Some(self.timeout)).get_receipt().await.map_err(|e| self.failed(e))?;
        let hash = receipt.transaction_hash.0;
        if !receipt.status() {
            // The state moved between the simulation and the block (another transaction).
            return Err(SdkError::L1(format!("transaction 0x{} reverted on chain", hex::encode(hash))));
        }
        // A request's serial id is the first topic after the signature of both request events.
        let requests = [Rollup::DepositRequested::SIGNATURE_HASH, Rollup::FullExitRequested::SIGNATURE_HASH];
        let request = receipt.inner.logs().iter().find_map(|log| match log.topics() {
            [signature, id, ..] if log.address() == self.rollup && requests.contains(signature) => {
                Some(U256::from_be_bytes(id.0).saturating_to::<u64>())
            }
            _ => None,
        });
        Ok(Mined { hash, block: receipt.block_number.unwrap_or_default(), gas_used: receipt.gas_used, request })
    }

    /// What `input` to `to` with `value` wei from the sender would answer now (`eth_call`): a
    /// revert by one of the rollup's rules is [`SdkError::Rejected`].
    async fn simulate(&self, to: EvmAddress, input: &[u8], value: u128) -> Result<alloy_primitives::Bytes, SdkError> {
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

    /// `request` (named `what`) within the timeout, its error without the URL's secrets.
    async fn within<T, E: std::fmt::Display>(
        &self,
        what: &str,
        request: impl IntoFuture<Output = Result<T, E>>,
    ) -> Result<T, SdkError> {
        match tokio::time::timeout(self.timeout, request.into_future()).await {
            Ok(r) => r.map_err(|e| self.failed(e)),
            Err(_) => Err(self.no_answer(what)),
        }
    }

    fn failed(&self, e: impl std::fmt::Display) -> SdkError {
        let shown = zkrollup_api::endpoint::shown(&self.url);
        SdkError::L1(format!("the L1 at {shown}: {}", zkrollup_api::endpoint::scrub(&self.url, &e.to_string())))
    }

    fn no_answer(&self, what: &str) -> SdkError {
        let seconds = self.timeout.as_secs();
        SdkError::Timeout {
            what: format!("the L1 at {} to answer {what}", zkrollup_api::endpoint::shown(&self.url)),
            seconds,
        }
    }
}

fn endpoint(url: &str) -> Result<url::Url, SdkError> {
    zkrollup_api::endpoint::http(url).map_err(|e| SdkError::L1(format!("the L1: {e}")))
}
