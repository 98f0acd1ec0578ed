//! EdDSA-Poseidon on BabyJubjub, exactly as circomlib (`eddsa.signPoseidon`,
//! `eddsa.verifyPoseidon`, and the `EdDSAPoseidonVerifier` template).
//!
//! Points are written in circomlib's coordinates, on `168700·x² + y² = 1 + 168696·x²·y²`. The
//! arithmetic is arkworks' (`ark-ed-on-bn254`), whose curve is the isomorphic
//! `u² + y² = 1 + (168696/168700)·u²·y²` with `u = √168700 · x`; we convert at the boundary
//! instead of hand-writing curve arithmetic.
//!
//! - private key: 32 bytes; `h = BLAKE-512(key)`; the scalar `s` is `h[0..32]` pruned (clear the
//!   low 3 bits, clear bit 255, set bit 254), read little-endian; the public key is `A = B8·(s>>3)`.
//! - sign(msg ∈ Fr): `r = BLAKE-512(h[32..64] ‖ msg as 32 LE bytes) mod l`, `R8 = B8·r`,
//!   `hm = Poseidon(R8.x, R8.y, A.x, A.y, msg)`, `S = (r + hm·s) mod l`.
//! - verify: `R8` and `A` on the curve, `A` not of small order (`8·A` is not the identity),
//!   `S < l`, and `B8·S = R8 + A·(8·hm)` (integer scalars).
//!
//! **Small-order keys.** The curve has 8 points of small order (`8·P` = identity: the identity,
//! one of order 2, two of order 4, four of order 8). Under such a key `A`, `A·(8·hm)` is the
//! identity whatever the message, so any `(R8 = B8·S, S)` verifies and nobody needs the
//! private key. circomlib's `EdDSAPoseidonVerifier` refuses them (it checks that the x of `8·A`
//! is not zero); so do we, where circomlibjs' `verifyPoseidon` does not.

use std::sync::OnceLock;

use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ed_on_bn254::{EdwardsAffine, EdwardsProjective, Fr as SubgroupScalar};
use ark_ff::{BigInteger, BigInteger256, Field, PrimeField, Zero};
use blake_hash::Digest;

use super::field::{fr_from_decimal, fr_to_be_bytes};
use super::poseidon::poseidon;
use super::Fr;

/// Scalars modulo the prime subgroup order `l` (2736030358979909402780800718157159386076813972158567259200215660948447373041).
pub type Scalar = SubgroupScalar;

/// A point in circomlib's coordinates. Not necessarily on the curve: decoders and
/// [`Point::is_on_curve`] decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Point {
    /// The x coordinate (circomlib's).
    pub x: Fr,
    /// The y coordinate.
    pub y: Fr,
}

fn curve_consts() -> &'static (Fr, Fr, Fr, Point) {
    static C: OnceLock<(Fr, Fr, Fr, Point)> = OnceLock::new();
    C.get_or_init(|| {
        let a = Fr::from(168700u64);
        let d = Fr::from(168696u64);
        let sqrt_a = a.sqrt().expect("168700 is a square in Fr");
        let base8 = Point {
            x: fr_from_decimal("5299619240641551281634865583518297030282874472190772894086521144482721001553").unwrap(),
            y: fr_from_decimal("16950150798460657717958625567821834550301663161624707787222815936182638968203")
                .unwrap(),
        };
        (a, d, sqrt_a, base8)
    })
}

impl Point {
    /// The identity (0, 1).
    pub fn identity() -> Point {
        Point { x: Fr::zero(), y: Fr::from(1u8) }
    }

    /// circomlib's `Base8`, the generator of the prime-order subgroup used for keys and `R8`.
    pub fn base8() -> Point {
        curve_consts().3
    }

    /// Whether the point satisfies circomlib's curve equation.
    pub fn is_on_curve(&self) -> bool {
        let (a, d, _, _) = curve_consts();
        let (x2, y2) = (self.x.square(), self.y.square());
        *a * x2 + y2 == Fr::from(1u8) + *d * x2 * y2
    }

    /// The point on arkworks' curve (`u = √168700·x`), unchecked.
    pub fn to_ark(self) -> EdwardsProjective {
        let u = self.x * curve_consts().2;
        EdwardsAffine::new_unchecked(u, self.y).into_group()
    }

    /// The point of arkworks' curve in circomlib's coordinates.
    pub fn from_ark(p: EdwardsProjective) -> Point {
        let p = p.into_affine();
        if p.is_zero() {
            return Point::identity();
        }
        let inv = curve_consts().2.inverse().expect("non-zero");
        Point { x: p.x * inv, y: p.y }
    }

    /// `self + other` (complete twisted Edwards addition).
    pub fn add(&self, other: &Point) -> Point {
        Point::from_ark(self.to_ark() + other.to_ark())
    }

    /// Whether `8·self` is the identity: the point is one of [`small_order_points`].
    pub fn has_small_order(&self) -> bool {
        self.mul_integer(&[8]) == Point::identity()
    }

    /// `self · k` for a non-negative integer `k` given as little-endian 64-bit limbs, as
    /// circomlib's `mulPointEscalar` (no reduction: the point need not be in the subgroup).
    pub fn mul_integer(&self, k: &[u64]) -> Point {
        Point::from_ark(self.to_ark().mul_bigint(k))
    }
}

/// A public key `A`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey(pub Point);

/// A signature `(R8, S)`; `S` is reduced modulo `l` by construction (decoders reject `S ≥ l`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The point `R8 = B8·r`.
    pub r8: Point,
    /// The scalar `S = (r + hm·s) mod l`.
    pub s: Scalar,
}

/// A 32-byte private key (circomlib's format). Its bytes are secret; Debug does not print them.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey(pub [u8; 32]);

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

fn blake512(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = blake_hash::Blake512::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

impl PrivateKey {
    /// `h = BLAKE-512(key)` with the first half pruned, and `s` read little-endian from it.
    fn expand(&self) -> ([u8; 64], BigInteger256) {
        let mut h = blake512(&[&self.0]);
        h[0] &= 0xf8;
        h[31] &= 0x7f;
        h[31] |= 0x40;
        let mut s = BigInteger256::zero();
        for (i, limb) in s.0.iter_mut().enumerate() {
            *limb = u64::from_le_bytes(h[8 * i..8 * i + 8].try_into().unwrap());
        }
        (h, s)
    }

    /// The public key `A = B8·(s >> 3)`, `s` the pruned scalar.
    pub fn public_key(&self) -> PublicKey {
        let (_, s) = self.expand();
        let s = s >> 3;
        PublicKey(Point::base8().mul_integer(&s.0))
    }

    /// circomlib's `signPoseidon(key, msg)`.
    pub fn sign(&self, msg: Fr) -> Signature {
        let (h, s) = self.expand();
        let a = self.public_key();
        let mut msg_le = fr_to_be_bytes(&msg);
        msg_le.reverse();
        let r = Scalar::from_le_bytes_mod_order(&blake512(&[&h[32..], &msg_le]));
        let r8 = Point::base8().mul_integer(&r.into_bigint().0);
        let hm = challenge(&r8, &a, msg);
        let s_mod_l = Scalar::from_le_bytes_mod_order(&s.to_bytes_le());
        let hm_mod_l = Scalar::from_le_bytes_mod_order(&hm.into_bigint().to_bytes_le());
        Signature { r8, s: r + hm_mod_l * s_mod_l }
    }
}

/// `hm = Poseidon(R8.x, R8.y, A.x, A.y, msg)`.
pub fn challenge(r8: &Point, a: &PublicKey, msg: Fr) -> Fr {
    poseidon(&[r8.x, r8.y, a.0.x, a.0.y, msg])
}

/// circomlib's `verifyPoseidon(msg, sig, A)`.
pub fn verify(a: &PublicKey, msg: Fr, sig: &Signature) -> bool {
    if !sig.r8.is_on_curve() || !a.0.is_on_curve() || a.0.has_small_order() {
        return false;
    }
    let hm = challenge(&sig.r8, a, msg);
    let left = Point::base8().mul_integer(&sig.s.into_bigint().0);
    // A·(8·hm) = (8·A)·hm, with hm as an integer below the BN254 modulus.
    let a8 = a.0.mul_integer(&[8]);
    let right = sig.r8.add(&a8.mul_integer(&hm.into_bigint().0));
    left == right
}

/// [`verify`] for a signature whose `S` arrives as a 256-bit integer, as decoders and the
/// circuit receive it. `S` at or above the subgroup order `l` never verifies: reduced, it would
/// let anyone turn one valid signature into another (`S + l`).
pub fn verify_unreduced(a: &PublicKey, msg: Fr, r8: &Point, s: &BigInteger256) -> bool {
    Scalar::from_bigint(*s).is_some_and(|s| verify(a, msg, &Signature { r8: *r8, s }))
}

/// The 8 points of small order, `T·k` for `k = 0..8` with `T` a point of order 8 (the first
/// found as `l·P` for `P` the curve point of least positive x, which has y² a square, whose
/// `l`-multiple has order 8). `k = 0` is the identity, `k = 4` is `(0, -1)`.
pub fn small_order_points() -> [Point; 8] {
    let (a, d, _, _) = curve_consts();
    let l = Scalar::MODULUS.0;
    let t = (1u64..)
        .find_map(|x| {
            let x = Fr::from(x);
            let y2 = (Fr::from(1u8) - *a * x.square()) * (Fr::from(1u8) - *d * x.square()).inverse()?;
            let p = Point { x, y: y2.sqrt()? };
            let t = p.mul_integer(&l);
            (t.mul_integer(&[4]) != Point::identity()).then_some(t)
        })
        .expect("the curve has points of order 8l");
    core::array::from_fn(|k| t.mul_integer(&[k as u64]))
}

/// `√168700`: multiply circomlib's x by this to get arkworks' u coordinate.
pub fn circom_to_ark_x_factor() -> Fr {
    curve_consts().2
}
