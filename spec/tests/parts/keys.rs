//! L2 keys derived from L1 signatures, and pubkey hashes.

use zkrollup_spec::primitives::keys::*;
use zkrollup_spec::primitives::Address;
use zkrollup_spec::tx::auth::L1Domain;

#[test]
fn known_address_of_secret_one() {
    // The secp256k1 key 1 controls 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf (widely published).
    let mut one = [0u8; 32];
    one[31] = 1;
    let k = L1Key::from_bytes(&one).unwrap();
    assert_eq!(k.address().to_string(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    assert!(L1Key::from_bytes(&[0u8; 32]).is_none());
}

#[test]
fn ecrecover_finds_the_signer_including_high_s() {
    let k = L1Key::from_bytes(&[9u8; 32]).unwrap();
    let d = eip191_digest(b"hello");
    let mut sig = k.sign_digest(&d);
    assert_eq!(ecrecover(&d, &sig), Some(k.address()));
    // Flip to the high-s twin: n - s, other parity. ecrecover must still find the signer.
    // The secp256k1 group order n.
    let n = num_from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    let s = num_from_hex(&hex::encode(&sig[32..64]));
    let hi = sub_be(&n, &s);
    sig[32..64].copy_from_slice(&hi);
    sig[64] = if sig[64] == 27 { 28 } else { 27 };
    assert_eq!(ecrecover(&d, &sig), Some(k.address()));
    sig[64] = 29;
    assert_eq!(ecrecover(&d, &sig), None);
}

fn num_from_hex(h: &str) -> [u8; 32] {
    hex::decode(h).unwrap().try_into().unwrap()
}

fn sub_be(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = a[i] as i16 - b[i] as i16 - borrow;
        borrow = (d < 0) as i16;
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

#[test]
fn l2_key_derivation_is_deterministic() {
    let k = L1Key::from_bytes(&[3u8; 32]).unwrap();
    let d = L1Domain { chain_id: 1, contract: Address([0xcc; 20]) };
    assert_eq!(k.derive_l2_key(&d), k.derive_l2_key(&d));
    assert_ne!(k.derive_l2_key(&d), L1Key::from_bytes(&[4u8; 32]).unwrap().derive_l2_key(&d));
    // Another chain or another contract: another key.
    assert_ne!(k.derive_l2_key(&d), k.derive_l2_key(&L1Domain { chain_id: 10, ..d }));
    assert_ne!(k.derive_l2_key(&d), k.derive_l2_key(&L1Domain { contract: Address([0xcd; 20]), ..d }));
}
