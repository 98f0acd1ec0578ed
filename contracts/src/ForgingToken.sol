// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import "./TokenLedger.sol";

/// A hostile ERC-20 for tests: its transfers revert with the rollup's own error carrying a rule
/// id, as if the rollup had refused the call. The rollup must not pass that on as its verdict.
contract ForgingToken is TokenLedger {
    error Rejected(string rule);

    function approve(address spender, uint256 amount) external returns (bool) {
        setAllowance(spender, amount);
        return true;
    }

    function transfer(address, uint256) external pure returns (bool) {
        revert Rejected("l1.insufficient_pending_balance");
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        revert Rejected("l1.deposit_total_overflow");
    }
}
