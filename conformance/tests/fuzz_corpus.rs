//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets'
//! bodies, so every `cargo test` re-checks what fuzzing found interesting.

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        body(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n >= 5, "{target}: only {n} corpus entries");
}

#[test]
fn decode_tx_corpus() {
    replay("decode_tx", zkrollup_conformance::fuzzing::decode_tx);
}

#[test]
fn decode_pubdata_corpus() {
    replay("decode_pubdata", zkrollup_conformance::fuzzing::decode_pubdata);
}

#[test]
fn spec_vs_reference_corpus() {
    replay("spec_vs_reference", zkrollup_conformance::fuzzing::spec_vs_reference);
}

#[test]
fn harness_json_corpus() {
    replay("harness_json", zkrollup_conformance::fuzzing::harness_json);
}
