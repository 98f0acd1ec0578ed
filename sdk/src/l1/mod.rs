//! The rollup's contract on L1, as a wallet uses it, over Ethereum JSON-RPC (alloy): deposits
//! of ETH and of listed ERC-20s (the contract approved first when its allowance is short),
//! full-exit requests, on-chain ChangePubKey facts and withdrawals of what the contract owes;
//! and what a wallet reads there (its pending balances, its facts, the listed tokens, an
//! ERC-20's decimals, L1 balances).
//!
//! Each transaction is simulated first, so a refusal comes back as the contract's rule id
//! ([`SdkError::Rejected`]) without costing gas, then signed here with the wallet's L1 key for
//! the wallet's chain ([`send`]): its hash is known before it is broadcast, and once it may be in
//! flight every error names it ([`SdkError::Unconfirmed`]), so a caller looks it up rather than
//! sending twice. One operation at a time per [`L1`] (its clones included, an ERC-20 deposit's
//! approvals and the deposit together): the nonces of concurrent sends never collide.
//!
//! The contract's interface is bound from its committed compiler output
//! (`contracts/artifacts/Rollup.json`, the file `zkrollup-contracts` binds too): a changed
//! signature fails to compile here, not at run time.

mod send;

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address as EvmAddress, U256};
use alloy_provider::{DynProvider, Provider as _, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::SolCall;
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
    /// What a deposit credits on L2, as the rollup logged it (a token that takes a fee on
    /// transfers delivers less than was sent).
    pub credited: Option<u128>,
}

impl Mined {
    /// Its hash, `0x`-hex.
    pub fn hash_hex(&self) -> String {
        format!("0x{}", hex::encode(self.hash))
    }
}

/// The rollup on an L1: reads, and with a wallet's L1 key ([`L1::with_wallet`]) its
/// transactions.
#[derive(Clone)]
pub struct L1 {
    provider: DynProvider,
    /// The endpoint as given, for taking it out of errors (it may hold an API key).
    url: String,
    rollup: EvmAddress,
    /// The key that signs, for its chain; `None`: reads only.
    signer: Option<send::Signer>,
    /// Held through an operation's transactions, each sent and mined: distinct nonces.
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
            signer: None,
            sending: Arc::default(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The rollup of `wallet`'s deployment (its domain's contract) on the L1 at `url`, sending
    /// transactions signed with the wallet's L1 key for the wallet's chain (an L1 of another
    /// chain refuses them).
    pub fn with_wallet(url: &str, wallet: &Wallet) -> Result<Self, SdkError> {
        let key = wallet.l1_signer();
        let signer =
            send::Signer { from: key.address(), wallet: EthereumWallet::from(key), chain_id: wallet.domain().chain_id };
        Ok(L1 { signer: Some(signer), ..Self::http(url, wallet.domain().contract)? })
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
        let input = Rollup::depositETHCall { to: evm(to) }.abi_encode();
        let expect = send::Expect::Deposit { from: self.sender()?, to: evm(to), token: 0 };
        let _one_at_a_time = self.sending.lock().await;
        self.send(self.rollup, input, amount, expect).await
    }

    /// `depositERC20`: `amount` (base units) of the listed token `token` to `to`'s account on
    /// L2, after approving the rollup for it if its allowance is short.
    pub async fn deposit_erc20(&self, token: TokenId, to: &Address, amount: u128) -> Result<Mined, SdkError> {
        let from = self.sender()?;
        let input = Rollup::depositERC20Call { token, amount, to: evm(to) }.abi_encode();
        let _one_at_a_time = self.sending.lock().await;
        // The rollup checks its rules before it takes the token: a refusal by one of them comes
        // now, before any gas is spent on approvals (a shortfall of allowance is for below).
        if let Err(e @ SdkError::Rejected { .. }) = self.simulate(self.rollup, &input, 0).await {
            return Err(e);
        }
        let erc20 = evm(&self.token_address(token).await?);
        let allowance = self.view(erc20, Erc20::allowanceCall { owner: from, spender: self.rollup }).await?;
        if allowance < U256::from(amount) {
            // Tokens like USDT refuse to change one non-zero allowance into another.
            if allowance > U256::ZERO {
                self.approve(erc20, U256::ZERO).await?;
            }
            self.approve(erc20, U256::from(amount)).await?;
        }
        self.send(self.rollup, input, 0, send::Expect::Deposit { from, to: evm(to), token }).await
    }

    /// `requestFullExit`: account `account`'s whole balance of `token` to its owner on L1,
    /// which the operator must serve (the sender must own the account).
    pub async fn request_full_exit(&self, account: AccountId, token: TokenId) -> Result<Mined, SdkError> {
        let input = Rollup::requestFullExitCall { accountId: account, token }.abi_encode();
        let expect = send::Expect::FullExit { owner: self.sender()?, account, token };
        let _one_at_a_time = self.sending.lock().await;
        self.send(self.rollup, input, 0, expect).await
    }

    /// `setAuthPubkeyHash`: the sender authorises the L2 key of `pubkey_hash` for its
    /// ChangePubKey at `nonce` (an on-chain fact, for wallets that cannot sign a message).
    pub async fn set_auth_pubkey_hash(&self, pubkey_hash: &PubKeyHash, nonce: u32) -> Result<Mined, SdkError> {
        let call = Rollup::setAuthPubkeyHashCall { pubkeyHash: pubkey_hash.0.into(), nonce };
        let _one_at_a_time = self.sending.lock().await;
        self.send(self.rollup, call.abi_encode(), 0, send::Expect::Nothing).await
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
        let _one_at_a_time = self.sending.lock().await;
        self.send(self.rollup, call.abi_encode(), 0, send::Expect::Nothing).await
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
            // A revert (decimals() is optional); any other error response (a rate limit, a
            // refused API key) is not an answer about the token.
            Ok(Err(e)) if e.as_error_resp().is_some_and(send::is_revert) => Ok(None),
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
        self.send(erc20, input, 0, send::Expect::Nothing).await
    }

    /// The address of the listed token `token` (an error for ETH, 0, or an unlisted id).
    async fn token_address(&self, token: TokenId) -> Result<Address, SdkError> {
        let listed = self.listed_tokens().await?;
        let at = (token as usize).checked_sub(1).and_then(|i| listed.get(i));
        at.copied().ok_or_else(|| SdkError::L1(format!("token {token} is not an ERC-20 the rollup lists")))
    }

    fn sender(&self) -> Result<EvmAddress, SdkError> {
        Ok(self.signing()?.from)
    }

    fn signing(&self) -> Result<&send::Signer, SdkError> {
        self.signer
            .as_ref()
            .ok_or_else(|| SdkError::L1("this L1 client reads only: make it with L1::with_wallet".into()))
    }

    /// `call` to the contract at `at` by `eth_call`, decoded.
    async fn view<C: SolCall>(&self, at: EvmAddress, call: C) -> Result<C::Return, SdkError> {
        let tx = TransactionRequest::default().with_to(at).with_input(call.abi_encode());
        let out = self.within("eth_call", self.provider.call(tx)).await?;
        C::abi_decode_returns(&out)
            .map_err(|e| SdkError::L1(format!("{}: an answer that does not decode: {e}", C::SIGNATURE)))
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
