#![no_main]
//! See `zkrollup_conformance::fuzzing::spec_vs_reference`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup_conformance::fuzzing::spec_vs_reference(data));
