//! The Groth16 verifier contract: verifying keys and proofs in the layout it takes.

use alloy_primitives::U256;
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};
use zkrollup_circuits::groth16::{Groth16Proof, Vk};
use zkrollup_spec::primitives::Fr;

fn word(x: &Fq) -> U256 {
    U256::from_be_slice(&x.into_bigint().to_bytes_be())
}

fn g1(p: &G1Affine) -> [U256; 2] {
    [word(&p.x), word(&p.y)]
}

/// The EVM's G2 order: (x.c1, x.c0, y.c1, y.c0); arkworks keeps (c0, c1).
fn g2(p: &G2Affine) -> [U256; 4] {
    let f = |c: &Fq2| [word(&c.c1), word(&c.c0)];
    let [x1, x0] = f(&p.x);
    let [y1, y0] = f(&p.y);
    [x1, x0, y1, y0]
}

/// The constructor's `uint256[18]`: alpha, beta, gamma, delta, IC0, IC1.
pub fn vk_words(vk: &Vk) -> Result<[U256; 18], String> {
    if vk.gamma_abc_g1.len() != 2 {
        return Err(format!("the verifier takes one public input; this key has {}", vk.gamma_abc_g1.len() - 1));
    }
    let mut w = Vec::with_capacity(18);
    w.extend(g1(&vk.alpha_g1));
    w.extend(g2(&vk.beta_g2));
    w.extend(g2(&vk.gamma_g2));
    w.extend(g2(&vk.delta_g2));
    w.extend(g1(&vk.gamma_abc_g1[0]));
    w.extend(g1(&vk.gamma_abc_g1[1]));
    Ok(w.try_into().expect("18 words"))
}

/// ABI encoding of the constructor argument (a static array: 18 words).
pub fn constructor_args(vk: &Vk) -> Result<Vec<u8>, String> {
    Ok(vk_words(vk)?.iter().flat_map(|w| w.to_be_bytes::<32>()).collect())
}

/// `proof` as the `uint256[8]` the contract takes: A, B, C.
pub fn proof_words(proof: &Groth16Proof) -> [U256; 8] {
    let mut w = Vec::with_capacity(8);
    w.extend(g1(&proof.a));
    w.extend(g2(&proof.b));
    w.extend(g1(&proof.c));
    w.try_into().expect("8 words")
}

/// `proof` as the 256 bytes an L1 call carries (the eight words, big-endian).
pub fn proof_bytes(proof: &Groth16Proof) -> Vec<u8> {
    proof_words(proof).iter().flat_map(|w| w.to_be_bytes::<32>()).collect()
}

pub fn fr_word(x: &Fr) -> U256 {
    U256::from_be_slice(&x.into_bigint().to_bytes_be())
}

/// The inverse of [`proof_words`]: `None` if a coordinate is not a field element or a point is
/// off its curve (such a proof verifies nowhere).
pub fn proof_from_words(w: &[U256; 8]) -> Option<Groth16Proof> {
    let fq = |x: &U256| {
        let bytes = x.to_be_bytes::<32>();
        let v = Fq::from_be_bytes_mod_order(&bytes);
        (U256::from_be_slice(&v.into_bigint().to_bytes_be()) == *x).then_some(v)
    };
    let a = G1Affine::new_unchecked(fq(&w[0])?, fq(&w[1])?);
    let b = G2Affine::new_unchecked(Fq2::new(fq(&w[3])?, fq(&w[2])?), Fq2::new(fq(&w[5])?, fq(&w[4])?));
    let c = G1Affine::new_unchecked(fq(&w[6])?, fq(&w[7])?);
    let on_curve = a.is_on_curve() && b.is_on_curve() && c.is_on_curve();
    (on_curve && b.is_in_correct_subgroup_assuming_on_curve()).then_some(Groth16Proof { a, b, c })
}
