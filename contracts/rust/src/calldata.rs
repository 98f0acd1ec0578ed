//! A transaction to the rollup read back as the spec's [`Call`]: the inverse of the encoding
//! [`crate::rollup`] sends. An auditor of a real chain (`zkrollup_node::l1::audit`) replays
//! every transaction the rollup received on the spec's L1 with it, whoever sent it.
//!
//! Strict where the spec's types are: a word that is not a field element, an authorisation
//! the spec cannot state, or an ETH value above 128 bits does not decode. A call that does not
//! decode cannot have been accepted by a contract that follows the spec, so the auditor
//! reports any such transaction that succeeded.

use alloy_primitives::{Address as EvmAddress, U256};
use alloy_sol_types::SolInterface;
use zkrollup_spec::exit::ExitClaim;
use zkrollup_spec::l1::{Call, CommitBlock, OnchainOpMeta, StoredBlock};
use zkrollup_spec::primitives::field::fr_from_canonical_be;
use zkrollup_spec::primitives::{Address, Fr, PubKeyHash};
use zkrollup_spec::tx::ChangePubKeyAuth;

use crate::artifacts::Rollup::{self, RollupCalls as C};

fn address(a: EvmAddress) -> Address {
    Address(a.0 .0)
}

fn field(what: &str, w: U256) -> Result<Fr, String> {
    fr_from_canonical_be(&w.to_be_bytes::<32>()).ok_or_else(|| format!("{what} {w:#x} is not a BN254 field element"))
}

fn stored(b: &Rollup::StoredBlock) -> Result<StoredBlock, String> {
    Ok(StoredBlock {
        block_number: b.blockNumber,
        priority_ops: b.priorityOps,
        pending_onchain_ops_hash: b.pendingOnchainOpsHash.0,
        timestamp: b.timestamp,
        state_root: field("a stored block's state root", b.stateRoot)?,
        commitment: b.commitment.0,
        chunks: b.chunks,
    })
}

fn auth(op: &Rollup::OnchainOp) -> Result<Option<ChangePubKeyAuth>, String> {
    let sig = || -> Result<[u8; 65], String> {
        op.authSig.as_ref().try_into().map_err(|_| format!("a {}-byte signature (65 expected)", op.authSig.len()))
    };
    // Kind 0 is the on-chain fact, which the spec also reads for a missing authorisation; its
    // signature bytes are ignored (by the contract too).
    Ok(match op.authKind {
        0 => None,
        1 => Some(ChangePubKeyAuth::Eip191(sig()?)),
        2 => Some(ChangePubKeyAuth::Eip712(sig()?)),
        k => return Err(format!("authorisation kind {k}")),
    })
}

fn commit(b: &Rollup::CommitBlockInfo) -> Result<CommitBlock, String> {
    let onchain_ops = b
        .onchainOps
        .iter()
        .map(|op| Ok(OnchainOpMeta { offset: op.offset as usize, auth: auth(op)? }))
        .collect::<Result<_, String>>()?;
    Ok(CommitBlock {
        block_number: b.blockNumber,
        fee_account: b.feeAccount,
        timestamp: b.timestamp,
        new_state_root: field("the new state root", b.newStateRoot)?,
        pubdata: b.pubdata.to_vec(),
        onchain_ops,
    })
}

/// Eight proof words as the spec's proof bytes (the Groth16 layout of
/// [`crate::verifier::proof_words`]).
fn proof(words: &[U256; 8]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

/// The call `sender` makes by sending `input` with `value` wei to the rollup. An ERC-20
/// deposit's amount is the one asked (the spec credits what arrived, which only the receipt
/// shows: a fee-on-transfer token delivers less; the auditor puts it in). A view function
/// (`blocksCommitted`, …) sent as a transaction changes nothing: `Ok(None)`.
pub fn decode(sender: &Address, value: U256, input: &[u8]) -> Result<Option<Call>, String> {
    // Decoded as leniently as Solidity's decoder (offsets anywhere, trailing bytes ignored);
    // a word with dirty high bits in a narrow type is one place where it is stricter (it
    // reverts), which the auditor would report as a disagreement, never let pass.
    let call = C::abi_decode(input).map_err(|e| format!("not a call of the rollup: {e}"))?;
    let payable = matches!(call, C::depositETH(_));
    if !payable && !value.is_zero() {
        return Err(format!("{value} wei sent to a function that is not payable"));
    }
    let sender = *sender;
    let call = match call {
        C::depositETH(c) => Call::Deposit {
            from: sender,
            to: address(c.to),
            token: 0,
            amount: value.try_into().map_err(|_| format!("{value} wei does not fit in 128 bits"))?,
        },
        C::depositERC20(c) => Call::Deposit { from: sender, to: address(c.to), token: c.token, amount: c.amount },
        C::requestFullExit(c) => Call::RequestFullExit { owner: sender, account_id: c.accountId, token: c.token },
        C::setAuthPubkeyHash(c) => {
            Call::SetAuthPubkeyHash { sender, pubkey_hash: PubKeyHash(c.pubkeyHash.0), nonce: c.nonce }
        }
        C::commitBlock(c) => Call::CommitBlock { sender, parent: stored(&c.parent)?, block: commit(&c.b)? },
        C::proveBlock(c) => Call::ProveBlock { sender, block: stored(&c.b)?, proof: proof(&c.proof) },
        C::executeBlock(c) => Call::ExecuteBlock {
            sender,
            block: stored(&c.b)?,
            pending_ops: c.pendingOps.iter().map(|o| o.to_vec()).collect(),
        },
        C::withdrawPendingBalance(c) => {
            Call::WithdrawPendingBalance { owner: address(c.owner), token: c.token, amount: c.amount }
        }
        C::revertBlocks(c) => {
            Call::RevertBlocks { sender, blocks: c.blocks.iter().map(stored).collect::<Result<_, _>>()? }
        }
        C::activateExodusMode(_) => Call::ActivateExodusMode,
        C::performExodus(c) => Call::PerformExodus {
            block: stored(&c.lastExecuted)?,
            claim: ExitClaim {
                root: field("the exit claim's root", c.c.root)?,
                account_id: c.c.accountId,
                owner: address(c.c.owner),
                token: c.c.token,
                amount: c.c.amount,
            },
            proof: proof(&c.proof),
        },
        C::cancelOutstandingDepositsForExodusMode(c) => Call::CancelOutstandingDeposits { n: c.n },
        C::proposeGovernor(c) => Call::ProposeGovernor { sender, candidate: address(c.candidate) },
        C::acceptGovernor(_) => Call::AcceptGovernor { sender },
        C::renounceGovernor(_) => Call::RenounceGovernor { sender },
        C::setValidator(c) => Call::SetValidator { sender, validator: address(c.validator), active: c.active },
        C::listToken(c) => Call::ListToken { sender, token: address(c.token) },
        _view => return Ok(None),
    };
    Ok(Some(call))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollup::{proof_words, sol_commit, sol_stored};
    use alloy_sol_types::SolCall;
    use zkrollup_spec::l1::empty_ops_hash;
    use zkrollup_spec::testkit::user;

    fn block(n: u32, root: u64) -> StoredBlock {
        StoredBlock {
            block_number: n,
            priority_ops: 3,
            pending_onchain_ops_hash: empty_ops_hash(),
            timestamp: 1_700_000_000 + n as u64,
            state_root: Fr::from(root),
            commitment: [n as u8; 32],
            chunks: 8,
        }
    }

    /// Each call encoded as the node and wallets send it (the `sol!` bindings and this crate's
    /// encoders) reads back as the call it was.
    #[test]
    fn the_calls_the_encoders_send_read_back_as_themselves() {
        let (a, b) = (user(1).address, user(2).address);
        let evm = |x: &Address| EvmAddress::from(x.0);
        let commit = CommitBlock {
            block_number: 4,
            fee_account: 7,
            timestamp: 1_700_000_100,
            new_state_root: Fr::from(99u64),
            pubdata: vec![7; 64],
            onchain_ops: vec![
                OnchainOpMeta { offset: 0, auth: None },
                OnchainOpMeta { offset: 8, auth: Some(ChangePubKeyAuth::Eip191([1; 65])) },
                OnchainOpMeta { offset: 16, auth: Some(ChangePubKeyAuth::Eip712([2; 65])) },
            ],
        };
        let claim = ExitClaim { root: Fr::from(5u64), account_id: 3, owner: b, token: 1, amount: 12 };
        let pf: Vec<u8> = (0..=255).collect();
        let cases: Vec<(Vec<u8>, u128, Call)> = vec![
            (
                Rollup::depositETHCall { to: evm(&b) }.abi_encode(),
                5,
                Call::Deposit { from: a, to: b, token: 0, amount: 5 },
            ),
            (
                Rollup::depositERC20Call { token: 1, amount: 9, to: evm(&b) }.abi_encode(),
                0,
                Call::Deposit { from: a, to: b, token: 1, amount: 9 },
            ),
            (
                Rollup::requestFullExitCall { accountId: 3, token: 1 }.abi_encode(),
                0,
                Call::RequestFullExit { owner: a, account_id: 3, token: 1 },
            ),
            (
                Rollup::commitBlockCall { parent: sol_stored(&block(3, 1)), b: sol_commit(&commit) }.abi_encode(),
                0,
                Call::CommitBlock { sender: a, parent: block(3, 1), block: commit.clone() },
            ),
            (
                Rollup::proveBlockCall { b: sol_stored(&block(4, 2)), proof: proof_words(&pf) }.abi_encode(),
                0,
                Call::ProveBlock { sender: a, block: block(4, 2), proof: pf.clone() },
            ),
            (
                Rollup::executeBlockCall { b: sol_stored(&block(4, 2)), pendingOps: vec![vec![1u8, 2].into()] }
                    .abi_encode(),
                0,
                Call::ExecuteBlock { sender: a, block: block(4, 2), pending_ops: vec![vec![1, 2]] },
            ),
            (
                Rollup::withdrawPendingBalanceCall { owner: evm(&b), token: 0, amount: 8 }.abi_encode(),
                0,
                Call::WithdrawPendingBalance { owner: b, token: 0, amount: 8 },
            ),
            (
                Rollup::performExodusCall {
                    lastExecuted: sol_stored(&block(4, 2)),
                    c: Rollup::ExitClaim { root: U256::from(5), accountId: 3, owner: evm(&b), token: 1, amount: 12 },
                    proof: proof_words(&pf),
                }
                .abi_encode(),
                0,
                Call::PerformExodus { block: block(4, 2), claim, proof: pf.clone() },
            ),
            (Rollup::activateExodusModeCall {}.abi_encode(), 0, Call::ActivateExodusMode),
            (
                Rollup::setValidatorCall { validator: evm(&b), active: true }.abi_encode(),
                0,
                Call::SetValidator { sender: a, validator: b, active: true },
            ),
        ];
        for (input, value, want) in cases {
            assert_eq!(decode(&a, U256::from(value), &input), Ok(Some(want.clone())), "{}", want.name());
        }
        let view = Rollup::blocksCommittedCall {}.abi_encode();
        assert_eq!(decode(&a, U256::ZERO, &view), Ok(None));
    }

    /// What the spec's types cannot hold does not decode: a root above the field, a signature
    /// of the wrong length, an unknown authorisation kind, value sent to a function that takes
    /// none, bytes that are no call.
    #[test]
    fn what_the_spec_cannot_state_does_not_decode() {
        let a = user(1).address;
        let mut over = sol_stored(&block(1, 1));
        over.stateRoot = U256::MAX;
        let proof_call = Rollup::proveBlockCall { b: over, proof: [U256::ZERO; 8] }.abi_encode();
        let err = decode(&a, U256::ZERO, &proof_call).unwrap_err();
        assert!(err.contains("not a BN254 field element"), "{err}");
        let mut info = sol_commit(&CommitBlock {
            block_number: 1,
            fee_account: 0,
            timestamp: 0,
            new_state_root: Fr::from(1u64),
            pubdata: vec![],
            onchain_ops: vec![OnchainOpMeta { offset: 0, auth: Some(ChangePubKeyAuth::Eip191([1; 65])) }],
        });
        info.onchainOps[0].authSig = vec![1u8; 64].into();
        let call = Rollup::commitBlockCall { parent: sol_stored(&block(0, 1)), b: info.clone() }.abi_encode();
        assert!(decode(&a, U256::ZERO, &call).unwrap_err().contains("64-byte signature"));
        info.onchainOps[0].authKind = 3;
        let call = Rollup::commitBlockCall { parent: sol_stored(&block(0, 1)), b: info }.abi_encode();
        assert!(decode(&a, U256::ZERO, &call).unwrap_err().contains("kind 3"));
        let exit = Rollup::requestFullExitCall { accountId: 3, token: 1 }.abi_encode();
        assert!(decode(&a, U256::from(1), &exit).unwrap_err().contains("not payable"));
        assert!(decode(&a, U256::ZERO, &[1, 2, 3, 4]).unwrap_err().contains("not a call of the rollup"));
        let eth = Rollup::depositETHCall { to: EvmAddress::ZERO }.abi_encode();
        assert!(decode(&a, U256::MAX, &eth).unwrap_err().contains("128 bits"));
    }
}
