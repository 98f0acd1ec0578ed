//! The reference's fast primitives against the spec's plain ones: the arity-4 tree (batched,
//! parallel hashing, eager path updates) and Poseidon.
//!
//! Integration tests rather than unit tests: a crate's unit tests compile the whole crate a
//! second time (docs/ARCHITECTURE.md §5.1), and these need only its public API.

use proptest::prelude::*;
use zkrollup_reference::poseidon::poseidon;
use zkrollup_reference::tree::Tree4;
use zkrollup_spec::primitives::poseidon::poseidon as spec_poseidon;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::state::SparseMerkleTree;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Against the spec's tree (recomputed from scratch): roots after every batch, proofs,
    /// and the eager path update.
    #[test]
    fn the_tree_agrees_with_the_spec_tree(batches in proptest::collection::vec(proptest::collection::vec((0u64..256, 0u64..4), 1..40), 1..4)) {
        let mut spec = SparseMerkleTree::new(4, Fr::from(0u8));
        let mut fast = Tree4::new(4, Fr::from(0u8));
        let mut eager = Tree4::new(4, Fr::from(0u8));
        for batch in batches {
            for &(i, v) in &batch {
                spec.set(i, Fr::from(v));
                fast.set(i, Fr::from(v));
                let path = eager.set_and_path(i, Fr::from(v));
                prop_assert!(path.verify(eager.clean_root().unwrap(), i, Fr::from(v)));
            }
            prop_assert_eq!(fast.root(), spec.root());
            prop_assert_eq!(eager.root(), spec.root());
            let probe = batch[0].0;
            prop_assert_eq!(fast.proof(probe), spec.proof(probe));
        }
    }
}

#[test]
fn large_batches_hash_in_parallel_and_agree() {
    let mut spec = SparseMerkleTree::new(6, Fr::from(1u8));
    let mut fast = Tree4::new(6, Fr::from(1u8));
    for i in 0..500u64 {
        spec.set(i * 7, Fr::from(i));
        fast.set(i * 7, Fr::from(i));
    }
    assert_eq!(fast.root(), spec.root());
}

proptest! {
    #[test]
    fn poseidon_equals_light_poseidon(xs in proptest::collection::vec(any::<[u8; 32]>(), 1..=12)) {
        use ark_ff::PrimeField;
        let inputs: Vec<Fr> = xs.iter().map(|b| Fr::from_be_bytes_mod_order(b)).collect();
        prop_assert_eq!(poseidon(&inputs), spec_poseidon(&inputs));
    }
}

#[test]
fn poseidon_circomlib_value() {
    assert_eq!(
        poseidon(&[Fr::from(1u8), Fr::from(2u8)]).to_string(),
        "7853200120776062878684798364095072458815029376092732009249414926327459813530"
    );
}

/// The reference's signature check against the spec's, on what each rule of `verify` turns
/// on: valid signatures, another message or `S`, keys with a torsion component (valid), every
/// small-order key, `R8` with a torsion component, points off the curve.
#[test]
fn signatures_are_judged_as_the_spec_judges_them() {
    use ark_ff::{BigInteger, PrimeField};
    use zkrollup_reference::signature::{base8_times, verify};
    use zkrollup_spec::primitives::eddsa::{
        challenge, small_order_points, verify as spec_verify, Point, PrivateKey, PublicKey, Scalar, Signature,
    };
    let mut cases: Vec<(PublicKey, Fr, Signature)> = Vec::new();
    for k in 1u8..6 {
        let key = PrivateKey([k; 32]);
        let msg = Fr::from(1000 + k as u64);
        let sig = key.sign(msg);
        cases.push((key.public_key(), msg, sig));
        cases.push((key.public_key(), msg + Fr::from(1u8), sig));
        cases.push((key.public_key(), msg, Signature { r8: sig.r8, s: sig.s + Scalar::from(1u8) }));
        let torsion = small_order_points()[k as usize % 8];
        cases.push((key.public_key(), msg, Signature { r8: sig.r8.add(&torsion), s: sig.s }));
        cases.push((PublicKey(torsion), msg, sig));
        cases.push((PublicKey(Point { x: Fr::from(k), y: Fr::from(1u8) }), msg, sig));
        cases.push((key.public_key(), msg, Signature { r8: Point { x: Fr::from(k), y: Fr::from(2u8) }, s: sig.s }));
        // A key with a torsion component signs validly (8·T vanishes).
        let x = Scalar::from(77u64 + k as u64);
        let a = Point::base8().mul_integer(&x.into_bigint().0).add(&torsion);
        let r = Scalar::from(5u8);
        let r8 = Point::base8().mul_integer(&r.into_bigint().0);
        let hm = challenge(&r8, &PublicKey(a), msg);
        let s = r + Scalar::from_le_bytes_mod_order(&hm.into_bigint().to_bytes_le()) * x * Scalar::from(8u8);
        cases.push((PublicKey(a), msg, Signature { r8, s }));
        assert_eq!(base8_times(s), Point::base8().mul_integer(&s.into_bigint().0), "the table");
    }
    for (a, _, _) in &cases {
        assert_eq!(zkrollup_reference::signature::pubkey_hash(a), zkrollup_spec::primitives::keys::pubkey_hash(a));
    }
    let mut accepted = 0;
    for (a, msg, sig) in &cases {
        let expected = spec_verify(a, *msg, sig);
        assert_eq!(verify(a, *msg, sig), expected, "{a:?} {msg} {sig:?}");
        accepted += usize::from(expected);
    }
    assert_eq!(accepted, 10, "five signatures and five under keys with a torsion component");
}

/// The signing message by the reference's Poseidon is the spec's, for every transaction kind.
#[test]
fn signing_messages_are_the_specs() {
    use zkrollup_spec::testkit::*;
    use zkrollup_spec::tx::ChangePubKeyAuth;
    let (u, to) = (user(1), user(2).address);
    let txs = [
        transfer(&u, 1, to, 0, 5_000, 20, 3),
        withdraw(&u, 1, to, 2, 7_000, 10, 4),
        change_pubkey(&u, 1, 0, 30, 5, ChangePubKeyAuth::Onchain),
        forced_exit(&u, 1, to, 1, 15, 6),
    ];
    for tx in &txs {
        assert_eq!(zkrollup_reference::signature::signing_message(tx), tx.signing_message(), "{}", tx.name());
    }
}
