//! Poseidon, EdDSA, pubkey hashes, L2 key derivation and float packing.

use zkrollup_spec::primitives::eddsa::{Point, PrivateKey};
use zkrollup_spec::primitives::field::fr_to_decimal;
use zkrollup_spec::primitives::{Address, Fr};
use zkrollup_spec::rules::Rule;

use crate::vectors::{Case, Expect};
use crate::wire::convert::{dec, hex_of, point};
use crate::wire::{PrimitivesCase as P, PrimitivesInput, VectorInput};

fn case(name: impl Into<String>, desc: impl Into<String>, c: P) -> Case {
    Case::new(name, desc, Expect::Ok, VectorInput::Primitives(PrimitivesInput { case: c }))
}

const P_MINUS_1: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495616";

fn keys() -> Vec<(&'static str, [u8; 32])> {
    let mut counting = [0u8; 32];
    for (i, b) in counting.iter_mut().enumerate() {
        *b = i as u8;
    }
    vec![("zero", [0u8; 32]), ("counting", counting), ("ones", [0xff; 32]), ("sevens", [7; 32])]
}

pub(super) fn groups() -> Vec<(&'static str, Vec<Case>)> {
    let mut poseidon = Vec::new();
    for n in 1..=12usize {
        let inputs: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        poseidon.push(case(
            format!("arity_{n}"),
            format!("Poseidon of 1..={n} (circomlib, t={})", n + 1),
            P::Poseidon { inputs },
        ));
    }
    poseidon.push(case(
        "zeros_4",
        "Poseidon(0, 0, 0, 0): the tree-node width",
        P::Poseidon { inputs: vec!["0".into(); 4] },
    ));
    poseidon.push(case(
        "max_2",
        "Poseidon(p-1, p-1): the largest field elements",
        P::Poseidon { inputs: vec![P_MINUS_1.into(); 2] },
    ));

    let mut eddsa = Vec::new();
    let messages = ["0", "1", "123456789", P_MINUS_1];
    for (kname, k) in keys() {
        let key = PrivateKey(k);
        eddsa.push(case(
            format!("public_key_{kname}"),
            "circomlib's prv2pub",
            P::EddsaPublicKey { private_key: hex_of(&k) },
        ));
        for (mi, m) in messages.iter().enumerate().filter(|(i, _)| kname != "zero" || *i < 2) {
            eddsa.push(case(
                format!("sign_{kname}_{mi}"),
                format!("signPoseidon with key {kname} over message {m}"),
                P::EddsaSign { private_key: hex_of(&k), message: m.to_string() },
            ));
        }
        let pk = point(&key.public_key().0);
        let msg = Fr::from(42u8);
        let sig = key.sign(msg);
        let s = ark_ff::PrimeField::into_bigint(sig.s).to_string();
        let verify = |name: &str, desc: &str, message: Fr, r8, s: String| {
            case(
                format!("verify_{kname}_{name}"),
                desc,
                P::EddsaVerify { public_key: pk.clone(), message: fr_to_decimal(&message), r8, s },
            )
        };
        eddsa.push(verify("valid", "a valid signature verifies", msg, point(&sig.r8), s.clone()));
        eddsa.push(verify(
            "wrong_message",
            "a signature does not verify another message",
            msg + Fr::from(1u8),
            point(&sig.r8),
            s.clone(),
        ));
        let s_plus =
            ark_ff::PrimeField::into_bigint(sig.s + zkrollup_spec::primitives::eddsa::Scalar::from(1u8)).to_string();
        eddsa.push(verify("wrong_s", "S changed by one does not verify", msg, point(&sig.r8), s_plus));
        // S + l: the same S modulo l, so a verifier reducing S would accept it.
        let mut s_plus_l = ark_ff::PrimeField::into_bigint(sig.s);
        ark_ff::BigInteger::add_with_carry(
            &mut s_plus_l,
            &<zkrollup_spec::primitives::eddsa::Scalar as ark_ff::PrimeField>::MODULUS,
        );
        eddsa.push(verify(
            "s_plus_l",
            "S + l (S unreduced, at or above the subgroup order) does not verify",
            msg,
            point(&sig.r8),
            s_plus_l.to_string(),
        ));
        let off = crate::wire::PointJson { x: "1".into(), y: "1".into() };
        eddsa.push(verify("r8_off_curve", "an R8 off the curve does not verify", msg, off, s.clone()));
        let key_off =
            crate::wire::PointJson { x: pk.x.clone(), y: fr_to_decimal(&(key.public_key().0.y + Fr::from(1u8))) };
        eddsa.push(case(
            format!("verify_{kname}_key_off_curve"),
            "a public key off the curve does not verify, whatever the signature",
            P::EddsaVerify { public_key: key_off, message: fr_to_decimal(&msg), r8: point(&sig.r8), s },
        ));
    }

    // A key off the curve on which the extended-coordinates doubling formula (which assumes a
    // curve point) degenerates: its 8-multiple has Z = 0. A verifier that skips the key's curve
    // check computes with it (and may read it as the identity, accepting R8 = B8·S).
    let degenerate = Point {
        x: ark_ff::Field::inverse(&zkrollup_spec::primitives::eddsa::circom_to_ark_x_factor()).expect("non-zero"),
        y: Fr::from(1u8),
    };
    eddsa.push(case(
        "verify_key_off_curve_degenerate",
        "a key off the curve does not verify, also one the doubling formula degenerates on",
        P::EddsaVerify {
            public_key: point(&degenerate),
            message: "42".into(),
            r8: point(&Point::base8()),
            s: "1".into(),
        },
    ));

    // Keys of small order: `(R8 = B8·S, S)` satisfies the verification equation under each,
    // for any message; the spec (as circomlib's circuit) refuses the key.
    for (k, p) in zkrollup_spec::primitives::eddsa::small_order_points().iter().enumerate() {
        let s = zkrollup_spec::primitives::eddsa::Scalar::from(1_000u64 + k as u64);
        let r8 = Point::base8().mul_integer(&ark_ff::PrimeField::into_bigint(s).0);
        eddsa.push(case(
            format!("verify_small_order_key_{k}"),
            format!("small-order key {k} (8·A = identity) with the forgery R8 = B8·S does not verify"),
            P::EddsaVerify {
                public_key: point(p),
                message: "42".into(),
                r8: point(&r8),
                s: ark_ff::PrimeField::into_bigint(s).to_string(),
            },
        ));
    }

    let mut keys_group = Vec::new();
    for (kname, k) in keys() {
        let pk = point(&PrivateKey(k).public_key().0);
        keys_group.push(case(
            format!("pubkey_hash_{kname}"),
            "low 20 bytes of Poseidon(Ax, Ay)",
            P::PubkeyHash { public_key: pk },
        ));
    }
    // Secrets 0, 1, 2 on three deployments, then secret 0 on a fourth: another L2 key.
    let deployments = [
        (0u32, 1u64, Address([0x32; 20])),
        (1, 31337, Address([0xcc; 20])),
        (2, 10, Address([0x0a; 20])),
        (0, 1, Address([0x33; 20])),
    ];
    for (n, (seed, chain_id, contract)) in deployments.into_iter().enumerate() {
        let secret = zkrollup_spec::primitives::keys::keccak256(
            &[b"zkrollup l1 secret ".as_slice(), &seed.to_be_bytes()].concat(),
        );
        keys_group.push(case(
            format!("l2_key_from_l1_{n}"),
            "the L2 key is keccak256 of the L1 key's personal_sign of the seed message, which names the deployment",
            P::L2KeyFromL1 { l1_secret: hex_of(&secret), chain_id: dec(chain_id), contract: contract.to_string() },
        ));
    }

    let mut packing = Vec::new();
    let max_m = (1u128 << 35) - 1;
    let amounts: [(&str, u128); 9] = [
        ("zero", 0),
        ("one", 1),
        ("thousand", 1000),
        ("max_mantissa", max_m),
        ("max_mantissa_plus_one", max_m + 1),
        ("ten_pow_30", 10u128.pow(30)),
        ("not_packable", 123_456_789_012_345),
        ("largest_packable", zkrollup_spec::primitives::packing::PackedAmount::closest_packable(u128::MAX).value()),
        ("u128_max", u128::MAX),
    ];
    for (n, v) in amounts {
        packing.push(case(format!("amount_{n}"), format!("pack the amount {v}"), P::PackAmount { value: dec(v) }));
    }
    for (n, v) in [("zero", 0u128), ("max_mantissa", 2047), ("2048", 2048), ("2049", 2049), ("u128_max", u128::MAX)] {
        packing.push(case(format!("fee_{n}"), format!("pack the fee {v}"), P::PackFee { value: dec(v) }));
    }
    // Decade edges: just past `MAX_MANTISSA · 10^e`, `MAX_MANTISSA · 10^(e−1)` beats
    // `⌊v / 10^e⌋ · 10^e` (zkSync Lite's closest packable value).
    let fee_edges: [(&str, u128); 6] = [
        ("20469", 20_469),
        ("20470", 20_470),
        ("20480", 20_480),
        ("20499", 20_499),
        ("20500", 20_500),
        ("2048e31", 2048 * 10u128.pow(31)),
    ];
    for (n, v) in fee_edges {
        packing.push(case(format!("closest_fee_{n}"), format!("pack the fee {v}"), P::PackFee { value: dec(v) }));
    }
    let amount_edges: [(&str, u128); 4] = [
        ("max_mantissa_e1_minus_one", max_m * 10 - 1),
        ("max_mantissa_plus_one_e1", (max_m + 1) * 10),
        ("max_mantissa_plus_one_e1_plus_one", (max_m + 1) * 10 + 1),
        ("max_mantissa_plus_one_e27", (max_m + 1) * 10u128.pow(27)),
    ];
    for (n, v) in amount_edges {
        packing.push(case(
            format!("closest_amount_{n}"),
            format!("pack the amount {v}"),
            P::PackAmount { value: dec(v) },
        ));
    }
    packing.push(case("unpack_amount_1000", "0x0000007d00 is 1000", P::UnpackAmount { bytes: "0x0000007d00".into() }));
    packing.push(case("unpack_fee_max", "0xffff is 2047·10^31", P::UnpackFee { bytes: "0xffff".into() }));
    packing.push(Case::new(
        "unpack_amount_too_large",
        "2^35-1 · 10^31 exceeds 128 bits",
        Expect::Reject(Rule::CodecAmountTooLarge),
        VectorInput::Primitives(PrimitivesInput { case: P::UnpackAmount { bytes: "0xffffffffff".into() } }),
    ));
    packing.push(Case::new(
        "unpack_amount_too_long",
        "an amount is exactly five bytes: a sixth is trailing",
        Expect::Reject(Rule::CodecTrailingBytes),
        VectorInput::Primitives(PrimitivesInput { case: P::UnpackAmount { bytes: "0x0000007d0000".into() } }),
    ));
    packing.push(Case::new(
        "unpack_fee_wrong_length",
        "a fee is exactly two bytes",
        Expect::Reject(Rule::CodecTruncated),
        VectorInput::Primitives(PrimitivesInput { case: P::UnpackFee { bytes: "0xff".into() } }),
    ));

    vec![("poseidon", poseidon), ("eddsa", eddsa), ("keys", keys_group), ("packing", packing), ("exit", exit())]
}

/// Exit claims and the exit relation (`exit_witness`, `check_exit`): what the exit circuit
/// proves, checked here without a proof. Each `check_exit` case says whether it should hold,
/// and the builder checks that the spec agrees before it becomes a vector.
fn exit() -> Vec<Case> {
    use zkrollup_spec::exit::ExitClaim;
    use zkrollup_spec::primitives::Address;
    use zkrollup_spec::state::{Account, State};
    use zkrollup_spec::testkit::{keyed_account, user};

    let mut keyless = Account::new(user(1).address);
    keyless.set_balance(3, 9);
    let state =
        State::from_accounts(vec![keyed_account(&user(0), 4, &[(0, 500), (3, 7)]), keyless]).expect("distinct users");
    let ws = crate::wire::convert::state(&state);
    let mut out = Vec::new();
    for (name, id, token) in [
        ("keyed_eth", 0, 0),
        ("keyed_token", 0, 3),
        ("keyed_zero_balance", 0, 5),
        ("keyless", 1, 3),
        ("no_account", 2, 0),
    ] {
        out.push(case(
            format!("claim_{name}"),
            "the claim a state gives an account and token (null where there is no account)",
            P::ExitClaim { state: ws.clone(), account_id: id, token },
        ));
    }
    let honest = ExitClaim { root: state.root(), account_id: 0, owner: user(0).address, token: 0, amount: 500 };
    let at_counter = ExitClaim { account_id: 2, owner: Address::ZERO, amount: 0, ..honest.clone() };
    let checks = [
        ("honest", "the state's own claim holds", honest.clone(), true),
        (
            "honest_keyless",
            "a keyless account's claim holds",
            ExitClaim { account_id: 1, owner: user(1).address, token: 3, amount: 9, ..honest.clone() },
            true,
        ),
        (
            "amount_plus_one",
            "one more than the balance does not hold",
            ExitClaim { amount: 501, ..honest.clone() },
            false,
        ),
        ("other_owner", "another owner does not hold", ExitClaim { owner: user(1).address, ..honest.clone() }, false),
        (
            "other_token",
            "the same amount of another token does not hold",
            ExitClaim { token: 3, ..honest.clone() },
            false,
        ),
        (
            "other_root",
            "another root does not hold",
            ExitClaim { root: honest.root + Fr::from(1u8), ..honest.clone() },
            false,
        ),
        ("other_account", "another account's id does not hold", ExitClaim { account_id: 1, ..honest.clone() }, false),
        (
            "empty_leaf_at_counter",
            "an empty leaf at the id counter matches the tree but is no account: does not hold",
            at_counter,
            false,
        ),
    ];
    for (name, desc, c, holds) in checks {
        let input = P::CheckExit { state: ws.clone(), claim: crate::wire::convert::claim(&c) };
        let got = crate::expected::outcome(&VectorInput::Primitives(PrimitivesInput { case: input.clone() }));
        assert!(
            matches!(got, Ok(crate::wire::Outcome::Primitives(crate::wire::PrimitivesOutcome { result: crate::wire::PrimitivesResult::Valid { valid } })) if valid == holds),
            "exit case {name}: the spec answers otherwise than intended"
        );
        out.push(case(format!("check_{name}"), desc, input));
    }
    out
}
