//! Arity-4 Merkle paths: verify a leaf against a root, and recompute the root after the leaf
//! changes, with the same siblings and index.
//!
//! At each level the node's position `p ∈ {0,1,2,3}` is two index bits `(b0, b1)`. The four
//! children are the three siblings with the node inserted at `p`, selected with the indicators
//! `e0 = [p=0] = (1-b0)(1-b1)` and `e3 = [p=3] = b0·b1` (one constraint each; `e1 = b0 - e3`,
//! `e2 = b1 - e3` are free), then six constraints per path:
//!
//! ```text
//! c0 = s0 + e0·(n - s0)
//! c1 = s1 + e0·(s0 - s1) + e1·(n - s1)
//! c2 = s2 + (1 - b1)·(s1 - s2) + e2·(n - s2)
//! c3 = s2 + e3·(n - s2)
//! ```
//!
//! A level of a verify-and-update costs 2 + 2·6 + 2·297 = 608 constraints.

use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::poseidon::poseidon_var;

/// The witness of one level: the three siblings, in child order.
pub type SiblingsVar = [FpVar<Fr>; 3];

/// Position indicators of one level, shared by every path through it.
struct Level {
    b1: FpVar<Fr>,
    e0: FpVar<Fr>,
    e1: FpVar<Fr>,
    e2: FpVar<Fr>,
    e3: FpVar<Fr>,
}

impl Level {
    fn new(b0: &Boolean<Fr>, b1: &Boolean<Fr>) -> Result<Level, SynthesisError> {
        let (b0, b1): (FpVar<Fr>, FpVar<Fr>) = (b0.clone().into(), b1.clone().into());
        let one = FpVar::one();
        let e0 = (&one - &b0) * (&one - &b1);
        let e3 = &b0 * &b1;
        Ok(Level { e1: &b0 - &e3, e2: &b1 - &e3, b1, e0, e3 })
    }

    fn children(&self, n: &FpVar<Fr>, s: &SiblingsVar) -> [FpVar<Fr>; 4] {
        let one = FpVar::one();
        [
            &s[0] + &self.e0 * (n - &s[0]),
            &s[1] + &self.e0 * (&s[0] - &s[1]) + &self.e1 * (n - &s[1]),
            &s[2] + (&one - &self.b1) * (&s[1] - &s[2]) + &self.e2 * (n - &s[2]),
            &s[2] + &self.e3 * (n - &s[2]),
        ]
    }
}

/// The roots implied by each of `leaves` at the index whose little-endian bits are
/// `index_bits` (two per level), under `siblings` (leaf level first).
pub fn roots_from(
    leaves: &[&FpVar<Fr>],
    index_bits: &[Boolean<Fr>],
    siblings: &[SiblingsVar],
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    assert_eq!(index_bits.len(), 2 * siblings.len(), "two index bits per level");
    let mut nodes: Vec<FpVar<Fr>> = leaves.iter().map(|l| (*l).clone()).collect();
    for (h, s) in siblings.iter().enumerate() {
        let level = Level::new(&index_bits[2 * h], &index_bits[2 * h + 1])?;
        for n in nodes.iter_mut() {
            *n = poseidon_var(&level.children(n, s))?;
        }
    }
    Ok(nodes)
}
