//! Decimal floating-point packing of amounts and fees in pubdata, as zkSync Lite lays it out.
//!
//! A packed value is `mantissa · 10^exponent`, stored big-endian as `mantissa << E | exponent`
//! in `(M + E) / 8` bytes: amounts use `M = 35, E = 5` (5 bytes), fees `M = 11, E = 5` (2 bytes).
//! Any `(mantissa, exponent)` whose value fits in 128 bits is a valid packing; transactions carry
//! the packed form, so what the user signs is exactly what the pubdata holds.
//!
//! Wallets round a wanted value `v` down to [`closest_packable`](PackedFloat::closest_packable):
//! the largest packable value not above `v`, written with the smallest exponent that represents
//! it. This is the value zkSync Lite's `closest_packable_token_amount` and
//! `closest_packable_fee_amount` give. For example, with the fee's 11-bit mantissa
//! (`MAX_MANTISSA = 2047`), 2048 and 2049 round to 2047 (not 2040), and 20,480 to 20,499 round to
//! 20,470 (`2047 · 10^1`, not `2040 · 10^1`).

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
    /// The largest mantissa, `2^MANT − 1`.
    pub const MAX_MANTISSA: u64 = (1u64 << MANT) - 1;
    /// The largest exponent, `2^EXP − 1`.
    pub const MAX_EXPONENT: u8 = ((1u32 << EXP) - 1) as u8;

    /// `None` unless the mantissa and exponent fit their bits and the value fits in 128 bits.
    pub fn new(mantissa: u64, exponent: u8) -> Option<Self> {
        if mantissa > Self::MAX_MANTISSA || exponent > Self::MAX_EXPONENT {
            return None;
        }
        let p = PackedFloat { mantissa, exponent };
        p.checked_value().map(|_| p)
    }

    /// Zero, written `(0, 0)`.
    pub const ZERO: Self = PackedFloat { mantissa: 0, exponent: 0 };

    /// The mantissa (below `2^MANT`).
    pub fn mantissa(&self) -> u64 {
        self.mantissa
    }

    /// The decimal exponent (below `2^EXP`).
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

    /// The largest packable value not above `v`, written with the smallest exponent that
    /// represents it.
    ///
    /// Let `e` be the smallest exponent at which the mantissa fits, `⌊v / 10^e⌋ ≤ MAX_MANTISSA`.
    /// The result is the larger of two candidates:
    ///
    /// - `⌊v / 10^e⌋ · 10^e`, written `(⌊v / 10^e⌋, e)`;
    /// - when `e ≥ 1`, `MAX_MANTISSA · 10^(e−1)`, written `(MAX_MANTISSA, e − 1)`. It is not
    ///   above `v`, because the mantissa does not fit at `e − 1`: `⌊v / 10^(e−1)⌋ > MAX_MANTISSA`.
    ///
    /// The larger candidate is the largest packable value not above `v`: a packable value
    /// `m · 10^f ≤ v` with `f ≥ e` is a multiple of `10^e`, so it is at most the first candidate;
    /// one with `f < e` is at most `MAX_MANTISSA · 10^f ≤ MAX_MANTISSA · 10^(e−1)`, the second.
    /// The candidates never tie (`MAX_MANTISSA = 2^M − 1` is odd, so the second is no multiple of
    /// `10^e`), and neither can be written with a smaller exponent.
    ///
    /// When no exponent fits (`v` above the largest packable value, which happens only for fees:
    /// `2047 · 10^31 < 2^128`, while every `u128` fits an amount's mantissa by exponent 28), the
    /// result is that largest value, `(MAX_MANTISSA, MAX_EXPONENT)`.
    pub fn closest_packable(v: u128) -> Self {
        let mut exponent = 0u8;
        let mut m = v;
        while m > Self::MAX_MANTISSA as u128 && exponent < Self::MAX_EXPONENT {
            m /= 10;
            exponent += 1;
        }
        if m > Self::MAX_MANTISSA as u128 {
            // Above the largest representable value (fees only): clamp.
            return PackedFloat { mantissa: Self::MAX_MANTISSA, exponent };
        }
        let at_e = PackedFloat { mantissa: m as u64, exponent };
        if exponent == 0 {
            return at_e;
        }
        let below = PackedFloat { mantissa: Self::MAX_MANTISSA, exponent: exponent - 1 };
        if below.value() > at_e.value() {
            below
        } else {
            at_e
        }
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
