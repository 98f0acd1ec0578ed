//! Packed amounts and fees: what is packable, the closest packable value, the encodings.

use proptest::prelude::*;
use zkrollup_spec::primitives::packing::*;

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
