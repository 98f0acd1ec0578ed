//! Poseidon in R1CS with circomlib's parameters: the constants are light-poseidon's (the ones
//! the spec hashes with natively), so gadget and spec cannot drift apart.
//!
//! Cost: 3 constraints per S-box (x², x⁴, x⁵); round constants and the MDS mix are linear and
//! free. For t = 5: 8 full rounds × 5 S-boxes + 60 partial rounds × 1 = 100 S-boxes, 300
//! constraints; circom 2 with circomlib needs 297.

use std::sync::OnceLock;

use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use light_poseidon::parameters::bn254_x5::get_poseidon_parameters;
use light_poseidon::PoseidonParameters;
use zkrollup_spec::primitives::poseidon::MAX_INPUTS;
use zkrollup_spec::primitives::Fr;

fn parameters(width: usize) -> &'static PoseidonParameters<Fr> {
    static PARAMS: OnceLock<Vec<PoseidonParameters<Fr>>> = OnceLock::new();
    let all = PARAMS.get_or_init(|| {
        (2..=MAX_INPUTS + 1).map(|t| get_poseidon_parameters::<Fr>(t as u8).expect("circomlib widths 2..=13")).collect()
    });
    &all[width - 2]
}

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
}

impl Lin {
    fn of(x: &FpVar<Fr>) -> Lin {
        match x {
            FpVar::Constant(c) => Lin { terms: LinearCombination::zero(), constant: *c, value: Some(*c) },
            FpVar::Var(v) => Lin {
                terms: LinearCombination(vec![(Fr::from(1u8), v.variable)]),
                constant: Fr::from(0u8),
                value: v.value().ok(),
            },
        }
    }

    fn add_constant(&mut self, c: Fr) {
        self.constant += c;
        self.value = self.value.map(|v| v + c);
    }

    /// `Σ row[j]·xs[j]`.
    fn mix(xs: &[Lin], row: &[Fr]) -> Lin {
        let mut terms = Vec::with_capacity(xs.iter().map(|x| x.terms.0.len()).sum());
        let mut constant = Fr::from(0u8);
        let mut value = Some(Fr::from(0u8));
        for (x, m) in xs.iter().zip(row) {
            terms.extend(x.terms.0.iter().map(|(c, v)| (*c * m, *v)));
            constant += x.constant * m;
            value = value.zip(x.value).map(|(acc, v)| acc + v * m);
        }
        let mut terms = LinearCombination(terms);
        terms.compactify();
        Lin { terms, constant, value }
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

/// `Poseidon(inputs)` as circomlib's `Poseidon(n)` template. The input count (1 to 12) is fixed
/// by the circuit's code; any other count is a bug and panics.
pub fn poseidon_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    assert!((1..=MAX_INPUTS).contains(&inputs.len()), "Poseidon takes 1 to {MAX_INPUTS} inputs");
    let cs = inputs.cs();
    let width = inputs.len() + 1;
    let p = parameters(width);
    let mut state: Vec<Lin> =
        std::iter::once(FpVar::zero()).chain(inputs.iter().cloned()).map(|x| Lin::of(&x)).collect();
    let half = p.full_rounds / 2;
    for round in 0..p.full_rounds + p.partial_rounds {
        for (i, s) in state.iter_mut().enumerate() {
            s.add_constant(p.ark[round * width + i]);
        }
        let full = round < half || round >= half + p.partial_rounds;
        let boxed = if full { width } else { 1 };
        for s in state.iter_mut().take(boxed) {
            *s = Lin::of(&sbox(&s.to_var(&cs)?)?);
        }
        state = (0..width).map(|i| Lin::mix(&state, &p.mds[i])).collect();
    }
    state[0].to_var(&cs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{alloc, count, NewWitness, MODES};
    use ark_r1cs_std::GR1CSVar;
    use zkrollup_spec::primitives::poseidon::poseidon;

    #[test]
    fn agrees_with_the_spec_in_every_allocation_mode() {
        for n in [1usize, 2, 4, 5, 12] {
            let xs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 * 7919 + 3)).collect();
            for mode in MODES {
                let (cs, vars) = alloc(mode, &xs);
                let h = poseidon_var(&vars).unwrap();
                assert_eq!(h.value().unwrap(), poseidon(&xs), "n={n} {mode:?}");
                assert!(cs.is_satisfied().unwrap());
            }
        }
    }

    #[test]
    fn constraint_counts() {
        // 3 per S-box: t=3 has 8·3 + 57, t=5 8·5 + 60, t=6 8·6 + 60; the first S-box of the
        // capacity element acts on a constant and is free. These equal circom 2 --O2 counts.
        for (n, want) in [(2usize, 240usize), (4, 297), (5, 321)] {
            let xs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 + 1)).collect();
            let c = count(|cs| {
                let (_, vars) =
                    crate::gadgets::test_support::alloc_in(&cs, crate::gadgets::test_support::Mode::Witness, &xs);
                poseidon_var(&vars).map(|_| ())
            });
            assert_eq!(c, want, "Poseidon({n})");
        }
    }

    #[test]
    fn a_wrong_claimed_output_is_unsatisfiable() {
        let xs = [Fr::from(1u8), Fr::from(2u8)];
        let (cs, vars) = alloc(crate::gadgets::test_support::Mode::Witness, &xs);
        let h = poseidon_var(&vars).unwrap();
        let claimed = FpVar::new_witness_helper(&cs, poseidon(&xs) + Fr::from(1u8));
        use ark_r1cs_std::eq::EqGadget;
        h.enforce_equal(&claimed).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}
