//! The fuzz targets' bodies, kept here so that `cargo test` replays the committed corpus
//! through exactly the code libFuzzer runs (`fuzz/`, with cargo-fuzz). Each function panics on
//! a finding and returns normally otherwise.

use crate::wire::{self as w, convert as wc};
use arbitrary::{Result as ArbResult, Unstructured};
use zkrollup_reference::executor::Executor;
use zkrollup_reference::state::RefState;
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::l1::{CommitBlock, L1Config, OnchainOpMeta, L1};
use zkrollup_spec::op::{decode_pubdata as decode_ops, Op};
use zkrollup_spec::op::{ChangePubKeyOp, DepositOp, ForcedExitOp, FullExitOp, TransferOp, WithdrawOp};
use zkrollup_spec::primitives::eddsa::{Point, PublicKey, Scalar, Signature};
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee};
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{apply_priority_op, apply_tx, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKey, ChangePubKeyAuth, ForcedExit, TimeWindow, Transfer, Tx, TxSignature, Withdraw};

/// Transaction decoding never panics, and what decodes re-encodes to the same bytes.
pub fn decode_tx(data: &[u8]) {
    if let Ok(tx) = Tx::from_bytes(data) {
        assert_eq!(tx.to_bytes(), data, "decode then encode changed the bytes");
    }
}

/// Pubdata decoding never panics, and what decodes re-encodes to the same bytes.
pub fn decode_pubdata(data: &[u8]) {
    if let Ok(ops) = decode_ops(data) {
        let again: Vec<u8> = ops.iter().flat_map(Op::to_pubdata).collect();
        assert_eq!(again, data, "decode then encode changed the bytes");
    }
}

/// Users 0..USERS have accounts (user 3 keyless); user USERS has none.
const USERS: u32 = 5;

/// What the differential target starts from, built once per process: deriving keys and
/// hashing the pre-state would otherwise cost more than the differential run itself.
struct Fixture {
    users: Vec<User>,
    /// Each user's L2 public key (a scalar multiplication to derive).
    keys: Vec<PublicKey>,
    pre: State,
    reference: RefState,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let users: Vec<User> = (0..=USERS).map(user).collect();
        let keys = users.iter().map(|u| u.l2.public_key()).collect();
        let mut accounts: Vec<Account> = (0..3).map(|i| keyed_account(&users[i], 0, &[(0, 5_000), (1, 700)])).collect();
        let mut keyless = Account::new(users[3].address);
        keyless.set_balance(0, 90);
        accounts.push(keyless);
        accounts.push(keyed_account(&users[4], u32::MAX - 1, &[(2, u128::MAX - 5)]));
        let pre = State::from_accounts(accounts).expect("distinct users");
        let reference = RefState::from_spec(&pre);
        Fixture { users, keys, pre, reference }
    })
}

std::thread_local! {
    /// Signatures by (signer, message): a fuzzer's inputs repeat messages often, and signing
    /// (two hashes and a scalar multiplication) dominated the run before.
    static SIGNATURES: std::cell::RefCell<std::collections::HashMap<(u32, Fr), Signature>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn cached_signature(signer: u32, msg: Fr) -> Signature {
    SIGNATURES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 1 << 16 {
            c.clear(); // bounded memory over a long run
        }
        *c.entry((signer, msg)).or_insert_with(|| fixture().users[signer as usize].l2.sign(msg))
    })
}

fn small_value(u: &mut Unstructured) -> ArbResult<u128> {
    Ok(match u.int_in_range(0..=4)? {
        0 => u.int_in_range(0..=100)?,
        1 => u.int_in_range(0..=10_000)?,
        2 => u128::MAX,
        3 => u128::MAX - u.int_in_range(0..=10)?,
        _ => u.arbitrary()?,
    })
}

/// Signs `tx` the way the fuzzer chooses: mostly by `signer`'s key (cached), else by another
/// user's key, with S changed, or as the small-order forgery (identity key, R8 = B8·S).
fn sign(u: &mut Unstructured, tx: &mut Tx, signer: u32) -> ArbResult<()> {
    let f = fixture();
    let msg = tx.signing_message();
    let (key, signature) = match u.int_in_range(0..=15)? {
        0 => {
            let other = u.int_in_range(0..=USERS)?;
            (f.keys[other as usize], cached_signature(other, msg))
        }
        1 => {
            let mut s = cached_signature(signer, msg);
            s.s += Scalar::from(1u8);
            (f.keys[signer as usize], s)
        }
        2 => {
            let s = Scalar::from(u.arbitrary::<u64>()?);
            let r8 = Point::base8().mul_integer(&ark_ff::PrimeField::into_bigint(s).0);
            (PublicKey(Point::identity()), Signature { r8, s })
        }
        _ => (f.keys[signer as usize], cached_signature(signer, msg)),
    };
    tx.set_signature(TxSignature { pub_key: key, signature });
    Ok(())
}

fn next_input(u: &mut Unstructured, state: &State) -> ArbResult<Option<BlockInput>> {
    if u.is_empty() {
        return Ok(None);
    }
    let f = fixture();
    let pick = |u: &mut Unstructured| u.int_in_range(0..=USERS);
    let address = |u: &mut Unstructured, n: u32| -> ArbResult<Address> {
        Ok(match u.int_in_range(0..=15)? {
            0 => Address::ZERO,
            1 => Address(u.arbitrary()?),
            _ => f.users[n as usize].address,
        })
    };
    let account_id = |u: &mut Unstructured, n: u32| -> ArbResult<u32> {
        let id = state.id_of(&f.users[n as usize].address).unwrap_or(n);
        Ok(match u.int_in_range(0..=15)? {
            0 => u.arbitrary()?,
            1 => zkrollup_spec::params::MAX_ACCOUNT_ID + u.int_in_range(0..=1)?,
            _ => id,
        })
    };
    // Mostly the account's nonce, sometimes one off either way, or anything.
    let nonce = |u: &mut Unstructured, id: u32| -> ArbResult<u32> {
        let base = state.account(id).map_or(0, |a| a.nonce);
        Ok(match u.int_in_range(0..=15)? {
            0 => base.wrapping_sub(1),
            1 => base.wrapping_add(1),
            2 => u.arbitrary()?,
            _ => base,
        })
    };
    let token = |u: &mut Unstructured| -> ArbResult<u16> {
        Ok(if u.ratio(1, 16)? { u.arbitrary()? } else { u.int_in_range(0..=2)? })
    };
    let fee = |u: &mut Unstructured| -> ArbResult<PackedFee> {
        Ok(PackedFee::closest_packable(if u.ratio(1, 8)? { small_value(u)? } else { u.int_in_range(0..=40)? }))
    };
    let now = context().timestamp;
    let time = |u: &mut Unstructured| -> ArbResult<TimeWindow> {
        Ok(match u.int_in_range(0..=7)? {
            0 => TimeWindow { valid_from: now + u.int_in_range(0..=2)?, valid_until: u64::MAX },
            1 => TimeWindow { valid_from: 0, valid_until: now - u.int_in_range(0..=2)? },
            2 => TimeWindow { valid_from: u.arbitrary()?, valid_until: u.arbitrary()? },
            _ => TimeWindow::ALWAYS,
        })
    };
    let (a, b) = (pick(u)?, pick(u)?);
    let kind = u.int_in_range(0..=5)?;
    if kind >= 4 {
        let token = token(u)?;
        return Ok(Some(BlockInput::Priority(if kind == 4 {
            let to = address(u, b)?;
            PriorityOp::Deposit(DepositRequest { from: to, to, token, amount: small_value(u)? })
        } else {
            PriorityOp::FullExit(FullExitRequest { account_id: account_id(u, a)?, owner: address(u, b)?, token })
        })));
    }
    let account_id = account_id(u, a)?;
    let mut tx = match kind {
        0 => Tx::Transfer(Transfer {
            account_id,
            to: address(u, b)?,
            token: token(u)?,
            amount: PackedAmount::closest_packable(small_value(u)?),
            fee: fee(u)?,
            nonce: nonce(u, account_id)?,
            time: time(u)?,
            ..Default::default()
        }),
        1 => Tx::Withdraw(Withdraw {
            account_id,
            to: address(u, a)?,
            token: token(u)?,
            amount: small_value(u)?,
            fee: fee(u)?,
            nonce: nonce(u, account_id)?,
            time: time(u)?,
            ..Default::default()
        }),
        2 => Tx::ChangePubKey(ChangePubKey {
            account_id,
            new_pubkey_hash: if u.ratio(1, 8)? { PubKeyHash(u.arbitrary()?) } else { f.users[b as usize].pubkey_hash },
            fee_token: token(u)?,
            fee: fee(u)?,
            nonce: nonce(u, account_id)?,
            time: time(u)?,
            auth: match u.int_in_range(0..=3)? {
                0 => ChangePubKeyAuth::Eip191(u.arbitrary()?),
                1 => ChangePubKeyAuth::Eip712(u.arbitrary()?),
                _ => ChangePubKeyAuth::Onchain,
            },
            ..Default::default()
        }),
        _ => Tx::ForcedExit(ForcedExit {
            account_id,
            target: address(u, b)?,
            token: token(u)?,
            fee: fee(u)?,
            nonce: nonce(u, account_id)?,
            time: time(u)?,
            ..Default::default()
        }),
    };
    // A ChangePubKey is signed by the new key's owner; the rest by the account's user.
    sign(u, &mut tx, if kind == 2 { b } else { a })?;
    Ok(Some(BlockInput::Tx(tx)))
}

/// The spec and the reference agree on every verdict, op, fee and the final root for an
/// arbitrary input sequence: every field of every transaction is the fuzzer's choice (ids,
/// addresses, tokens, amounts, fees, nonces, validity windows, authorisations, and valid,
/// foreign, altered or forged signatures).
pub fn spec_vs_reference(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let f = fixture();
    let mut spec = f.pre.clone();
    let mut reference = Executor::new(f.reference.clone(), false);
    let ctx = context();
    for _ in 0..8 {
        let Ok(Some(input)) = next_input(&mut u, &spec) else { break };
        match input {
            BlockInput::Tx(tx) => {
                let s = apply_tx(&mut spec, &tx, &ctx).map(|a| (a.op, a.fee)).map_err(|e| e.rule);
                let r = reference.apply_tx(&tx, &ctx).map(|(op, fee)| (op, Some(fee))).map_err(|e| e.rule);
                assert_eq!(s, r, "{tx:?}");
            }
            BlockInput::Priority(p) => {
                let s = apply_priority_op(&mut spec, &p).map_err(|e| e.rule);
                let r = reference.apply_priority(&p).map_err(|e| e.rule);
                assert_eq!(s, r, "{p:?}");
            }
        }
    }
    // The states, account by account. Hashing both into roots costs more than the rest of the
    // run (about 170 Poseidon permutations for the spec's tree from scratch), so the roots are
    // compared on one input in 16 (chosen by the input's bytes, so a finding replays); the
    // reference's incremental tree is also checked against the spec's roots by every
    // transition and block vector and by the differential test.
    assert_eq!(spec, reference.state.to_spec(), "states differ");
    if data.iter().fold(0u8, |h, b| h.wrapping_mul(31).wrapping_add(*b)) % 16 == 0 {
        assert_eq!(spec.root(), reference.state.root(), "roots differ");
    }
}

/// The block vector of the circuit target: the fixture's state and up to two fuzzer-chosen
/// inputs (as [`spec_vs_reference`] makes them) as one 16-chunk block, which they always fit
/// (an op spans at most 7 chunks): a block that overflows is checked by the circuit adapter
/// on the 64-chunk circuit, ten times the cost, and the vectors cover that path.
pub fn block_vector(data: &[u8]) -> w::BlockInputJson {
    let mut u = Unstructured::new(data);
    let f = fixture();
    let mut spec = f.pre.clone();
    let mut inputs = Vec::new();
    for _ in 0..2 {
        let Ok(Some(input)) = next_input(&mut u, &spec) else { break };
        // Keep the generator's view of nonces and ids current, as in the differential target.
        let _ = match &input {
            BlockInput::Tx(tx) => apply_tx(&mut spec, tx, &context()).map(|_| ()),
            BlockInput::Priority(p) => apply_priority_op(&mut spec, p).map(|_| ()),
        };
        inputs.push(wc::input(&input));
    }
    w::BlockInputJson { pre_state: wc::state(&f.pre), context: wc::context(&context()), chunks: 16, inputs }
}

/// The L1 vector of the commit target: a deployment, a few priority requests and on-chain key
/// authorisations, then a commit of a fuzzer-made block: ops matching the queued requests or
/// not, withdrawals, forced exits, ChangePubKeys with on-chain, EIP-191 (really signed, or
/// not) and EIP-712 authorisations, transfers, raw chunks, Noop padding, and the on-chain op
/// offsets (the ops' own, missing, extra, unsorted).
pub fn commit_vector(data: &[u8]) -> w::L1Input {
    let mut u = Unstructured::new(data);
    let now = 1_000_000u64;
    let f = fixture();
    let validator = f.users[USERS as usize].address;
    let config = L1Config {
        domain: TEST_DOMAIN,
        governor: f.users[0].address,
        validators: vec![validator],
        genesis_root: f.pre.root(),
        tokens: vec![Address([0x70; 20])],
        max_tokens: 3,
        block_sizes: L1Config::all_block_sizes(),
    };
    let genesis = L1::new(config.clone(), now).blocks[0].clone();
    let mut calls = Vec::new();
    let commit = commit_calls(&mut u, &mut calls, &genesis, now).unwrap_or_else(|_| empty_commit(now));
    calls.push(w::L1Call::CommitBlock {
        sender: if u.ratio(1, 16).unwrap_or(false) { f.users[1].address } else { validator }.to_string(),
        parent: wc::stored(&genesis),
        block: wc::commit(&commit),
    });
    w::L1Input { config: wc::l1_config(&config), start_time: wc::dec(now), calls }
}

fn empty_commit(now: u64) -> CommitBlock {
    CommitBlock {
        block_number: 1,
        fee_account: 0,
        timestamp: now,
        new_state_root: Fr::from(1u8),
        pubdata: vec![0; 64],
        onchain_ops: vec![],
    }
}

fn commit_calls(
    u: &mut Unstructured,
    calls: &mut Vec<w::L1Call>,
    genesis: &zkrollup_spec::l1::StoredBlock,
    now: u64,
) -> ArbResult<CommitBlock> {
    let f = fixture();
    let users = &f.users;
    let who = |u: &mut Unstructured| -> ArbResult<usize> { Ok(u.int_in_range(0..=USERS)? as usize) };
    // Requests, and the ops that would serve them.
    let mut served: Vec<Op> = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let (a, b) = (who(u)?, who(u)?);
        let token = u.int_in_range(0..=1)?;
        match u.int_in_range(0..=2)? {
            0 => {
                let amount = small_value(u)? % (1 << 100);
                let to = users[b].address;
                calls.push(w::L1Call::Deposit {
                    from: users[a].address.to_string(),
                    to: to.to_string(),
                    token,
                    amount: wc::dec(amount),
                });
                let account_id = f.pre.id_of(&to).unwrap_or(f.pre.next_account_id());
                served.push(Op::Deposit(DepositOp { account_id, token, amount, address: to }));
            }
            1 => {
                let account_id = u.int_in_range(0..=5)?;
                calls.push(w::L1Call::RequestFullExit { owner: users[a].address.to_string(), account_id, token });
                let amount = f.pre.account(account_id).map_or(0, |x| x.balance(token));
                served.push(Op::FullExit(FullExitOp { account_id, owner: users[a].address, token, amount }));
            }
            _ => calls.push(w::L1Call::SetAuthPubkeyHash {
                sender: users[a].address.to_string(),
                pubkey_hash: users[b].pubkey_hash.to_string(),
                nonce: u.int_in_range(0..=1)?,
            }),
        }
    }
    let chunks = [8usize, 8, 16, 32][u.int_in_range(0..=3)?];
    let mut pubdata = Vec::new();
    let mut onchain = Vec::new();
    while pubdata.len() < chunks * 8 && u.arbitrary::<bool>()? {
        let (a, b) = (who(u)?, who(u)?);
        let token = u.int_in_range(0..=2)?;
        let mut auth = None;
        let op = match u.int_in_range(0..=8)? {
            0..=2 if !served.is_empty() => {
                let k = u.choose_index(served.len())?;
                let mut op = served[k].clone();
                if u.ratio(1, 4)? {
                    match &mut op {
                        Op::Deposit(d) => d.amount = d.amount.wrapping_add(1),
                        Op::FullExit(x) => x.amount = small_value(u)?,
                        _ => {}
                    }
                }
                op
            }
            3 => Op::Withdraw(WithdrawOp {
                account_id: a as u32,
                token,
                amount: small_value(u)?,
                fee: PackedFee::closest_packable(u.int_in_range(0..=40)?),
                to: users[b].address,
            }),
            4 => Op::ForcedExit(ForcedExitOp {
                initiator: a as u32,
                target: b as u32,
                token,
                fee: PackedFee::ZERO,
                amount: small_value(u)?,
                target_address: users[b].address,
            }),
            5 | 6 => {
                let nonce = u.int_in_range(0..=1)?;
                let (account_id, pkh) = (a as u32, users[b].pubkey_hash);
                auth = Some(match u.int_in_range(0..=3)? {
                    0 => ChangePubKeyAuth::Onchain,
                    1 => ChangePubKeyAuth::Eip191(users[a].l1.personal_sign(
                        &zkrollup_spec::tx::auth::eip191_change_pubkey_message(&TEST_DOMAIN, &pkh, nonce, account_id),
                    )),
                    2 => ChangePubKeyAuth::Eip712(u.arbitrary()?),
                    _ => ChangePubKeyAuth::Eip191(u.arbitrary()?),
                });
                Op::ChangePubKey(ChangePubKeyOp {
                    account_id,
                    new_pubkey_hash: pkh,
                    owner: users[a].address,
                    nonce,
                    fee_token: token,
                    fee: PackedFee::ZERO,
                })
            }
            7 => Op::Transfer(TransferOp {
                from: a as u32,
                token,
                to: b as u32,
                amount: PackedAmount::closest_packable(small_value(u)?),
                fee: PackedFee::ZERO,
            }),
            _ => {
                // A raw chunk: whatever its first byte says.
                let raw: [u8; 8] = u.arbitrary()?;
                if zkrollup_spec::op::is_onchain_code(raw[0]) || u.ratio(1, 2)? {
                    onchain.push(OnchainOpMeta { offset: pubdata.len(), auth: None });
                }
                pubdata.extend_from_slice(&raw);
                continue;
            }
        };
        if op.is_onchain() && !u.ratio(1, 16)? {
            onchain.push(OnchainOpMeta { offset: pubdata.len(), auth });
        }
        pubdata.extend(op.to_pubdata());
    }
    match u.int_in_range(0..=15)? {
        0 => pubdata.truncate(pubdata.len().saturating_sub(u.int_in_range(1..=8)?)),
        _ => pubdata.resize(pubdata.len().max(chunks * 8).next_multiple_of(8), 0),
    }
    if u.ratio(1, 8)? {
        onchain.push(OnchainOpMeta { offset: u.int_in_range(0..=pubdata.len() + 8)?, auth: None });
    }
    if u.ratio(1, 8)? {
        onchain.reverse();
    }
    let timestamp = match u.int_in_range(0..=7)? {
        0 => genesis.timestamp.saturating_sub(1),
        1 => now + u.int_in_range(0..=2_000)?,
        _ => now,
    };
    Ok(CommitBlock {
        block_number: if u.ratio(1, 16)? { u.arbitrary()? } else { 1 },
        fee_account: u.int_in_range(0..=5)?,
        timestamp,
        new_state_root: Fr::from(u.arbitrary::<u64>()?),
        pubdata,
        onchain_ops: onchain,
    })
}

/// The harness's JSON input never panics the harness: a vector (any kind) either fails to
/// parse, or the spec and reference adapters answer it (or refuse it with an error) and the
/// spec's outcome survives a JSON round trip; an implementation's response line parses or is
/// refused as a protocol problem.
pub fn harness_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crate::harness::response::parse(text);
    let Ok(vector) = serde_json::from_str::<w::Vector>(text) else { return };
    if let Ok(outcome) = crate::expected::outcome(&vector.input) {
        let json = serde_json::to_string(&outcome).expect("outcomes serialise");
        let back: w::Outcome = serde_json::from_str(&json).expect("an outcome parses back");
        assert_eq!(back, outcome, "the outcome changed in a JSON round trip");
    }
    let _ = crate::harness::reference_impl::run_reference(&vector.input);
}
