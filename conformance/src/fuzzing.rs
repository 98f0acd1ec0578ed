//! The fuzz targets' bodies, kept here so that `cargo test` replays the committed corpus
//! through exactly the code libFuzzer runs (`fuzz/`, with cargo-fuzz). Each function panics on
//! a finding and returns normally otherwise.

use arbitrary::{Result as ArbResult, Unstructured};
use zkrollup_reference::executor::Executor;
use zkrollup_reference::state::RefState;
use zkrollup_spec::op::{decode_pubdata as decode_ops, Op};
use zkrollup_spec::primitives::Address;
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{apply_priority_op, apply_tx, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

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

const USERS: u32 = 5;

fn pre_state() -> State {
    let mut accounts: Vec<Account> = (0..3).map(|i| keyed_account(&user(i), 0, &[(0, 5_000), (1, 700)])).collect();
    let mut keyless = Account::new(user(3).address);
    keyless.set_balance(0, 90);
    accounts.push(keyless);
    State::from_accounts(accounts).expect("distinct users")
}

fn small_value(u: &mut Unstructured) -> ArbResult<u128> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u.int_in_range(0..=100)?,
        1 => u.int_in_range(0..=10_000)?,
        2 => u128::MAX,
        _ => u.arbitrary()?,
    })
}

fn next_input(u: &mut Unstructured, state: &State) -> ArbResult<Option<(Option<Tx>, Option<PriorityOp>)>> {
    if u.is_empty() {
        return Ok(None);
    }
    let pick = |u: &mut Unstructured| u.int_in_range(0..=USERS);
    let id = |n: u32| state.id_of(&user(n).address).unwrap_or(n);
    // Mostly the account's nonce, sometimes one off either way.
    let nonce = |n: u32, u: &mut Unstructured| -> ArbResult<u32> {
        let base = state.account(id(n)).map_or(0, |a| a.nonce);
        Ok(match u.int_in_range(0..=9)? {
            0 => base.wrapping_sub(1),
            1 => base.wrapping_add(1),
            _ => base,
        })
    };
    let kind = u.int_in_range(0..=5)?;
    let (a, b) = (pick(u)?, pick(u)?);
    let token = u.int_in_range(0..=2)?;
    let fee = u.int_in_range(0..=40)?;
    Ok(Some(match kind {
        0 => {
            let v = zkrollup_spec::primitives::packing::PackedAmount::closest_packable(small_value(u)?).value();
            let n = nonce(a, u)?;
            (Some(transfer(&user(a), id(a), user(b).address, token, v, fee, n)), None)
        }
        1 => {
            let v = small_value(u)?;
            let n = nonce(a, u)?;
            (Some(withdraw(&user(a), id(a), user(a).address, token, v, fee, n)), None)
        }
        2 => {
            let n = nonce(a, u)?;
            (Some(change_pubkey(&user(b), id(a), token, fee, n, ChangePubKeyAuth::Onchain)), None)
        }
        3 => {
            let n = nonce(a, u)?;
            (Some(forced_exit(&user(a), id(a), user(b).address, token, fee, n)), None)
        }
        4 => {
            let to = if b == USERS { Address::ZERO } else { user(b).address };
            let amount = small_value(u)?;
            (None, Some(PriorityOp::Deposit(DepositRequest { from: to, to, token, amount })))
        }
        _ => (None, Some(PriorityOp::FullExit(FullExitRequest { account_id: a, owner: user(b).address, token }))),
    }))
}

/// The spec and the reference agree on every verdict, op, fee and the final root for an
/// arbitrary input sequence.
pub fn spec_vs_reference(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let pre = pre_state();
    let mut spec = pre.clone();
    let mut reference = Executor::new(RefState::from_spec(&pre), false);
    let ctx = context();
    for _ in 0..8 {
        let Ok(Some(input)) = next_input(&mut u, &spec) else { break };
        match input {
            (Some(tx), _) => {
                let s = apply_tx(&mut spec, &tx, &ctx).map(|a| (a.op, a.fee)).map_err(|e| e.rule);
                let r = reference.apply_tx(&tx, &ctx).map(|(op, fee)| (op, Some(fee))).map_err(|e| e.rule);
                assert_eq!(s, r, "{tx:?}");
            }
            (None, Some(p)) => {
                let s = apply_priority_op(&mut spec, &p).map_err(|e| e.rule);
                let r = reference.apply_priority(&p).map_err(|e| e.rule);
                assert_eq!(s, r, "{p:?}");
            }
            (None, None) => unreachable!(),
        }
    }
    assert_eq!(spec.root(), reference.state.root(), "roots differ");
}
