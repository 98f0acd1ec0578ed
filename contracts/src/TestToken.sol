// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import "./TokenLedger.sol";

/// A minimal ERC-20 for tests and the demo: anyone may mint.
contract TestToken is TokenLedger {
    function approve(address spender, uint256 amount) external returns (bool) {
        setAllowance(spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        move(from, to, amount);
        return true;
    }
}
