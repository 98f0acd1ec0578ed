//! The demo's users, acting as wallets do, through the SDK (`zkrollup-sdk`): on L1 with signed
//! transactions of their own keys (`zkrollup_sdk::L1`: deposits, the ERC-20's approval, an
//! on-chain ChangePubKey fact, a full-exit request, withdrawals of what L1 owes them), on L2
//! with each user's L2 key derived from its L1 key for this deployment, transactions signed and
//! packed by it, fees as the node quotes them, each transaction's handle followed to
//! "executed". A faucet (a development key) gives them gas and the test ERC-20 to deposit.

use std::time::{Duration, Instant};

use zkrollup_api::{BlockStage, TxKind};
use zkrollup_devchain::DEV_KEYS;
use zkrollup_node::l1::json_rpc::address_of;
use zkrollup_node::l1::wallet;
use zkrollup_sdk::{Authorisation, Provider, SdkError, Stage, TxHandle, Wallet, L1};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::testkit::{user, user_l1_secret};
use zkrollup_spec::tx::auth::L1Domain;
use zkrollup_spec::tx::Tx;

use super::{on_l1, OnL1};

/// Users 0..USERS deposit; 0, 1 and 2 register an L2 key (three ways); user 3 stays keyless (a
/// forced-exit target).
pub(crate) const USERS: u32 = 4;
const KEYED: usize = 3;
/// The development key that funds the users' gas and sends the calls anyone may send (exodus
/// exits, payouts to owners without L1 funds): a helper, not an owner of anything.
pub(crate) const FAUCET: &str = DEV_KEYS[1];
/// How long the demo waits for anything the node or the L1 does (proofs take seconds).
const PATIENCE: Duration = Duration::from_secs(300);

/// A user's L1 key, as its wallet holds it.
pub(crate) fn l1_key(i: u32) -> String {
    user_l1_secret(i).iter().map(|b| format!("{b:02x}")).collect()
}

/// Polls `f` every 100 ms until it answers, for at most [`PATIENCE`].
pub(crate) fn wait_for<T>(what: &str, mut f: impl FnMut() -> Result<Option<T>, String>) -> Result<T, String> {
    let started = Instant::now();
    loop {
        if let Some(v) = f()? {
            return Ok(v);
        }
        if started.elapsed() > PATIENCE {
            return Err(format!("waited {PATIENCE:?} for {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) struct Wallets<'a> {
    l1: &'a OnL1,
    runtime: tokio::runtime::Runtime,
    node: Provider,
    users: Vec<Wallet>,
    /// Each user's L1 client, signing with its key.
    on_l1: Vec<L1>,
    /// The faucet's, which opens the fee account.
    faucet: L1,
    ids: Vec<u32>,
    nonces: Vec<u32>,
    /// Every transaction sent, in order, and its handle.
    sent: Vec<(&'static str, TxHandle)>,
    /// Priority requests made on L1 so far (the next one's serial id).
    requests: u64,
    /// The last block whose line was printed.
    printed: u32,
}

impl<'a> Wallets<'a> {
    pub(crate) fn new(l1: &'a OnL1, api: &str, chain_id: u64) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let node = Provider::http(api).map_err(|e| e.to_string())?;
        let domain = L1Domain { chain_id, contract: l1.rollup };
        let users: Vec<Wallet> = (0..USERS)
            .map(|i| Wallet::from_l1_key(&user_l1_secret(i), domain))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let client = |w: &Wallet| L1::with_wallet(&l1.rpc.url, w).map(|c| c.with_timeout(PATIENCE));
        let on_l1 = users.iter().map(client).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
        let faucet = client(&Wallet::from_l1_key_hex(FAUCET, domain).map_err(|e| e.to_string())?);
        Ok(Wallets {
            l1,
            runtime,
            node,
            users,
            on_l1,
            faucet: faucet.map_err(|e| e.to_string())?,
            ids: vec![],
            nonces: vec![0; KEYED],
            sent: vec![],
            requests: 0,
            printed: 0,
        })
    }

    /// Every step a user takes while the operator runs the node.
    pub(crate) fn run(&mut self, transfers: u32) -> Result<(), String> {
        self.deposit()?;
        self.register_keys()?;
        self.transfer(transfers)?;
        self.exit()?;
        self.collect()
    }

    fn api<T>(&self, f: impl std::future::Future<Output = Result<T, SdkError>>) -> Result<T, String> {
        self.runtime.block_on(f).map_err(|e| e.to_string())
    }

    fn fee(&self, kind: TxKind, token: u16) -> Result<u128, String> {
        self.api(self.node.fee(kind, token))
    }

    /// The account of `address` in the node's view of sealed blocks.
    fn id_of(&self, address: &Address) -> Result<Option<u32>, String> {
        Ok(self.api(self.node.account(address))?.map(|a| a.id))
    }

    /// Prints a line for each block executed since the last call.
    fn print_blocks(&mut self) -> Result<(), String> {
        let last = self.api(self.node.status())?.last_executed;
        for n in self.printed + 1..=last {
            let b = self.api(self.node.block(n))?.ok_or(format!("block {n} is missing"))?;
            println!(
                "    block {n:>2}: {:>2} transactions, {:>2} L1 requests, proven and executed on L1, root {}",
                b.txs.len(),
                b.priority_ops.len(),
                super::short(&b.new_root)
            );
        }
        self.printed = last;
        Ok(())
    }

    /// Step 1: the operator's fee account opens first (account 0); each user gets ETH for gas and
    /// deposits ETH, the keyed ones the ERC-20 too.
    fn deposit(&mut self) -> Result<(), String> {
        println!("  1. deposits on L1: ETH from every user, token 1 from users 0-2; the fee account opens first");
        let (rpc, token) = (&self.l1.rpc, &self.l1.token);
        let operator = on_l1("the operator's address", address_of(DEV_KEYS[0]))?;
        self.api(self.faucet.deposit_eth(&operator, 1)).map_err(|e| format!("the fee account's deposit: {e}"))?;
        self.requests += 1;
        for i in 0..self.users.len() {
            let address = self.users[i].address();
            on_l1("funding a user's gas", wallet::send_eth(rpc, FAUCET, &address, 10u128.pow(18)))?;
            let eth = self.on_l1[i].deposit_eth(&address, 1_000_000_000);
            self.api(eth).map_err(|e| format!("a deposit of ETH: {e}"))?;
            self.requests += 1;
            if i < KEYED {
                on_l1("minting token 1", wallet::mint_test_token(rpc, FAUCET, token, &address, 5_000_000))?;
                let erc20 = self.on_l1[i].deposit_erc20(1, &address, 5_000_000);
                self.api(erc20).map_err(|e| format!("a deposit of token 1: {e}"))?;
                self.requests += 1;
            }
        }
        let addresses: Vec<Address> = std::iter::once(operator).chain(self.users.iter().map(|u| u.address())).collect();
        let ids = wait_for("the deposits' accounts", || {
            let mut ids = Vec::new();
            for a in &addresses {
                match self.id_of(a)? {
                    Some(id) => ids.push(id),
                    None => return Ok(None),
                }
            }
            Ok(Some(ids))
        })?;
        if ids[0] != 0 {
            return Err(format!("the fee account is account {}, not 0", ids[0]));
        }
        self.ids = ids[1..].to_vec();
        self.settled()
    }

    fn submit(&mut self, tx: Result<Tx, SdkError>) -> Result<(), String> {
        let tx = tx.map_err(|e| e.to_string())?;
        let handle = self.api(self.node.submit(&tx)).map_err(|e| format!("{}: {e}", tx.name()))?;
        self.sent.push((tx.name(), handle));
        Ok(())
    }

    /// Step 2: L2 keys, authorised by each user's L1 key three ways: an on-chain fact (user 0), an
    /// EIP-191 signature (user 1), an EIP-712 one paying its fee in token 1 (user 2).
    fn register_keys(&mut self) -> Result<(), String> {
        println!("  2. L2 keys: user 0 by an on-chain fact, user 1 by EIP-191, user 2 by EIP-712");
        let (u, ids) = (&self.users, &self.ids);
        let pkh = u[0].pubkey_hash();
        self.api(self.on_l1[0].set_auth_pubkey_hash(&pkh, 0)).map_err(|e| format!("the on-chain fact: {e}"))?;
        let (eth_fee, token_fee) = (self.fee(TxKind::ChangePubKey, 0)?, self.fee(TxKind::ChangePubKey, 1)?);
        let onchain = u[0].change_pubkey(ids[0], (0, eth_fee), 0, Authorisation::Onchain).map_err(|e| e.to_string())?;
        let others = [
            u[1].change_pubkey(ids[1], (0, eth_fee), 0, Authorisation::Eip191),
            u[2].change_pubkey(ids[2], (1, token_fee), 0, Authorisation::Eip712),
        ];
        // The fact counts once the node has read it from L1.
        wait_for("the node to see the on-chain fact", || match self.submit(Ok(onchain.clone())) {
            Ok(()) => Ok(Some(())),
            Err(e) if e.contains("l1.change_pubkey_unauthorised") => Ok(None),
            Err(e) => Err(e),
        })?;
        for tx in others {
            self.submit(tx)?;
        }
        self.nonces = vec![1; KEYED];
        self.settled()
    }

    /// Step 3: transfers among the keyed users and, every fourth, to a new address (opening its
    /// account); then an atomic batch: a token-1 transfer and a withdrawal together.
    fn transfer(&mut self, transfers: u32) -> Result<(), String> {
        println!("  3. {transfers} transfers (every fourth opens a new account) and an atomic batch");
        let fees = [self.fee(TxKind::Transfer, 0)?, self.fee(TxKind::TransferToNew, 0)?];
        for n in 0..transfers {
            let from = n as usize % KEYED;
            let (to, fee) = match n % 4 {
                3 => (user(100 + n).address, fees[1]),
                _ => (self.users[(from + 1) % KEYED].address(), fees[0]),
            };
            let (id, nonce) = (self.ids[from], self.nonces[from]);
            let tx = self.users[from].transfer(id, to, (0, 1_000 + n as u128, fee), nonce);
            self.nonces[from] += 1;
            self.submit(tx)?;
        }
        let (u1, id1, nonce) = (&self.users[1], self.ids[1], self.nonces[1]);
        let to_user_0 = (1, 4_000, self.fee(TxKind::Transfer, 1)?);
        let out = (0, 100_000, self.fee(TxKind::Withdraw, 0)?);
        let batch = [
            u1.transfer(id1, self.users[0].address(), to_user_0, nonce),
            u1.withdraw(id1, u1.address(), out, nonce + 1),
        ];
        let batch = batch.into_iter().collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
        self.nonces[1] += 2;
        let handles = self.api(self.node.submit_batch(&batch)).map_err(|e| format!("the batch: {e}"))?;
        self.sent.extend(batch.iter().map(Tx::name).zip(handles));
        self.settled()
    }

    /// Step 4: a withdrawal (user 0), a forced exit of the keyless user 3 (by user 2), and a full
    /// exit of user 1's token 1 requested on L1.
    fn exit(&mut self) -> Result<(), String> {
        println!("  4. a withdrawal, a forced exit of the keyless user, a full exit requested on L1");
        let (u, ids) = (&self.users, &self.ids);
        let withdraw =
            u[0].withdraw(ids[0], u[0].address(), (0, 50_000, self.fee(TxKind::Withdraw, 0)?), self.nonces[0]);
        let forced = u[2].forced_exit(ids[2], u[3].address(), (0, self.fee(TxKind::ForcedExit, 0)?), self.nonces[2]);
        self.nonces[0] += 1;
        self.nonces[2] += 1;
        self.submit(withdraw)?;
        self.submit(forced)?;
        self.request_full_exit(1, 1)?;
        self.requests += 1;
        self.settled()
    }

    /// Waits until every transaction sent and every request made is executed on L1, then
    /// prints the blocks that did it.
    fn settled(&mut self) -> Result<(), String> {
        for (what, handle) in &self.sent {
            self.api(handle.wait(Stage::Executed, PATIENCE)).map_err(|e| format!("{what} {}: {e}", handle.hash))?;
        }
        for serial in 0..self.requests {
            wait_for(&format!("L1 request {serial} to be executed"), || {
                let op = self.api(self.node.priority_op(serial))?;
                Ok(op.filter(|o| o.stage == Some(BlockStage::Executed)).map(drop))
            })?;
        }
        let status = self.api(self.node.status())?;
        if !status.stage_errors.is_empty() {
            return Err(format!("the node reports failing stages: {:?}", status.stage_errors));
        }
        self.print_blocks()
    }

    /// Step 5: what L1 owes each user (withdrawals, the forced and the full exit) paid out to them.
    fn collect(&mut self) -> Result<(), String> {
        println!("  5. what L1 owes each user, withdrawn by its owner");
        for (i, (u, l1)) in self.users.iter().zip(&self.on_l1).enumerate() {
            for token in [0u16, 1] {
                let owner = u.address();
                let owed = self.api(l1.pending_balance(&owner, token))?;
                if owed > 0 {
                    let paid = l1.withdraw_pending_balance(&owner, token, owed);
                    self.api(paid).map_err(|e| format!("a withdrawal of a pending balance: {e}"))?;
                    println!("    user {i}: {owed} of token {token} paid out on L1");
                }
            }
        }
        Ok(())
    }

    /// User `i` requests on L1 the full exit of its account's `token`.
    pub(crate) fn request_full_exit(&self, i: usize, token: u16) -> Result<(), String> {
        let request = self.on_l1[i].request_full_exit(self.ids[i], token);
        self.api(request).map(drop).map_err(|e| format!("the full-exit request: {e}"))
    }

    /// What L1 owes `owner` of `token`, paid out to it by the faucet (owners may have no ETH
    /// for gas left): the amount.
    pub(crate) fn pay_out(&self, owner: &Address, token: u16) -> Result<u128, String> {
        let owed = self.api(self.faucet.pending_balance(owner, token))?;
        if owed > 0 {
            let paid = self.faucet.withdraw_pending_balance(owner, token, owed);
            self.api(paid).map_err(|e| format!("a payout: {e}"))?;
        }
        Ok(owed)
    }
}
