//! SHA-256 (FIPS 180-4) in-circuit: 26,928 constraints a 64-byte compression of witness bytes.
//!
//! Written here on ark-r1cs-std's bits and 32-bit words rather than taken from
//! ark-crypto-primitives' `Sha256Gadget` (41,392 a compression), because the commitment is a third
//! of a small block's constraints and that gadget spends 14,464 more than the function needs:
//! - Ch(e, f, g) is a selection, `e ? f : g`: one constraint a bit (two ANDs and a XOR there);
//! - Maj(a, b, c) is `a ⊕ b ? c : a`: two a bit (three ANDs and two XORs there);
//! - a round reduces two sums to bits, not four: the new `e` is `d + T1` and the new `a` is
//!   `T1 + T2`, each one sum of at most seven words (< 2³⁵, far below the field's modulus),
//!   decomposed once into 35 bits of which the low 32 are the word.
//!
//! Rotations and shifts are free (they rename bits); XORs are ark-r1cs-std's (one constraint
//! each, none with a constant). The tests check the digest against the `sha2` crate at every
//! padding boundary, and the block circuit's every-variable test checks that no intermediate
//! bit can change alone.

use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::select::CondSelectGadget;
use ark_r1cs_std::uint32::UInt32;
use ark_r1cs_std::uint8::UInt8;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

/// The round constants (FIPS 180-4 §4.2.2).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// The initial hash value (FIPS 180-4 §5.3.3).
const H0: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// `sha256(bytes)`, 32 bytes. The length is the circuit's shape, so the padding is constants.
pub fn sha256(bytes: &[UInt8<Fr>]) -> Result<Vec<UInt8<Fr>>, SynthesisError> {
    let mut padded = bytes.to_vec();
    padded.push(UInt8::constant(0x80));
    let zeros = (64 + 56 - padded.len() % 64) % 64; // to 8 bytes short of a block
    padded.extend(std::iter::repeat_n(UInt8::constant(0), zeros));
    padded.extend(UInt8::constant_vec(&(8 * bytes.len() as u64).to_be_bytes()));
    debug_assert_eq!(padded.len() % 64, 0);
    let mut state = H0.map(UInt32::constant);
    for block in padded.chunks(64) {
        state = compress(&state, block)?;
    }
    let mut digest = Vec::with_capacity(32);
    for word in &state {
        digest.extend(word.to_bytes_be()?);
    }
    Ok(digest)
}

/// One compression of a 64-byte block into `state`.
fn compress(state: &[UInt32<Fr>; 8], block: &[UInt8<Fr>]) -> Result<[UInt32<Fr>; 8], SynthesisError> {
    let mut w = block.chunks(4).map(UInt32::from_bytes_be).collect::<Result<Vec<_>, _>>()?;
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (&w[t - 15] >> 3u8);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (&w[t - 2] >> 10u8);
        let next = UInt32::wrapping_add_many(&[w[t - 16].clone(), s0, w[t - 7].clone(), s1])?;
        w.push(next);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state.clone();
    for t in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = bitwise(&e, &f, &g, Boolean::conditionally_select)?;
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = bitwise(&a, &b, &c, |a, b, c| Boolean::conditionally_select(&(a ^ b), c, a))?;
        let t1 = [h, s1, ch, UInt32::constant(K[t]), w[t].clone()];
        let new_e = UInt32::wrapping_add_many(&[&[d][..], &t1].concat())?;
        let new_a = UInt32::wrapping_add_many(&[&t1[..], &[s0, maj]].concat())?;
        (h, g, f, e, d, c, b, a) = (g, f, e, new_e, c, b, a, new_a);
    }
    let mut out = state.clone();
    for (word, add) in out.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *word = UInt32::wrapping_add_many(&[word.clone(), add])?;
    }
    Ok(out)
}

/// The word whose bit `i` is `op(x[i], y[i], z[i])`.
fn bitwise(
    x: &UInt32<Fr>,
    y: &UInt32<Fr>,
    z: &UInt32<Fr>,
    op: impl Fn(&Boolean<Fr>, &Boolean<Fr>, &Boolean<Fr>) -> Result<Boolean<Fr>, SynthesisError>,
) -> Result<UInt32<Fr>, SynthesisError> {
    let bits = (0..32).map(|i| op(&x.bits[i], &y.bits[i], &z.bits[i])).collect::<Result<Vec<_>, _>>()?;
    Ok(UInt32::from_bits_le(&bits))
}
