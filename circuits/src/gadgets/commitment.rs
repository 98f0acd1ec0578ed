//! The block commitment in-circuit: SHA-256 ([`super::sha256`]) over the header and pubdata
//! bytes, truncated to 253 bits and equated with the single public input.

use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::convert::ToBitsGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::uint8::UInt8;
use ark_relations::gr1cs::SynthesisError;
use zkrollup_spec::primitives::Fr;

use super::bits::from_bits_be;
pub use super::sha256::sha256;

/// `sha256(bytes)` with its top three bits cleared, as a field element.
pub fn truncated_sha256(bytes: &[UInt8<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    truncate_253(&sha256(bytes)?)
}

/// A 32-byte big-endian digest with its top three bits cleared, as a field element.
pub fn truncate_253(digest: &[UInt8<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    // Digest bytes are big-endian; each byte's bits come LSB first from to_bits_le.
    let mut bits_be: Vec<Boolean<Fr>> = Vec::with_capacity(256);
    for byte in digest {
        let le = byte.to_bits_le()?;
        bits_be.extend(le.into_iter().rev());
    }
    Ok(from_bits_be(&bits_be[3..]))
}
