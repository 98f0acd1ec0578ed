//! Replays the committed corpora of the fuzz targets that need the circuit or the contract
//! (`fuzz/corpus/{circuit_vs_spec,contract_vs_spec}/`) through their bodies in `zkrollup::fuzzing`.

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        body(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 5, "{target}: only {n} corpus entries");
}

#[test]
fn circuit_vs_spec_corpus() {
    replay("circuit_vs_spec", zkrollup::fuzzing::circuit_vs_spec);
}

#[test]
fn contract_vs_spec_corpus() {
    replay("contract_vs_spec", zkrollup::fuzzing::contract_vs_spec);
}
