//! The adapter for the Solidity rollup contract: every L1 vector's calls run against the
//! contract in revm (deployed at the vector's contract address, with test ERC-20s at its token
//! addresses), and the outcome is read back from the contract: which calls reverted and with
//! which rule id, what a commit returned, and the final state from its views and balances.
//!
//! Proofs in L1 vectors are symbolic (the proof of `x` is `x`), so the contract is deployed
//! with the symbolic verifier contract; real Groth16 proofs through the same contract are
//! exercised by the demo and `bench l1`.
//!
//! Block vectors: the L1 accepts a block only with a proof, so the block circuit decides
//! (through the circuit adapter: a refused block has no satisfying witness, and its rule is the
//! circuit's). An accepted block is then taken through the contract as an operator would: its
//! priority requests are made on L1 (and on-chain key authorisations set), it is committed with
//! the circuit's pubdata and root, proven and executed; the outcome's commitment and public
//! input are the ones the contract computed from calldata. Proofs are symbolic by default;
//! with `ZKROLLUP_CONTRACT_PROOFS=groth16` each block is proven with the block circuit and
//! verified by the Solidity Groth16 verifier (keys cached as in the demo).

use std::collections::{BTreeMap, BTreeSet};

use zkrollup_contracts::artifacts::{bytecode, SYMBOLIC_VERIFIER};
use zkrollup_contracts::evm::L1Evm;
use zkrollup_spec::l1::{StoredBlock, L1};
use zkrollup_spec::op::Op;
use zkrollup_spec::primitives::Address;

use zkrollup_conformance::harness::Implementation;
use zkrollup_conformance::wire::convert::*;
use zkrollup_conformance::wire::{self as w, Kind, Outcome, VectorInput, Verdict};
use zkrollup_contracts::rollup::{CallError, RollupOnL1, DEPLOYER};

pub struct ContractImplementation;

impl Implementation for ContractImplementation {
    fn name(&self) -> String {
        "contract".into()
    }

    fn supports(&self, kind: Kind) -> bool {
        matches!(kind, Kind::L1 | Kind::Block)
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        match input {
            VectorInput::L1(l1) => run_l1(l1),
            VectorInput::Block(_) => run_block(input),
            other => Err(format!("the contract adapter does not take {} vectors", other.kind().as_str())),
        }
    }
}

/// What the adapter remembers to read the contract's state back: the blocks commits returned
/// and every address that may hold a pending balance.
struct Seen {
    blocks: BTreeMap<u32, StoredBlock>,
    addresses: BTreeSet<Address>,
}

fn run_l1(input: &w::L1Input) -> Result<Outcome, String> {
    let config = l1_config_of(&input.config).map_err(|e| e.to_string())?;
    let start = u64_of(&input.start_time).map_err(|e| e.to_string())?;
    let mut evm = L1Evm::new();
    let (symbolic, _) = evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]).map_err(|e| e.to_string())?;
    let mut c = RollupOnL1::deploy_with(evm, &config, start, symbolic, symbolic)?;
    let genesis = L1::new(config.clone(), start).blocks[0].clone();
    let mut seen = Seen { blocks: BTreeMap::from([(0, genesis)]), addresses: BTreeSet::new() };
    let mut results = Vec::new();
    for call in &input.calls {
        let r = call_contract(&mut c, call, &mut seen).map_err(|e| e.to_string())?;
        results.push(match r {
            Ok(stored_block) => Verdict::Accepted(w::CallAccepted { stored_block: stored_block.as_ref().map(stored) }),
            Err(CallError::Rejected(rule)) => Verdict::Rejected { rule },
            Err(CallError::Other(e)) => return Err(format!("call {call:?}: {e}")),
        });
    }
    Ok(Outcome::L1(w::L1Outcome { results, final_state: summary(&mut c, &seen)? }))
}

type CallResult = Result<Option<StoredBlock>, CallError>;

fn call_contract(c: &mut RollupOnL1, call: &w::L1Call, seen: &mut Seen) -> Result<CallResult, WireError> {
    use zkrollup_spec::l1::Call;
    let call = l1_call_of(call)?;
    // Everyone a call names, or an executed op pays, may hold a pending balance afterwards.
    let named: Vec<Address> = match &call {
        Call::Deposit { from, to, .. } => vec![*from, *to],
        Call::RequestFullExit { owner, .. } | Call::WithdrawPendingBalance { owner, .. } => vec![*owner],
        Call::PerformExodus { claim, .. } => vec![claim.owner],
        Call::ExecuteBlock { pending_ops, .. } => pending_ops
            .iter()
            .filter_map(|o| match Op::from_pubdata(o).ok()? {
                Op::Withdraw(o) => Some(o.to),
                Op::ForcedExit(o) => Some(o.target_address),
                Op::FullExit(o) => Some(o.owner),
                _ => None,
            })
            .collect(),
        _ => vec![],
    };
    seen.addresses.extend(named);
    let result = c.call(&call);
    if let Ok((Some(b), _)) = &result {
        seen.blocks.insert(b.block_number, b.clone());
    }
    Ok(result.map(|(b, _)| b))
}

fn summary(c: &mut RollupOnL1, seen: &Seen) -> Result<w::L1Summary, String> {
    let (committed, proven, executed) = c.blocks();
    let (first_open, total) = c.requests();
    let last = seen.blocks.get(&committed).ok_or("the last committed block was never returned by a commit")?;
    let listed = c.listed_tokens();
    let tokens = 0..=listed.len() as u16;
    let mut pending = Vec::new();
    for owner in &seen.addresses {
        for token in tokens.clone() {
            let amount = c.pending_balance(owner, token);
            if amount > 0 {
                pending.push(w::PendingBalance { owner: owner.to_string(), token, amount: dec(amount) });
            }
        }
    }
    let mut held = Vec::new();
    for token in tokens {
        // The contract's real balance: a token that arrived short (fee on transfer) shows here.
        let balance = c.held(token);
        if !balance.is_zero() {
            held.push(w::Balance { token, amount: balance.to_string() });
        }
    }
    Ok(w::L1Summary {
        now: dec(c.now()),
        blocks_committed: committed,
        blocks_proven: proven,
        blocks_executed: executed,
        first_open_request: dec(first_open),
        total_requests: dec(total),
        exodus_mode: c.exodus_mode(),
        last_committed_block: stored(last),
        pending_balances: pending,
        held,
        governor: c.governor().to_string(),
        pending_governor: c.pending_governor().to_string(),
        tokens: listed.iter().map(|t| Address(t.0 .0).to_string()).collect(),
    })
}

/// A block vector through the circuit, then (if accepted) through the contract. The deployed
/// system is the two together: the contract accepts a block only with a proof, and a proof
/// exists only for what the circuit accepts, so the circuit adapter (through its public
/// [`Implementation`] face) decides acceptance and the contract checks the rest on chain.
fn run_block(input: &VectorInput) -> Result<Outcome, String> {
    let VectorInput::Block(b) = input else { return Err("not a block vector".into()) };
    use zkrollup_spec::block::BlockInput;
    use zkrollup_spec::l1::{CommitBlock, OnchainOpMeta};
    use zkrollup_spec::params::CHUNK_BYTES;
    use zkrollup_spec::transition::PriorityOp;
    use zkrollup_spec::tx::{ChangePubKeyAuth, Tx};

    let outcome = super::circuit::CircuitImplementation.run(input)?;
    let Outcome::Block(o) = &outcome else { return Err("the circuit adapter answered another kind".into()) };
    let Verdict::Accepted(acc) = &o.verdict else { return Ok(outcome) };

    let pre = state_of(&b.pre_state).map_err(|e| e.to_string())?;
    let ctx = context_of(&b.context).map_err(|e| e.to_string())?;
    let inputs: Vec<BlockInput> = b.inputs.iter().map(input_of).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let operator = zkrollup_spec::testkit::user(9).address;
    let mut config = zkrollup_conformance::operator::SpecRollup::config(operator);
    config.genesis_root = fr_of(&o.pre_root).map_err(|e| e.to_string())?;
    // One verifier, for the block's size alone (a Groth16 key is one circuit's).
    config.block_sizes = vec![b.chunks as u16];
    let max_token = inputs
        .iter()
        .map(|i| match i {
            BlockInput::Priority(PriorityOp::Deposit(d)) => d.token,
            BlockInput::Priority(PriorityOp::FullExit(f)) => f.token,
            BlockInput::Tx(_) => 0,
        })
        .max()
        .unwrap_or(0);
    config.tokens = (1..=max_token)
        .map(|t| Address([0x70, (t >> 8) as u8, t as u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]))
        .collect();

    let groth16 = std::env::var("ZKROLLUP_CONTRACT_PROOFS").is_ok_and(|v| v == "groth16");
    let mut evm = L1Evm::new();
    let prover = if groth16 { Some(block_keys(b.chunks as usize)?) } else { None };
    let verifier = match &prover {
        Some((_, vk)) => {
            let args = zkrollup_contracts::verifier::constructor_args(vk)?;
            evm.deploy(DEPLOYER, &bytecode(zkrollup_contracts::artifacts::GROTH16_VERIFIER), &args)
        }
        None => evm.deploy(DEPLOYER, &bytecode(SYMBOLIC_VERIFIER), &[]),
    }
    .map_err(|e| e.to_string())?
    .0;
    let mut c = RollupOnL1::deploy_with(evm, &config, ctx.timestamp.max(1), verifier, verifier)?;
    let fail = |what: &str, e: CallError| format!("{what} on the contract: {e}");

    // The user side: priority requests in block order, on-chain key authorisations.
    for input in &inputs {
        match input {
            BlockInput::Priority(PriorityOp::Deposit(d)) => {
                c.deposit(&d.from, &d.to, d.token, d.amount).map_err(|e| fail("deposit", e))?;
            }
            BlockInput::Priority(PriorityOp::FullExit(f)) => {
                c.request_full_exit(&f.owner, f.account_id, f.token).map_err(|e| fail("full exit request", e))?;
            }
            BlockInput::Tx(_) => {}
        }
    }

    // The operator side: commit the circuit's pubdata and root, prove, execute.
    let pubdata = bytes_of(&acc.pubdata).map_err(|e| e.to_string())?;
    let mut auths = inputs.iter().filter_map(|i| match i {
        BlockInput::Tx(Tx::ChangePubKey(t)) => Some(t.auth),
        _ => None,
    });
    let (mut onchain_ops, mut pending, mut at) = (Vec::new(), Vec::new(), 0);
    while at < pubdata.len() {
        let code = pubdata[at];
        let chunks = zkrollup_spec::op::chunks_of(code).ok_or("unknown op in the circuit's pubdata")?;
        let bytes = pubdata[at..at + chunks * CHUNK_BYTES].to_vec();
        if zkrollup_spec::op::is_onchain_code(code) {
            let auth = (code == zkrollup_spec::op::op_code::CHANGE_PUBKEY).then(|| auths.next()).flatten();
            // The owner (possibly opened in this block) authorises on chain what it signs for.
            if let (Some(ChangePubKeyAuth::Onchain), Ok(Op::ChangePubKey(op))) = (&auth, Op::from_pubdata(&bytes)) {
                c.set_auth_pubkey_hash(&op.owner, &op.new_pubkey_hash, op.nonce)
                    .map_err(|e| fail("setAuthPubkeyHash", e))?;
            }
            onchain_ops.push(OnchainOpMeta { offset: at, auth });
        }
        if matches!(code, 3 | 6 | 8) {
            pending.push(bytes);
        }
        at += chunks * CHUNK_BYTES;
    }
    let commit = CommitBlock {
        block_number: ctx.block_number,
        fee_account: ctx.fee_account,
        timestamp: ctx.timestamp,
        new_state_root: fr_of(&acc.post_root).map_err(|e| e.to_string())?,
        pubdata,
        onchain_ops,
    };
    let mut parent = L1::new(config.clone(), 0).blocks[0].clone();
    parent.block_number = ctx.block_number.wrapping_sub(1);
    let genesis_hash_matches = parent.block_number == 0;
    if !genesis_hash_matches {
        return Err(format!(
            "block vectors on the contract start from genesis; this one is block {}",
            ctx.block_number
        ));
    }
    let (stored_block, _) = c.commit_block(&operator, &parent, &commit).map_err(|e| fail("commit", e))?;
    let proof = match &prover {
        Some((pk, _)) => {
            let mut state = zkrollup_reference::state::RefState::from_spec(&pre);
            let w = zkrollup_circuits::block::build(&mut state, &ctx, b.chunks as usize, &inputs)
                .map_err(|e| e.to_string())?;
            let p = zkrollup_circuits::groth16::prove(
                pk,
                zkrollup_circuits::block::BlockCircuit::new(b.chunks as usize, w).map_err(|e| e.to_string())?,
                1,
            )
            .map_err(|e| e.to_string())?;
            zkrollup_contracts::verifier::proof_bytes(&p)
        }
        None => {
            zkrollup_spec::l1::SymbolicVerifier::proof_of(&zkrollup_spec::block::public_input(&stored_block.commitment))
        }
    };
    c.prove_block(&operator, &stored_block, &proof).map_err(|e| fail("prove", e))?;
    c.execute_block(&operator, &stored_block, &pending).map_err(|e| fail("execute", e))?;

    let mut accepted = acc.clone();
    accepted.commitment = hex_of(&stored_block.commitment);
    accepted.public_input = fr_dec(&zkrollup_spec::block::public_input(&stored_block.commitment));
    Ok(Outcome::Block(w::BlockOutcome { pre_root: o.pre_root.clone(), verdict: Verdict::Accepted(accepted) }))
}

/// Groth16 keys of the block circuit of `chunks` chunks (cached on disk, as the demo's).
fn block_keys(chunks: usize) -> Result<(zkrollup_circuits::groth16::Pk, zkrollup_circuits::groth16::Vk), String> {
    use zkrollup_circuits::keys::{default_dir, load_or_make, CircuitKind};
    let (pk, vk, _) = load_or_make(&default_dir(), CircuitKind::Block(chunks), zkrollup_node::dev::BLOCK_SETUP_SEED)
        .map_err(|e| e.to_string())?;
    Ok((pk, vk))
}
