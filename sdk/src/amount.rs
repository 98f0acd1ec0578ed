//! Amounts as the user thinks of them, and packing made visible. A token has decimals: "1.5"
//! of an 18-decimal token is 1.5·10^18 base units. On L2 a transfer's amount and every fee
//! travel packed (a mantissa and a decimal exponent, spec `primitives::packing`); a value that
//! does not pack is an error naming the closest packable values on either side, never rounded
//! silently.

use zkrollup_spec::primitives::packing::{PackedAmount, PackedFee, PackedFloat};

use crate::SdkError;

/// `text` ("1.5", "20", "0.000001") in base units of a token with `decimals` decimals.
pub fn parse_units(text: &str, decimals: u8) -> Result<u128, SdkError> {
    let bad = |why: &str| SdkError::BadAmount(format!("{text:?}: {why}"));
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(bad("no digits"));
    }
    if !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad("only digits and one decimal point"));
    }
    if fraction.len() > decimals as usize {
        return Err(bad(&format!("more than the token's {decimals} decimals")));
    }
    let digits = format!("{whole}{fraction:0<width$}", width = decimals as usize);
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    digits.parse().map_err(|_| bad("above 2^128 base units"))
}

/// `value` base units of a token with `decimals` decimals, as a person reads it ("1.5").
pub fn format_units(value: u128, decimals: u8) -> String {
    let scale = 10u128.checked_pow(decimals as u32);
    let Some(scale) = scale else { return format!("0.{value:0>width$}", width = decimals as usize) };
    let (whole, fraction) = (value / scale, value % scale);
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:0>width$}", width = decimals as usize);
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// The smallest packable value at or above `v`, if any: the first exponent at which `v`
/// rounded up to a multiple of its power of ten has a mantissa that fits (a larger exponent
/// only rounds further up; a smaller one leaves no mantissa that fits).
fn packable_above<const M: u32, const E: u32>(v: u128) -> Option<u128> {
    (0..=PackedFloat::<M, E>::MAX_EXPONENT).find_map(|e| {
        let step = 10u128.checked_pow(e as u32)?;
        let mantissa = v.div_ceil(step);
        (mantissa <= PackedFloat::<M, E>::MAX_MANTISSA as u128).then(|| mantissa.checked_mul(step)).flatten()
    })
}

fn pack<const M: u32, const E: u32>(what: &'static str, v: u128) -> Result<PackedFloat<M, E>, SdkError> {
    PackedFloat::<M, E>::pack_exact(v).ok_or_else(|| SdkError::NotPackable {
        what,
        asked: v,
        below: PackedFloat::<M, E>::closest_packable(v).value(),
        above: packable_above::<M, E>(v),
    })
}

/// `v` as a transfer's packed amount, or [`SdkError::NotPackable`].
pub fn pack_amount(v: u128) -> Result<PackedAmount, SdkError> {
    pack("amount", v)
}

/// `v` as a packed fee, or [`SdkError::NotPackable`].
pub fn pack_fee(v: u128) -> Result<PackedFee, SdkError> {
    pack("fee", v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
