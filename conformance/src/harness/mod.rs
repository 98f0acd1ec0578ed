//! The conformance harness: one trait for "an implementation of the protocol", adapters that
//! implement it, and a runner that feeds vectors to an adapter and compares its outcomes with
//! the expected ones.
//!
//! An adapter is given a vector's [`VectorInput`] and answers an [`Outcome`]; the runner
//! compares the two as JSON and reports the first path where they differ. Adapters declare the
//! vector kinds they implement; the others are skipped, not failed.

pub mod exec;
pub mod reference_impl;
pub mod runner;
pub mod spec_impl;

use crate::wire::{Kind, Outcome, VectorInput};

/// An implementation of the protocol under test.
pub trait Implementation {
    /// A short name for reports (`spec`, `reference`, `exec:./my-impl`).
    fn name(&self) -> String;

    /// Whether this implementation answers vectors of `kind`.
    fn supports(&self, kind: Kind) -> bool;

    /// The outcome of `input`. `Err` means the implementation could not answer at all (a crash,
    /// malformed output), which the runner reports as an error, distinct from a wrong answer.
    fn run(&mut self, input: &VectorInput) -> Result<Outcome, String>;
}

/// The implementations this crate holds, by the name the command line gives them: `spec`,
/// `reference`, or `exec:<command>`. `None` for any other name (the CLI adds `circuit` and
/// `contract`, which need the circuits and revm).
pub fn by_name(name: &str) -> Option<Result<Box<dyn Implementation>, String>> {
    if let Some(cmd) = name.strip_prefix("exec:") {
        return Some(exec::ExecImplementation::spawn(cmd).map(|e| Box::new(e) as Box<dyn Implementation>));
    }
    match name {
        "spec" => Some(Ok(Box::new(spec_impl::SpecImplementation))),
        "reference" => Some(Ok(Box::new(reference_impl::ReferenceImplementation))),
        _ => None,
    }
}
