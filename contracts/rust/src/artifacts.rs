//! The committed compiler output, embedded at build time.

use alloy_sol_types::sol;

/// An artifact's creation bytecode.
pub fn bytecode(artifact_json: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(artifact_json).expect("committed artifacts are valid JSON");
    let hex_code = v["bytecode"].as_str().expect("artifacts carry bytecode");
    hex::decode(hex_code.trim_start_matches("0x")).expect("bytecode is hex")
}

pub const FALSE_TOKEN: &str = include_str!("../../artifacts/FalseToken.json");
pub const FEE_TOKEN: &str = include_str!("../../artifacts/FeeToken.json");
pub const FORGING_TOKEN: &str = include_str!("../../artifacts/ForgingToken.json");
pub const GROTH16_VERIFIER: &str = include_str!("../../artifacts/Groth16Verifier.json");
pub const NO_BOOL_TOKEN: &str = include_str!("../../artifacts/NoBoolToken.json");
pub const ROLLUP: &str = include_str!("../../artifacts/Rollup.json");
pub const SYMBOLIC_VERIFIER: &str = include_str!("../../artifacts/SymbolicVerifier.json");
pub const TEST_TOKEN: &str = include_str!("../../artifacts/TestToken.json");

// The Rust bindings are derived from the committed artifacts' ABI, so they cannot drift from
// the Solidity: a changed signature fails to compile here, not at run time.
sol!(
    /// The Groth16 verifier (contracts/src/Groth16Verifier.sol).
    Groth16Verifier,
    "artifacts/Groth16Verifier.json"
);

sol!(
    /// The rollup contract (contracts/src/Rollup.sol).
    #[sol(all_derives)]
    Rollup,
    "artifacts/Rollup.json"
);

sol!(
    /// The test ERC-20 (contracts/src/TestToken.sol).
    TestToken,
    "artifacts/TestToken.json"
);

sol!(
    /// A fee-on-transfer test ERC-20: burns 1% of every transfer (contracts/src/FeeToken.sol).
    FeeToken,
    "artifacts/FeeToken.json"
);

sol!(
    /// A USDT-style test ERC-20 whose transfers return nothing (contracts/src/NoBoolToken.sol).
    NoBoolToken,
    "artifacts/NoBoolToken.json"
);

sol!(
    /// A test ERC-20 that returns `false` instead of reverting (contracts/src/FalseToken.sol).
    FalseToken,
    "artifacts/FalseToken.json"
);

/// The rule id in a `Rejected(rule)` revert, if the revert data is one.
pub fn rejected_rule(revert_data: &[u8]) -> Option<String> {
    use alloy_sol_types::SolError;
    Rollup::Rejected::abi_decode(revert_data).ok().map(|e| e.rule)
}
