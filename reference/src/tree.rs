//! Arity-4 sparse Merkle trees that keep their internal nodes.
//!
//! Writes only mark leaves dirty; [`Tree4::flush`] rehashes each dirty node once, level by
//! level, hashing the dirty nodes of a level in parallel (they are independent subtrees). An
//! untouched subtree is never rehashed: absent nodes take the precomputed empty value of their
//! height. [`Tree4::set_and_path`] instead updates one leaf at once and returns its path, for
//! witness generation, where every op must see the tree as the previous op left it.

use std::collections::HashMap;

use rayon::prelude::*;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::state::tree::{empty_subtrees, MerkleProof};

use crate::poseidon::hash_node;

/// Below this many dirty nodes in a level, hashing serially beats rayon's overhead.
const PARALLEL_THRESHOLD: usize = 64;

#[derive(Clone, Debug)]
pub struct Tree4 {
    depth: usize,
    empty: Vec<Fr>,
    /// `levels[h]`: the non-empty nodes at height `h` (0 = leaves).
    levels: Vec<HashMap<u64, Fr>>,
    /// Leaves written since the last flush.
    dirty: Vec<u64>,
}

impl Tree4 {
    pub fn new(depth: usize, empty_leaf: Fr) -> Self {
        Tree4 {
            depth,
            empty: empty_subtrees(empty_leaf, depth),
            levels: vec![HashMap::new(); depth + 1],
            dirty: Vec::new(),
        }
    }

    /// An empty tree sharing precomputed empty values (cheap to clone for every account).
    pub fn with_empty(depth: usize, empty: &[Fr]) -> Self {
        Tree4 { depth, empty: empty.to_vec(), levels: vec![HashMap::new(); depth + 1], dirty: Vec::new() }
    }

    fn node(&self, h: usize, i: u64) -> Fr {
        self.levels[h].get(&i).copied().unwrap_or(self.empty[h])
    }

    fn put(&mut self, h: usize, i: u64, v: Fr) {
        if v == self.empty[h] {
            self.levels[h].remove(&i);
        } else {
            self.levels[h].insert(i, v);
        }
    }

    pub fn get(&self, index: u64) -> Fr {
        self.node(0, index)
    }

    /// Writes a leaf; the root is stale until [`Tree4::flush`].
    pub fn set(&mut self, index: u64, value: Fr) {
        self.put(0, index, value);
        self.dirty.push(index);
    }

    /// Rehashes every dirty node once.
    pub fn flush(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let mut dirty = std::mem::take(&mut self.dirty);
        for h in 0..self.depth {
            dirty.iter_mut().for_each(|i| *i >>= 2);
            dirty.sort_unstable();
            dirty.dedup();
            let children = |p: u64| {
                let c = p << 2;
                [self.node(h, c), self.node(h, c + 1), self.node(h, c + 2), self.node(h, c + 3)]
            };
            let hashed: Vec<(u64, Fr)> = if dirty.len() >= PARALLEL_THRESHOLD {
                dirty.par_iter().map(|&p| (p, hash_node(&children(p)))).collect()
            } else {
                dirty.iter().map(|&p| (p, hash_node(&children(p)))).collect()
            };
            for (p, v) in hashed {
                self.put(h + 1, p, v);
            }
        }
    }

    /// The root (flushes first).
    pub fn root(&mut self) -> Fr {
        self.flush();
        self.node(self.depth, 0)
    }

    /// The root, if nothing is dirty.
    pub fn clean_root(&self) -> Option<Fr> {
        self.dirty.is_empty().then(|| self.node(self.depth, 0))
    }

    /// The Merkle proof of `index` (flushes first).
    pub fn proof(&mut self, index: u64) -> MerkleProof {
        self.flush();
        self.siblings(index)
    }

    fn siblings(&self, index: u64) -> MerkleProof {
        let siblings = (0..self.depth)
            .map(|h| {
                let node = index >> (2 * h);
                let first = node & !3;
                let mut sib = [Fr::from(0u8); 3];
                let mut k = 0;
                for j in first..first + 4 {
                    if j != node {
                        sib[k] = self.node(h, j);
                        k += 1;
                    }
                }
                sib
            })
            .collect();
        MerkleProof { siblings }
    }

    /// Sets one leaf and rehashes its path at once; returns the path's siblings (the same
    /// before and after the write). The tree must be clean.
    pub fn set_and_path(&mut self, index: u64, value: Fr) -> MerkleProof {
        self.flush();
        let proof = self.siblings(index);
        self.put(0, index, value);
        let mut node = value;
        for (h, sib) in proof.siblings.iter().enumerate() {
            let pos = ((index >> (2 * h)) & 3) as usize;
            node = hash_node(&zkrollup_spec::state::tree::with_inserted(sib, pos, node));
            self.put(h + 1, index >> (2 * (h + 1)), node);
        }
        proof
    }
}
