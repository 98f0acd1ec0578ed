//! Rule-tagged constraints. Each check the block circuit makes on behalf of a spec rule goes
//! through [`Checks`], which enforces it and, when the witness is known, records whether it
//! holds. Satisfiability is still decided by the constraint system alone; the record only
//! names *which* rule an unsatisfiable witness breaks, so that the circuit adapter can report
//! a rule id computed by the circuit rather than copied from the spec.

use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::rules::Rule;

use crate::gadgets::bits::to_bits;

/// What a failed check means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A spec rule.
    Rule(Rule),
    /// A consistency check with no rule of its own: the witness contradicts itself (a path
    /// that does not match the root, pubdata that does not match the state). Honest attempts
    /// never fail these first; mutated witnesses do.
    Witness(&'static str),
}

impl Tag {
    pub fn id(&self) -> &'static str {
        match self {
            Tag::Rule(r) => r.id(),
            Tag::Witness(w) => w,
        }
    }

    /// Where the spec checks this rule among an op's checks ([`zkrollup_spec::checks::rank`]),
    /// so that of several failures the one the spec reports comes first.
    fn rank(&self) -> usize {
        match self {
            Tag::Rule(r) => zkrollup_spec::checks::rank(*r),
            Tag::Witness(_) => usize::MAX,
        }
    }
}

/// One recorded check: the chunk where its op starts (the block's end for block-level
/// checks), its tag, and whether it held (`None` when values are unknown, as in setup).
#[derive(Clone, Debug)]
pub struct Record {
    pub position: usize,
    pub tag: Tag,
    pub held: Option<bool>,
}

#[derive(Default, Debug)]
pub struct Checks {
    pub records: Vec<Record>,
    /// The position the next records belong to.
    pub position: usize,
    /// Where each stretch of witness variables comes from: (index of its first witness
    /// variable, what allocates it), in allocation order. Reports name a variable by it.
    pub regions: Vec<(usize, String)>,
}

impl Checks {
    /// Starts a region: the witness variables allocated from here on belong to `name`.
    pub fn region(&mut self, cs: &ConstraintSystemRef<Fr>, name: impl FnOnce() -> String) {
        self.regions.push((cs.num_witness_variables(), name()));
    }

    /// The region witness variable `index` (0-based among witness variables) belongs to.
    pub fn region_of(&self, index: usize) -> &str {
        let at = self.regions.partition_point(|(start, _)| *start <= index);
        at.checked_sub(1).map_or("before any region", |i| self.regions[i].1.as_str())
    }

    /// Records a check the caller enforces itself.
    pub fn note(&mut self, tag: Tag, held: Option<bool>) {
        self.records.push(Record { position: self.position, tag, held });
    }

    fn record(&mut self, tag: Tag, held: Option<bool>) {
        self.note(tag, held)
    }

    /// Enforces `b`.
    pub fn holds(&mut self, tag: Tag, b: &Boolean<Fr>) -> Result<(), SynthesisError> {
        self.record(tag, b.value().ok());
        b.enforce_equal(&Boolean::TRUE)
    }

    /// Enforces `x = 0`.
    pub fn zero(&mut self, tag: Tag, x: &FpVar<Fr>) -> Result<(), SynthesisError> {
        self.record(tag, x.value().ok().map(|v| v == Fr::from(0u8)));
        x.enforce_equal(&FpVar::Constant(Fr::from(0u8)))
    }

    /// Enforces `a = b`.
    pub fn equal(&mut self, tag: Tag, a: &FpVar<Fr>, b: &FpVar<Fr>) -> Result<(), SynthesisError> {
        self.record(tag, a.value().ok().zip(b.value().ok()).map(|(a, b)| a == b));
        a.enforce_equal(b)
    }

    /// Enforces `x < 2^n`, returning its bits.
    pub fn range(&mut self, tag: Tag, x: &FpVar<Fr>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
        self.record(tag, x.value().ok().map(|v| v.into_bigint().num_bits() as usize <= n));
        to_bits(x, n)
    }

    /// Every failed check with the chunk its op starts at, in the spec's order: by op position,
    /// then by rule order.
    pub fn failures(&self) -> Vec<(usize, Tag)> {
        let mut out: Vec<(usize, Tag)> =
            self.records.iter().filter(|r| r.held == Some(false)).map(|r| (r.position, r.tag)).collect();
        out.sort_by_key(|(position, tag)| (*position, tag.rank()));
        out
    }

    /// The first failed check in the spec's order: by op position, then by rule order.
    pub fn first_failure(&self) -> Option<Tag> {
        self.records.iter().filter(|r| r.held == Some(false)).min_by_key(|r| (r.position, r.tag.rank())).map(|r| r.tag)
    }
}
