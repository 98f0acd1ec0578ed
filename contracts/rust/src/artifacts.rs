//! The committed compiler output, embedded at build time.

use alloy_sol_types::sol;

/// An artifact's creation bytecode.
pub fn bytecode(artifact_json: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(artifact_json).expect("committed artifacts are valid JSON");
    let hex_code = v["bytecode"].as_str().expect("artifacts carry bytecode");
    hex::decode(hex_code.trim_start_matches("0x")).expect("bytecode is hex")
}

pub const GROTH16_VERIFIER: &str = include_str!("../../artifacts/Groth16Verifier.json");

sol! {
    /// The Groth16 verifier's interface.
    interface IGroth16Verifier {
        function verifyProof(uint256[8] calldata proof, uint256 input) external view returns (bool);
    }
}
