//! The spec's parts one by one: primitives against their published values, encodings both
//! ways, the tree, the rule ids and the declared order of checks.
//!
//! One integration test binary rather than unit tests: a crate's unit tests compile the whole
//! crate a second time (docs/ARCHITECTURE.md §5.1).

mod checks;
mod eddsa;
mod exit;
mod field;
mod keys;
mod l1;
mod op;
mod packing;
mod poseidon;
mod rules;
mod state;
mod tree;
mod tx;
