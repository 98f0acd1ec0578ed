#![no_main]
//! See `zkrollup::fuzzing::decode_tx`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| zkrollup::fuzzing::decode_tx(data));
