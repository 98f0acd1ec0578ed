//! `s·B8` for circomlib's `Base8` and a scalar given as little-endian bits: 3-bit windows
//! looked up from constant tables, 748 constraints for 251 bits where arkworks' 2-bit
//! `precomputed_base_scalar_mul_le` spends 1,002.
//!
//! Window `w` of bits `b₀b₁b₂` selects `d·8^w·B8` for `d = b₀ + 2b₁ + 4b₂` from eight constants:
//! with `b₀b₁` (1 constraint) each coordinate of the four entries under `b₂ = 0` is linear in
//! `1, b₀, b₁, b₀b₁`, likewise under `b₂ = 1`, and choosing between them is 1 constraint a
//! coordinate. The windows are summed with the complete twisted Edwards formula (6 constraints),
//! which is correct for every input, the identity (`d = 0`) included: the scalar is the
//! prover's choice, so no exceptional case may exist for any of them.

use std::sync::OnceLock;

use ark_ec::{AdditiveGroup, CurveGroup};
use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ed_on_bn254::{EdwardsAffine, EdwardsProjective};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::groups::CurveVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::eddsa::Point;
use zkrollup_spec::primitives::Fr;

use super::edwards;

/// Bits a window.
const WINDOW: usize = 3;

/// `d·8^w·B8` for `d < 8`, as arkworks points, for every window `w` a scalar below `2^256` has.
fn tables() -> &'static [[EdwardsAffine; 1 << WINDOW]] {
    static T: OnceLock<Vec<[EdwardsAffine; 1 << WINDOW]>> = OnceLock::new();
    T.get_or_init(|| {
        let mut base = Point::base8().to_ark();
        (0..256usize.div_ceil(WINDOW))
            .map(|_| {
                let mut entries = [EdwardsProjective::ZERO; 1 << WINDOW];
                for d in 1..entries.len() {
                    entries[d] = entries[d - 1] + base;
                }
                base = entries[entries.len() - 1] + base;
                let affine = EdwardsProjective::normalize_batch(&entries);
                core::array::from_fn(|d| affine[d])
            })
            .collect()
    })
}

/// `Σ bits[i]·2^i · B8`, as an arkworks point.
pub fn mul_base8(bits: &[Boolean<Fr>]) -> Result<EdwardsVar, SynthesisError> {
    assert!(bits.len() <= WINDOW * tables().len(), "a scalar of at most 256 bits");
    let mut acc: Option<EdwardsVar> = None;
    for (window, table) in bits.chunks(WINDOW).zip(tables()) {
        let point = lookup(window, table)?;
        acc = Some(match acc {
            None => point,
            Some(acc) => edwards::add(&acc, &point)?,
        });
    }
    Ok(acc.unwrap_or_else(EdwardsVar::zero))
}

/// `table[Σ bits[i]·2^i]` for one to three bits.
fn lookup(bits: &[Boolean<Fr>], table: &[EdwardsAffine; 1 << WINDOW]) -> Result<EdwardsVar, SynthesisError> {
    let b: Vec<FpVar<Fr>> = bits.iter().map(|b| FpVar::from(b.clone())).collect();
    let b01 = if b.len() >= 2 { Some(&b[0] * &b[1]) } else { None };
    // The entry among c[0..4] picked by b0, b1: linear once b0·b1 is known.
    let quarter = |c: [Fr; 4]| -> FpVar<Fr> {
        let mut out = FpVar::Constant(c[0]) + &b[0] * (c[1] - c[0]);
        if let Some(b01) = &b01 {
            out += &b[1] * (c[2] - c[0]) + b01 * (c[3] - c[2] - c[1] + c[0]);
        }
        out
    };
    let coordinate = |of: fn(&EdwardsAffine) -> Fr| -> FpVar<Fr> {
        let c: [Fr; 8] = core::array::from_fn(|d| of(&table[d]));
        let low = quarter([c[0], c[1], c[2], c[3]]);
        match b.get(2) {
            Some(b2) => {
                let high = quarter([c[4], c[5], c[6], c[7]]);
                &low + b2 * &(high - &low)
            }
            None => low,
        }
    };
    Ok(EdwardsVar::new(coordinate(|p| p.x), coordinate(|p| p.y)))
}
