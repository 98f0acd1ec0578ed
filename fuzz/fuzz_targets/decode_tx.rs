#![no_main]
//! See `zkrollup_conformance::fuzzing::decode_tx`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup_conformance::fuzzing::decode_tx(data));
