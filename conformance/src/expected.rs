//! The spec's outcome of a vector input: what generation writes as a vector's `expected`, and
//! what the spec adapter answers. Inputs arrive in wire form, are converted to the spec's types,
//! run through the spec, and the outcome is converted back.

use zkrollup_spec::block::BlockInput;
use zkrollup_spec::block::{apply_block, BlockParams};
use zkrollup_spec::exit::{check_exit, exit_witness, ExitWitness};
use zkrollup_spec::l1::{SymbolicVerifier, L1};
use zkrollup_spec::op::decode_pubdata;
use zkrollup_spec::params::MAX_ACCOUNT_ID;
use zkrollup_spec::primitives::eddsa::{verify_unreduced, PrivateKey, PublicKey};
use zkrollup_spec::primitives::keys::{pubkey_hash, L1Key};
use zkrollup_spec::primitives::packing::PackedFloat;
use zkrollup_spec::primitives::poseidon::{poseidon, MAX_INPUTS};
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{Account, State};
use zkrollup_spec::transition::{apply_priority_op, apply_tx};
use zkrollup_spec::tx::Tx;

use crate::wire::convert::*;
use crate::wire::{self as w, Outcome, VectorInput, Verdict};

/// The spec's outcome for `input`.
pub fn outcome(input: &VectorInput) -> Result<Outcome, WireError> {
    Ok(match input {
        VectorInput::Primitives(i) => Outcome::Primitives(w::PrimitivesOutcome { result: primitives(&i.case)? }),
        VectorInput::Codec(i) => Outcome::Codec(w::CodecOutcome { result: codec(&i.case)? }),
        VectorInput::Transition(w::TransitionInput { pre_state, context: ctx, input }) => {
            let pre = state_of(pre_state)?;
            let ctx = context_of(ctx)?;
            let mut post = pre.clone();
            let verdict = match input_of(input)? {
                BlockInput::Tx(tx) => apply_tx(&mut post, &tx, &ctx).map(|a| (a.op, a.fee)),
                BlockInput::Priority(p) => apply_priority_op(&mut post, &p).map(|op| (op, None)),
            };
            let verdict = match verdict {
                Ok((o, f)) => Verdict::Accepted(w::TransitionAccepted {
                    pubdata: hex_of(&o.to_pubdata()),
                    op: op(&o),
                    fee: f.as_ref().map(fee),
                    post_root: fr_dec(&post.root()),
                    changed_accounts: changed_accounts(&pre, &post),
                }),
                Err(e) => Verdict::rejected(&e),
            };
            Outcome::Transition(w::TransitionOutcome { pre_root: fr_dec(&pre.root()), verdict })
        }
        VectorInput::Block(w::BlockInputJson { pre_state, context: ctx, chunks, inputs }) => {
            let pre = state_of(pre_state)?;
            let params = BlockParams { context: context_of(ctx)?, chunks: *chunks as usize };
            let inputs: Vec<BlockInput> = inputs.iter().map(input_of).collect::<Result<_, _>>()?;
            let mut post = pre.clone();
            let verdict = match apply_block(&mut post, &params, &inputs) {
                Ok(b) => Verdict::Accepted(w::BlockAccepted {
                    ops: b.ops.iter().map(op).collect(),
                    fees: b.fees.iter().map(|(&token, &v)| w::FeeJson { token, amount: dec(v) }).collect(),
                    post_root: fr_dec(&b.new_root),
                    pubdata: hex_of(&b.pubdata()),
                    onchain_flags: hex_of(&b.onchain_flags()),
                    commitment: hex_of(&b.commitment()),
                    public_input: fr_dec(&b.public_input()),
                }),
                Err(e) => Verdict::rejected(&e),
            };
            Outcome::Block(w::BlockOutcome { pre_root: fr_dec(&pre.root()), verdict })
        }
        VectorInput::L1(w::L1Input { config, start_time, calls }) => {
            let mut l1 = L1::new(l1_config_of(config)?, u64_of(start_time)?);
            let mut results = Vec::new();
            for call in calls {
                results.push(match l1_call(&mut l1, call)? {
                    Ok(stored_block) => Verdict::Accepted(w::CallAccepted { stored_block }),
                    Err(e) => Verdict::rejected(&e),
                });
            }
            Outcome::L1(w::L1Outcome { results, final_state: summary(&l1) })
        }
    })
}

fn packing<const M: u32, const E: u32>(value: &str) -> Result<w::PrimitivesResult, WireError> {
    let v = u128_of(value)?;
    let closest = PackedFloat::<M, E>::closest_packable(v);
    Ok(w::PrimitivesResult::Packing {
        closest: packed(&closest),
        closest_value: dec(closest.value()),
        bytes: hex_of(&closest.to_bytes()),
        exact: PackedFloat::<M, E>::is_packable(v),
    })
}

fn unpacking<const M: u32, const E: u32>(bytes: &str) -> Result<w::PrimitivesResult, WireError> {
    let b = bytes_of(bytes)?;
    let verdict = match PackedFloat::<M, E>::from_bytes(&b) {
        Some(p) => Verdict::Accepted(w::UnpackedValue { packed: packed(&p), value: dec(p.value()) }),
        None if b.len() < PackedFloat::<M, E>::BYTES => Verdict::Rejected { rule: Rule::CodecTruncated.id().into() },
        None if b.len() > PackedFloat::<M, E>::BYTES => {
            Verdict::Rejected { rule: Rule::CodecTrailingBytes.id().into() }
        }
        None => Verdict::Rejected { rule: Rule::CodecAmountTooLarge.id().into() },
    };
    Ok(w::PrimitivesResult::Unpacked { verdict })
}

fn primitives(case: &w::PrimitivesCase) -> Result<w::PrimitivesResult, WireError> {
    use w::PrimitivesCase as C;
    use w::PrimitivesResult as P;
    Ok(match case {
        C::Poseidon { inputs } => {
            let xs: Vec<_> = inputs.iter().map(|x| fr_of(x)).collect::<Result<_, _>>()?;
            if xs.is_empty() || xs.len() > MAX_INPUTS {
                return Err(WireError(format!("Poseidon takes 1 to {MAX_INPUTS} inputs")));
            }
            P::Field { value: fr_dec(&poseidon(&xs)) }
        }
        C::EddsaPublicKey { private_key } => {
            P::PublicKey { public_key: point(&PrivateKey(array_of(private_key)?).public_key().0) }
        }
        C::EddsaSign { private_key, message } => {
            let sig = PrivateKey(array_of(private_key)?).sign(fr_of(message)?);
            P::Signature { r8: point(&sig.r8), s: ark_ff::PrimeField::into_bigint(sig.s).to_string() }
        }
        C::EddsaVerify { public_key, message, r8, s } => P::Valid {
            valid: verify_unreduced(
                &PublicKey(point_of(public_key)?),
                fr_of(message)?,
                &point_of(r8)?,
                &uint256_of(s)?,
            ),
        },
        C::PubkeyHash { public_key } => {
            P::PubkeyHash { pubkey_hash: pubkey_hash(&PublicKey(point_of(public_key)?)).to_string() }
        }
        C::L2KeyFromL1 { l1_secret, chain_id, contract } => {
            let key =
                L1Key::from_bytes(&array_of(l1_secret)?).ok_or_else(|| WireError("invalid secp256k1 secret".into()))?;
            let domain =
                zkrollup_spec::tx::auth::L1Domain { chain_id: u64_of(chain_id)?, contract: address_of(contract)? };
            let l2 = key.derive_l2_key(&domain);
            let pk = l2.public_key();
            P::L2Key {
                address: key.address().to_string(),
                l2_private_key: hex_of(&l2.0),
                public_key: point(&pk.0),
                pubkey_hash: pubkey_hash(&pk).to_string(),
            }
        }
        C::PackAmount { value } => packing::<35, 5>(value)?,
        C::PackFee { value } => packing::<11, 5>(value)?,
        C::UnpackAmount { bytes } => unpacking::<35, 5>(bytes)?,
        C::UnpackFee { bytes } => unpacking::<11, 5>(bytes)?,
        C::ExitClaim { state, account_id, token } => {
            let found = exit_witness(&state_of(state)?, *account_id, *token).map(|(c, _)| c);
            P::Exit { claim: found.as_ref().map(claim), public_input: found.map(|c| fr_dec(&c.public_input())) }
        }
        C::CheckExit { state, claim: c } => {
            let (state, c) = (state_of(state)?, claim_of(c)?);
            P::Valid { valid: check_exit(&c, &witness_for(&state, c.account_id, c.token)?) }
        }
    })
}

/// The exit witness a state gives (`account_id`, `token`): the account's, or, at an id with no
/// account, an empty account's with its paths (so that a claim about it can be checked too).
fn witness_for(state: &State, account_id: u32, token: u16) -> Result<ExitWitness, WireError> {
    if account_id > MAX_ACCOUNT_ID {
        return Err(WireError(format!("account id {account_id} is beyond the account tree")));
    }
    if let Some((_, w)) = exit_witness(state, account_id, token) {
        return Ok(w);
    }
    let empty = Account::default();
    Ok(ExitWitness {
        nonce: empty.nonce,
        pubkey_hash: empty.pubkey_hash,
        next_account_id: state.next_account_id(),
        account_proof: state.account_tree().proof(account_id as u64),
        balance_proof: empty.balance_tree().proof(token as u64),
    })
}

fn codec(case: &w::CodecCase) -> Result<w::CodecResult, WireError> {
    use w::CodecCase as C;
    use w::CodecResult as R;
    Ok(match case {
        C::EncodeTx { tx: t } => {
            let t = tx_of(t)?;
            R::EncodedTx {
                bytes: hex_of(&t.to_bytes()),
                body: hex_of(&t.body()),
                signing_message: fr_dec(&t.signing_message()),
                hash: hex_of(&t.hash()),
            }
        }
        C::DecodeTx { bytes } => R::DecodedTx {
            verdict: match Tx::from_bytes(&bytes_of(bytes)?) {
                Ok(t) => Verdict::Accepted(w::DecodedTx { tx: tx(&t) }),
                Err(e) => Verdict::rejected(&e),
            },
        },
        C::EncodeOp { op: o } => {
            let o = op_of(o)?;
            R::EncodedOp { pubdata: hex_of(&o.to_pubdata()), chunks: o.chunks() as u32, onchain: o.is_onchain() }
        }
        C::DecodePubdata { pubdata } => R::DecodedPubdata {
            verdict: match decode_pubdata(&bytes_of(pubdata)?) {
                Ok(ops) => Verdict::Accepted(w::DecodedOps { ops: ops.iter().map(op).collect() }),
                Err(e) => Verdict::rejected(&e),
            },
        },
    })
}

type CallResult = Result<Option<w::StoredBlockJson>, Rejection>;

fn l1_call(l1: &mut L1, call: &w::L1Call) -> Result<CallResult, WireError> {
    Ok(l1.call(&l1_call_of(call)?, &SymbolicVerifier).map(|b| b.as_ref().map(stored)))
}

fn summary(l1: &L1) -> w::L1Summary {
    w::L1Summary {
        now: dec(l1.now),
        blocks_committed: l1.blocks_committed,
        blocks_proven: l1.blocks_proven,
        blocks_executed: l1.blocks_executed,
        first_open_request: dec(l1.first_open_request),
        total_requests: dec(l1.requests.len()),
        exodus_mode: l1.exodus_mode,
        last_committed_block: stored(&l1.blocks[l1.blocks_committed as usize]),
        pending_balances: l1
            .pending_balances
            .iter()
            .filter(|(_, &v)| v > 0)
            .map(|(&(owner, token), &v)| w::PendingBalance { owner: owner.to_string(), token, amount: dec(v) })
            .collect(),
        held: l1.held.iter().filter(|(_, &v)| v > 0).map(|(&token, &v)| w::Balance { token, amount: dec(v) }).collect(),
        governor: l1.governor.to_string(),
        pending_governor: l1.pending_governor.to_string(),
        tokens: l1.tokens.iter().map(|t| t.to_string()).collect(),
    }
}
