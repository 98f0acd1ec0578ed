//! Poseidon (circomlib parameters) restructured for speed: the same permutation as
//! light-poseidon, which the spec uses, with the partial rounds in the sparse form of the
//! Poseidon paper (appendix B).
//!
//! Hand-written because hashing dominates the operator's time (a t=5 hash is 68 dense 5×5
//! matrix products, ~40 µs here) and no maintained crate offers the sparse form with circomlib's
//! constants. It is derived at start-up from light-poseidon's constants and checked against it
//! by a property test, so it cannot silently diverge. Two exact rewrites:
//!
//! 1. **Constants forward.** A partial round's S-box touches only `x0`, so the constants it
//!    adds to `x1..` commute with it and are pushed, through the matrix, into the next round:
//!    each partial round then adds one scalar.
//! 2. **Matrices backward.** With `M = [[a, bᵀ], [c, Â]]`, `M = M''·M'` where
//!    `M' = diag(1, Â)` and `M'' = [[a, bᵀÂ⁻¹], [c, I]]`. `M'` leaves `x0` alone, so it commutes
//!    with the partial S-box and moves into the previous round's matrix; the partial round keeps
//!    the sparse `M''` (2t - 1 multiplications instead of t²).

use std::sync::OnceLock;

use ark_ff::{Field, Zero};
use light_poseidon::parameters::bn254_x5::get_poseidon_parameters;
use zkrollup_spec::primitives::Fr;

type Matrix = Vec<Vec<Fr>>;

/// A partial round: `x0 += c; x0 = x0^5; x = M''·x` with `M''` given by its first row
/// `row` and first column below the diagonal `col`.
struct Partial {
    c: Fr,
    row: Vec<Fr>,
    col: Vec<Fr>,
}

/// The permutation for one width.
pub struct SparsePoseidon {
    t: usize,
    /// Constants of the full rounds (first half then second half).
    full_constants: Vec<Vec<Fr>>,
    /// Matrices of the full rounds (all `M` but the last of the first half).
    full_matrices: Vec<Matrix>,
    partial: Vec<Partial>,
}

fn mat_vec(m: &Matrix, v: &[Fr]) -> Vec<Fr> {
    m.iter().map(|row| row.iter().zip(v).map(|(a, b)| *a * b).sum()).collect()
}

fn mat_mul(a: &Matrix, b: &Matrix) -> Matrix {
    let n = a.len();
    (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| a[i][k] * b[k][j]).sum()).collect()).collect()
}

/// Gauss-Jordan inverse (the submatrices of an MDS matrix are invertible).
fn inverse(m: &Matrix) -> Matrix {
    let n = m.len();
    let mut a: Matrix = m
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = r.clone();
            row.extend((0..n).map(|j| if i == j { Fr::from(1u8) } else { Fr::zero() }));
            row
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !a[r][col].is_zero()).expect("MDS submatrices are invertible");
        a.swap(col, pivot);
        let inv = a[col][col].inverse().expect("non-zero pivot");
        a[col].iter_mut().for_each(|x| *x *= inv);
        for r in 0..n {
            if r != col && !a[r][col].is_zero() {
                let f = a[r][col];
                let pivot_row = a[col].clone();
                a[r].iter_mut().zip(&pivot_row).for_each(|(x, p)| *x -= f * p);
            }
        }
    }
    a.into_iter().map(|r| r[n..].to_vec()).collect()
}

impl SparsePoseidon {
    /// Derives the sparse form from light-poseidon's constants for width `t`.
    pub fn new(t: usize) -> Self {
        let p = get_poseidon_parameters::<Fr>(t as u8).expect("circomlib widths");
        let (half, parts) = (p.full_rounds / 2, p.partial_rounds);
        let m: Matrix = p.mds.clone();
        let mut c: Vec<Vec<Fr>> = (0..p.full_rounds + parts).map(|r| p.ark[r * t..(r + 1) * t].to_vec()).collect();
        // 1. Constants forward through the partial rounds.
        for j in half..half + parts {
            let mut rest = c[j].clone();
            rest[0] = Fr::zero();
            let pushed = mat_vec(&m, &rest);
            c[j][1..].iter_mut().for_each(|x| *x = Fr::zero());
            c[j + 1].iter_mut().zip(pushed).for_each(|(x, y)| *x += y);
        }
        // 2. Matrices backward: the last partial round first.
        let mut carried = m.clone(); // the matrix of the round being split
        let mut partial_rev = Vec::with_capacity(parts);
        for j in (half..half + parts).rev() {
            let hat: Matrix = carried[1..].iter().map(|r| r[1..].to_vec()).collect();
            let hat_inv = inverse(&hat);
            let b: Vec<Fr> = carried[0][1..].to_vec();
            // bᵀ·Â⁻¹
            let w: Vec<Fr> = (0..t - 1).map(|k| (0..t - 1).map(|i| b[i] * hat_inv[i][k]).sum()).collect();
            let mut row = vec![carried[0][0]];
            row.extend(w);
            let col: Vec<Fr> = carried[1..].iter().map(|r| r[0]).collect();
            partial_rev.push(Partial { c: c[j][0], row, col });
            // M' = diag(1, Â) moves into the previous round's matrix: carried = M'·M.
            let mut m_prime: Matrix = vec![vec![Fr::zero(); t]; t];
            m_prime[0][0] = Fr::from(1u8);
            for i in 1..t {
                for k in 1..t {
                    m_prime[i][k] = hat[i - 1][k - 1];
                }
            }
            carried = mat_mul(&m_prime, &m);
        }
        partial_rev.reverse();
        let full_rounds: Vec<usize> = (0..half).chain(half + parts..p.full_rounds + parts).collect();
        let full_constants = full_rounds.iter().map(|&r| c[r].clone()).collect();
        let full_matrices =
            (0..p.full_rounds).map(|k| if k == half - 1 { carried.clone() } else { m.clone() }).collect();
        SparsePoseidon { t, full_constants, full_matrices, partial: partial_rev }
    }

    fn sbox(x: Fr) -> Fr {
        let x2 = x.square();
        x2.square() * x
    }

    fn full_round(&self, k: usize, s: &mut [Fr]) {
        for (x, c) in s.iter_mut().zip(&self.full_constants[k]) {
            *x = Self::sbox(*x + c);
        }
        let m = &self.full_matrices[k];
        let mut out = [Fr::zero(); 13];
        for (o, row) in out.iter_mut().zip(m) {
            *o = row.iter().zip(s.iter()).map(|(a, b)| *a * b).sum();
        }
        s.copy_from_slice(&out[..self.t]);
    }

    /// `Poseidon(inputs)`; `inputs.len()` must be `t - 1`.
    pub fn hash(&self, inputs: &[Fr]) -> Fr {
        assert_eq!(inputs.len() + 1, self.t, "input count");
        let t = self.t;
        let mut s = [Fr::zero(); 13];
        s[1..t].copy_from_slice(inputs);
        let s = &mut s[..t];
        let half = self.full_constants.len() / 2;
        for k in 0..half {
            self.full_round(k, s);
        }
        for p in &self.partial {
            let x0 = Self::sbox(s[0] + p.c);
            let first = p.row[0] * x0 + s[1..].iter().zip(&p.row[1..]).map(|(x, r)| *r * x).sum::<Fr>();
            for (x, c) in s[1..].iter_mut().zip(&p.col) {
                *x += *c * x0;
            }
            s[0] = first;
        }
        for k in half..2 * half {
            self.full_round(k, s);
        }
        s[0]
    }
}

/// What the sparse schedule needs of a state element, so that the same schedule runs natively
/// ([`SparsePoseidon::hash`]) and over circuit variables (the circuits crate's Poseidon gadget,
/// where it keeps linear layers cheap to synthesise).
pub trait Lane: Clone {
    type Error;
    fn add_constant(&mut self, c: Fr);
    fn sbox(&self) -> Result<Self, Self::Error>;
    /// `Σ coefficient · lane`.
    fn combine(terms: &[(Fr, &Self)]) -> Self;
    /// `self += c · x`.
    fn add_scaled(&mut self, c: Fr, x: &Self);
}

impl SparsePoseidon {
    /// `Poseidon(inputs)` over any [`Lane`]; `zero` is the lane of the constant 0 (the capacity).
    pub fn hash_lanes<L: Lane>(&self, zero: L, inputs: &[L]) -> Result<L, L::Error> {
        assert_eq!(inputs.len() + 1, self.t, "input count");
        let mut s: Vec<L> = std::iter::once(zero).chain(inputs.iter().cloned()).collect();
        let half = self.full_constants.len() / 2;
        let full = |k: usize, s: &mut Vec<L>| -> Result<(), L::Error> {
            for (x, c) in s.iter_mut().zip(&self.full_constants[k]) {
                x.add_constant(*c);
                *x = x.sbox()?;
            }
            let out: Vec<L> = self.full_matrices[k]
                .iter()
                .map(|row| L::combine(&row.iter().copied().zip(s.iter()).collect::<Vec<_>>()))
                .collect();
            *s = out;
            Ok(())
        };
        for k in 0..half {
            full(k, &mut s)?;
        }
        for p in &self.partial {
            s[0].add_constant(p.c);
            let x0 = s[0].sbox()?;
            let mut terms = vec![(p.row[0], &x0)];
            terms.extend(p.row[1..].iter().copied().zip(s[1..].iter()));
            let first = L::combine(&terms);
            for (x, c) in s[1..].iter_mut().zip(&p.col) {
                x.add_scaled(*c, &x0);
            }
            s[0] = first;
        }
        for k in half..2 * half {
            full(k, &mut s)?;
        }
        Ok(s.swap_remove(0))
    }
}

/// The sparse permutation for width `t` (3 to 13), built once.
pub fn sparse(t: usize) -> &'static SparsePoseidon {
    static ALL: OnceLock<Vec<SparsePoseidon>> = OnceLock::new();
    &ALL.get_or_init(|| (2..=13).map(SparsePoseidon::new).collect())[t - 2]
}

/// `Poseidon(inputs)`, as the spec's `poseidon`, faster.
pub fn poseidon(inputs: &[Fr]) -> Fr {
    sparse(inputs.len() + 1).hash(inputs)
}

/// A tree node: `Poseidon(c0, c1, c2, c3)`.
pub fn hash_node(children: &[Fr; 4]) -> Fr {
    poseidon(children)
}
