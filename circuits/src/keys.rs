//! Groth16 keys on disk: made once by the development setup, then loaded.
//!
//! A key file is named after its circuit, the setup seed, and a digest of the circuit's R1CS
//! matrices, so a change to the circuit (even one that keeps the constraint count) makes a new
//! key instead of silently loading a stale one. Files are written to a temporary name and
//! renamed, so an interrupted setup never leaves a truncated key behind. Keys are large (a
//! 64-chunk block's proving key is hundreds of MB) and are never committed; the default folder
//! is `target/zkrollup-keys`, or `$ZKROLLUP_KEYS`.

use std::fs;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use ark_ff::PrimeField;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode, Variable};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use zkrollup_spec::primitives::Fr;

use crate::block::BlockCircuit;
use crate::exit::ExitCircuit;
use crate::groth16::{dev_setup, Pk, ProofError, Vk};
use crate::satisfaction::r1cs_operands;

/// The circuits keys exist for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CircuitKind {
    /// The block circuit of this many chunks.
    Block(usize),
    Exit,
}

impl CircuitKind {
    pub fn name(&self) -> String {
        match self {
            CircuitKind::Block(n) => format!("block{n}"),
            CircuitKind::Exit => "exit".into(),
        }
    }

    fn synthesize(&self, cs: ark_relations::gr1cs::ConstraintSystemRef<Fr>) -> Result<(), ProofError> {
        match self {
            CircuitKind::Block(n) => BlockCircuit::blank(*n).generate_constraints(cs)?,
            CircuitKind::Exit => ExitCircuit::blank().generate_constraints(cs)?,
        }
        Ok(())
    }

    fn setup(&self, seed: u64) -> Result<(Pk, Vk), ProofError> {
        match self {
            CircuitKind::Block(n) => dev_setup(BlockCircuit::blank(*n), seed),
            CircuitKind::Exit => dev_setup(ExitCircuit::blank(), seed),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{path}: not a key of this circuit ({err})")]
    Corrupt { path: PathBuf, err: ark_serialize::SerializationError },
}

/// The circuit's shape: constraint and variable counts and a SHA-256 of its matrices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub constraints: usize,
    pub witnesses: usize,
    pub instances: usize,
    pub digest: [u8; 32],
}

/// Synthesises the circuit in setup mode (no witness) and digests it as synthesised: every
/// linear combination in creation order, then the operands of every constraint.
///
/// Not the matrices that `finalize` inlines: inlining was most of the time of loading a key,
/// which every prover and node start pays. The circuit's synthesis is deterministic, so a
/// change to it changes the digest; two syntheses that would inline to the same matrices may
/// digest differently, which costs only a new key.
pub fn shape(kind: CircuitKind) -> Result<Shape, ProofError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    kind.synthesize(cs.clone())?;
    let b = cs.borrow().expect("a fresh constraint system");
    let mut h = Sha256::new();
    h.update((b.num_constraints() as u64).to_le_bytes());
    h.update((b.num_witness_variables() as u64).to_le_bytes());
    h.update((b.num_instance_variables() as u64).to_le_bytes());
    let variable = |h: &mut Sha256, v: Variable| {
        h.update([v.kind() as u8]);
        h.update((v.index().unwrap_or(0) as u64).to_le_bytes());
    };
    for i in 0..b.lc_map.num_lcs() {
        let lc = b.get_lc(Variable::symbolic_lc(i));
        h.update((lc.len() as u64).to_le_bytes());
        for (coeff, v) in lc.iter() {
            for limb in coeff.into_bigint().0 {
                h.update(limb.to_le_bytes());
            }
            variable(&mut h, *v);
        }
    }
    for column in r1cs_operands(&b)? {
        for v in column {
            variable(&mut h, *v);
        }
    }
    Ok(Shape {
        constraints: b.num_constraints(),
        witnesses: b.num_witness_variables(),
        instances: b.num_instance_variables(),
        digest: h.finalize().into(),
    })
}

/// `$ZKROLLUP_KEYS`, or `target/zkrollup-keys`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("ZKROLLUP_KEYS").map_or_else(|| PathBuf::from("target/zkrollup-keys"), PathBuf::from)
}

/// Where the keys of `kind` from `seed` live in `dir`.
pub fn paths(dir: &Path, kind: CircuitKind, seed: u64, shape: &Shape) -> (PathBuf, PathBuf) {
    let digest: String = shape.digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let stem = format!("{}-seed{seed:x}-{digest}", kind.name());
    (dir.join(format!("{stem}.pk")), dir.join(format!("{stem}.vk")))
}

/// Whether the keys were loaded or made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Loaded,
    Made,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |err| KeyError::Io { path: path.to_path_buf(), err }
}

fn read<T: CanonicalDeserialize>(path: &Path) -> Result<T, KeyError> {
    let f = fs::File::open(path).map_err(io(path))?;
    // The file is ours and named by the circuit's digest; points were checked when it was made.
    T::deserialize_with_mode(BufReader::new(f), Compress::No, Validate::No)
        .map_err(|err| KeyError::Corrupt { path: path.to_path_buf(), err })
}

/// Writes `value` to a file of its own, then renames it to `path`: a reader sees the whole key
/// or none, even while another thread or process makes the same key.
fn write<T: CanonicalSerialize>(path: &Path, value: &T) -> Result<(), KeyError> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("partial-{}-{n}", std::process::id()));
    let f = fs::File::create(&tmp).map_err(io(&tmp))?;
    let mut w = BufWriter::new(f);
    value.serialize_with_mode(&mut w, Compress::No).map_err(|err| KeyError::Corrupt { path: tmp.clone(), err })?;
    let f = w.into_inner().map_err(|e| io(&tmp)(e.into_error()))?;
    f.sync_all().map_err(io(&tmp))?; // on disk before it has the key's name
    fs::rename(&tmp, path).map_err(io(path))
}

/// The keys of `kind` from `seed`: loaded from `dir` if present, else made and stored.
pub fn load_or_make(dir: &Path, kind: CircuitKind, seed: u64) -> Result<(Pk, Vk, Origin), KeyError> {
    let shape = shape(kind)?;
    let (pk_path, vk_path) = paths(dir, kind, seed, &shape);
    if pk_path.exists() && vk_path.exists() {
        return Ok((read(&pk_path)?, read(&vk_path)?, Origin::Loaded));
    }
    let (pk, vk) = kind.setup(seed)?;
    fs::create_dir_all(dir).map_err(io(dir))?;
    write(&pk_path, &pk)?;
    write(&vk_path, &vk)?;
    Ok((pk, vk, Origin::Made))
}
