//! Decimal floating-point packing of amounts and fees in pubdata, as zkSync Lite lays it out.
//!
//! A packed value is `mantissa · 10^exponent`, stored big-endian as `mantissa << E | exponent`
//! in `(M + E) / 8` bytes: amounts use `M = 35, E = 5` (5 bytes), fees `M = 11, E = 5` (2 bytes).
//! Wallets round a wanted value down to [`closest_packable`](PackedFloat::closest_packable),
//! which chooses the smallest exponent. Any `(mantissa, exponent)` whose value fits in 128 bits
//! is a valid packing; transactions carry the packed form, so what the user signs is exactly
//! what the pubdata holds.

use core::fmt;

use crate::params::{AMOUNT_EXPONENT_BITS, AMOUNT_MANTISSA_BITS, FEE_EXPONENT_BITS, FEE_MANTISSA_BITS};

/// A value `mantissa · 10^exponent` with `MANT`-bit mantissa and `EXP`-bit exponent, whose value
/// fits in a `u128` (checked on construction).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PackedFloat<const MANT: u32, const EXP: u32> {
    mantissa: u64,
    exponent: u8,
}

/// A packed transfer amount (5 bytes).
pub type PackedAmount = PackedFloat<AMOUNT_MANTISSA_BITS, AMOUNT_EXPONENT_BITS>;
/// A packed fee (2 bytes).
pub type PackedFee = PackedFloat<FEE_MANTISSA_BITS, FEE_EXPONENT_BITS>;

impl<const MANT: u32, const EXP: u32> PackedFloat<MANT, EXP> {
    /// Bytes of the packed form.
    pub const BYTES: usize = ((MANT + EXP) / 8) as usize;
    const MAX_MANTISSA: u64 = (1u64 << MANT) - 1;
    const MAX_EXPONENT: u8 = ((1u32 << EXP) - 1) as u8;

    /// `None` unless the mantissa and exponent fit their bits and the value fits in 128 bits.
    pub fn new(mantissa: u64, exponent: u8) -> Option<Self> {
        if mantissa > Self::MAX_MANTISSA || exponent > Self::MAX_EXPONENT {
            return None;
        }
        let p = PackedFloat { mantissa, exponent };
        p.checked_value().map(|_| p)
    }

    pub const ZERO: Self = PackedFloat { mantissa: 0, exponent: 0 };

    pub fn mantissa(&self) -> u64 {
        self.mantissa
    }

    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    fn checked_value(&self) -> Option<u128> {
        10u128.checked_pow(self.exponent as u32)?.checked_mul(self.mantissa as u128)
    }

    /// The value; always fits (checked on construction).
    pub fn value(&self) -> u128 {
        self.checked_value().expect("checked on construction")
    }

    /// The largest packable value not above `v`, with the smallest exponent that represents it.
    pub fn closest_packable(v: u128) -> Self {
        let mut exponent = 0u8;
        let mut m = v;
        while m > Self::MAX_MANTISSA as u128 && exponent < Self::MAX_EXPONENT {
            m /= 10;
            exponent += 1;
        }
        // Above the largest representable value (fees only: 2047 · 10^31 < 2^128), clamp.
        let mantissa = m.min(Self::MAX_MANTISSA as u128) as u64;
        PackedFloat { mantissa, exponent }
    }

    /// The packing of `v` if `v` is exactly packable.
    pub fn pack_exact(v: u128) -> Option<Self> {
        let p = Self::closest_packable(v);
        (p.value() == v).then_some(p)
    }

    /// Whether `v` is exactly packable.
    pub fn is_packable(v: u128) -> bool {
        Self::pack_exact(v).is_some()
    }

    /// Big-endian `mantissa << EXP | exponent` in [`Self::BYTES`] bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let word = ((self.mantissa as u128) << EXP) | self.exponent as u128;
        word.to_be_bytes()[16 - Self::BYTES..].to_vec()
    }

    /// Parses [`Self::BYTES`] bytes; `None` if the length is wrong or the value exceeds 128 bits.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::BYTES {
            return None;
        }
        let word = bytes.iter().fold(0u128, |acc, b| (acc << 8) | *b as u128);
        let exponent = (word & Self::MAX_EXPONENT as u128) as u8;
        Self::new((word >> EXP) as u64, exponent)
    }
}

impl<const MANT: u32, const EXP: u32> fmt::Debug for PackedFloat<MANT, EXP> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}e{}", self.mantissa, self.exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn design_example_1000() {
        let p = PackedAmount::closest_packable(1000);
        assert_eq!(p.to_bytes(), vec![0x00, 0x00, 0x00, 0x7d, 0x00]);
    }

    #[test]
    fn edge_values() {
        let max_m = (1u64 << 35) - 1;
        assert_eq!(PackedAmount::closest_packable(max_m as u128).exponent(), 0);
        assert_eq!(PackedAmount::closest_packable(max_m as u128 + 1).exponent(), 1);
        // Rounds down.
        assert_eq!(PackedFee::closest_packable(2049).value(), 2040);
        assert!(!PackedFee::is_packable(2049));
        assert!(PackedFee::is_packable(2047));
        assert_eq!(PackedFee::closest_packable(u128::MAX).value(), 2047 * 10u128.pow(31));
        assert!(PackedAmount::closest_packable(u128::MAX).exponent() < 31);
        // A mantissa · 10^31 above 2^128 is no valid packing.
        assert_eq!(PackedAmount::new(max_m, 31), None);
        assert_eq!(PackedAmount::from_bytes(&[0xff; 5]), None);
        assert_eq!(PackedAmount::new(1 << 35, 0), None);
        assert_eq!(PackedFee::from_bytes(&[0, 0, 0]), None);
        // Every fee packing fits: 2047 · 10^31 < 2^128.
        assert_eq!(PackedFee::from_bytes(&[0xff, 0xff]).unwrap().value(), 2047 * 10u128.pow(31));
    }

    proptest! {
        #[test]
        fn closest_is_below_and_tight(v in any::<u128>()) {
            let p = PackedAmount::closest_packable(v);
            prop_assert!(p.value() <= v);
            prop_assert_eq!(PackedAmount::from_bytes(&p.to_bytes()), Some(p));
            // Tight: the next mantissa step would exceed v.
            let step = 10u128.pow(p.exponent() as u32);
            prop_assert!(p.value().checked_add(step).is_none_or(|n| n > v));
        }

        #[test]
        fn bytes_round_trip(b in proptest::array::uniform2(any::<u8>())) {
            if let Some(p) = PackedFee::from_bytes(&b) {
                prop_assert_eq!(p.to_bytes(), b.to_vec());
            }
        }

        #[test]
        fn exact_packing_round_trips(m in 0u64..(1 << 35), e in 0u8..20) {
            let v = (m as u128) * 10u128.pow(e as u32);
            let p = PackedAmount::pack_exact(v).unwrap();
            prop_assert_eq!(p.value(), v);
        }
    }
}
