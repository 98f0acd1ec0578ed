//! Arity-4 Merkle paths: roots against the spec's tree at every position, and the cost of a level.

use crate::support::{alloc, count, Mode, MODES};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::GR1CSVar;
use zkrollup_circuits::gadgets::merkle::*;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::state::SparseMerkleTree;

fn bits(cs: &ark_relations::gr1cs::ConstraintSystemRef<Fr>, index: u64, n: usize) -> Vec<Boolean<Fr>> {
    (0..n).map(|i| Boolean::new_witness(cs.clone(), || Ok((index >> i) & 1 == 1)).unwrap()).collect()
}

#[test]
fn roots_agree_with_the_spec_tree_at_every_position() {
    let mut tree = SparseMerkleTree::new(3, Fr::from(0u8));
    for i in [0u64, 5, 17, 42, 63] {
        tree.set(i, Fr::from(i * 3 + 1));
    }
    let root = tree.root();
    for index in [0u64, 1, 2, 3, 5, 17, 42, 62, 63] {
        let proof = tree.proof(index);
        let leaf = tree.get(index);
        let new_leaf = leaf + Fr::from(99u8);
        let mut after = tree.clone();
        after.set(index, new_leaf);
        for mode in MODES {
            let (cs, v) = alloc(mode, &[leaf, new_leaf]);
            let sib_vals: Vec<Fr> = proof.siblings.iter().flatten().copied().collect();
            let (_, sib) = crate::support::alloc_in(&cs, mode, &sib_vals);
            let siblings: Vec<SiblingsVar> =
                sib.chunks(3).map(|c| [c[0].clone(), c[1].clone(), c[2].clone()]).collect();
            let b = bits(&cs, index, 6);
            let roots = roots_from(&[&v[0], &v[1]], &b, &siblings).unwrap();
            assert_eq!(roots[0].value().unwrap(), root, "index {index} {mode:?}");
            assert_eq!(roots[1].value().unwrap(), after.root(), "index {index} {mode:?}");
            assert!(zkrollup_circuits::satisfaction::is_satisfied(&cs).unwrap());
        }
    }
}

#[test]
fn a_level_of_verify_and_update_costs_608() {
    let c = |levels: usize| {
        count(|cs| {
            let (_, v) = crate::support::alloc_in(&cs, Mode::Witness, &[Fr::from(1u8), Fr::from(2u8)]);
            let sib: Vec<SiblingsVar> = (0..levels)
                .map(|_| {
                    let (_, s) = crate::support::alloc_in(&cs, Mode::Witness, &[Fr::from(3u8); 3]);
                    [s[0].clone(), s[1].clone(), s[2].clone()]
                })
                .collect();
            let b = bits(&cs, 0, 2 * levels);
            roots_from(&[&v[0], &v[1]], &b, &sib).map(|_| ())
        })
    };
    // Two boolean constraints per level come from allocating the index bits.
    assert_eq!(c(2) - c(1), 608 + 2);
}
