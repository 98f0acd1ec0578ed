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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FEE_MAX_M: u128 = 2047;
    const AMOUNT_MAX_M: u128 = (1 << 35) - 1;

    /// The largest packable value not above `v` and the smallest exponent that writes it, found by
    /// brute force: at every exponent take the largest mantissa that keeps the value within `v`,
    /// then the largest value (the first exponent reaching it, counting up).
    fn oracle(v: u128, mantissa_bits: u32, exponent_bits: u32) -> (u128, u8) {
        let max_m = (1u128 << mantissa_bits) - 1;
        let mut best = (0u128, 0u8);
        for e in 0..=((1u32 << exponent_bits) - 1) {
            let Some(scale) = 10u128.checked_pow(e) else { break };
            let value = (v / scale).min(max_m) * scale;
            if value > best.0 {
                best = (value, e as u8);
            }
        }
        best
    }

    fn fee(v: u128) -> (u128, u8) {
        let p = PackedFee::closest_packable(v);
        (p.value(), p.exponent())
    }

    fn amount(v: u128) -> (u128, u8) {
        let p = PackedAmount::closest_packable(v);
        (p.value(), p.exponent())
    }

    #[test]
    fn design_example_1000() {
        let p = PackedAmount::closest_packable(1000);
        assert_eq!(p.to_bytes(), vec![0x00, 0x00, 0x00, 0x7d, 0x00]);
    }

    #[test]
    fn zksync_lite_examples() {
        // 2048 and 2049: 2047 · 10^0 beats 204 · 10^1 = 2040.
        assert_eq!(fee(2048), (2047, 0));
        assert_eq!(fee(2049), (2047, 0));
        // 20,480 to 20,499: 2047 · 10^1 beats 204 · 10^2 = 20,400; 20,500 is exact again.
        for v in 20_480..=20_499 {
            assert_eq!(fee(v), (20_470, 1), "fee {v}");
        }
        assert_eq!(fee(20_500), (20_500, 2));
        assert_eq!(fee(20_469), (20_460, 1));
        // 2^35: (2^35 − 1) · 10^0 beats 3,435,973,836 · 10^1.
        assert_eq!(amount(1 << 35), (34_359_738_367, 0));
        assert_eq!(PackedAmount::closest_packable(1 << 35).mantissa(), 34_359_738_367);
    }

    /// Around `MAX_MANTISSA · 10^e` and `(MAX_MANTISSA + 1) · 10^e`, for every exponent whose
    /// values fit in 128 bits: only `MAX_MANTISSA · 10^e − 1` rounds to mantissa
    /// `MAX_MANTISSA − 1`; the other five all round to `MAX_MANTISSA · 10^e`, written at `e`.
    fn decade_edges(max_m: u128, max_e: u8, closest: fn(u128) -> (u128, u8)) -> usize {
        let mut checked = 0;
        for e in 0..=max_e {
            let scale = 10u128.pow(e as u32);
            let Some(top) = max_m.checked_mul(scale) else { break };
            let next = (max_m + 1) * scale;
            let expect = [
                (top - 1, ((max_m - 1) * scale, e)),
                (top, (top, e)),
                (top + 1, (top, e)),
                (next - 1, (top, e)),
                (next, (top, e)),
                (next + 1, (top, e)),
            ];
            for (v, want) in expect {
                assert_eq!(closest(v), want, "v = {v}, e = {e}");
            }
            checked += 1;
        }
        checked
    }

    #[test]
    fn fee_decade_edges() {
        // Every fee exponent 0..=31 fits: 2048 · 10^31 < 2^128.
        assert_eq!(decade_edges(FEE_MAX_M, 31, fee), 32);
    }

    #[test]
    fn amount_decade_edges() {
        // (2^35 − 1) · 10^27 < 2^128 < (2^35 − 1) · 10^28.
        assert_eq!(decade_edges(AMOUNT_MAX_M, 31, amount), 28);
    }

    #[test]
    fn edge_values() {
        assert_eq!(PackedAmount::closest_packable(AMOUNT_MAX_M).exponent(), 0);
        assert_eq!(PackedAmount::closest_packable(AMOUNT_MAX_M + 1).exponent(), 0);
        assert_eq!(PackedAmount::closest_packable(AMOUNT_MAX_M * 10 + 1).exponent(), 1);
        assert!(!PackedFee::is_packable(2049));
        assert!(PackedFee::is_packable(2047));
        assert_eq!(PackedFee::pack_exact(20_470), PackedFee::new(2047, 1));
        assert_eq!(PackedFee::pack_exact(20_480), None);
        // Above the largest fee, clamp.
        assert_eq!(PackedFee::closest_packable(u128::MAX).value(), 2047 * 10u128.pow(31));
        assert_eq!(fee(2048 * 10u128.pow(31)), (2047 * 10u128.pow(31), 31));
        assert_eq!(amount(u128::MAX), oracle(u128::MAX, 35, 5));
        assert!(PackedAmount::closest_packable(u128::MAX).exponent() < 31);
        // A mantissa · 10^31 above 2^128 is no valid packing.
        let max_m = AMOUNT_MAX_M as u64;
        assert_eq!(PackedAmount::new(max_m, 31), None);
        assert_eq!(PackedAmount::from_bytes(&[0xff; 5]), None);
        assert_eq!(PackedAmount::new(1 << 35, 0), None);
        assert_eq!(PackedFee::from_bytes(&[0, 0, 0]), None);
        // Every fee packing fits: 2047 · 10^31 < 2^128.
        assert_eq!(PackedFee::from_bytes(&[0xff, 0xff]).unwrap().value(), 2047 * 10u128.pow(31));
    }

    #[test]
    fn every_small_fee_matches_the_oracle() {
        for v in 0..=250_000u128 {
            assert_eq!(fee(v), oracle(v, 11, 5), "fee {v}");
        }
    }

    /// Values of every magnitude, not only ones near 2^128.
    fn any_magnitude() -> impl Strategy<Value = u128> {
        (any::<u128>(), 0u32..128).prop_map(|(x, shift)| x >> shift)
    }

    /// Values within a few units of `m · 10^e` for mantissas near the top of the fee's and the
    /// amount's ranges.
    fn near_edges() -> impl Strategy<Value = u128> {
        let mantissa = prop_oneof![(FEE_MAX_M - 3)..=(FEE_MAX_M + 12), (AMOUNT_MAX_M - 3)..=(AMOUNT_MAX_M + 12)];
        (mantissa, 0u32..=31, -3i128..=3)
            .prop_filter_map("fits in 128 bits", |(m, e, d)| m.checked_mul(10u128.pow(e))?.checked_add_signed(d))
    }

    proptest! {
        #[test]
        fn closest_matches_the_oracle(v in prop_oneof![any::<u128>(), any_magnitude(), near_edges()]) {
            prop_assert_eq!(fee(v), oracle(v, 11, 5));
            prop_assert_eq!(amount(v), oracle(v, 35, 5));
            let p = PackedAmount::closest_packable(v);
            prop_assert_eq!(PackedAmount::from_bytes(&p.to_bytes()), Some(p));
            let f = PackedFee::closest_packable(v);
            prop_assert_eq!(PackedFee::from_bytes(&f.to_bytes()), Some(f));
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
