#![no_main]
//! See `zkrollup_conformance::fuzzing::decode_pubdata`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup_conformance::fuzzing::decode_pubdata(data));
