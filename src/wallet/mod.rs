//! `zkrollup wallet`: every operation of a user from the shell, on the SDK (`zkrollup-sdk`):
//! its provider for the node's API, its L1 client for what only the L1 takes (deposits, full
//! exits, on-chain key facts, pending balances).
//!
//! Data flows one way: the key (a file or the environment, never a flag) and the node's
//! deployment → a wallet → a signed transaction or an L1 call → a wait for the stage asked →
//! one result, for people (text) or scripts (`--json`: one JSON object on stdout, an error
//! included).

mod tokens;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use zkrollup_sdk::api::endpoint::shown;
use zkrollup_sdk::api::{AccountInfo, TxKind, TxStatus};
use zkrollup_sdk::spec::primitives::Address;
use zkrollup_sdk::spec::tx::auth::L1Domain;
use zkrollup_sdk::{Authorisation, Mined, Provider, SdkError, Stage, Tx, Wallet, L1};

use crate::key_file::{self, WALLET_KEY};
use crate::progress::spinner;
use tokens::Token;

#[derive(clap::Args)]
pub(crate) struct WalletArgs {
    /// The node's API.
    #[arg(long, env = "ZKROLLUP_NODE", default_value = "http://127.0.0.1:3030", global = true)]
    node: String,
    /// The L1's JSON-RPC (deposits, full exits, on-chain key facts, pending balances, an
    /// ERC-20's decimals); `zkrollup node` on embedded defaults serves one here.
    #[arg(long, env = "ZKROLLUP_L1_URL", default_value = "http://127.0.0.1:8545", global = true)]
    l1_url: String,
    /// A file holding the L1 private key (hex) [default: the environment variable
    /// ZKROLLUP_WALLET_KEY]. Never on the command line.
    #[arg(long, value_name = "PATH", global = true)]
    key_file: Option<PathBuf>,
    /// Refused: a key on the command line is readable by every user of the machine.
    #[arg(long, hide = true, global = true)]
    key: Option<String>,
    /// Refused, as --key.
    #[arg(long, hide = true, global = true)]
    private_key: Option<String>,
    /// The rollup contract on the L1: what the wallet's L2 key is derived for, and where its L1
    /// operations go, without asking the node (a full exit and a payout work while the node is
    /// down or censoring); a node that serves another rollup is then refused [default: the
    /// node's].
    #[arg(long, value_name = "ADDRESS", value_parser = tokens::address_arg, global = true)]
    rollup: Option<Address>,
    /// Print one JSON object on stdout (an error too, as {"error": …, "rule": …}; a malformed
    /// command line is clap's usage error, exit code 2).
    #[arg(long, global = true)]
    json: bool,
    /// Amounts and fees in base units (wei for ETH) rather than in the token's units.
    #[arg(long, global = true)]
    base_units: bool,
    #[command(subcommand)]
    action: Action,
}

/// How long to wait, and for what.
#[derive(clap::Args, Clone, Copy)]
struct Waiting {
    /// Wait until the operation reaches this stage.
    #[arg(long, value_enum, default_value_t = WaitFor::InBlock)]
    wait: WaitFor,
    /// Give up waiting after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum WaitFor {
    /// The node's receipt (or the L1's, for an L1 request): durable, not yet in a block.
    None,
    /// In a block the node sealed: its effects in the committed view.
    InBlock,
    /// Its block committed on L1.
    Committed,
    /// Its block's proof verified on L1.
    Proven,
    /// Its block executed on L1: final.
    Executed,
}

impl WaitFor {
    fn stage(self) -> Option<Stage> {
        match self {
            WaitFor::None => None,
            WaitFor::InBlock => Some(Stage::InBlock),
            WaitFor::Committed => Some(Stage::Committed),
            WaitFor::Proven => Some(Stage::Proven),
            WaitFor::Executed => Some(Stage::Executed),
        }
    }
}

/// How a transaction is paid and numbered.
#[derive(clap::Args, Clone)]
struct Paying {
    /// The token: ETH, its id, or its L1 address.
    #[arg(long, default_value = "ETH")]
    token: String,
    /// The fee, in the token [default: the node's quote].
    #[arg(long)]
    fee: Option<String>,
    /// The nonce [default: the node's next nonce for the account, counting its mempool].
    #[arg(long)]
    nonce: Option<u32>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// The wallet's L1 address and the hash of its L2 key on the node's deployment.
    Address,
    /// An account's balances and nonce, in the committed and the verified views.
    Account {
        /// Its L1 address or its id [default: the wallet's].
        who: Option<String>,
    },
    /// The fee the node asks for a transaction of KIND.
    Fee {
        /// The transaction's kind.
        #[arg(value_enum)]
        kind: FeeKind,
        /// The token the fee is paid in.
        #[arg(long, default_value = "ETH")]
        token: String,
    },
    /// Transfer AMOUNT to the address TO (its account, or a new one).
    Transfer {
        /// The recipient's L1 address.
        #[arg(value_parser = tokens::address_arg)]
        to: Address,
        /// In the token's units (0.5 is half an ETH), or in base units with --base-units.
        amount: String,
        #[command(flatten)]
        paying: Paying,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Withdraw AMOUNT to an L1 address (paid out when its block is executed).
    Withdraw {
        /// In the token's units, or in base units with --base-units.
        amount: String,
        /// The L1 address paid [default: the wallet's].
        #[arg(long, value_parser = tokens::address_arg)]
        to: Option<Address>,
        #[command(flatten)]
        paying: Paying,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Register the wallet's L2 key on its account, authorised by its L1 key.
    ChangePubkey {
        /// How the L1 key authorises it: a signed message (EIP-191, EIP-712) or a fact set on
        /// L1 first (onchain, for wallets that cannot sign messages; costs L1 gas).
        #[arg(long, value_enum, default_value_t = Auth::Eip191)]
        auth: Auth,
        #[command(flatten)]
        paying: Paying,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Send the whole balance of a keyless account (TARGET) to its owner on L1.
    ForcedExit {
        /// The keyless account's L1 address.
        #[arg(value_parser = tokens::address_arg)]
        target: Address,
        #[command(flatten)]
        paying: Paying,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Deposit AMOUNT from L1 (an ERC-20 is approved first).
    Deposit {
        /// In the token's units, or in base units with --base-units.
        amount: String,
        /// The L2 address credited [default: the wallet's].
        #[arg(long, value_parser = tokens::address_arg)]
        to: Option<Address>,
        /// The token: ETH, its id, or its L1 address.
        #[arg(long, default_value = "ETH")]
        token: String,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Request on L1 the exit of the account's whole balance of a token (served even if the
    /// operator censors the wallet's transactions).
    FullExit {
        /// The token: ETH, its id, or its L1 address.
        #[arg(long, default_value = "ETH")]
        token: String,
        /// The account's id [default: the node's account for the wallet's address]: with
        /// --rollup and --wait none, a full exit needs no node.
        #[arg(long)]
        account: Option<u32>,
        #[command(flatten)]
        waiting: Waiting,
    },
    /// Pay out on L1 what the contract owes the wallet (withdrawals and exits executed).
    WithdrawPending {
        /// The token: ETH, its id, or its L1 address.
        #[arg(long, default_value = "ETH")]
        token: String,
        /// How much [default: all of it].
        #[arg(long)]
        amount: Option<String>,
    },
    /// Where a transaction is.
    Tx {
        /// Its hash, 0x-hex.
        hash: String,
        /// Wait until it reaches this stage [default: answer at once].
        #[arg(long, value_enum, default_value_t = WaitFor::None)]
        wait: WaitFor,
        /// Give up waiting after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        timeout: u64,
    },
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum FeeKind {
    Transfer,
    TransferToNew,
    Withdraw,
    ForcedExit,
    ChangePubkey,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Auth {
    Eip191,
    Eip712,
    Onchain,
}

/// A failed command: its message, and the spec's rule when the protocol refused it.
struct Failure {
    message: String,
    rule: Option<String>,
    /// What was already sent when it failed (a transaction's hash, an L1 request's serial id):
    /// a script must look it up rather than send again.
    sent: Option<Value>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { message, rule: None, sent: None }
    }
}

impl Failure {
    /// This failure after `sent` was sent (`what` says it for people).
    fn after_sending(mut self, what: String, sent: Value) -> Self {
        self.message = format!("{}; {what} was sent: look it up rather than send it again", self.message);
        self.sent = Some(sent);
        self
    }
}

impl From<SdkError> for Failure {
    fn from(e: SdkError) -> Self {
        // An L1 transaction that may be in flight: scripts get its hash, to look it up.
        let sent = match &e {
            SdkError::Unconfirmed { hash, .. } => Some(json!({ "l1_transaction": hash })),
            _ => None,
        };
        Failure { rule: e.rule().map(str::to_string), message: e.to_string(), sent }
    }
}

/// The sender of an L2 transaction: the wallet on its deployment, its account (which must
/// exist), the token it pays the fee in, and the nonce (`--nonce`, or the node's next one).
struct Payer {
    wallet: Wallet,
    me: AccountInfo,
    token: Token,
    nonce: u32,
}

/// What a command did: a text for people and an object for scripts.
struct Done {
    text: String,
    json: Value,
}

pub(crate) fn run(args: &WalletArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    match Session::open(args, &runtime).and_then(|s| s.act(&args.action)) {
        Ok(done) => {
            if args.json {
                println!("{}", done.json);
            } else {
                println!("{}", done.text);
            }
            Ok(())
        }
        Err(f) => {
            if args.json {
                println!("{}", json!({ "error": f.message, "rule": f.rule, "sent": f.sent }));
            }
            Err(f.message)
        }
    }
}

/// How long the L1 may take to answer a request or mine a transaction of the wallet.
const L1_TIMEOUT: Duration = Duration::from_secs(60);

/// What every command may need: the node, the L1, the key (if given).
struct Session<'a> {
    args: &'a WalletArgs,
    runtime: &'a tokio::runtime::Runtime,
    node: Provider,
    key: Option<key_file::Key>,
}

impl<'a> Session<'a> {
    fn open(args: &'a WalletArgs, runtime: &'a tokio::runtime::Runtime) -> Result<Self, Failure> {
        for (flag, given) in [("--key", &args.key), ("--private-key", &args.private_key)] {
            if given.is_some() {
                return Err(key_file::refused_on_command_line(flag, WALLET_KEY).into());
            }
        }
        let key = key_file::load(args.key_file.as_deref(), WALLET_KEY)?;
        let node = Provider::http(&args.node)?;
        Ok(Session { args, runtime, node, key })
    }

    /// `f`'s result; an unreachable node named by its URL.
    fn block_on<T>(&self, f: impl std::future::Future<Output = Result<T, SdkError>>) -> Result<T, Failure> {
        self.runtime.block_on(f).map_err(|e| match e {
            SdkError::Node(why) => format!("the node at --node {}: {why}", shown(&self.args.node)).into(),
            e => e.into(),
        })
    }

    fn key(&self) -> Result<&str, Failure> {
        self.key.as_ref().map(|k| k.hex.as_str()).ok_or_else(|| {
            format!("this needs the wallet's L1 key: --key-file PATH, or the environment variable {}", WALLET_KEY.env)
                .into()
        })
    }

    /// The wallet on the node's deployment.
    fn wallet(&self) -> Result<Wallet, Failure> {
        let domain = self.domain()?;
        Ok(Wallet::from_l1_key_hex(self.key()?, domain).map_err(|e| {
            let source = self.key.as_ref().map_or("", |k| k.source.as_str());
            format!("{source}: {e}")
        })?)
    }

    /// The deployment: `--rollup` on the L1's chain, or the node's.
    fn domain(&self) -> Result<L1Domain, Failure> {
        match self.args.rollup {
            Some(contract) => self.block_on(self.reader(contract)?.domain()),
            None => self.block_on(self.node.domain()),
        }
    }

    /// The tokens the rollup lists: the node's, or with `--rollup` the contract's.
    fn listed(&self) -> Result<Vec<zkrollup_sdk::api::TokenInfo>, Failure> {
        use zkrollup_sdk::api::TokenInfo;
        let Some(rollup) = &self.args.rollup else { return self.block_on(self.node.tokens()) };
        let erc20s = self.block_on(self.reader(*rollup)?.listed_tokens())?;
        let eth = TokenInfo { id: 0, address: Address::default().to_string() };
        let listed = erc20s.iter().zip(1..).map(|(a, id)| TokenInfo { id, address: a.to_string() });
        Ok(std::iter::once(eth).chain(listed).collect())
    }

    /// The wallet's account, which must exist.
    fn account(&self, wallet: &Wallet) -> Result<AccountInfo, Failure> {
        let address = wallet.address();
        self.block_on(self.node.account(&address))?
            .ok_or_else(|| format!("{address} has no account on the rollup yet: deposit to it first").into())
    }

    /// The token `asked` names, its decimals read on the L1 (checked to be the node's first)
    /// unless amounts are in base units.
    fn token(&self, asked: &str) -> Result<Token, Failure> {
        let listed = self.listed()?;
        let named = tokens::resolve(asked, &listed)?;
        if self.args.base_units || named.id == 0 {
            return Ok(named.in_units(!self.args.base_units));
        }
        let l1 = self.checked_l1(&self.domain()?)?;
        Ok(named.with_decimals(|erc20| self.read_decimals(&l1, erc20))?)
    }

    /// The decimals the ERC-20 at `erc20` says, asked on `l1`.
    fn read_decimals(&self, l1: &L1, erc20: &Address) -> Result<Option<u8>, String> {
        self.runtime.block_on(l1.erc20_decimals(erc20)).map_err(|e| e.to_string())
    }

    /// The token `asked` names, for an operation without an amount (its decimals not read).
    fn token_named(&self, asked: &str) -> Result<Token, Failure> {
        Ok(tokens::resolve(asked, &self.listed()?)?)
    }

    /// The rollup at `rollup` on the L1 of `--l1-url`, for reads.
    fn reader(&self, rollup: Address) -> Result<L1, Failure> {
        Ok(L1::http(&self.args.l1_url, rollup)?.with_timeout(L1_TIMEOUT))
    }

    /// The wallet's rollup on the L1, sending with its key, checked as [`Session::checked_l1`].
    fn signing_l1(&self, wallet: &Wallet) -> Result<L1, Failure> {
        self.checked_l1(&wallet.domain())?;
        Ok(L1::with_wallet(&self.args.l1_url, wallet)?.with_timeout(L1_TIMEOUT))
    }

    /// The rollup of `domain` on the L1, checked to be on the chain the node serves (a deposit
    /// sent to another chain's contract would not reach this rollup) and to answer as a rollup.
    fn checked_l1(&self, domain: &L1Domain) -> Result<L1, Failure> {
        let l1 = self.reader(domain.contract)?;
        let id = self.block_on(l1.domain())?.chain_id;
        if id != domain.chain_id {
            return Err(format!(
                "the L1 at --l1-url {} is chain {id}, but the node serves chain {}: point --l1-url at the node's L1",
                shown(&self.args.l1_url),
                domain.chain_id
            )
            .into());
        }
        // A rollup answers the tokens it lists; an address without its code would take a
        // deposit's ETH and make no request.
        self.runtime.block_on(l1.listed_tokens()).map_err(|e| {
            format!("the node's rollup {} does not answer as the rollup on the L1 at --l1-url ({e})", domain.contract)
        })?;
        Ok(l1)
    }

    /// What every L2 transaction of the wallet starts from, as `paying` says.
    fn payer(&self, paying: &Paying) -> Result<Payer, Failure> {
        let wallet = self.wallet()?;
        let me = self.account(&wallet)?;
        let token = self.token(&paying.token)?;
        let nonce = paying.nonce.unwrap_or(me.next_nonce);
        Ok(Payer { wallet, me, token, nonce })
    }

    /// The fee to pay: the one asked (`--fee`), or the node's quote for `kind`.
    fn fee(&self, paying: &Paying, token: &Token, kind: TxKind) -> Result<u128, Failure> {
        match &paying.fee {
            Some(text) => Ok(token.parse("--fee", text)?),
            None => self.block_on(self.node.fee(kind, token.id)),
        }
    }

    fn act(&self, action: &Action) -> Result<Done, Failure> {
        match action {
            Action::Address => self.address(),
            Action::Account { who } => self.show_account(who.as_deref()),
            Action::Fee { kind, token } => {
                let token = self.token(token)?;
                let fee = self.block_on(self.node.fee(fee_kind(*kind), token.id))?;
                Ok(Done { text: token.show(fee), json: json!({ "token": token.id, "fee": fee.to_string() }) })
            }
            Action::Transfer { to, amount, paying, waiting } => {
                let Payer { wallet, me, token, nonce, .. } = self.payer(paying)?;
                let value = token.parse("the amount", amount)?;
                let new = self.block_on(self.node.account(to))?.is_none();
                let fee = self.fee(paying, &token, if new { TxKind::TransferToNew } else { TxKind::Transfer })?;
                let tx = wallet.transfer(me.id, *to, (token.id, value, fee), nonce)?;
                let what =
                    format!("transfer of {} to {to} (fee {}, nonce {nonce})", token.show(value), token.show(fee));
                self.submit(&tx, &what, waiting)
            }
            Action::Withdraw { amount, to, paying, waiting } => {
                let Payer { wallet, me, token, nonce, .. } = self.payer(paying)?;
                let value = token.parse("the amount", amount)?;
                let fee = self.fee(paying, &token, TxKind::Withdraw)?;
                let to = to.unwrap_or(wallet.address());
                let tx = wallet.withdraw(me.id, to, (token.id, value, fee), nonce)?;
                let what = format!(
                    "withdrawal of {} to {to} on L1 (fee {}, nonce {nonce})",
                    token.show(value),
                    token.show(fee)
                );
                self.submit(&tx, &what, waiting)
            }
            Action::ChangePubkey { auth, paying, waiting } => {
                let Payer { wallet, me, token, nonce, .. } = self.payer(paying)?;
                let fee = self.fee(paying, &token, TxKind::ChangePubKey)?;
                let auth = match auth {
                    Auth::Eip191 => Authorisation::Eip191,
                    Auth::Eip712 => Authorisation::Eip712,
                    Auth::Onchain => {
                        self.set_fact(&wallet, nonce)?;
                        Authorisation::Onchain
                    }
                };
                let tx = wallet.change_pubkey(me.id, (token.id, fee), nonce, auth)?;
                let what = format!(
                    "ChangePubKey of account {} to the key {} (fee {}, nonce {nonce})",
                    me.id,
                    wallet.pubkey_hash(),
                    token.show(fee)
                );
                match auth {
                    Authorisation::Onchain => self.wait_for_tx(&self.once_fact_read(&tx, waiting)?, &what, waiting),
                    _ => self.submit(&tx, &what, waiting),
                }
            }
            Action::ForcedExit { target, paying, waiting } => {
                let Payer { wallet, me, token, nonce, .. } = self.payer(paying)?;
                let fee = self.fee(paying, &token, TxKind::ForcedExit)?;
                let tx = wallet.forced_exit(me.id, *target, (token.id, fee), nonce)?;
                let what = format!("forced exit of {target}'s {} (fee {}, nonce {nonce})", token.name, token.show(fee));
                self.submit(&tx, &what, waiting)
            }
            Action::Deposit { amount, to, token, waiting } => self.deposit(amount, *to, token, waiting),
            Action::FullExit { token, account, waiting } => self.full_exit(token, *account, waiting),
            Action::WithdrawPending { token, amount } => self.withdraw_pending(token, amount.as_deref()),
            Action::Tx { hash, wait, timeout } => {
                let waiting = &Waiting { wait: *wait, timeout: *timeout };
                let known = self.block_on(self.node.tx(hash))?;
                if known.is_none() {
                    return Err(format!("the node does not know the transaction {hash}").into());
                }
                self.wait_for_tx(hash, &format!("transaction {hash}"), waiting)
            }
        }
    }

    /// Sets on L1 the fact that authorises the wallet's L2 key for its ChangePubKey at `nonce`,
    /// unless an earlier run set it (a fact cannot be set twice: a retry after the L2 step
    /// failed finds it there); a fact for another key at that nonce is an error.
    fn set_fact(&self, wallet: &Wallet, nonce: u32) -> Result<(), Failure> {
        let l1 = self.signing_l1(wallet)?;
        let pkh = wallet.pubkey_hash();
        let want = zkrollup_sdk::spec::primitives::keys::keccak256(&pkh.0);
        match self.block_on(l1.auth_fact(&wallet.address(), nonce))? {
            set if set == want => Ok(()),
            set if set != [0; 32] => Err(format!(
                "{} already set an on-chain fact for another key at nonce {nonce}: authorise with --auth eip191 or \
                 eip712, or at a later nonce",
                wallet.address()
            )
            .into()),
            _ => {
                let s = spinner("setting the key's fact on L1");
                let set = self.block_on(l1.set_auth_pubkey_hash(&pkh, nonce));
                s.finish_and_clear();
                set.map(drop)
            }
        }
    }

    /// Submits `tx` once the node has read the on-chain fact it relies on (the node follows the
    /// L1 at its poll interval, after its confirmations): again while the node refuses it for
    /// want of the fact, at most `--timeout`. Its hash.
    fn once_fact_read(&self, tx: &Tx, waiting: &Waiting) -> Result<String, Failure> {
        const UNREAD: &str = "l1.change_pubkey_unauthorised";
        let s = spinner("waiting for the node to read the key's fact from L1");
        let started = std::time::Instant::now();
        let result = loop {
            match self.runtime.block_on(self.node.submit(tx)) {
                Err(e) if e.rule() == Some(UNREAD) && started.elapsed().as_secs() < waiting.timeout => {
                    std::thread::sleep(Duration::from_millis(250));
                }
                other => break other.map(|handle| handle.hash),
            }
        };
        s.finish_and_clear();
        result.map_err(Failure::from)
    }

    fn address(&self) -> Result<Done, Failure> {
        let wallet = self.wallet()?;
        let (address, pkh, domain) = (wallet.address(), wallet.pubkey_hash(), wallet.domain());
        Ok(Done {
            text: format!(
                "L1 address {address}\nL2 key hash {pkh} (for chain {}, rollup {})",
                domain.chain_id, domain.contract
            ),
            json: json!({
                "address": address.to_string(),
                "pubkey_hash": pkh.to_string(),
                "chain_id": domain.chain_id,
                "rollup": domain.contract.to_string(),
            }),
        })
    }

    fn show_account(&self, who: Option<&str>) -> Result<Done, Failure> {
        let info = match who {
            None => {
                let wallet = self.wallet()?;
                self.block_on(self.node.account(&wallet.address()))?.ok_or(wallet.address().to_string())
            }
            Some(who) => match who.parse::<u32>() {
                Ok(id) => self.block_on(self.node.account_by_id(id))?.ok_or(format!("account {id}")),
                Err(_) => {
                    let address: Address =
                        tokens::address_arg(who).map_err(|e| format!("neither an account id nor an address: {e}"))?;
                    self.block_on(self.node.account(&address))?.ok_or(address.to_string())
                }
            },
        };
        let info = info.map_err(|who| format!("{who} has no account on the rollup"))?;
        let listed = self.block_on(self.node.tokens())?;
        // An ERC-20's decimals from the node's L1, where it can be reached.
        let l1 = match self.args.base_units {
            true => None,
            false => {
                let checked = self.block_on(self.node.domain()).and_then(|d| self.checked_l1(&d));
                checked.ok().map(|l1| l1.with_timeout(Duration::from_secs(10)))
            }
        };
        let view = |state: &zkrollup_sdk::api::AccountState| -> Result<String, Failure> {
            let mut shown = vec![];
            for b in &state.balances {
                let amount: u128 = b.amount.parse().map_err(|e| format!("a balance of {:?}: {e}", b.amount))?;
                let token = tokens::resolve(&b.token.to_string(), &listed)?;
                // Shown in base units when the token's decimals cannot be read.
                let token = match &l1 {
                    Some(l1) => token.clone().with_decimals(|a| self.read_decimals(l1, a)).unwrap_or(token),
                    None => token,
                };
                shown.push(token.show(amount));
            }
            let balances = if shown.is_empty() { "nothing".to_string() } else { shown.join(", ") };
            Ok(format!("{balances}; nonce {}, key hash {}", state.nonce, state.pubkey_hash))
        };
        let verified = match &info.verified {
            Some(v) => view(v)?,
            None => "not in an executed block yet".into(),
        };
        let text = format!(
            "account {} of {}\n  committed: {}\n  verified:  {verified}\n  next nonce: {}",
            info.id,
            info.address,
            view(&info.committed)?,
            info.next_nonce
        );
        Ok(Done { text, json: serde_json::to_value(&info).map_err(|e| e.to_string())? })
    }

    /// Submits `tx` and waits as asked.
    fn submit(&self, tx: &Tx, what: &str, waiting: &Waiting) -> Result<Done, Failure> {
        if let Some(rollup) = self.args.rollup {
            let served = self.block_on(self.node.domain())?.contract;
            if served != rollup {
                return Err(format!("the node serves the rollup {served}, not --rollup {rollup}").into());
            }
        }
        let handle = self.block_on(self.node.submit(tx))?;
        self.wait_for_tx(&handle.hash, what, waiting)
    }

    fn wait_for_tx(&self, hash: &str, what: &str, waiting: &Waiting) -> Result<Done, Failure> {
        let sent = |f: Failure| f.after_sending(format!("the transaction {hash}"), json!({ "hash": hash }));
        let status = match waiting.wait.stage() {
            None => self.block_on(self.node.tx(hash)).map_err(sent)?.map(|i| i.status),
            Some(stage) => {
                let s = spinner(&format!("{what}: {hash}, waiting until {}", stage_words(stage)));
                let handle = self.node.handle_of(hash);
                let status = self.block_on(handle.wait(stage, Duration::from_secs(waiting.timeout)));
                s.finish_and_clear();
                Some(status.map_err(sent)?)
            }
        };
        if let Some(TxStatus::Dropped { rule, message }) = &status {
            return Err(Failure {
                message: format!("dropped by rule {rule}: {message}"),
                rule: Some(rule.clone()),
                sent: None,
            });
        }
        let shown = status.as_ref().map_or("unknown".to_string(), show_status);
        Ok(Done { text: format!("{what}: {hash}\n{shown}"), json: json!({ "hash": hash, "status": status }) })
    }

    fn deposit(&self, amount: &str, to: Option<Address>, token: &str, waiting: &Waiting) -> Result<Done, Failure> {
        let wallet = self.wallet()?;
        let l1 = self.signing_l1(&wallet)?;
        let token = self.token(token)?;
        if token.id != 0 {
            // Its decimals were read at the address the node lists; the contract takes the one
            // it lists: they must be the same token.
            let on_l1 = self.block_on(l1.listed_tokens())?;
            let theirs = on_l1.get(usize::from(token.id) - 1);
            if theirs != Some(&token.address()) {
                let theirs = theirs.map_or("nothing".to_string(), |a| a.to_string());
                return Err(format!(
                    "the node lists {}, the rollup on L1 lists {theirs} as token {}",
                    token.name, token.id
                )
                .into());
            }
        }
        let value = token.parse("the amount", amount)?;
        let to = to.unwrap_or(wallet.address());
        let what = format!("deposit of {} to {to}", token.show(value));
        let s = spinner(&format!("{what}: sending on L1"));
        let mined = match token.id {
            0 => self.block_on(l1.deposit_eth(&to, value)),
            id => self.block_on(l1.deposit_erc20(id, &to, value)),
        };
        s.finish_and_clear();
        self.wait_for_request(mined?, &what, waiting)
    }

    fn full_exit(&self, token: &str, account: Option<u32>, waiting: &Waiting) -> Result<Done, Failure> {
        let wallet = self.wallet()?;
        let l1 = self.signing_l1(&wallet)?;
        let id = match account {
            Some(id) => id,
            None => self.account(&wallet)?.id,
        };
        let token = self.token_named(token)?;
        let what = format!("full exit of account {id}'s {}", token.name);
        let s = spinner(&format!("{what}: requesting on L1"));
        let mined = self.block_on(l1.request_full_exit(id, token.id));
        s.finish_and_clear();
        self.wait_for_request(mined?, &what, waiting)
    }

    /// Waits as asked for the request an L1 transaction made.
    fn wait_for_request(&self, mined: Mined, what: &str, waiting: &Waiting) -> Result<Done, Failure> {
        let serial = mined.request.ok_or(format!("{what}: L1 transaction {} made no request", mined.hash_hex()))?;
        let tx = mined.hash_hex();
        let mut json =
            json!({ "l1_transaction": tx, "l1_block": mined.block, "gas_used": mined.gas_used, "serial_id": serial });
        let mut text = format!(
            "{what}: L1 request {serial}, L1 transaction {tx} mined in L1 block {} ({} gas)",
            mined.block, mined.gas_used
        );
        if let Some(credited) = mined.credited {
            // A token that takes a fee on transfers delivers less than was sent.
            json["credited"] = credited.to_string().into();
            text += &format!("; {credited} base units credited");
        }
        if let Some(stage) = waiting.wait.stage() {
            let s = spinner(&format!("{what}: L1 request {serial}, waiting until {}", stage_words(stage)));
            let block = self.block_on(self.node.wait_priority_op(serial, stage, Duration::from_secs(waiting.timeout)));
            s.finish_and_clear();
            let block = block.map_err(|f| f.after_sending(format!("L1 request {serial}"), json.clone()))?;
            text += &format!("\nin block {block}, {}", stage_words(stage));
            json["block"] = block.into();
        }
        Ok(Done { text, json })
    }

    fn withdraw_pending(&self, token: &str, amount: Option<&str>) -> Result<Done, Failure> {
        let wallet = self.wallet()?;
        let l1 = self.signing_l1(&wallet)?;
        // Without an amount to read, a token without decimals is shown in base units.
        let token = match amount {
            Some(_) => self.token(token)?,
            None => self.token(token).or_else(|_| self.token_named(token))?,
        };
        let owed = self.block_on(l1.pending_balance(&wallet.address(), token.id))?;
        let value = match amount {
            Some(text) => token.parse("--amount", text)?,
            None if owed == 0 => {
                return Err(format!("the contract owes {} nothing of {}", wallet.address(), token.name).into())
            }
            None => owed,
        };
        let s = spinner(&format!("paying out {} on L1", token.show(value)));
        let mined = self.block_on(l1.withdraw_pending_balance(&wallet.address(), token.id, value));
        s.finish_and_clear();
        let mined = mined?;
        Ok(Done {
            text: format!(
                "paid out {} to {} by L1 transaction {} in L1 block {} ({} gas); {} still owed",
                token.show(value),
                wallet.address(),
                mined.hash_hex(),
                mined.block,
                mined.gas_used,
                token.show(owed.saturating_sub(value))
            ),
            json: json!({
                "amount": value.to_string(),
                "l1_transaction": mined.hash_hex(),
                "l1_block": mined.block,
                "gas_used": mined.gas_used,
            }),
        })
    }
}

fn fee_kind(kind: FeeKind) -> TxKind {
    match kind {
        FeeKind::Transfer => TxKind::Transfer,
        FeeKind::TransferToNew => TxKind::TransferToNew,
        FeeKind::Withdraw => TxKind::Withdraw,
        FeeKind::ForcedExit => TxKind::ForcedExit,
        FeeKind::ChangePubkey => TxKind::ChangePubKey,
    }
}

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::InBlock => "sealed",
        Stage::Committed => "committed on L1",
        Stage::Proven => "proven on L1",
        Stage::Executed => "executed on L1: final",
    }
}

fn show_status(status: &TxStatus) -> String {
    match status {
        TxStatus::Queued => "queued: accepted, waiting for a block".into(),
        TxStatus::InBlock { block } => format!("in block {block}"),
        TxStatus::Committed { block } => format!("in block {block}, committed on L1"),
        TxStatus::Proven { block } => format!("in block {block}, proven on L1"),
        TxStatus::Executed { block } => format!("in block {block}, executed on L1: final"),
        TxStatus::Dropped { rule, message } => format!("dropped by rule {rule}: {message}"),
    }
}
