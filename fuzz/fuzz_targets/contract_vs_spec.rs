#![no_main]
//! See `zkrollup::fuzzing::contract_vs_spec`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup::fuzzing::contract_vs_spec(data));
