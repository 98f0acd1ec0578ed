//! The adapter for the executable specification. Vectors are generated from the same
//! [`crate::expected::outcome`], so on the spec every vector passes by construction; running it
//! still checks that the committed vectors and the wire conversions are consistent.

use super::Implementation;
use crate::expected;
use crate::wire::{Kind, Outcome, VectorInput};

/// The spec, answering every kind.
pub struct SpecImplementation;

impl Implementation for SpecImplementation {
    fn name(&self) -> String {
        "spec".into()
    }

    fn supports(&self, _kind: Kind) -> bool {
        true
    }

    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String> {
        expected::outcome(input).map_err(|e| e.to_string())
    }
}
