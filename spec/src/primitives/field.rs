//! The BN254 scalar field and the 20-byte identifiers.
//!
//! Every tree node, leaf and signing message is an element of `Fr` (BN254's scalar field, the
//! base field of BabyJubjub). Byte strings enter the field big-endian; a string of at most 31
//! bytes maps injectively, which is why no packed field element in this protocol is wider.

use core::fmt;
use core::str::FromStr;

use ark_ff::{BigInteger, PrimeField};

pub use ark_bn254::Fr;

/// Interprets at most 31 big-endian bytes as a field element (injective at that length).
pub fn fr_from_be_bytes(bytes: &[u8]) -> Fr {
    debug_assert!(bytes.len() <= 31, "wider strings are not injective in Fr");
    Fr::from_be_bytes_mod_order(bytes)
}

/// The canonical 32-byte big-endian form of a field element.
pub fn fr_to_be_bytes(x: &Fr) -> [u8; 32] {
    let v = x.into_bigint().to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - v.len()..].copy_from_slice(&v);
    out
}

/// Parses 32 big-endian bytes; `None` unless the value is below the field modulus.
pub fn fr_from_canonical_be(bytes: &[u8; 32]) -> Option<Fr> {
    let x = Fr::from_be_bytes_mod_order(bytes);
    (fr_to_be_bytes(&x) == *bytes).then_some(x)
}

/// A field element as a decimal string (the JSON convention of this project).
pub fn fr_to_decimal(x: &Fr) -> String {
    x.into_bigint().to_string()
}

/// Parses a canonical decimal string (no sign, no leading zeros) of a value below the modulus.
pub fn fr_from_decimal(s: &str) -> Option<Fr> {
    // The round trip refuses everything else: signs, leading zeros, values reduced mod p.
    let x = Fr::from_str(s).ok()?;
    (fr_to_decimal(&x) == s).then_some(x)
}

macro_rules! bytes20 {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; 20]);

        impl $name {
            /// All twenty bytes zero.
            pub const ZERO: $name = $name([0u8; 20]);

            /// Whether all twenty bytes are zero.
            pub fn is_zero(&self) -> bool {
                self.0 == [0u8; 20]
            }

            /// The 20 bytes as a field element (big-endian).
            pub fn to_fr(&self) -> Fr {
                fr_from_be_bytes(&self.0)
            }

            /// From a slice of exactly 20 bytes.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                Some($name(bytes.try_into().ok()?))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let h = s.strip_prefix("0x").ok_or_else(|| format!("{s:?}: expected 0x-hex"))?;
                let v = hex::decode(h).map_err(|e| format!("{s:?}: {e}"))?;
                $name::from_slice(&v).ok_or_else(|| format!("{s:?}: expected 20 bytes"))
            }
        }
    };
}

bytes20! {
    /// An Ethereum (L1) address. The zero address marks an empty account leaf.
    Address
}

bytes20! {
    /// The 20-byte hash of an L2 public key ([`crate::primitives::keys::pubkey_hash`]); zero
    /// means the account has no L2 key yet.
    PubKeyHash
}
