//! The block circuit: proves that a block of `N` chunks takes the state with the old root to
//! the state with the new root, by the spec's rules, and that its commitment (the single public
//! input) binds both roots, the header, the pubdata and the on-chain flags.
//!
//! - [`layout`]: where each op's fields sit in its pubdata (the spec's op table).
//! - [`witness`]: the witness, built by executing the inputs without checks on the reference's
//!   state (its per-leaf write witnesses), so that invalid blocks yield an honest attempt.
//! - [`chunk`]: the universal chunk gadget (one leaf update per chunk).
//! - [`circuit`]: header, chunks, signature slots, fee slots, commitment.
//! - [`fees`]: the fee slots, sharing one path to the fee account.
//! - [`checks`]: rule-tagged constraints, so that a refused witness names the rule it breaks.

pub mod checks;
pub mod chunk;
pub mod circuit;
pub mod fees;
pub mod layout;
pub mod witness;

use ark_ff::PrimeField;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystem, SynthesisError, SynthesisMode};
use zkrollup_spec::primitives::Fr;

pub use crate::satisfaction::first_unsatisfied;
pub use checks::Tag;
pub use circuit::BlockCircuit;
pub use witness::{assemble, build, execute, BlockStart, BlockWitness, Executed, ShapeError, TxAuth, Unrepresentable};

/// What the circuit says of a witness: whether its constraints hold, the first rule it breaks
/// if not, and the values it computed.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub satisfied: bool,
    /// The first failed rule-tagged check, in the spec's order (None if satisfied).
    pub failure: Option<Tag>,
    /// Every failed rule-tagged check with the chunk its op starts at (the block's end for
    /// block-level checks), in the spec's order (empty if satisfied).
    pub failures: Vec<(usize, Tag)>,
    pub constraints: usize,
    pub public_input: Fr,
    pub old_root: Fr,
    pub new_root: Fr,
    pub commitment: [u8; 32],
    pub pubdata: Vec<u8>,
    pub onchain_flags: Vec<u8>,
    /// Fee slots: (token, amount), zero amounts included.
    pub fees: Vec<(Fr, Fr)>,
}

/// Synthesises `circuit` with its witness and checks it.
pub fn check(circuit: &BlockCircuit) -> Result<Verdict, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    // The values of the linear combinations are computed once, by the check (not at each
    // one's creation as well).
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    let out = circuit.synthesize(cs.clone())?;
    let satisfied = first_unsatisfied(&cs)?.is_none();
    let bytes = |v: &[ark_r1cs_std::uint8::UInt8<Fr>]| v.iter().map(|b| b.value()).collect::<Result<Vec<u8>, _>>();
    let commitment: [u8; 32] = bytes(&out.commitment)?.try_into().map_err(|_| SynthesisError::Unsatisfiable)?;
    let failure =
        if satisfied { None } else { out.checks.first_failure().or(Some(Tag::Witness("circuit.unsatisfied"))) };
    Ok(Verdict {
        satisfied,
        failure,
        failures: if satisfied { Vec::new() } else { out.checks.failures() },
        constraints: cs.num_constraints(),
        public_input: out.public_input.value()?,
        old_root: out.old_root.value()?,
        new_root: out.new_root.value()?,
        commitment,
        pubdata: bytes(&out.pubdata)?,
        onchain_flags: bytes(&out.onchain_flags)?,
        fees: out.fees.iter().map(|(t, a)| Ok((t.value()?, a.value()?))).collect::<Result<_, SynthesisError>>()?,
    })
}

/// A field element as u128, if it fits.
pub fn fr_to_u128(x: &Fr) -> Option<u128> {
    let b = x.into_bigint();
    (b.0[2] == 0 && b.0[3] == 0).then(|| (b.0[0] as u128) | ((b.0[1] as u128) << 64))
}
