#![no_main]
//! See `zkrollup::fuzzing::decode_pubdata`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup::fuzzing::decode_pubdata(data));
