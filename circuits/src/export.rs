//! Keys and proofs in snarkjs' JSON format (`verification_key.json`, `proof.json`,
//! `public.json`), so outside tools can verify our proofs. Field elements are decimal strings,
//! points projective with `z = 1`, and G2 coordinates `[c0, c1]`.

use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ff::PrimeField;
use serde_json::{json, Value};
use zkrollup_spec::primitives::Fr;

use crate::groth16::{Groth16Proof, Vk};

fn dec(x: &Fq) -> String {
    x.into_bigint().to_string()
}

fn g1(p: &G1Affine) -> Value {
    json!([dec(&p.x), dec(&p.y), "1"])
}

fn g2(p: &G2Affine) -> Value {
    let f = |c: &Fq2| json!([dec(&c.c0), dec(&c.c1)]);
    json!([f(&p.x), f(&p.y), ["1", "0"]])
}

/// `verification_key.json`.
pub fn verification_key(vk: &Vk) -> Value {
    json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1(&vk.alpha_g1),
        "vk_beta_2": g2(&vk.beta_g2),
        "vk_gamma_2": g2(&vk.gamma_g2),
        "vk_delta_2": g2(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1).collect::<Vec<_>>(),
    })
}

/// `proof.json`.
pub fn proof(p: &Groth16Proof) -> Value {
    json!({ "pi_a": g1(&p.a), "pi_b": g2(&p.b), "pi_c": g1(&p.c), "protocol": "groth16", "curve": "bn128" })
}

/// `public.json`.
pub fn public(inputs: &[Fr]) -> Value {
    json!(inputs.iter().map(|x| x.into_bigint().to_string()).collect::<Vec<_>>())
}

/// The pinned snarkjs of `circuits/tests/external` (after `npm ci` there), if installed.
pub fn snarkjs() -> Option<std::path::PathBuf> {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/node_modules/.bin/snarkjs");
    bin.exists().then_some(bin)
}

/// Whether `snarkjs groth16 verify` accepts `proof` of `inputs` under `vk`, given the three
/// exported files (written to a fresh temporary folder, removed afterwards).
pub fn snarkjs_verifies(
    snarkjs: &std::path::Path,
    vk: &Vk,
    proof: &Groth16Proof,
    inputs: &[Fr],
) -> std::io::Result<bool> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let n = RUN.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("zkrollup-snarkjs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, v: Value| std::fs::write(dir.join(name), v.to_string());
    write("verification_key.json", verification_key(vk))?;
    write("proof.json", self::proof(proof))?;
    write("public.json", public(inputs))?;
    let status = std::process::Command::new(snarkjs)
        .args(["groth16", "verify", "verification_key.json", "public.json", "proof.json"])
        .current_dir(&dir)
        .output()?
        .status;
    std::fs::remove_dir_all(&dir).ok();
    Ok(status.success())
}
