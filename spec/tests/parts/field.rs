//! Field elements: decimal parsing and byte encodings.

use zkrollup_spec::primitives::field::*;

#[test]
fn decimal_round_trip_and_rejections() {
    let p = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    assert_eq!(fr_from_decimal(p), None, "the modulus itself is not canonical");
    let pm1 = "21888242871839275222246405745257275088548364400416034343698204186575808495616";
    assert_eq!(fr_to_decimal(&fr_from_decimal(pm1).unwrap()), pm1);
    assert_eq!(fr_from_decimal("0"), Some(Fr::from(0u8)));
    assert_eq!(fr_from_decimal("12"), Some(Fr::from(12u8)));
    assert_eq!(fr_from_decimal(""), None);
    assert_eq!(fr_from_decimal("-1"), None);
    assert_eq!(fr_from_decimal("1x"), None);
    assert_eq!(fr_from_decimal("012"), None);
    assert_eq!(fr_from_decimal("+12"), None);
    assert_eq!(fr_from_decimal(" 12"), None);
    assert_eq!(fr_from_decimal(&format!("1{}", "0".repeat(100))), None, "reduced mod p");
}

#[test]
fn bytes_round_trip() {
    let x = fr_from_decimal("123456789012345678901234567890").unwrap();
    assert_eq!(fr_from_canonical_be(&fr_to_be_bytes(&x)), Some(x));
    assert_eq!(fr_from_canonical_be(&[0xff; 32]), None);
    let a: Address = "0x00000000000000000000000000000000000000ff".parse().unwrap();
    assert_eq!(a.to_fr(), Fr::from(255u16));
    assert_eq!(a.to_string().parse::<Address>().unwrap(), a);
    assert!("0x12".parse::<Address>().is_err());
    assert!("12".parse::<Address>().is_err());
}
