// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// What the test tokens share: balances, allowances and supply, minting by anyone, and the
/// moves between balances. Each token adds its own `approve`, `transfer` and `transferFrom`,
/// since their return types differ (`true`, `false` on failure, or nothing).
abstract contract TokenLedger {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
        emit Transfer(address(0), to, amount);
    }

    function setAllowance(address spender, uint256 amount) internal {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    /// Moves `amount` from `from` to `to`; checked arithmetic reverts beyond the balance.
    function move(address from, address to, uint256 amount) internal virtual {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
