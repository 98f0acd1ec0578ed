//! The conformance harness: one trait for "an implementation of the protocol", adapters that
//! implement it, and a runner that feeds vectors to an adapter and compares its outcomes with
//! the expected ones.
//!
//! An adapter is given a vector's [`VectorInput`] and answers an [`Outcome`]; the runner
//! compares the two as JSON and reports the first path where they differ. Adapters declare the
//! vector kinds they implement; the others are skipped (and fail the run unless the user allows
//! their kinds: `runner::Report::verdict`).

pub mod exec;
pub mod reference_impl;
pub mod response;
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

    /// The answer to `input`, as the runner asks it. The default is [`Implementation::run`]'s
    /// outcome or error; an adapter that can also decline a vector at run time, or stop
    /// answering altogether (a child process that exited or hung), overrides it.
    fn answer(&mut self, input: &VectorInput) -> Answer {
        match self.run(input) {
            Ok(outcome) => Answer::Outcome(outcome),
            Err(e) => Answer::Error(e),
        }
    }

    /// Ends a run the implementation answered to its end: why its end is a failure, if it is
    /// (a child process that exits non-zero, dies by a signal or does not exit after its last
    /// answer). The default: nothing to end.
    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// What an implementation answered for one vector.
#[allow(clippy::large_enum_variant)] // one at a time, never stored
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Its outcome, to compare with the vector's expected one.
    Outcome(Outcome),
    /// It does not implement this vector: the vector is skipped (a run that skips is green only
    /// for the kinds the user allows: [`runner::Report::verdict`]).
    Unsupported,
    /// It could not answer this vector (reported as an error; the run goes on).
    Error(String),
    /// It can answer nothing more (its process exited, hung, or wrote something that is not an
    /// answer): this vector is an error, the run stops, and the remaining vectors are not run.
    Broken(String),
}

/// The implementations this crate holds, by the name the command line gives them: `spec`,
/// `reference`, or `exec:<command>`. `None` for any other name (the CLI adds `circuit` and
/// `contract`, which need the circuits and revm). An `exec:` implementation gets the default
/// [`exec::Options`]; [`exec::ExecImplementation::spawn_with`] takes others.
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
