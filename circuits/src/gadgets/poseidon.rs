//! Poseidon in R1CS with circomlib's parameters, in the sparse form of the partial rounds that
//! the reference derives from light-poseidon's constants (the ones the spec hashes with); the
//! tests hold the gadget to the spec's native hash.
//!
//! Cost: 3 constraints per S-box (x², x⁴, x⁵); round constants and the MDS mix are linear and
//! free. For t = 5: 8 full rounds × 5 S-boxes + 60 partial rounds × 1 = 100 S-boxes, 300
//! constraints; circom 2 with circomlib needs 297.

use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use zkrollup_reference::poseidon::{sparse, Lane};
use zkrollup_spec::primitives::poseidon::MAX_INPUTS;
use zkrollup_spec::primitives::Fr;

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// A state element kept as an explicit linear combination of variables (plus a constant), so
/// the MDS mix of partial rounds does not build chains of symbolic combinations: the constraint
/// system would inline those quadratically (measured: finalising a 300k-constraint block took
/// 70% of its check). Only S-box inputs and the output become symbolic combinations, each
/// directly over allocated variables.
#[derive(Clone)]
struct Lin {
    terms: LinearCombination<Fr>,
    constant: Fr,
    value: Option<Fr>,
    cs: ConstraintSystemRef<Fr>,
}

impl Lin {
    fn of(x: &FpVar<Fr>, cs: &ConstraintSystemRef<Fr>) -> Lin {
        match x {
            FpVar::Constant(c) => {
                Lin { terms: LinearCombination::zero(), constant: *c, value: Some(*c), cs: cs.clone() }
            }
            FpVar::Var(v) => Lin {
                terms: LinearCombination(vec![(Fr::from(1u8), v.variable)]),
                constant: Fr::from(0u8),
                value: v.value().ok(),
                cs: cs.clone(),
            },
        }
    }

    fn to_var(&self, cs: &ConstraintSystemRef<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        if self.terms.0.is_empty() || cs.is_none() {
            return Ok(FpVar::Constant(self.value.unwrap_or(self.constant)));
        }
        let mut lc = self.terms.clone();
        lc.0.push((self.constant, Variable::One));
        lc.compactify();
        let var = cs.new_lc(|| lc)?;
        Ok(FpVar::Var(AllocatedFp::new(self.value, var, cs.clone())))
    }
}

impl Lane for Lin {
    type Error = SynthesisError;

    fn add_constant(&mut self, c: Fr) {
        self.constant += c;
        self.value = self.value.map(|v| v + c);
    }

    fn sbox(&self) -> Result<Lin, SynthesisError> {
        let cs = self.cs.clone();
        Ok(Lin::of(&sbox(&self.to_var(&cs)?)?, &cs))
    }

    fn combine(xs: &[(Fr, &Lin)]) -> Lin {
        let mut terms = Vec::with_capacity(xs.iter().map(|(_, x)| x.terms.0.len()).sum());
        let mut constant = Fr::from(0u8);
        let mut value = Some(Fr::from(0u8));
        for (m, x) in xs {
            terms.extend(x.terms.0.iter().map(|(c, v)| (*c * m, *v)));
            constant += x.constant * m;
            value = value.zip(x.value).map(|(acc, v)| acc + v * m);
        }
        let mut terms = LinearCombination(terms);
        terms.compactify();
        let cs = xs.first().map_or(ConstraintSystemRef::None, |(_, x)| x.cs.clone());
        Lin { terms, constant, value, cs }
    }

    fn add_scaled(&mut self, c: Fr, x: &Lin) {
        self.terms.0.extend(x.terms.0.iter().map(|(k, v)| (*k * c, *v)));
        self.terms.compactify();
        self.constant += x.constant * c;
        self.value = self.value.zip(x.value).map(|(a, v)| a + v * c);
    }
}

/// `Poseidon(inputs)` as circomlib's `Poseidon(n)` template, computed with the sparse form of
/// the partial rounds (the reference's [`SparsePoseidon`] schedule, derived from and tested
/// against light-poseidon's constants). The input count (1 to 12) is fixed by the circuit's
/// code; any other count is a bug and panics.
pub fn poseidon_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    assert!((1..=MAX_INPUTS).contains(&inputs.len()), "Poseidon takes 1 to {MAX_INPUTS} inputs");
    let cs = inputs.cs();
    let lanes: Vec<Lin> = inputs.iter().map(|x| Lin::of(x, &cs)).collect();
    let out = sparse(inputs.len() + 1).hash_lanes(Lin::of(&FpVar::zero(), &cs), &lanes)?;
    out.to_var(&cs)
}
