//! Complete twisted Edwards addition and doubling on arkworks' BabyJubjub
//! (`u² + y² = 1 + d'·u²y²`), 6 and 5 constraints as ark-r1cs-std's, whose witness values they
//! compute differently: a zero divisor gives a zero, never a panic or an error.
//!
//! On the curve no divisor is zero (the formulas are complete, `d'` is not a square), but the
//! block circuit is also run on hostile witnesses (`block::check` on refused blocks), where a
//! key or `R8` off the curve reaches these formulas before the constraint that refuses it is
//! evaluated; ark-r1cs-std's addition unwraps the division there and its doubling returns an
//! error, so a verdict would become a crash or a synthesis error.

use ark_ec::twisted_edwards::TECurveConfig;
use ark_ed_on_bn254::constraints::EdwardsVar;
use ark_ed_on_bn254::EdwardsConfig;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::arith::divide;

/// `p + q`: `x₃ = (x₁y₂ + y₁x₂)/(1 + d'·x₁x₂y₁y₂)`, `y₃ = (y₁y₂ − a·x₁x₂)/(1 − d'·x₁x₂y₁y₂)`.
pub fn add(p: &EdwardsVar, q: &EdwardsVar) -> Result<EdwardsVar, SynthesisError> {
    let (a, d) = (EdwardsConfig::COEFF_A, EdwardsConfig::COEFF_D);
    let one = FpVar::constant(Fr::from(1u8));
    // u = (y₁ − a·x₁)(x₂ + y₂), so that u + a·v₀ − v₁ = y₁y₂ − a·x₁x₂ (arkworks' layout).
    let u = (&p.x * -a + &p.y) * (&q.x + &q.y);
    let v0 = &p.x * &q.y;
    let v1 = &q.x * &p.y;
    let v2 = &v0 * &v1 * d;
    let x = divide(&(&v0 + &v1), &(&one + &v2))?;
    let y = divide(&(u + &v0 * a - &v1), &(&one - &v2))?;
    Ok(EdwardsVar::new(x, y))
}

/// `2·p`: `x₃ = 2xy/(a·x² + y²)`, `y₃ = (y² − a·x²)/(2 − a·x² − y²)`.
pub fn double(p: &EdwardsVar) -> Result<EdwardsVar, SynthesisError> {
    let a = EdwardsConfig::COEFF_A;
    let xy = &p.x * &p.y;
    let ax2 = p.x.square()? * a;
    let y2 = p.y.square()?;
    let x = divide(&xy.double()?, &(&ax2 + &y2))?;
    let y = divide(&(&y2 - &ax2), &(FpVar::constant(Fr::from(2u8)) - &ax2 - &y2))?;
    Ok(EdwardsVar::new(x, y))
}
