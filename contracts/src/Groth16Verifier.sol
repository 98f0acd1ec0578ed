// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title Groth16 verifier over BN254 for circuits with one public input.
/// @notice Generic: the verifying key is set once at deployment (immutables), so one compiled
/// artifact serves every circuit and no Solidity compiler is needed at run time.
/// @dev G2 points are (x.c1, x.c0, y.c1, y.c0), the order the pairing precompile takes.
/// Precompile calls forward a fixed gas budget: a failing precompile burns what it is given,
/// and a bounded budget keeps that from swallowing the caller's gas. A failure is "invalid".
contract Groth16Verifier {
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 internal immutable alphaX;
    uint256 internal immutable alphaY;
    uint256 internal immutable betaX1;
    uint256 internal immutable betaX0;
    uint256 internal immutable betaY1;
    uint256 internal immutable betaY0;
    uint256 internal immutable gammaX1;
    uint256 internal immutable gammaX0;
    uint256 internal immutable gammaY1;
    uint256 internal immutable gammaY0;
    uint256 internal immutable deltaX1;
    uint256 internal immutable deltaX0;
    uint256 internal immutable deltaY1;
    uint256 internal immutable deltaY0;
    uint256 internal immutable ic0X;
    uint256 internal immutable ic0Y;
    uint256 internal immutable ic1X;
    uint256 internal immutable ic1Y;

    /// @param vk alpha (x, y), beta, gamma, delta (each x.c1, x.c0, y.c1, y.c0), IC0 (x, y), IC1 (x, y).
    constructor(uint256[18] memory vk) {
        alphaX = vk[0];
        alphaY = vk[1];
        betaX1 = vk[2];
        betaX0 = vk[3];
        betaY1 = vk[4];
        betaY0 = vk[5];
        gammaX1 = vk[6];
        gammaX0 = vk[7];
        gammaY1 = vk[8];
        gammaY0 = vk[9];
        deltaX1 = vk[10];
        deltaX0 = vk[11];
        deltaY1 = vk[12];
        deltaY0 = vk[13];
        ic0X = vk[14];
        ic0Y = vk[15];
        ic1X = vk[16];
        ic1Y = vk[17];
    }

    /// @notice Whether `proof` = A (x, y), B (x.c1, x.c0, y.c1, y.c0), C (x, y) proves `input`.
    function verifyProof(uint256[8] calldata proof, uint256 input) external view returns (bool) {
        if (input >= R) return false;
        for (uint256 i = 0; i < 8; i++) {
            if (proof[i] >= P) return false;
        }
        // vk_x = IC0 + input · IC1
        (bool ok, uint256 mx, uint256 my) = ecMul(ic1X, ic1Y, input);
        if (!ok) return false;
        uint256 vkX;
        uint256 vkY;
        (ok, vkX, vkY) = ecAdd(ic0X, ic0Y, mx, my);
        if (!ok) return false;
        // e(-A, B) · e(alpha, beta) · e(vk_x, gamma) · e(C, delta) = 1
        uint256[24] memory input24 = [
            proof[0], proof[1] == 0 ? 0 : P - proof[1], proof[2], proof[3], proof[4], proof[5],
            alphaX, alphaY, betaX1, betaX0, betaY1, betaY0,
            vkX, vkY, gammaX1, gammaX0, gammaY1, gammaY0,
            proof[6], proof[7], deltaX1, deltaX0, deltaY1, deltaY0
        ];
        uint256[1] memory out;
        assembly {
            ok := staticcall(200000, 0x08, input24, 768, out, 32)
        }
        return ok && out[0] == 1;
    }

    function ecAdd(uint256 ax, uint256 ay, uint256 bx, uint256 by) internal view returns (bool ok, uint256 x, uint256 y) {
        uint256[4] memory inp = [ax, ay, bx, by];
        uint256[2] memory res;
        assembly {
            ok := staticcall(1000, 0x06, inp, 128, res, 64)
        }
        return (ok, res[0], res[1]);
    }

    function ecMul(uint256 ax, uint256 ay, uint256 s) internal view returns (bool ok, uint256 x, uint256 y) {
        uint256[3] memory inp = [ax, ay, s];
        uint256[2] memory res;
        assembly {
            ok := staticcall(10000, 0x07, inp, 96, res, 64)
        }
        return (ok, res[0], res[1]);
    }
}
