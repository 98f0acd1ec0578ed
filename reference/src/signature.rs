//! EdDSA-Poseidon verification as the spec's `eddsa::verify` decides it, faster: the spec
//! converts every intermediate point to affine coordinates (an inversion each), computes `8·A`
//! twice and multiplies by double-and-add; here `B8·S` reads a precomputed table of `B8`'s
//! windowed multiples (arkworks' `BatchMulPreprocessing`), `(8·A)·hm` is a 4-bit wNAF
//! (arkworks' `WnafContext`), the points stay projective and are compared projectively, and the
//! challenge is the reference's sparse Poseidon.
//! `tests/signature.rs` holds it to the spec's verdict on valid, torsion, small-order, off-curve
//! and non-canonical inputs.

use std::sync::OnceLock;

use ark_ec::scalar_mul::wnaf::WnafContext;
use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::AdditiveGroup;
use ark_ed_on_bn254::EdwardsProjective;
use ark_ff::{BigInteger, PrimeField, Zero};
use zkrollup_spec::primitives::eddsa::{Point, PublicKey, Scalar, Signature};
use zkrollup_spec::primitives::field::{fr_from_be_bytes, fr_to_be_bytes};
use zkrollup_spec::primitives::{Fr, PubKeyHash};
use zkrollup_spec::tx::Tx;

use crate::poseidon::poseidon;

/// Multiples of `B8` by windows, for scalars below `l` (251 bits).
fn base8_table() -> &'static BatchMulPreprocessing<EdwardsProjective> {
    static T: OnceLock<BatchMulPreprocessing<EdwardsProjective>> = OnceLock::new();
    // The window arkworks picks for 2^16 scalars (11 bits): 23 windows of 2,048 points, 2.9 MiB.
    T.get_or_init(|| BatchMulPreprocessing::new(Point::base8().to_ark(), 1 << 16))
}

/// Whether `sig` signs `msg` under `a`: the spec's `eddsa::verify`.
pub fn verify(a: &PublicKey, msg: Fr, sig: &Signature) -> bool {
    if !sig.r8.is_on_curve() || !a.0.is_on_curve() {
        return false;
    }
    let a8 = a.0.to_ark().double().double().double();
    if a8.is_zero() {
        return false; // a small-order key
    }
    let hm = poseidon(&[sig.r8.x, sig.r8.y, a.0.x, a.0.y, msg]);
    // `8·A` has order `l`, so `hm` may be reduced modulo `l`.
    let hm = Scalar::from_le_bytes_mod_order(&hm.into_bigint().to_bytes_le());
    let left: EdwardsProjective = base8_table().batch_mul(&[sig.s])[0].into();
    let right = sig.r8.to_ark() + WnafContext::new(4).mul(a8, &hm);
    left == right
}

/// `tx`'s signing message (the spec's `Tx::signing_message`) by the reference's Poseidon.
pub fn signing_message(tx: &Tx) -> Fr {
    poseidon(&tx.body_segments().map(|e| fr_from_be_bytes(&e)))
}

/// The pubkey hash of `pk` (the spec's `keys::pubkey_hash`): the low 20 bytes of
/// `Poseidon(A.x, A.y)`, by the reference's Poseidon.
pub fn pubkey_hash(pk: &PublicKey) -> PubKeyHash {
    let h = fr_to_be_bytes(&poseidon(&[pk.0.x, pk.0.y]));
    PubKeyHash(h[12..].try_into().expect("20 bytes"))
}

/// `B8·s` from the table, in circomlib's coordinates (for tests).
pub fn base8_times(s: Scalar) -> Point {
    Point::from_ark(base8_table().batch_mul(&[s])[0].into())
}
