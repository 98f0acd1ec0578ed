//! The spec's primitives against values computed by circomlibjs and ethers
//! (`tests/external/generate.mjs`; see its package.json for the pinned versions). These values
//! were produced without any of our code, so agreement here is independent evidence.

use serde_json::Value;
use zkrollup_spec::primitives::eddsa::{verify, Point, PrivateKey, PublicKey, Scalar, Signature};
use zkrollup_spec::primitives::field::{fr_from_decimal, fr_to_decimal};
use zkrollup_spec::primitives::keys::{ecrecover, pubkey_hash, L1Key};
use zkrollup_spec::primitives::poseidon::poseidon;
use zkrollup_spec::primitives::Fr;
use zkrollup_spec::tx::auth::{eip191_change_pubkey_message, eip712_change_pubkey_digest, L1Domain};

fn reference() -> Value {
    serde_json::from_str(include_str!("external/reference-values.json")).unwrap()
}

fn fr(v: &Value) -> Fr {
    fr_from_decimal(v.as_str().unwrap()).unwrap()
}

fn hex32(v: &Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap().try_into().unwrap()
}

#[test]
fn poseidon_matches_circomlibjs() {
    let r = reference();
    let cases = r["poseidon"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for c in cases {
        let inputs: Vec<Fr> = c["inputs"].as_array().unwrap().iter().map(fr).collect();
        assert_eq!(poseidon(&inputs), fr(&c["output"]), "inputs {:?}", c["inputs"]);
    }
}

#[test]
fn eddsa_matches_circomlibjs() {
    let r = reference();
    for k in r["eddsa"].as_array().unwrap() {
        let key = PrivateKey(hex32(&k["private_key"]));
        let pk = key.public_key();
        assert_eq!(pk.0, Point { x: fr(&k["ax"]), y: fr(&k["ay"]) });
        assert_eq!(pubkey_hash(&pk).to_string(), k["pubkey_hash"].as_str().unwrap());
        for s in k["signatures"].as_array().unwrap() {
            let msg = fr(&s["msg"]);
            let sig = key.sign(msg);
            assert_eq!(fr_to_decimal(&sig.r8.x), s["r8x"].as_str().unwrap());
            assert_eq!(fr_to_decimal(&sig.r8.y), s["r8y"].as_str().unwrap());
            assert_eq!(sig.s.to_string(), s["s"].as_str().unwrap());
            // And their signature, parsed independently, verifies under our verifier.
            let theirs = Signature {
                r8: Point { x: fr(&s["r8x"]), y: fr(&s["r8y"]) },
                s: s["s"].as_str().unwrap().parse::<Scalar>().unwrap(),
            };
            assert!(verify(&PublicKey(pk.0), msg, &theirs));
            assert!(!verify(&PublicKey(pk.0), msg + Fr::from(1u8), &theirs));
        }
    }
}

#[test]
fn l1_keys_and_change_pubkey_authorisations_match_ethers() {
    let r = reference();
    for c in r["l1"].as_array().unwrap() {
        let key = L1Key::from_bytes(&hex32(&c["secret"])).unwrap();
        assert_eq!(key.address().to_string(), c["address"].as_str().unwrap());
        let seed_domain = L1Domain {
            chain_id: c["seed_chain_id"].as_u64().unwrap(),
            contract: c["seed_contract"].as_str().unwrap().parse().unwrap(),
        };
        let message = zkrollup_spec::primitives::keys::l2_key_seed_message(&seed_domain);
        assert_eq!(message, c["seed_message"].as_str().unwrap());
        let seed_sig = key.personal_sign(message.as_bytes());
        assert_eq!(format!("0x{}", hex::encode(seed_sig)), c["seed_signature"].as_str().unwrap());
        let l2 = key.derive_l2_key(&seed_domain);
        assert_eq!(format!("0x{}", hex::encode(l2.0)), c["l2_private_key"].as_str().unwrap());
        assert_eq!(l2.public_key().0, Point { x: fr(&c["l2_ax"]), y: fr(&c["l2_ay"]) });

        let cpk = &c["change_pubkey"];
        let pkh = cpk["pubkey_hash"].as_str().unwrap().parse().unwrap();
        let nonce = cpk["nonce"].as_u64().unwrap() as u32;
        let account = cpk["account_id"].as_u64().unwrap() as u32;
        let domain = L1Domain {
            chain_id: cpk["chain_id"].as_u64().unwrap(),
            contract: cpk["contract"].as_str().unwrap().parse().unwrap(),
        };
        let msg = eip191_change_pubkey_message(&domain, &pkh, nonce, account);
        let sig191 = key.personal_sign(&msg);
        assert_eq!(format!("0x{}", hex::encode(sig191)), cpk["eip191_signature"].as_str().unwrap());
        let digest = eip712_change_pubkey_digest(&domain, &pkh, nonce, account);
        assert_eq!(format!("0x{}", hex::encode(digest)), cpk["eip712_digest"].as_str().unwrap());
        let theirs: [u8; 65] = hex::decode(cpk["eip712_signature"].as_str().unwrap().trim_start_matches("0x"))
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(ecrecover(&digest, &theirs), Some(key.address()));
    }
}
