//! Gadgets: circuit versions of the spec's primitives, each tested against the spec's native
//! function with its inputs as constants, public inputs and witnesses (`tests/parts/`).

pub mod arith;
pub mod bits;
pub mod commitment;
pub mod eddsa;
pub mod edwards;
pub mod fixed_base;
pub mod merkle;
pub mod montgomery;
pub mod packing;
pub mod poseidon;
pub mod sha256;
pub mod variable_base;
