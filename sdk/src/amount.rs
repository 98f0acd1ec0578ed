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
