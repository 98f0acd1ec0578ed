//! Sparse Merkle trees of arity 4.
//!
//! A tree of depth `d` has `4^d` leaves, all equal to the tree's *empty leaf* until set. A node is
//! `Poseidon(c0, c1, c2, c3)` of its four children; an untouched subtree of height `h` has the
//! precomputed value `empty[h]`, so a tree with `n` set leaves is computed with `O(n·d)` hashes.
//! Leaf `i`'s path goes through child `(i >> 2k) & 3` at height `k`.
//!
//! This is the specification's tree: a map of set leaves and a root computed from scratch on
//! demand. The reference implementation keeps internal nodes instead; both must agree.

use std::collections::BTreeMap;

use crate::params::TREE_ARITY;
use crate::primitives::{poseidon::poseidon, Fr};

/// Hashes one node from its four children.
pub fn hash_node(children: &[Fr; TREE_ARITY]) -> Fr {
    poseidon(children)
}

/// `empty[h]`: the value of an untouched subtree of height `h`, for `h = 0..=depth`.
pub fn empty_subtrees(empty_leaf: Fr, depth: usize) -> Vec<Fr> {
    let mut out = vec![empty_leaf];
    for h in 0..depth {
        out.push(hash_node(&[out[h]; TREE_ARITY]));
    }
    out
}

/// A Merkle proof: for each height from the leaves up, the three siblings of the path node in
/// child order (the path node's own slot omitted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleProof {
    /// One entry per height, leaves first: the three sibling nodes in child order.
    pub siblings: Vec<[Fr; TREE_ARITY - 1]>,
}

impl MerkleProof {
    /// The root implied by `leaf` at `index` under this proof.
    pub fn root_from(&self, index: u64, leaf: Fr) -> Fr {
        let mut node = leaf;
        for (height, sib) in self.siblings.iter().enumerate() {
            let pos = ((index >> (2 * height)) & 3) as usize;
            node = hash_node(&with_inserted(sib, pos, node));
        }
        node
    }

    /// Whether `leaf` at `index` belongs to a tree with `root`.
    pub fn verify(&self, root: Fr, index: u64, leaf: Fr) -> bool {
        self.root_from(index, leaf) == root
    }
}

/// The four children: the three siblings with `node` inserted at position `pos`.
pub fn with_inserted(siblings: &[Fr; TREE_ARITY - 1], pos: usize, node: Fr) -> [Fr; TREE_ARITY] {
    let mut out = [Fr::from(0u8); TREE_ARITY];
    let mut s = siblings.iter();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = if i == pos { node } else { *s.next().expect("three siblings") };
    }
    out
}

/// A sparse Merkle tree, kept as its set leaves.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
    depth: usize,
    empty: Vec<Fr>,
    leaves: BTreeMap<u64, Fr>,
}

impl SparseMerkleTree {
    /// A tree of `depth` levels whose every leaf is `empty_leaf`.
    pub fn new(depth: usize, empty_leaf: Fr) -> Self {
        SparseMerkleTree { depth, empty: empty_subtrees(empty_leaf, depth), leaves: BTreeMap::new() }
    }

    /// The number of levels.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The number of leaves, `4^depth`.
    pub fn capacity(&self) -> u64 {
        1u64 << (2 * self.depth)
    }

    /// Sets a leaf (index below the capacity: the callers' types guarantee it).
    pub fn set(&mut self, index: u64, value: Fr) {
        assert!(index < self.capacity(), "leaf index {index} outside a depth-{} tree", self.depth);
        if value == self.empty[0] {
            self.leaves.remove(&index);
        } else {
            self.leaves.insert(index, value);
        }
    }

    /// The leaf at `index` (the empty leaf if never set).
    pub fn get(&self, index: u64) -> Fr {
        self.leaves.get(&index).copied().unwrap_or(self.empty[0])
    }

    /// The nodes at each height, from the leaves (height 0) to the root, sparse.
    fn levels(&self) -> Vec<BTreeMap<u64, Fr>> {
        let mut levels = vec![self.leaves.clone()];
        for h in 0..self.depth {
            let mut parents: BTreeMap<u64, [Fr; TREE_ARITY]> = BTreeMap::new();
            for (&i, &v) in &levels[h] {
                parents.entry(i >> 2).or_insert([self.empty[h]; TREE_ARITY])[(i & 3) as usize] = v;
            }
            levels.push(parents.into_iter().map(|(i, c)| (i, hash_node(&c))).collect());
        }
        levels
    }

    /// The root, computed from the set leaves.
    pub fn root(&self) -> Fr {
        self.levels()[self.depth].get(&0).copied().unwrap_or(self.empty[self.depth])
    }

    /// The Merkle proof of the leaf at `index`.
    pub fn proof(&self, index: u64) -> MerkleProof {
        let levels = self.levels();
        let siblings = (0..self.depth)
            .map(|h| {
                let node = index >> (2 * h);
                let first = node & !3;
                let mut sib = [Fr::from(0u8); TREE_ARITY - 1];
                let others = (first..first + 4).filter(|&j| j != node);
                for (slot, j) in sib.iter_mut().zip(others) {
                    *slot = levels[h].get(&j).copied().unwrap_or(self.empty[h]);
                }
                sib
            })
            .collect();
        MerkleProof { siblings }
    }
}
