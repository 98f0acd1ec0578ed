//! Amounts as people write them and packing made visible (`zkrollup_sdk::amount`).

use zkrollup_sdk::amount::{format_units, pack_amount, pack_fee, parse_units};
use zkrollup_sdk::SdkError;

#[test]
fn decimals_read_and_print_as_people_write_them() {
    assert_eq!(parse_units("1.5", 18), Ok(1_500_000_000_000_000_000));
    assert_eq!(parse_units("20", 6), Ok(20_000_000));
    assert_eq!(parse_units("0.000001", 6), Ok(1));
    assert_eq!(parse_units(".5", 1), Ok(5));
    assert_eq!(parse_units("0", 18), Ok(0));
    for bad in ["", ".", "1.2.3", "-1", "1e18", "0.0000001", "abc"] {
        assert!(matches!(parse_units(bad, 6), Err(SdkError::BadAmount(_))), "{bad:?}");
    }
    assert!(matches!(parse_units("340282366920938463463374607431768211456", 0), Err(SdkError::BadAmount(_))));
    assert_eq!(format_units(1_500_000_000_000_000_000, 18), "1.5");
    assert_eq!(format_units(20_000_000, 6), "20");
    assert_eq!(format_units(1, 6), "0.000001");
}

/// An amount's mantissa has 35 bits (at most 34,359,738,367) and a fee's 11 (at most
/// 2,047), each times a power of ten: the neighbours below are worked out by hand.
#[test]
fn what_does_not_pack_is_refused_naming_its_packable_neighbours() {
    assert_eq!(pack_amount(1_000_000_000_000_000_000).map(|p| p.value()), Ok(1_000_000_000_000_000_000));
    let err = pack_amount(1_000_000_000_000_000_001).unwrap_err();
    assert_eq!(
        err,
        SdkError::NotPackable {
            what: "amount",
            asked: 1_000_000_000_000_000_001,
            below: 1_000_000_000_000_000_000,
            above: Some(1_000_000_000_100_000_000),
        }
    );
    assert!(err.to_string().contains("1000000000000000000"), "{err}");
    // 2,049 needs 12 bits: 2,047 below (the largest mantissa), 2,050 above (205·10).
    assert_eq!(
        pack_fee(2_049),
        Err(SdkError::NotPackable { what: "fee", asked: 2_049, below: 2_047, above: Some(2_050) })
    );
    assert_eq!(pack_fee(2_047).map(|p| p.value()), Ok(2_047));
    // 34,359,738,368 (2^35): one above the largest 35-bit mantissa; the next at exponent 1.
    let err = pack_amount(34_359_738_368).unwrap_err();
    assert_eq!(
        err,
        SdkError::NotPackable {
            what: "amount",
            asked: 34_359_738_368,
            below: 34_359_738_367,
            above: Some(34_359_738_370)
        }
    );
}
