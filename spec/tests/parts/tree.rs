//! The sparse Merkle tree: roots and proofs.

use zkrollup_spec::primitives::Fr;
use zkrollup_spec::state::tree::*;

#[test]
fn empty_root_is_the_precomputed_value() {
    let t = SparseMerkleTree::new(3, Fr::from(0u8));
    assert_eq!(t.root(), empty_subtrees(Fr::from(0u8), 3)[3]);
}

#[test]
fn root_matches_a_dense_computation() {
    // Dense recomputation over all 4^2 leaves, independent of the sparse grouping.
    let mut t = SparseMerkleTree::new(2, Fr::from(0u8));
    let mut dense = vec![Fr::from(0u8); 16];
    for (i, v) in [(0u64, 5u64), (6, 7), (15, 9)] {
        t.set(i, Fr::from(v));
        dense[i as usize] = Fr::from(v);
    }
    let l1: Vec<Fr> = dense.chunks(4).map(|c| hash_node(&[c[0], c[1], c[2], c[3]])).collect();
    let root = hash_node(&[l1[0], l1[1], l1[2], l1[3]]);
    assert_eq!(t.root(), root);
}

#[test]
fn proofs_verify_and_bind_index_and_leaf() {
    let mut t = SparseMerkleTree::new(4, Fr::from(1u8));
    for i in [3u64, 17, 200, 255] {
        t.set(i, Fr::from(i * 10 + 1));
    }
    let root = t.root();
    for i in [0u64, 3, 17, 18, 200, 255] {
        let p = t.proof(i);
        assert!(p.verify(root, i, t.get(i)));
        assert!(!p.verify(root, i, t.get(i) + Fr::from(1u8)));
    }
    assert!(!t.proof(17).verify(root, 16, t.get(17)));
    // Setting a leaf back to the empty value restores the empty root.
    let mut e = SparseMerkleTree::new(4, Fr::from(1u8));
    e.set(9, Fr::from(5u8));
    e.set(9, Fr::from(1u8));
    assert_eq!(e.root(), SparseMerkleTree::new(4, Fr::from(1u8)).root());
}
