// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import "./TokenLedger.sol";

/// A USDT-style ERC-20 for tests: `transfer`, `transferFrom` and `approve` return nothing, and
/// a transfer beyond the balance (or allowance) reverts. Anyone may mint.
contract NoBoolToken is TokenLedger {
    function approve(address spender, uint256 amount) external {
        setAllowance(spender, amount);
    }

    function transfer(address to, uint256 amount) external {
        move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        move(from, to, amount);
    }
}
