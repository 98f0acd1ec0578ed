//! A bounds-checked big-endian reader for decoders: running out of bytes or leaving bytes over
//! is a `codec.*` rejection, never a panic.

use crate::primitives::eddsa::{Point, PublicKey, Scalar, Signature};
use crate::primitives::field::{fr_from_canonical_be, fr_to_be_bytes, Address, PubKeyHash};
use crate::rules::{Rejection, Rule};
use ark_ff::{BigInteger, PrimeField};

/// A cursor over a byte string being decoded. Every read either returns exactly the bytes asked
/// for or fails with `codec.truncated`; [`Reader::finish`] rejects leftovers.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over `data`; `what` names the structure in error details.
    pub fn new(data: &'a [u8], what: &'static str) -> Self {
        Reader { data, pos: 0, what }
    }

    /// Bytes read so far (the offset of the next read).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next `n` bytes; `codec.truncated` if fewer are left.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Rejection> {
        if self.data.len() - self.pos < n {
            return Err(Rejection::new(
                Rule::CodecTruncated,
                format!("{}: needs {} bytes at offset {}, {} left", self.what, n, self.pos, self.data.len() - self.pos),
            ));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Rejection> {
        Ok(self.take(N)?.try_into().expect("length taken"))
    }

    /// An unsigned big-endian integer of `n ≤ 16` bytes.
    pub fn uint(&mut self, n: usize) -> Result<u128, Rejection> {
        Ok(self.take(n)?.iter().fold(0u128, |acc, b| (acc << 8) | *b as u128))
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, Rejection> {
        Ok(self.uint(1)? as u8)
    }
    /// A 2-byte big-endian integer.
    pub fn u16(&mut self) -> Result<u16, Rejection> {
        Ok(self.uint(2)? as u16)
    }
    /// A 4-byte big-endian integer.
    pub fn u32(&mut self) -> Result<u32, Rejection> {
        Ok(self.uint(4)? as u32)
    }
    /// An 8-byte big-endian integer.
    pub fn u64(&mut self) -> Result<u64, Rejection> {
        Ok(self.uint(8)? as u64)
    }
    /// A 16-byte big-endian integer.
    pub fn u128(&mut self) -> Result<u128, Rejection> {
        self.uint(16)
    }
    /// A 20-byte L1 address.
    pub fn address(&mut self) -> Result<Address, Rejection> {
        Ok(Address(self.array()?))
    }
    /// A 20-byte pubkey hash.
    pub fn pubkey_hash(&mut self) -> Result<PubKeyHash, Rejection> {
        Ok(PubKeyHash(self.array()?))
    }

    /// A curve point as two canonical 32-byte big-endian coordinates, on the curve.
    pub fn point(&mut self) -> Result<Point, Rejection> {
        let bad = |what: &str| Rejection::new(Rule::CodecBadSignature, what.to_string());
        let x = fr_from_canonical_be(&self.array()?).ok_or_else(|| bad("point x not below the field modulus"))?;
        let y = fr_from_canonical_be(&self.array()?).ok_or_else(|| bad("point y not below the field modulus"))?;
        let p = Point { x, y };
        if !p.is_on_curve() {
            return Err(bad("point not on BabyJubjub"));
        }
        Ok(p)
    }

    /// `A ‖ R8 ‖ S` (160 bytes); `S` big-endian and below the subgroup order.
    pub fn signature(&mut self) -> Result<(PublicKey, Signature), Rejection> {
        let a = PublicKey(self.point()?);
        let r8 = self.point()?;
        let s_bytes: [u8; 32] = self.array()?;
        let s = Scalar::from_be_bytes_mod_order(&s_bytes);
        if scalar_be_bytes(&s) != s_bytes {
            return Err(Rejection::new(Rule::CodecBadSignature, "signature S not below the subgroup order"));
        }
        Ok((a, Signature { r8, s }))
    }

    /// Fails with `codec.trailing_bytes` unless every byte was read.
    pub fn finish(self) -> Result<(), Rejection> {
        if self.pos != self.data.len() {
            return Err(Rejection::new(
                Rule::CodecTrailingBytes,
                format!("{}: {} bytes left over after offset {}", self.what, self.data.len() - self.pos, self.pos),
            ));
        }
        Ok(())
    }
}

/// `A ‖ R8 ‖ S` (160 bytes, every value 32 bytes big-endian), as [`Reader::signature`] reads it.
pub fn signature_bytes(a: &PublicKey, sig: &Signature) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    for c in [a.0.x, a.0.y, sig.r8.x, sig.r8.y] {
        out.extend_from_slice(&fr_to_be_bytes(&c));
    }
    out.extend_from_slice(&scalar_be_bytes(&sig.s));
    out
}

fn scalar_be_bytes(s: &Scalar) -> [u8; 32] {
    let v = s.into_bigint().to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - v.len()..].copy_from_slice(&v);
    out
}
