//! One test per rule: for every rule id, an input that breaks exactly that rule is rejected
//! with that id, and (for state-changing calls) leaves the state untouched. The `match` in
//! [`trigger`] has no wildcard arm, so a new rule without a case does not compile.

use zkrollup_spec::block::{apply_block, BlockInput, BlockParams};
use zkrollup_spec::exit::exit_witness;
use zkrollup_spec::l1::{commit_info, pending_ops, L1Config, StoredBlock, SymbolicVerifier, L1};
use zkrollup_spec::op::decode_pubdata;
use zkrollup_spec::op::{Op, TransferOp};
use zkrollup_spec::params::{MAX_ACCOUNT_ID, PRIORITY_EXPIRATION_SECONDS};
use zkrollup_spec::primitives::{Address, PubKeyHash};
use zkrollup_spec::rules::{Rejection, Rule};
use zkrollup_spec::state::{genesis_root, Account, State};
use zkrollup_spec::testkit::*;
use zkrollup_spec::transition::{apply_priority_op, apply_tx, DepositRequest, FullExitRequest, PriorityOp};
use zkrollup_spec::tx::auth::eip191_change_pubkey_message;
use zkrollup_spec::tx::{ChangePubKeyAuth, TimeWindow, Tx};

const VALIDATOR: Address = Address([0xee; 20]);
const GOVERNOR: Address = Address([0x60; 20]);

fn reject_tx(state: &State, tx: &Tx) -> Rejection {
    let mut s = state.clone();
    let e = apply_tx(&mut s, tx, &context()).expect_err("must be rejected");
    assert_eq!(&s, state, "a rejected tx changed the state");
    e
}

fn reject_priority(state: &State, op: PriorityOp) -> Rejection {
    let mut s = state.clone();
    let e = apply_priority_op(&mut s, &op).expect_err("must be rejected");
    assert_eq!(&s, state);
    e
}

fn reject_block(state: &State, chunks: usize, fee_account: u32, inputs: Vec<BlockInput>) -> Rejection {
    let mut s = state.clone();
    let mut ctx = context();
    ctx.fee_account = fee_account;
    let e = apply_block(&mut s, &BlockParams { context: ctx, chunks }, &inputs).expect_err("must be rejected");
    assert_eq!(&s, state);
    e
}

fn reject_l1(l1: &L1, call: impl FnOnce(&mut L1) -> Result<(), Rejection>) -> Rejection {
    let mut after = l1.clone();
    let e = call(&mut after).expect_err("must be rejected");
    assert_eq!(&after, l1, "a rejected call changed the contract");
    e
}

fn two_users() -> State {
    funded_state(2, &[(0, 1_000), (1, 500)])
}

fn l1_config() -> L1Config {
    L1Config {
        domain: TEST_DOMAIN,
        governor: GOVERNOR,
        validators: vec![VALIDATOR],
        genesis_root: genesis_root(),
        tokens: vec![Address([0x70; 20])],
        max_tokens: 2,
        block_sizes: L1Config::all_block_sizes(),
    }
}

/// A contract and L2 state with one deposit of 1000 ETH by user 0 requested at time 100.
fn with_deposit() -> (L1, State, Vec<BlockInput>) {
    let mut l1 = L1::new(l1_config(), 100);
    let u = user(0);
    l1.deposit(u.address, u.address, 0, 1000).unwrap();
    let inputs = vec![BlockInput::Priority(l1.open_requests()[0].op.clone())];
    (l1, State::new(), inputs)
}

/// The deposit block applied and committed at time 200: (contract, stored block, L2 block).
fn committed() -> (L1, StoredBlock, zkrollup_spec::block::Block) {
    let (mut l1, mut state, inputs) = with_deposit();
    l1.set_time(200);
    let mut ctx = context();
    ctx.timestamp = 150;
    let block = apply_block(&mut state, &BlockParams { context: ctx, chunks: 8 }, &inputs).unwrap();
    let genesis = l1.blocks[0].clone();
    let stored = l1.commit_block(VALIDATOR, &genesis, &commit_info(&block, &inputs)).unwrap();
    (l1, stored, block)
}

fn proven() -> (L1, StoredBlock, zkrollup_spec::block::Block) {
    let (mut l1, stored, block) = committed();
    let proof = SymbolicVerifier::proof_of(&block.public_input());
    l1.prove_block(VALIDATOR, &stored, &proof, &SymbolicVerifier).unwrap();
    (l1, stored, block)
}

fn exodus() -> (L1, StoredBlock) {
    let (mut l1, stored, block) = proven();
    l1.execute_block(VALIDATOR, &stored, &pending_ops(&block)).unwrap();
    l1.request_full_exit(user(0).address, 0, 0).unwrap();
    l1.set_time(200 + PRIORITY_EXPIRATION_SECONDS + 1);
    l1.activate_exodus_mode().unwrap();
    (l1, stored)
}

/// A commit on top of genesis of a block whose pubdata is `ops`, padded to 8 chunks.
fn commit_ops(l1: &mut L1, ops: &[Op], offsets: &[usize], auth: Option<ChangePubKeyAuth>) -> Result<(), Rejection> {
    let mut pubdata: Vec<u8> = ops.iter().flat_map(Op::to_pubdata).collect();
    pubdata.resize(64, 0);
    let block = zkrollup_spec::l1::CommitBlock {
        block_number: 1,
        fee_account: 0,
        timestamp: l1.now,
        new_state_root: genesis_root(),
        pubdata,
        onchain_ops: offsets.iter().map(|&offset| zkrollup_spec::l1::OnchainOpMeta { offset, auth }).collect(),
    };
    let genesis = l1.blocks[0].clone();
    l1.commit_block(VALIDATOR, &genesis, &block).map(|_| ())
}

fn empty_commit(block_number: u32, timestamp: u64) -> zkrollup_spec::l1::CommitBlock {
    zkrollup_spec::l1::CommitBlock {
        block_number,
        fee_account: 0,
        timestamp,
        new_state_root: genesis_root(),
        pubdata: vec![0; 64],
        onchain_ops: vec![],
    }
}

/// The L2 state after user 0's deposit of 1000 ETH.
fn deposited_state() -> State {
    let mut st = State::new();
    let u0 = user(0);
    let d = DepositRequest { from: u0.address, to: u0.address, token: 0, amount: 1000 };
    apply_priority_op(&mut st, &PriorityOp::Deposit(d)).unwrap();
    st
}

fn trigger(rule: Rule) -> Rejection {
    let u0 = user(0);
    let u1 = user(1);
    let s = two_users();
    let transfer_tx = transfer(&u0, 0, u1.address, 0, 100, 1, 0);
    match rule {
        // --- codec
        Rule::CodecTruncated => Tx::from_bytes(&transfer_tx.to_bytes()[..10]).unwrap_err(),
        Rule::CodecTrailingBytes => Tx::from_bytes(&[transfer_tx.to_bytes(), vec![0]].concat()).unwrap_err(),
        Rule::CodecUnknownOp => Op::from_pubdata(&[4, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(),
        Rule::CodecUnknownTxType => Tx::from_bytes(&[1; 300]).unwrap_err(),
        Rule::CodecNonzeroPadding => Op::from_pubdata(&[0, 0, 0, 0, 0, 0, 0, 1]).unwrap_err(),
        Rule::CodecBadLength => decode_pubdata(&[0; 12]).unwrap_err(),
        Rule::CodecOpAfterNoop => {
            let transfer = Op::Transfer(TransferOp { from: 0, token: 0, to: 1, amount: amount(1), fee: fee(0) });
            decode_pubdata(&[Op::Noop.to_pubdata(), transfer.to_pubdata()].concat()).unwrap_err()
        }
        Rule::CodecAmountTooLarge => {
            let mut p =
                Op::Transfer(TransferOp { from: 0, token: 0, to: 1, amount: amount(1), fee: fee(0) }).to_pubdata();
            p[9..14].copy_from_slice(&[0xff; 5]);
            Op::from_pubdata(&p).unwrap_err()
        }
        Rule::CodecBadSignature => {
            let mut b = transfer_tx.to_bytes();
            let n = b.len();
            b[n - 32..].copy_from_slice(&[0xff; 32]);
            Tx::from_bytes(&b).unwrap_err()
        }
        Rule::CodecBadAuth => {
            let mut b = change_pubkey(&u0, 0, 0, 0, 0, ChangePubKeyAuth::Onchain).to_bytes();
            *b.last_mut().unwrap() = 3;
            Tx::from_bytes(&b).unwrap_err()
        }
        // --- tx envelope
        Rule::TxAccountIdOutOfRange => reject_tx(&s, &transfer(&u0, MAX_ACCOUNT_ID + 1, u1.address, 0, 1, 0, 0)),
        Rule::TxAccountMissing => reject_tx(&s, &transfer(&u0, 2, u1.address, 0, 1, 0, 0)),
        Rule::TxSignerNotAccountKey => reject_tx(&s, &transfer(&u1, 0, u1.address, 0, 1, 0, 0)),
        Rule::TxBadSignature => {
            let Tx::Transfer(mut t) = transfer_tx.clone() else { unreachable!() };
            t.amount = amount(101); // the signature still covers 100
            reject_tx(&s, &Tx::Transfer(t))
        }
        Rule::TxNonceMismatch => reject_tx(&s, &transfer(&u0, 0, u1.address, 0, 1, 0, 1)),
        Rule::TxNonceOverflow => {
            let s = State::from_accounts(vec![keyed_account(&u0, u32::MAX, &[(0, 10)])]).unwrap();
            reject_tx(&s, &transfer(&u0, 0, u1.address, 0, 1, 0, u32::MAX))
        }
        Rule::TxNotYetValid | Rule::TxExpired => {
            let Tx::Transfer(mut t) = transfer_tx.clone() else { unreachable!() };
            let now = context().timestamp;
            t.time = if rule == Rule::TxNotYetValid {
                TimeWindow { valid_from: now + 1, valid_until: u64::MAX }
            } else {
                TimeWindow { valid_from: 0, valid_until: now - 1 }
            };
            reject_tx(&s, &Tx::Transfer(t).signed(&u0.l2))
        }
        // --- deposit
        Rule::DepositZeroAddress => reject_priority(
            &s,
            PriorityOp::Deposit(DepositRequest { from: u0.address, to: Address::ZERO, token: 0, amount: 1 }),
        ),
        Rule::DepositAccountTreeFull => {
            let full = State::from_parts([(0, keyed_account(&u0, 0, &[]))].into(), MAX_ACCOUNT_ID + 1).unwrap();
            reject_priority(
                &full,
                PriorityOp::Deposit(DepositRequest { from: u1.address, to: u1.address, token: 0, amount: 1 }),
            )
        }
        Rule::DepositBalanceOverflow => reject_priority(
            &s,
            PriorityOp::Deposit(DepositRequest { from: u0.address, to: u0.address, token: 0, amount: u128::MAX }),
        ),
        // --- transfer
        Rule::TransferToZeroAddress => reject_tx(&s, &transfer(&u0, 0, Address::ZERO, 0, 1, 0, 0)),
        Rule::TransferInsufficientBalance => reject_tx(&s, &transfer(&u0, 0, u1.address, 0, 1000, 1, 0)),
        Rule::TransferAccountTreeFull => {
            let full = State::from_parts([(0, keyed_account(&u0, 0, &[(0, 10)]))].into(), MAX_ACCOUNT_ID + 1).unwrap();
            reject_tx(&full, &transfer(&u0, 0, u1.address, 0, 1, 0, 0))
        }
        Rule::TransferRecipientBalanceOverflow => {
            let s =
                State::from_accounts(vec![keyed_account(&u0, 0, &[(0, 10)]), keyed_account(&u1, 0, &[(0, u128::MAX)])])
                    .unwrap();
            reject_tx(&s, &transfer(&u0, 0, u1.address, 0, 1, 0, 0))
        }
        // --- withdraw, full exit, change pubkey, forced exit
        Rule::WithdrawInsufficientBalance => reject_tx(&s, &withdraw(&u0, 0, u0.address, 1, 500, 1, 0)),
        Rule::FullExitAccountIdOutOfRange => reject_priority(
            &s,
            PriorityOp::FullExit(FullExitRequest { account_id: MAX_ACCOUNT_ID + 1, owner: u0.address, token: 0 }),
        ),
        Rule::ChangePubKeyInsufficientFeeBalance => {
            reject_tx(&s, &change_pubkey(&u0, 0, 1, 510, 0, ChangePubKeyAuth::Onchain))
        }
        Rule::ForcedExitTargetMissing => reject_tx(&s, &forced_exit(&u0, 0, user(7).address, 0, 1, 0)),
        Rule::ForcedExitTargetHasKey => reject_tx(&s, &forced_exit(&u0, 0, u1.address, 0, 1, 0)),
        Rule::ForcedExitInsufficientFeeBalance => {
            let s = State::from_accounts(vec![keyed_account(&u0, 0, &[(0, 10)]), Account::new(u1.address)]).unwrap();
            reject_tx(&s, &forced_exit(&u0, 0, u1.address, 0, 20, 0))
        }
        // --- block
        Rule::BlockUnsupportedSize => reject_block(&s, 9, 0, vec![]),
        Rule::BlockTooManyChunks => {
            let inputs = (0..5).map(|n| BlockInput::Tx(transfer(&u0, 0, u1.address, 0, 1, 0, n))).collect();
            reject_block(&s, 8, 0, inputs)
        }
        Rule::BlockFeeAccountMissing => reject_block(&s, 8, 2, vec![]),
        Rule::BlockTooManyFeeTokens => {
            let balances: Vec<(u16, u128)> = (0..5).map(|t| (t, 100)).collect();
            let s = funded_state(2, &balances);
            let inputs = (0..5u16).map(|t| BlockInput::Tx(withdraw(&u0, 0, u0.address, t, 1, 1, t as u32))).collect();
            reject_block(&s, 64, 1, inputs)
        }
        Rule::BlockFeeBalanceOverflow => {
            let s =
                State::from_accounts(vec![keyed_account(&u0, 0, &[(0, u128::MAX)]), keyed_account(&u1, 0, &[(0, 10)])])
                    .unwrap();
            reject_block(&s, 8, 0, vec![BlockInput::Tx(transfer(&u1, 1, u1.address, 0, 1, 1, 0))])
        }
        // --- l1
        Rule::L1NotValidator => {
            let l1 = L1::new(l1_config(), 100);
            reject_l1(&l1, |l| {
                let genesis = l.blocks[0].clone();
                l.commit_block(user(5).address, &genesis, &empty_commit(1, 50)).map(|_| ())
            })
        }
        Rule::L1ExodusModeActive => {
            let (l1, _) = exodus();
            reject_l1(&l1, |l| l.deposit(u0.address, u0.address, 0, 1))
        }
        Rule::L1NotExodusMode => {
            let (l1, _, _) = committed();
            reject_l1(&l1, |l| l.cancel_outstanding_deposits(1))
        }
        Rule::L1TokenNotListed => reject_l1(&L1::new(l1_config(), 0), |l| l.deposit(u0.address, u0.address, 2, 1)),
        Rule::L1DepositZeroAmount => reject_l1(&L1::new(l1_config(), 0), |l| l.deposit(u0.address, u0.address, 0, 0)),
        Rule::L1DepositZeroAddress => {
            reject_l1(&L1::new(l1_config(), 0), |l| l.deposit(u0.address, Address::ZERO, 0, 1))
        }
        Rule::L1DepositTotalOverflow => {
            let mut l1 = L1::new(l1_config(), 0);
            l1.deposit(u0.address, u0.address, 1, u128::MAX).unwrap();
            reject_l1(&l1, |l| l.deposit(u1.address, u1.address, 1, 1))
        }
        Rule::L1FullExitAccountIdOutOfRange => {
            reject_l1(&L1::new(l1_config(), 0), |l| l.request_full_exit(u0.address, MAX_ACCOUNT_ID + 1, 0))
        }
        Rule::L1AuthFactExists => {
            let mut l1 = L1::new(l1_config(), 0);
            l1.set_auth_pubkey_hash(u0.address, u0.pubkey_hash, 0).unwrap();
            reject_l1(&l1, |l| l.set_auth_pubkey_hash(u0.address, PubKeyHash([1; 20]), 0))
        }
        Rule::L1StoredBlockMismatch => {
            // Block 1 is committed; building block 2 on genesis names the wrong parent.
            let (l1, _, _) = committed();
            let genesis = l1.blocks[0].clone();
            reject_l1(&l1, |l| l.commit_block(VALIDATOR, &genesis, &empty_commit(2, 200)).map(|_| ()))
        }
        Rule::L1BlockNumberMismatch => {
            let l1 = L1::new(l1_config(), 100);
            let genesis = l1.blocks[0].clone();
            reject_l1(&l1, |l| l.commit_block(VALIDATOR, &genesis, &empty_commit(2, 50)).map(|_| ()))
        }
        Rule::L1BadTimestamp => {
            // A timestamp after the L1 clock.
            let l1 = L1::new(l1_config(), 100);
            let genesis = l1.blocks[0].clone();
            reject_l1(&l1, |l| l.commit_block(VALIDATOR, &genesis, &empty_commit(1, 101)).map(|_| ()))
        }
        Rule::L1BadPubdataLength => {
            let l1 = L1::new(l1_config(), 100);
            let genesis = l1.blocks[0].clone();
            let mut nine_chunks = empty_commit(1, 50);
            nine_chunks.pubdata = vec![0; 72];
            reject_l1(&l1, |l| l.commit_block(VALIDATOR, &genesis, &nine_chunks).map(|_| ()))
        }
        Rule::L1BlockSizeUnverifiable => {
            let l1 = L1::new(L1Config { block_sizes: vec![16], ..l1_config() }, 100);
            let genesis = l1.blocks[0].clone();
            reject_l1(&l1, |l| l.commit_block(VALIDATOR, &genesis, &empty_commit(1, 50)).map(|_| ()))
        }
        Rule::L1BadOnchainOpOffset => {
            let (l1, _, _) = with_deposit();
            let dep = Op::Deposit(zkrollup_spec::op::DepositOp {
                account_id: 0,
                token: 0,
                amount: 1000,
                address: u0.address,
            });
            reject_l1(&l1, |l| commit_ops(l, &[dep], &[4], None))
        }
        Rule::L1NotOnchainOp => {
            let (l1, _, _) = with_deposit();
            reject_l1(&l1, |l| commit_ops(l, &[Op::Noop], &[0], None))
        }
        Rule::L1PriorityOpMismatch => {
            let (l1, _, _) = with_deposit();
            let dep =
                Op::Deposit(zkrollup_spec::op::DepositOp { account_id: 0, token: 0, amount: 999, address: u0.address });
            reject_l1(&l1, |l| commit_ops(l, &[dep], &[0], None))
        }
        Rule::L1ChangePubKeyUnauthorised => {
            let l1 = L1::new(l1_config(), 100);
            let cpk = Op::ChangePubKey(zkrollup_spec::op::ChangePubKeyOp {
                account_id: 0,
                new_pubkey_hash: u0.pubkey_hash,
                owner: u0.address,
                nonce: 0,
                fee_token: 0,
                fee: fee(0),
            });
            // Signed by user 1's L1 key, not the owner's.
            let sig = u1.l1.personal_sign(&eip191_change_pubkey_message(&TEST_DOMAIN, &u0.pubkey_hash, 0, 0));
            reject_l1(&l1, |l| commit_ops(l, &[cpk], &[0], Some(ChangePubKeyAuth::Eip191(sig))))
        }
        Rule::L1BlockNotCommitted => {
            let (l1, stored, _) = proven();
            reject_l1(&l1, |l| l.prove_block(VALIDATOR, &stored, &[], &SymbolicVerifier))
        }
        Rule::L1InvalidProof => {
            let (l1, stored, block) = committed();
            let mut proof = SymbolicVerifier::proof_of(&block.public_input());
            proof[31] ^= 1;
            reject_l1(&l1, |l| l.prove_block(VALIDATOR, &stored, &proof, &SymbolicVerifier))
        }
        Rule::L1BlockNotProven => {
            let (l1, stored, block) = committed();
            reject_l1(&l1, |l| l.execute_block(VALIDATOR, &stored, &pending_ops(&block)))
        }
        Rule::L1BadPendingOps => {
            let (l1, stored, _) = proven();
            let fake = Op::Withdraw(zkrollup_spec::op::WithdrawOp {
                account_id: 0,
                token: 0,
                amount: 5,
                fee: fee(0),
                to: u0.address,
            });
            reject_l1(&l1, |l| l.execute_block(VALIDATOR, &stored, &[fake.to_pubdata()]))
        }
        Rule::L1InsufficientPendingBalance => {
            reject_l1(&L1::new(l1_config(), 0), |l| l.withdraw_pending_balance(u0.address, 0, 1))
        }
        Rule::L1PayoutUnbacked => {
            // A pending balance nothing was deposited for: what a block no valid proof exists
            // for could credit.
            let mut l1 = L1::new(l1_config(), 0);
            l1.pending_balances.insert((u0.address, 1), 500);
            reject_l1(&l1, |l| l.withdraw_pending_balance(u0.address, 1, 500))
        }
        Rule::L1RevertExecuted => {
            let (mut l1, stored, block) = proven();
            l1.execute_block(VALIDATOR, &stored, &pending_ops(&block)).unwrap();
            reject_l1(&l1, |l| l.revert_blocks(VALIDATOR, std::slice::from_ref(&stored)))
        }
        Rule::L1ExodusNotDue => {
            let (l1, _, _) = with_deposit();
            reject_l1(&l1, |l| l.activate_exodus_mode())
        }
        Rule::L1ExodusWrongBlock => {
            let (l1, stored) = exodus();
            let (claim, _) = exit_witness(&deposited_state(), 0, 0).unwrap();
            let genesis = l1.blocks[0].clone();
            assert_ne!(genesis, stored);
            let proof = SymbolicVerifier::proof_of(&claim.public_input());
            reject_l1(&l1, |l| l.perform_exodus(&genesis, &claim, &proof, &SymbolicVerifier))
        }
        Rule::L1ExodusAlreadyPerformed | Rule::L1ExodusBadProof => {
            let (mut l1, stored) = exodus();
            let (claim, _) = exit_witness(&deposited_state(), 0, 0).unwrap();
            assert_eq!(claim.root, stored.state_root);
            let proof = SymbolicVerifier::proof_of(&claim.public_input());
            if rule == Rule::L1ExodusBadProof {
                let mut bad = claim.clone();
                bad.amount += 1;
                return reject_l1(&l1, |l| l.perform_exodus(&stored, &bad, &proof, &SymbolicVerifier));
            }
            l1.perform_exodus(&stored, &claim, &proof, &SymbolicVerifier).unwrap();
            assert_eq!(l1.pending_balance(&u0.address, 0), 1000);
            reject_l1(&l1, |l| l.perform_exodus(&stored, &claim, &proof, &SymbolicVerifier))
        }
        Rule::L1NothingToCancel => {
            let (mut l1, _) = exodus();
            l1.cancel_outstanding_deposits(10).unwrap();
            reject_l1(&l1, |l| l.cancel_outstanding_deposits(1))
        }
        Rule::L1NotGovernor => reject_l1(&L1::new(l1_config(), 0), |l| l.set_validator(VALIDATOR, u0.address, true)),
        Rule::L1NotPendingGovernor => {
            let mut l1 = L1::new(l1_config(), 0);
            l1.propose_governor(GOVERNOR, u0.address).unwrap();
            reject_l1(&l1, |l| l.accept_governor(VALIDATOR))
        }
        Rule::L1TokenZeroAddress => reject_l1(&L1::new(l1_config(), 0), |l| l.list_token(GOVERNOR, Address::ZERO)),
        Rule::L1TokenAlreadyListed => {
            reject_l1(&L1::new(l1_config(), 0), |l| l.list_token(GOVERNOR, Address([0x70; 20])))
        }
        Rule::L1TooManyTokens => {
            let mut l1 = L1::new(l1_config(), 0);
            l1.list_token(GOVERNOR, Address([0x71; 20])).unwrap();
            reject_l1(&l1, |l| l.list_token(GOVERNOR, Address([0x72; 20])))
        }
    }
}

#[test]
fn every_rule_is_triggered_by_its_case() {
    let mut failures = Vec::new();
    for &rule in Rule::ALL {
        let got = trigger(rule);
        if got.rule != rule {
            failures.push(format!("{rule}: got {got}"));
        }
    }
    assert!(failures.is_empty(), "cases rejected with another rule:\n{}", failures.join("\n"));
}

/// The constructor lists its tokens by `list_token`'s rules (the contract's deployment refuses
/// the same lists: `contracts/tests/attacks.rs`).
#[test]
fn a_bad_initial_token_list_breaks_the_listing_rules() {
    let config = |tokens: Vec<Address>| L1Config { tokens, max_tokens: 2, ..l1_config() };
    let (a, b) = (Address([0x70; 20]), Address([0x71; 20]));
    assert_eq!(config(vec![a, b]).token_list_error(), None);
    assert_eq!(config(vec![a, Address::ZERO]).token_list_error(), Some(Rule::L1TokenZeroAddress));
    assert_eq!(config(vec![a, a]).token_list_error(), Some(Rule::L1TokenAlreadyListed));
    assert_eq!(config(vec![a, b, Address([0x72; 20])]).token_list_error(), Some(Rule::L1TooManyTokens));
}
