//! Keys on disk: made once, then loaded; a changed circuit gets new ones; a damaged file is an error.

use std::fs;
use zkrollup_circuits::keys::*;

use zkrollup_circuits::block::BlockCircuit;

#[test]
fn keys_are_stored_then_loaded_and_a_changed_circuit_gets_new_ones() {
    let dir = std::env::temp_dir().join(format!("zkrollup-keys-test-{}", std::process::id()));
    let (pk, vk, origin) = load_or_make(&dir, CircuitKind::Exit, 3).unwrap();
    assert_eq!(origin, Origin::Made);
    let (pk2, vk2, origin) = load_or_make(&dir, CircuitKind::Exit, 3).unwrap();
    assert_eq!(origin, Origin::Loaded);
    assert_eq!((pk, vk), (pk2, vk2));
    // Another seed or another circuit is another file.
    let s = shape(CircuitKind::Exit).unwrap();
    assert_ne!(paths(&dir, CircuitKind::Exit, 3, &s), paths(&dir, CircuitKind::Exit, 4, &s));
    assert_ne!(shape(CircuitKind::Block(8)).unwrap().digest, shape(CircuitKind::Block(16)).unwrap().digest);
    // A truncated file is an error, not a panic.
    let (pk_path, _) = paths(&dir, CircuitKind::Exit, 3, &s);
    let bytes = fs::read(&pk_path).unwrap();
    fs::write(&pk_path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(load_or_make(&dir, CircuitKind::Exit, 3), Err(KeyError::Corrupt { .. })));
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_blank_block_circuit_has_the_shape_of_a_real_one() {
    let real = zkrollup_circuits::block::check(&BlockCircuit::blank_checked(8)).unwrap();
    assert!(real.satisfied);
    assert_eq!(shape(CircuitKind::Block(8)).unwrap().constraints, real.constraints);
}

/// The block circuit's sizes and the Transfer's cost (two chunks at the marginal cost of a chunk
/// from 8 to 16), as `bench circuits` reports them, pinned: a change means the circuit or a
/// gadget moved; re-measure the per-transfer budget (issue 35: at most 38,000). With
/// ark-crypto-primitives' SHA-256 gadget: 317,454 and 501,154, a Transfer 45,925; with
/// arkworks' scalar multiplications in the signature check: 274,576 and 443,812, 42,309; with
/// an account path a fee slot: 264,968 and 424,596; with ark-r1cs-std's strict decompositions
/// (roots, key hashes): 241,220 and 400,848, 39,907; with key hashes decomposed whole: 240,428
/// and 399,528, 39,775.
#[test]
fn the_block_circuit_costs_what_the_figures_say() {
    let [c8, c16] = [8, 16].map(|n| shape(CircuitKind::Block(n)).unwrap().constraints);
    assert_eq!((c8, c16), (239_148, 396_968));
    assert_eq!(2 * (c16 - c8) / 8, 39_455);
}
