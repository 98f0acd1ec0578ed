//! # 2. Primitives
//!
//! The cryptographic and encoding building blocks, each chosen so that an outside implementer
//! can check ours against a widely used library:
//!
//! - [`field`]: the BN254 scalar field `Fr`, the only arithmetic domain of the circuits, and the
//!   20-byte [`Address`] and [`PubKeyHash`].
//! - [`poseidon`]: Poseidon with circomlib's parameters (via `light-poseidon`).
//! - [`eddsa`]: EdDSA-Poseidon on BabyJubjub, bit-compatible with circomlib's
//!   `signPoseidon`/`verifyPoseidon`, including its private-key derivation.
//! - [`keys`]: how an account's L2 key derives from its L1 (secp256k1) key, the pubkey hash,
//!   and the L1 signature helpers (EIP-191 personal_sign, ecrecover).
//! - [`bytes`]: the bounds-checked reader every decoder uses.
//! - [`packing`]: the decimal floating-point packing of amounts and fees in pubdata.

pub mod bytes;
pub mod eddsa;
pub mod field;
pub mod keys;
pub mod packing;
pub mod poseidon;

pub use field::{Address, Fr, PubKeyHash};
