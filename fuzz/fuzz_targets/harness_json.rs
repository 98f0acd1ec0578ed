#![no_main]
//! See `zkrollup_conformance::fuzzing::harness_json`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup_conformance::fuzzing::harness_json(data));
