//! The circuits' parts one by one: each gadget against the spec's native function (with its
//! inputs as constants, public inputs and witnesses) and its constraint count, the chunk layout,
//! the satisfaction check, the exit circuit, Groth16 and the keys on disk.
//!
//! One integration test binary rather than unit tests: a crate's unit tests compile the whole
//! crate a second time, 57 s of CPU for this one (docs/ARCHITECTURE.md §5.1).

mod bits;
mod commitment;
mod eddsa;
mod exit;
mod groth16;
mod keys;
mod layout;
mod merkle;
mod packing;
mod poseidon;
mod satisfaction;
mod scalar_mul;
mod sha256;
mod support;
