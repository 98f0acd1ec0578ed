#![no_main]
//! See `zkrollup::fuzzing::circuit_vs_spec`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup::fuzzing::circuit_vs_spec(data));
