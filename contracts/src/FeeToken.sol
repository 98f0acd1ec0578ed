// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import "./TestToken.sol";

/// A fee-on-transfer ERC-20 for tests: every transfer burns 1% of the amount (rounded up, so a
/// transfer of 1 delivers nothing) and the recipient gets the rest. Anyone may mint. Shows that
/// deposits credit what arrived.
contract FeeToken is TestToken {
    function move(address from, address to, uint256 amount) internal override {
        uint256 fee = amount / 100 + (amount % 100 == 0 ? 0 : 1);
        balanceOf[from] -= amount;
        balanceOf[to] += amount - fee;
        totalSupply -= fee;
        emit Transfer(from, to, amount - fee);
        emit Transfer(from, address(0), fee);
    }
}
