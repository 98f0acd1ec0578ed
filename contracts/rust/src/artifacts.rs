//! The committed compiler output, embedded at build time.

use alloy_sol_types::sol;

/// An artifact's creation bytecode.
pub fn bytecode(artifact_json: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(artifact_json).expect("committed artifacts are valid JSON");
    let hex_code = v["bytecode"].as_str().expect("artifacts carry bytecode");
    hex::decode(hex_code.trim_start_matches("0x")).expect("bytecode is hex")
}

pub const GROTH16_VERIFIER: &str = include_str!("../../artifacts/Groth16Verifier.json");
pub const ROLLUP: &str = include_str!("../../artifacts/Rollup.json");
pub const SYMBOLIC_VERIFIER: &str = include_str!("../../artifacts/SymbolicVerifier.json");
pub const TEST_TOKEN: &str = include_str!("../../artifacts/TestToken.json");

sol! {
    /// The Groth16 verifier's interface.
    interface IGroth16Verifier {
        function verifyProof(uint256[8] calldata proof, uint256 input) external view returns (bool);
    }
}

sol! {
    /// The rollup contract (contracts/src/Rollup.sol).
    #[sol(all_derives)]
    contract Rollup {
        error Rejected(string rule);

        struct StoredBlock {
            uint32 blockNumber;
            uint64 priorityOps;
            bytes32 pendingOnchainOpsHash;
            uint64 timestamp;
            uint256 stateRoot;
            bytes32 commitment;
        }
        struct OnchainOp {
            uint32 offset;
            uint8 authKind;
            bytes authSig;
        }
        struct CommitBlockInfo {
            uint32 blockNumber;
            uint32 feeAccount;
            uint64 timestamp;
            uint256 newStateRoot;
            bytes pubdata;
            OnchainOp[] onchainOps;
        }
        struct ExitClaim {
            uint256 root;
            uint32 accountId;
            address owner;
            uint16 token;
            uint128 amount;
        }

        constructor(address[] validators, uint256 genesisRoot, address[] tokenList, address blockVerifier_, address exitVerifier_);
        function depositETH(address to) external payable;
        function depositERC20(uint16 token, uint128 amount, address to) external;
        function requestFullExit(uint32 accountId, uint16 token) external;
        function setAuthPubkeyHash(bytes20 pubkeyHash, uint32 nonce) external;
        function commitBlock(StoredBlock parent, CommitBlockInfo b) external returns (StoredBlock stored);
        function proveBlock(StoredBlock b, uint256[8] proof) external;
        function executeBlock(StoredBlock b, bytes[] pendingOps) external;
        function revertBlocks(StoredBlock[] blocks) external;
        function withdrawPendingBalance(address owner, uint16 token, uint128 amount) external;
        function activateExodusMode() external;
        function performExodus(StoredBlock lastExecuted, ExitClaim c, uint256[8] proof) external;
        function cancelOutstandingDepositsForExodusMode(uint64 n) external;

        function blocksCommitted() external view returns (uint32);
        function blocksProven() external view returns (uint32);
        function blocksExecuted() external view returns (uint32);
        function totalRequests() external view returns (uint64);
        function firstOpenRequest() external view returns (uint64);
        function exodusMode() external view returns (bool);
        function pendingBalance(address owner, uint16 token) external view returns (uint128);
        function totalDeposited(uint16 token) external view returns (uint128);
    }

    /// The test ERC-20 (contracts/src/TestToken.sol).
    contract TestToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address a) external view returns (uint256);
    }
}

/// The rule id in a `Rejected(rule)` revert, if the revert data is one.
pub fn rejected_rule(revert_data: &[u8]) -> Option<String> {
    use alloy_sol_types::SolError;
    Rollup::Rejected::abi_decode(revert_data).ok().map(|e| e.rule)
}
