//! Conversions between the wire format and the spec's types. Parsing never panics: a malformed
//! field is a [`WireError`] naming the field.
//!
//! Naming: `thing(&spec) -> wire` renders a spec value, `thing_of(&wire) -> Result<spec>` parses
//! one. Parsing refuses leading zeros in decimals, field elements and scalars at or above their
//! modulus, and byte strings of the wrong length.

use std::collections::{BTreeMap, BTreeSet};

use ark_ff::PrimeField;
use zkrollup_spec::block::BlockInput;
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1;
use zkrollup_spec::op::{self as sop, Op};
use zkrollup_spec::params::BLOCK_CHUNK_SIZES;
use zkrollup_spec::primitives::eddsa::{Point, PublicKey, Scalar, Signature};
use zkrollup_spec::primitives::field::{fr_from_decimal, fr_to_decimal};
use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee, PackedFloat};
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::transition::{BlockContext, DepositRequest, Fee, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::auth::{ChangePubKeyAuth, L1Domain};
use zkrollup_spec::tx::{self as stx, TimeWindow, Tx, TxSignature};

use super as w;

/// A field of a vector that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WireError(pub String);

type R<T> = Result<T, WireError>;

fn err<T>(what: &str, value: &str) -> R<T> {
    Err(WireError(format!("{what}: cannot parse {value:?}")))
}

// --- scalars ----------------------------------------------------------------------------

/// `v` as a decimal string.
pub fn dec<T: ToString>(v: T) -> w::Dec {
    v.to_string()
}

/// Parses a decimal integer below 2^128 (leading zeros refused, `0` itself allowed).
pub fn u128_of(s: &str) -> R<u128> {
    // Digits only: Rust's parser would also take a leading `+`, which the format does not.
    u128_digits_ok(s)?.parse().or_else(|_| err("integer", s))
}

/// Parses a decimal integer below 2^64, as [`u128_of`].
pub fn u64_of(s: &str) -> R<u64> {
    u128_of(s)?.try_into().or_else(|_| err("64-bit integer", s))
}

/// Parses a canonical decimal field element (below the BN254 scalar modulus, no leading zeros).
pub fn fr_of(s: &str) -> R<Fr> {
    fr_from_decimal(s).map_or_else(|| err("field element", s), Ok)
}

/// A field element as a decimal string.
pub fn fr_dec(x: &Fr) -> w::Dec {
    fr_to_decimal(x)
}

/// Bytes as `0x`-prefixed lowercase hex.
pub fn hex_of(bytes: &[u8]) -> w::Hex {
    format!("0x{}", hex::encode(bytes))
}

/// Parses `0x`-prefixed hex (of any even length, `0x` alone being empty).
pub fn bytes_of(s: &str) -> R<Vec<u8>> {
    let h = s.strip_prefix("0x").ok_or_else(|| WireError(format!("bytes: {s:?} lacks 0x")))?;
    // Lowercase only, as the format says (`hex` alone would also take uppercase digits).
    if h.bytes().any(|b| b.is_ascii_uppercase()) {
        return err("lowercase hex bytes", s);
    }
    hex::decode(h).or_else(|_| err("hex bytes", s))
}

/// Parses `0x`-hex of exactly `N` bytes.
pub fn array_of<const N: usize>(s: &str) -> R<[u8; N]> {
    bytes_of(s)?.try_into().or_else(|_| err(&format!("{N} bytes"), s))
}

/// Parses a 20-byte `0x`-hex address.
pub fn address_of(s: &str) -> R<Address> {
    Ok(Address(array_of(s)?))
}

/// Parses a 20-byte `0x`-hex pubkey hash.
pub fn pkh_of(s: &str) -> R<PubKeyHash> {
    Ok(PubKeyHash(array_of(s)?))
}

/// Parses a point's two decimal coordinates (not checked to be on the curve).
pub fn point_of(p: &w::PointJson) -> R<Point> {
    Ok(Point { x: fr_of(&p.x)?, y: fr_of(&p.y)? })
}

/// A point as its two decimal coordinates.
pub fn point(p: &Point) -> w::PointJson {
    w::PointJson { x: fr_dec(&p.x), y: fr_dec(&p.y) }
}

/// Parses a decimal scalar below the BabyJubjub subgroup order `l` (not reduced).
pub fn scalar_of(s: &str) -> R<Scalar> {
    let v = u128_digits_ok(s)?;
    let x: Scalar = v.parse().or_else(|_| err("subgroup scalar", s))?;
    // Reject values at or above the subgroup order rather than reducing them.
    (x.into_bigint().to_string() == s).then_some(x).map_or_else(|| err("subgroup scalar below l", s), Ok)
}

/// Parses a decimal integer below 2^256, unreduced (a signature's `S` as a verifier receives it).
pub fn uint256_of(s: &str) -> R<ark_ff::BigInteger256> {
    u128_digits_ok(s)?.parse().or_else(|_| err("integer below 2^256", s))
}

fn u128_digits_ok(s: &str) -> R<&str> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if ok {
        Ok(s)
    } else {
        err("decimal", s)
    }
}

/// A packed float as its `(mantissa, exponent)`.
pub fn packed<const M: u32, const E: u32>(p: &PackedFloat<M, E>) -> w::Packed {
    w::Packed { mantissa: p.mantissa(), exponent: p.exponent() }
}

/// Parses a packed float; the mantissa and exponent must fit their bits and the value 128 bits.
pub fn packed_of<const M: u32, const E: u32>(p: &w::Packed) -> R<PackedFloat<M, E>> {
    PackedFloat::new(p.mantissa, p.exponent)
        .ok_or_else(|| WireError(format!("packed {}e{} does not fit its bits or 128 bits", p.mantissa, p.exponent)))
}

// --- state ------------------------------------------------------------------------------

/// Account `id` in wire form (non-zero balances by increasing token id).
pub fn account(id: u32, a: &Account) -> w::AccountJson {
    w::AccountJson {
        id,
        nonce: a.nonce,
        pubkey_hash: a.pubkey_hash.to_string(),
        address: a.address.to_string(),
        balances: a.balances.iter().map(|(&token, &v)| w::Balance { token, amount: dec(v) }).collect(),
    }
}

/// Parses an account (its id is the caller's to place).
pub fn account_of(a: &w::AccountJson) -> R<Account> {
    let mut out = Account::new(address_of(&a.address)?);
    out.nonce = a.nonce;
    out.pubkey_hash = pkh_of(&a.pubkey_hash)?;
    for b in &a.balances {
        out.set_balance(b.token, u128_of(&b.amount)?);
    }
    Ok(out)
}

/// A state as its stored (non-empty) accounts, by increasing id, and its id counter.
pub fn state(s: &State) -> w::StateJson {
    w::StateJson {
        next_account_id: s.next_account_id(),
        accounts: s.accounts().map(|(id, a)| account(id, a)).collect(),
    }
}

/// Parses a state; ids must be distinct and below `next_account_id`, addresses distinct.
pub fn state_of(s: &w::StateJson) -> R<State> {
    let mut map = BTreeMap::new();
    for a in &s.accounts {
        if map.insert(a.id, account_of(a)?).is_some() {
            return Err(WireError(format!("account {} listed twice", a.id)));
        }
    }
    State::from_parts(map, s.next_account_id).map_err(|e| WireError(format!("pre-state: {e}")))
}

/// A block context in wire form.
pub fn context(c: &BlockContext) -> w::BlockContextJson {
    w::BlockContextJson { block_number: c.block_number, fee_account: c.fee_account, timestamp: dec(c.timestamp) }
}

/// Parses a block context.
pub fn context_of(c: &w::BlockContextJson) -> R<BlockContext> {
    Ok(BlockContext { block_number: c.block_number, fee_account: c.fee_account, timestamp: u64_of(&c.timestamp)? })
}

// --- transactions -----------------------------------------------------------------------

fn signature(s: &TxSignature) -> w::SignatureJson {
    w::SignatureJson {
        pub_key: point(&s.pub_key.0),
        r8: point(&s.signature.r8),
        s: s.signature.s.into_bigint().to_string(),
    }
}

fn signature_of(s: &w::SignatureJson) -> R<TxSignature> {
    Ok(TxSignature {
        pub_key: PublicKey(point_of(&s.pub_key)?),
        signature: Signature { r8: point_of(&s.r8)?, s: scalar_of(&s.s)? },
    })
}

/// A ChangePubKey authorisation in wire form.
pub fn auth(a: &ChangePubKeyAuth) -> w::Auth {
    match a {
        ChangePubKeyAuth::Onchain => w::Auth::Onchain,
        ChangePubKeyAuth::Eip191(s) => w::Auth::Eip191 { signature: hex_of(s) },
        ChangePubKeyAuth::Eip712(s) => w::Auth::Eip712 { signature: hex_of(s) },
    }
}

/// Parses a ChangePubKey authorisation (signatures are 65 bytes).
pub fn auth_of(a: &w::Auth) -> R<ChangePubKeyAuth> {
    Ok(match a {
        w::Auth::Onchain => ChangePubKeyAuth::Onchain,
        w::Auth::Eip191 { signature } => ChangePubKeyAuth::Eip191(array_of(signature)?),
        w::Auth::Eip712 { signature } => ChangePubKeyAuth::Eip712(array_of(signature)?),
    })
}

fn time_of(from: &str, until: &str) -> R<TimeWindow> {
    Ok(TimeWindow { valid_from: u64_of(from)?, valid_until: u64_of(until)? })
}

/// A signed transaction in wire form.
pub fn tx(t: &Tx) -> w::TxJson {
    let time = t.time();
    let (valid_from, valid_until) = (dec(time.valid_from), dec(time.valid_until));
    match t {
        Tx::Transfer(t) => w::TxJson::Transfer {
            account_id: t.account_id,
            to: t.to.to_string(),
            token: t.token,
            amount: packed(&t.amount),
            fee: packed(&t.fee),
            nonce: t.nonce,
            valid_from,
            valid_until,
            signature: signature(&t.signature),
        },
        Tx::Withdraw(t) => w::TxJson::Withdraw {
            account_id: t.account_id,
            to: t.to.to_string(),
            token: t.token,
            amount: dec(t.amount),
            fee: packed(&t.fee),
            nonce: t.nonce,
            valid_from,
            valid_until,
            signature: signature(&t.signature),
        },
        Tx::ChangePubKey(t) => w::TxJson::ChangePubKey {
            account_id: t.account_id,
            new_pubkey_hash: t.new_pubkey_hash.to_string(),
            fee_token: t.fee_token,
            fee: packed(&t.fee),
            nonce: t.nonce,
            valid_from,
            valid_until,
            signature: signature(&t.signature),
            auth: auth(&t.auth),
        },
        Tx::ForcedExit(t) => w::TxJson::ForcedExit {
            account_id: t.account_id,
            target: t.target.to_string(),
            token: t.token,
            fee: packed(&t.fee),
            nonce: t.nonce,
            valid_from,
            valid_until,
            signature: signature(&t.signature),
        },
    }
}

/// Parses a signed transaction (signature points are not checked to be on the curve).
pub fn tx_of(t: &w::TxJson) -> R<Tx> {
    Ok(match t {
        w::TxJson::Transfer { account_id, to, token, amount, fee, nonce, valid_from, valid_until, signature } => {
            Tx::Transfer(stx::Transfer {
                account_id: *account_id,
                to: address_of(to)?,
                token: *token,
                amount: packed_of(amount)?,
                fee: packed_of(fee)?,
                nonce: *nonce,
                time: time_of(valid_from, valid_until)?,
                signature: signature_of(signature)?,
            })
        }
        w::TxJson::Withdraw { account_id, to, token, amount, fee, nonce, valid_from, valid_until, signature } => {
            Tx::Withdraw(stx::Withdraw {
                account_id: *account_id,
                to: address_of(to)?,
                token: *token,
                amount: u128_of(amount)?,
                fee: packed_of(fee)?,
                nonce: *nonce,
                time: time_of(valid_from, valid_until)?,
                signature: signature_of(signature)?,
            })
        }
        w::TxJson::ChangePubKey {
            account_id,
            new_pubkey_hash,
            fee_token,
            fee,
            nonce,
            valid_from,
            valid_until,
            signature,
            auth,
        } => Tx::ChangePubKey(stx::ChangePubKey {
            account_id: *account_id,
            new_pubkey_hash: pkh_of(new_pubkey_hash)?,
            fee_token: *fee_token,
            fee: packed_of(fee)?,
            nonce: *nonce,
            time: time_of(valid_from, valid_until)?,
            signature: signature_of(signature)?,
            auth: auth_of(auth)?,
        }),
        w::TxJson::ForcedExit { account_id, target, token, fee, nonce, valid_from, valid_until, signature } => {
            Tx::ForcedExit(stx::ForcedExit {
                account_id: *account_id,
                target: address_of(target)?,
                token: *token,
                fee: packed_of(fee)?,
                nonce: *nonce,
                time: time_of(valid_from, valid_until)?,
                signature: signature_of(signature)?,
            })
        }
    })
}

/// A priority operation in wire form.
pub fn priority(p: &PriorityOp) -> w::PriorityOpJson {
    match p {
        PriorityOp::Deposit(d) => w::PriorityOpJson::Deposit {
            from: d.from.to_string(),
            to: d.to.to_string(),
            token: d.token,
            amount: dec(d.amount),
        },
        PriorityOp::FullExit(f) => {
            w::PriorityOpJson::FullExit { account_id: f.account_id, owner: f.owner.to_string(), token: f.token }
        }
    }
}

/// Parses a priority operation.
pub fn priority_of(p: &w::PriorityOpJson) -> R<PriorityOp> {
    Ok(match p {
        w::PriorityOpJson::Deposit { from, to, token, amount } => PriorityOp::Deposit(DepositRequest {
            from: address_of(from)?,
            to: address_of(to)?,
            token: *token,
            amount: u128_of(amount)?,
        }),
        w::PriorityOpJson::FullExit { account_id, owner, token } => {
            PriorityOp::FullExit(FullExitRequest { account_id: *account_id, owner: address_of(owner)?, token: *token })
        }
    })
}

/// A block input (transaction or priority operation) in wire form.
pub fn input(i: &BlockInput) -> w::Input {
    match i {
        BlockInput::Tx(t) => w::Input::Tx { tx: tx(t) },
        BlockInput::Priority(p) => w::Input::Priority { op: priority(p) },
    }
}

/// Parses a block input.
pub fn input_of(i: &w::Input) -> R<BlockInput> {
    Ok(match i {
        w::Input::Tx { tx } => BlockInput::Tx(tx_of(tx)?),
        w::Input::Priority { op } => BlockInput::Priority(priority_of(op)?),
    })
}

/// A collected fee in wire form.
pub fn fee(f: &Fee) -> w::FeeJson {
    w::FeeJson { token: f.token, amount: dec(f.amount) }
}

// --- operations -------------------------------------------------------------------------

/// An operation in wire form.
pub fn op(o: &Op) -> w::OpJson {
    match o {
        Op::Noop => w::OpJson::Noop,
        Op::Deposit(d) => w::OpJson::Deposit {
            account_id: d.account_id,
            token: d.token,
            amount: dec(d.amount),
            address: d.address.to_string(),
        },
        Op::TransferToNew(t) => w::OpJson::TransferToNew {
            from: t.from,
            token: t.token,
            amount: packed(&t.amount),
            to_address: t.to_address.to_string(),
            to: t.to,
            fee: packed(&t.fee),
        },
        Op::Withdraw(x) => w::OpJson::Withdraw {
            account_id: x.account_id,
            token: x.token,
            amount: dec(x.amount),
            fee: packed(&x.fee),
            to: x.to.to_string(),
        },
        Op::Transfer(t) => w::OpJson::Transfer {
            from: t.from,
            token: t.token,
            to: t.to,
            amount: packed(&t.amount),
            fee: packed(&t.fee),
        },
        Op::FullExit(f) => w::OpJson::FullExit {
            account_id: f.account_id,
            owner: f.owner.to_string(),
            token: f.token,
            amount: dec(f.amount),
        },
        Op::ChangePubKey(c) => w::OpJson::ChangePubKey {
            account_id: c.account_id,
            new_pubkey_hash: c.new_pubkey_hash.to_string(),
            owner: c.owner.to_string(),
            nonce: c.nonce,
            fee_token: c.fee_token,
            fee: packed(&c.fee),
        },
        Op::ForcedExit(f) => w::OpJson::ForcedExit {
            initiator: f.initiator,
            target: f.target,
            token: f.token,
            fee: packed(&f.fee),
            amount: dec(f.amount),
            target_address: f.target_address.to_string(),
        },
    }
}

/// Parses an operation (ids are not checked to fit the 3 bytes pubdata gives them).
pub fn op_of(o: &w::OpJson) -> R<Op> {
    Ok(match o {
        w::OpJson::Noop => Op::Noop,
        w::OpJson::Deposit { account_id, token, amount, address } => Op::Deposit(sop::DepositOp {
            account_id: *account_id,
            token: *token,
            amount: u128_of(amount)?,
            address: address_of(address)?,
        }),
        w::OpJson::TransferToNew { from, token, amount, to_address, to, fee } => {
            Op::TransferToNew(sop::TransferToNewOp {
                from: *from,
                token: *token,
                amount: packed_of(amount)?,
                to_address: address_of(to_address)?,
                to: *to,
                fee: packed_of(fee)?,
            })
        }
        w::OpJson::Withdraw { account_id, token, amount, fee, to } => Op::Withdraw(sop::WithdrawOp {
            account_id: *account_id,
            token: *token,
            amount: u128_of(amount)?,
            fee: packed_of(fee)?,
            to: address_of(to)?,
        }),
        w::OpJson::Transfer { from, token, to, amount, fee } => Op::Transfer(sop::TransferOp {
            from: *from,
            token: *token,
            to: *to,
            amount: packed_of(amount)?,
            fee: packed_of(fee)?,
        }),
        w::OpJson::FullExit { account_id, owner, token, amount } => Op::FullExit(sop::FullExitOp {
            account_id: *account_id,
            owner: address_of(owner)?,
            token: *token,
            amount: u128_of(amount)?,
        }),
        w::OpJson::ChangePubKey { account_id, new_pubkey_hash, owner, nonce, fee_token, fee } => {
            Op::ChangePubKey(sop::ChangePubKeyOp {
                account_id: *account_id,
                new_pubkey_hash: pkh_of(new_pubkey_hash)?,
                owner: address_of(owner)?,
                nonce: *nonce,
                fee_token: *fee_token,
                fee: packed_of(fee)?,
            })
        }
        w::OpJson::ForcedExit { initiator, target, token, fee, amount, target_address } => {
            Op::ForcedExit(sop::ForcedExitOp {
                initiator: *initiator,
                target: *target,
                token: *token,
                fee: packed_of(fee)?,
                amount: u128_of(amount)?,
                target_address: address_of(target_address)?,
            })
        }
    })
}

// --- L1 ---------------------------------------------------------------------------------

/// L1 deployment parameters in wire form.
pub fn l1_config(c: &l1::L1Config) -> w::L1ConfigJson {
    w::L1ConfigJson {
        chain_id: dec(c.domain.chain_id),
        contract: c.domain.contract.to_string(),
        governor: c.governor.to_string(),
        validators: c.validators.iter().map(Address::to_string).collect(),
        genesis_root: fr_dec(&c.genesis_root),
        tokens: c.tokens.iter().map(Address::to_string).collect(),
        max_tokens: c.max_tokens,
        block_sizes: c.block_sizes.clone(),
    }
}

/// Parses L1 deployment parameters; a token list the contract's constructor refuses is an
/// error (the spec's `L1::new` takes a deployable configuration).
pub fn l1_config_of(c: &w::L1ConfigJson) -> R<l1::L1Config> {
    let config = l1::L1Config {
        domain: L1Domain { chain_id: u64_of(&c.chain_id)?, contract: address_of(&c.contract)? },
        governor: address_of(&c.governor)?,
        validators: c.validators.iter().map(|v| address_of(v)).collect::<R<_>>()?,
        genesis_root: fr_of(&c.genesis_root)?,
        tokens: c.tokens.iter().map(|v| address_of(v)).collect::<R<_>>()?,
        max_tokens: c.max_tokens,
        block_sizes: c.block_sizes.clone(),
    };
    if let Some(n) = c.block_sizes.iter().find(|&&n| !BLOCK_CHUNK_SIZES.contains(&(n as usize))) {
        return Err(WireError(format!("config.block_sizes: {n} chunks is no block size")));
    }
    match config.token_list_error() {
        Some(rule) => Err(WireError(format!("config.tokens: no deployment takes this token list ({rule})"))),
        None => Ok(config),
    }
}

/// A stored block in wire form.
pub fn stored(b: &l1::StoredBlock) -> w::StoredBlockJson {
    w::StoredBlockJson {
        block_number: b.block_number,
        priority_ops: dec(b.priority_ops),
        pending_onchain_ops_hash: hex_of(&b.pending_onchain_ops_hash),
        timestamp: dec(b.timestamp),
        state_root: fr_dec(&b.state_root),
        commitment: hex_of(&b.commitment),
        chunks: b.chunks,
    }
}

/// Parses a stored block.
pub fn stored_of(b: &w::StoredBlockJson) -> R<l1::StoredBlock> {
    Ok(l1::StoredBlock {
        block_number: b.block_number,
        priority_ops: u64_of(&b.priority_ops)?,
        pending_onchain_ops_hash: array_of(&b.pending_onchain_ops_hash)?,
        timestamp: u64_of(&b.timestamp)?,
        state_root: fr_of(&b.state_root)?,
        commitment: array_of(&b.commitment)?,
        chunks: b.chunks,
    })
}

/// A block commit in wire form.
pub fn commit(c: &l1::CommitBlock) -> w::CommitBlockJson {
    w::CommitBlockJson {
        block_number: c.block_number,
        fee_account: c.fee_account,
        timestamp: dec(c.timestamp),
        new_state_root: fr_dec(&c.new_state_root),
        pubdata: hex_of(&c.pubdata),
        onchain_ops: c
            .onchain_ops
            .iter()
            .map(|m| w::OnchainOpMetaJson { offset: m.offset as u32, auth: m.auth.as_ref().map(auth) })
            .collect(),
    }
}

/// Parses a block commit.
pub fn commit_of(c: &w::CommitBlockJson) -> R<l1::CommitBlock> {
    Ok(l1::CommitBlock {
        block_number: c.block_number,
        fee_account: c.fee_account,
        timestamp: u64_of(&c.timestamp)?,
        new_state_root: fr_of(&c.new_state_root)?,
        pubdata: bytes_of(&c.pubdata)?,
        onchain_ops: c
            .onchain_ops
            .iter()
            .map(|m| {
                Ok(l1::OnchainOpMeta { offset: m.offset as usize, auth: m.auth.as_ref().map(auth_of).transpose()? })
            })
            .collect::<R<_>>()?,
    })
}

/// An exit claim in wire form.
pub fn claim(c: &ExitClaim) -> w::ExitClaimJson {
    w::ExitClaimJson {
        root: fr_dec(&c.root),
        account_id: c.account_id,
        owner: c.owner.to_string(),
        token: c.token,
        amount: dec(c.amount),
    }
}

/// Parses an exit claim.
pub fn claim_of(c: &w::ExitClaimJson) -> R<ExitClaim> {
    Ok(ExitClaim {
        root: fr_of(&c.root)?,
        account_id: c.account_id,
        owner: address_of(&c.owner)?,
        token: c.token,
        amount: u128_of(&c.amount)?,
    })
}

/// A packed amount as its `(mantissa, exponent)` ([`packed`] without the generic parameters).
pub fn packed_amount(p: &PackedAmount) -> w::Packed {
    packed(p)
}

/// A packed fee as its `(mantissa, exponent)` ([`packed`] without the generic parameters).
pub fn packed_fee(p: &PackedFee) -> w::Packed {
    packed(p)
}

/// Accounts whose contents differ between `pre` and `post`, as in `post`.
pub fn changed_accounts(pre: &State, post: &State) -> Vec<w::AccountJson> {
    let ids: BTreeSet<u32> = pre.accounts().chain(post.accounts()).map(|(id, _)| id).collect();
    let new_ids = pre.next_account_id()..post.next_account_id();
    ids.into_iter()
        .chain(new_ids)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|&id| pre.account(id) != post.account(id))
        .filter_map(|id| post.account(id).map(|a| account(id, a)))
        .collect()
}

/// An L1 call in the spec's types.
pub fn l1_call_of(call: &w::L1Call) -> R<l1::Call> {
    use l1::Call;
    use w::L1Call as C;
    Ok(match call {
        C::SetTime { now } => Call::SetTime { now: u64_of(now)? },
        C::Deposit { from, to, token, amount } => {
            Call::Deposit { from: address_of(from)?, to: address_of(to)?, token: *token, amount: u128_of(amount)? }
        }
        C::RequestFullExit { owner, account_id, token } => {
            Call::RequestFullExit { owner: address_of(owner)?, account_id: *account_id, token: *token }
        }
        C::SetAuthPubkeyHash { sender, pubkey_hash, nonce } => {
            Call::SetAuthPubkeyHash { sender: address_of(sender)?, pubkey_hash: pkh_of(pubkey_hash)?, nonce: *nonce }
        }
        C::CommitBlock { sender, parent, block } => {
            Call::CommitBlock { sender: address_of(sender)?, parent: stored_of(parent)?, block: commit_of(block)? }
        }
        C::ProveBlock { sender, block, proof } => {
            Call::ProveBlock { sender: address_of(sender)?, block: stored_of(block)?, proof: bytes_of(proof)? }
        }
        C::ExecuteBlock { sender, block, pending_ops } => Call::ExecuteBlock {
            sender: address_of(sender)?,
            block: stored_of(block)?,
            pending_ops: pending_ops.iter().map(|o| bytes_of(o)).collect::<R<_>>()?,
        },
        C::WithdrawPendingBalance { owner, token, amount } => {
            Call::WithdrawPendingBalance { owner: address_of(owner)?, token: *token, amount: u128_of(amount)? }
        }
        C::RevertBlocks { sender, blocks } => {
            Call::RevertBlocks { sender: address_of(sender)?, blocks: blocks.iter().map(stored_of).collect::<R<_>>()? }
        }
        C::ActivateExodusMode => Call::ActivateExodusMode,
        C::PerformExodus { block, claim: c, proof } => {
            Call::PerformExodus { block: stored_of(block)?, claim: claim_of(c)?, proof: bytes_of(proof)? }
        }
        C::CancelOutstandingDeposits { n } => Call::CancelOutstandingDeposits { n: u64_of(n)? },
        C::ProposeGovernor { sender, candidate } => {
            Call::ProposeGovernor { sender: address_of(sender)?, candidate: address_of(candidate)? }
        }
        C::AcceptGovernor { sender } => Call::AcceptGovernor { sender: address_of(sender)? },
        C::RenounceGovernor { sender } => Call::RenounceGovernor { sender: address_of(sender)? },
        C::SetValidator { sender, validator, active } => {
            Call::SetValidator { sender: address_of(sender)?, validator: address_of(validator)?, active: *active }
        }
        C::ListToken { sender, token } => Call::ListToken { sender: address_of(sender)?, token: address_of(token)? },
    })
}
