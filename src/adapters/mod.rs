//! The conformance adapters that need the circuits or revm.

pub mod circuit;
pub mod contract;
