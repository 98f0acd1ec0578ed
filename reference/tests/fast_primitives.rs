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
