//! BabyJubjub in Montgomery form, `v² = u³ + 168698·u² + u`, for the additions of a
//! scalar multiplication whose exceptional cases its caller has ruled out.
//!
//! The Montgomery chord formulas cost 3 constraints an addition where the complete twisted
//! Edwards formula costs 6, but they are incomplete: they fail for `P + P`, `P + (−P)` and the
//! identity, which has no affine point here. Where `u₁ = u₂` the slope constraint
//! `λ·(u₂ − u₁) = v₂ − v₁` stops determining `λ`, so a caller may only add points it has shown
//! to be distinct and not opposite ([`super::variable_base`] says why its are).
//!
//! The map from circomlib's twisted Edwards coordinates (`a = 168700`, `d = 168696`) is
//! `u = (1 + y)/(1 − y)`, `v = u/x` (`A = 2(a + d)/(a − d) = 168698`, `B = 4/(a − d) = 1`).
//! Quotients are [`divide`]'s: an input that makes a divisor zero (the identity, a point of
//! order 2, a point off the curve) leaves a constraint unsatisfied, never fails synthesis.

use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::arith::divide;

/// The Montgomery coefficient `A`.
pub const COEFF_A: u64 = 168698;

/// A point `(u, v)` of the Montgomery curve (never the identity).
#[derive(Clone)]
pub struct MontgomeryVar {
    pub u: FpVar<Fr>,
    pub v: FpVar<Fr>,
}

impl MontgomeryVar {
    /// The point with circomlib Edwards coordinates `(x, y)` (2 constraints). Unsatisfiable for
    /// the identity (`y = 1`); the caller excludes it and `(0, −1)`.
    pub fn from_edwards(x: &FpVar<Fr>, y: &FpVar<Fr>) -> Result<Self, SynthesisError> {
        let one = FpVar::constant(Fr::from(1u8));
        let u = divide(&(&one + y), &(&one - y))?;
        let v = divide(&u, x)?;
        Ok(MontgomeryVar { u, v })
    }

    /// circomlib Edwards coordinates `(x, y)` of the point (2 constraints).
    pub fn to_edwards(&self) -> Result<(FpVar<Fr>, FpVar<Fr>), SynthesisError> {
        let one = FpVar::constant(Fr::from(1u8));
        let x = divide(&self.u, &self.v)?;
        let y = divide(&(&self.u - &one), &(&self.u + &one))?;
        Ok((x, y))
    }

    /// `2·self` (4 constraints): the tangent's slope `λ = (3u² + 2Au + 1)/(2v)`.
    pub fn double(&self) -> Result<Self, SynthesisError> {
        let u2 = self.u.square()?;
        let numerator = &u2 * Fr::from(3u8) + &self.u * Fr::from(2 * COEFF_A) + Fr::from(1u8);
        let lambda = divide(&numerator, &self.v.double()?)?;
        self.chord_end(&lambda, &self.u)
    }

    /// `self + other` (3 constraints), for `self ≠ ±other`.
    pub fn add(&self, other: &Self) -> Result<Self, SynthesisError> {
        let lambda = divide(&(&other.v - &self.v), &(&other.u - &self.u))?;
        self.chord_end(&lambda, &other.u)
    }

    /// `2·self + t`, as `(self + t) + self` without the middle point's `v` (5 constraints), for
    /// `self ≠ ±t` and `self + t ≠ ±self`.
    pub fn double_and_add(&self, t: &Self) -> Result<Self, SynthesisError> {
        let lambda1 = divide(&(&self.v - &t.v), &(&self.u - &t.u))?;
        let u_r = lambda1.square()? - Fr::from(COEFF_A) - &self.u - &t.u;
        // The slope from `self` to `r = self + t` is `2v/(u − u_r) − λ₁`, as `v_r = λ₁(u − u_r) − v`.
        let lambda2 = divide(&self.v.double()?, &(&self.u - &u_r))? - &lambda1;
        self.chord_end(&lambda2, &u_r)
    }

    /// The sum of `self` and the point with abscissa `other_u` on the line through `self` of
    /// slope `lambda` (2 constraints).
    fn chord_end(&self, lambda: &FpVar<Fr>, other_u: &FpVar<Fr>) -> Result<Self, SynthesisError> {
        let u = lambda.square()? - Fr::from(COEFF_A) - &self.u - other_u;
        let v = lambda * &(&self.u - &u) - &self.v;
        Ok(MontgomeryVar { u, v })
    }
}
