// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import "./TokenLedger.sol";

/// An ERC-20 for tests that reports failure by returning `false` instead of reverting (as some
/// early tokens do): a transfer beyond the balance or allowance moves nothing and returns false.
/// Anyone may mint.
contract FalseToken is TokenLedger {
    function approve(address spender, uint256 amount) external returns (bool) {
        setAllowance(spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (balanceOf[msg.sender] < amount) return false;
        move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (allowance[from][msg.sender] < amount || balanceOf[from] < amount) return false;
        allowance[from][msg.sender] -= amount;
        move(from, to, amount);
        return true;
    }
}
