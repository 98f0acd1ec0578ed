//! The demo's users, acting as wallets do: on L1 with signed transactions of their own keys
//! (deposits, an on-chain ChangePubKey fact, a full-exit request, withdrawals of what L1 owes
//! them), on L2 through the node's API (transactions signed with their L2 keys, fees as the
//! node quotes them, statuses followed to "executed").

use std::time::{Duration, Instant};

use zkrollup_api::{AccountRef, HttpClient, HttpClientBuilder, RollupApiClient, TxKind, TxStatus};
use zkrollup_conformance::wire::convert;
use zkrollup_devchain::DEV_KEYS;
use zkrollup_node::l1::json_rpc::address_of;
use zkrollup_node::l1::wallet;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::testkit::{self, user, user_l1_secret, User};
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, eip712_change_pubkey_digest, L1Domain};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

use super::OnL1;

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
    client: HttpClient,
    domain: L1Domain,
    users: Vec<User>,
    ids: Vec<u32>,
    nonces: Vec<u32>,
    /// Every transaction sent, in order.
    sent: Vec<Tx>,
    /// Priority requests made on L1 so far (the next one's serial id).
    requests: u64,
    /// The last block whose line was printed.
    printed: u32,
}

impl<'a> Wallets<'a> {
    pub(crate) fn new(l1: &'a OnL1, api: &str, chain_id: u64) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let client = HttpClientBuilder::default().build(api).map_err(|e| format!("the node's API {api}: {e}"))?;
        let domain = L1Domain { chain_id, contract: l1.rollup };
        let users = (0..USERS).map(user).collect();
        Ok(Wallets {
            l1,
            runtime,
            client,
            domain,
            users,
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

    fn api<T, E: std::fmt::Display>(&self, f: impl std::future::Future<Output = Result<T, E>>) -> Result<T, String> {
        self.runtime.block_on(f).map_err(|e| format!("the node's API: {e}"))
    }

    fn on_l1<T>(&self, what: &str, r: Result<T, zkrollup_node::l1::L1Error>) -> Result<T, String> {
        r.map_err(|e| format!("{what}: {e}"))
    }

    fn fee(&self, kind: TxKind, token: u16) -> Result<u128, String> {
        let quote = self.api(self.client.estimate_fee(kind, token))?;
        quote.fee.parse().map_err(|e| format!("the node quoted fee {:?}: {e}", quote.fee))
    }

    /// The account of `address` in the node's view of sealed blocks.
    fn id_of(&self, address: &Address) -> Result<Option<u32>, String> {
        Ok(self.api(self.client.get_account(AccountRef::Address(address.to_string())))?.map(|a| a.id))
    }

    /// Prints a line for each block executed since the last call.
    fn print_blocks(&mut self) -> Result<(), String> {
        let last = self.api(self.client.status())?.last_executed;
        for n in self.printed + 1..=last {
            let b = self.api(self.client.get_block(n))?.ok_or(format!("block {n} is missing"))?;
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
        let l1 = self.l1;
        let (rpc, rollup, token) = (&l1.rpc, &l1.rollup, &l1.token);
        let operator = self.on_l1("the operator's address", address_of(DEV_KEYS[0]))?;
        self.on_l1("the fee account's deposit", wallet::deposit_eth(rpc, FAUCET, rollup, &operator, 1))?;
        self.requests += 1;
        for (i, u) in self.users.iter().enumerate() {
            let key = l1_key(i as u32);
            self.on_l1("funding a user's gas", wallet::send_eth(rpc, FAUCET, &u.address, 10u128.pow(18)))?;
            self.on_l1("a deposit of ETH", wallet::deposit_eth(rpc, &key, rollup, &u.address, 1_000_000_000))?;
            self.requests += 1;
            if i < KEYED {
                self.on_l1("minting token 1", wallet::mint_test_token(rpc, &key, token, &u.address, 5_000_000))?;
                let deposit = wallet::deposit_erc20(rpc, &key, rollup, (1, token), &u.address, 5_000_000);
                self.on_l1("a deposit of token 1", deposit)?;
                self.requests += 1;
            }
        }
        let addresses: Vec<Address> = std::iter::once(operator).chain(self.users.iter().map(|u| u.address)).collect();
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

    fn submit(&mut self, tx: Tx) -> Result<(), String> {
        let what = tx.name();
        self.api(self.client.submit_tx(convert::tx(&tx))).map_err(|e| format!("{what}: {e}"))?;
        self.sent.push(tx);
        Ok(())
    }

    /// Step 2: L2 keys, authorised by each user's L1 key three ways: an on-chain fact (user 0), an
    /// EIP-191 signature (user 1), an EIP-712 one paying its fee in token 1 (user 2).
    fn register_keys(&mut self) -> Result<(), String> {
        println!("  2. L2 keys: user 0 by an on-chain fact, user 1 by EIP-191, user 2 by EIP-712");
        let (u, ids, domain) = (&self.users, &self.ids, &self.domain);
        let pkh = u[0].pubkey_hash;
        let fact = wallet::set_auth_pubkey_hash(&self.l1.rpc, &l1_key(0), &self.l1.rollup, &pkh, 0);
        self.on_l1("the on-chain fact", fact)?;
        let (eth_fee, token_fee) = (self.fee(TxKind::ChangePubKey, 0)?, self.fee(TxKind::ChangePubKey, 1)?);
        let sig191 = u[1].l1.personal_sign(&eip191_change_pubkey_message(domain, &u[1].pubkey_hash, 0, ids[1]));
        let sig712 = u[2].l1.sign_digest(&eip712_change_pubkey_digest(domain, &u[2].pubkey_hash, 0, ids[2]));
        let onchain = testkit::change_pubkey(&u[0], ids[0], 0, eth_fee, 0, ChangePubKeyAuth::Onchain);
        let others = [
            testkit::change_pubkey(&u[1], ids[1], 0, eth_fee, 0, ChangePubKeyAuth::Eip191(sig191)),
            testkit::change_pubkey(&u[2], ids[2], 1, token_fee, 0, ChangePubKeyAuth::Eip712(sig712)),
        ];
        // The fact counts once the node has read it from L1.
        wait_for("the node to see the on-chain fact", || match self.submit(onchain.clone()) {
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
                _ => (self.users[(from + 1) % KEYED].address, fees[0]),
            };
            let tx =
                testkit::transfer(&self.users[from], self.ids[from], to, 0, 1_000 + n as u128, fee, self.nonces[from]);
            self.nonces[from] += 1;
            self.submit(tx)?;
        }
        let (u1, id1, nonce) = (&self.users[1], self.ids[1], self.nonces[1]);
        let batch = vec![
            testkit::transfer(u1, id1, self.users[0].address, 1, 4_000, self.fee(TxKind::Transfer, 1)?, nonce),
            testkit::withdraw(u1, id1, u1.address, 0, 100_000, self.fee(TxKind::Withdraw, 0)?, nonce + 1),
        ];
        self.nonces[1] += 2;
        self.api(self.client.submit_batch(batch.iter().map(convert::tx).collect()))
            .map_err(|e| format!("the batch: {e}"))?;
        self.sent.extend(batch);
        self.settled()
    }

    /// Step 4: a withdrawal (user 0), a forced exit of the keyless user 3 (by user 2), and a full
    /// exit of user 1's token 1 requested on L1.
    fn exit(&mut self) -> Result<(), String> {
        println!("  4. a withdrawal, a forced exit of the keyless user, a full exit requested on L1");
        let (u, ids) = (&self.users, &self.ids);
        let withdraw =
            testkit::withdraw(&u[0], ids[0], u[0].address, 0, 50_000, self.fee(TxKind::Withdraw, 0)?, self.nonces[0]);
        let forced =
            testkit::forced_exit(&u[2], ids[2], u[3].address, 0, self.fee(TxKind::ForcedExit, 0)?, self.nonces[2]);
        self.nonces[0] += 1;
        self.nonces[2] += 1;
        self.submit(withdraw)?;
        self.submit(forced)?;
        let request = wallet::request_full_exit(&self.l1.rpc, &l1_key(1), &self.l1.rollup, self.ids[1], 1);
        self.on_l1("the full-exit request", request)?;
        self.requests += 1;
        self.settled()
    }

    /// Waits until every transaction sent and every request made is executed on L1, then
    /// prints the blocks that did it.
    fn settled(&mut self) -> Result<(), String> {
        for tx in &self.sent {
            let hash = convert::hex_of(&tx.hash());
            wait_for(&format!("{} {hash} to be executed", tx.name()), || {
                let info = self.api(self.client.get_tx(hash.clone()))?.ok_or(format!("{hash} is unknown"))?;
                match info.status {
                    TxStatus::Dropped { rule, message } => Err(format!("{} dropped: {rule}: {message}", tx.name())),
                    TxStatus::Executed { .. } => Ok(Some(())),
                    _ => Ok(None),
                }
            })?;
        }
        for serial in 0..self.requests {
            wait_for(&format!("L1 request {serial} to be executed"), || {
                let op = self.api(self.client.get_priority_op(serial))?;
                Ok(op.filter(|o| o.stage == Some(zkrollup_api::BlockStage::Executed)).map(drop))
            })?;
        }
        let status = self.api(self.client.status())?;
        if !status.stage_errors.is_empty() {
            return Err(format!("the node reports failing stages: {:?}", status.stage_errors));
        }
        self.print_blocks()
    }

    /// Step 5: what L1 owes each user (withdrawals, the forced and the full exit) paid out to them.
    fn collect(&mut self) -> Result<(), String> {
        println!("  5. what L1 owes each user, withdrawn by its owner");
        for (i, u) in self.users.iter().enumerate() {
            for token in [0u16, 1] {
                let owed = wallet::pending_balance(&self.l1.rpc, &self.l1.rollup, &u.address, token);
                let owed = self.on_l1("a pending balance", owed)?;
                if owed > 0 {
                    let paid = wallet::withdraw_pending_balance(
                        &self.l1.rpc,
                        &l1_key(i as u32),
                        &self.l1.rollup,
                        &u.address,
                        token,
                        owed,
                    );
                    self.on_l1("a withdrawal of a pending balance", paid)?;
                    println!("    user {i}: {owed} of token {token} paid out on L1");
                }
            }
        }
        Ok(())
    }

    /// The L2 account id of user `i`.
    pub(crate) fn id(&self, i: usize) -> u32 {
        self.ids[i]
    }
}
