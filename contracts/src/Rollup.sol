// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// A Groth16 verifier with one public input (Groth16Verifier.sol), or the symbolic verifier the
/// conformance vectors use.
interface IProofVerifier {
    function verifyProof(uint256[8] calldata proof, uint256 input) external view returns (bool);
}

interface IERC20 {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
}

/// The zkrollup L1 contract: the executable specification's `l1` module (spec/src/l1.rs) in
/// Solidity, check for check and in the same order. Every rejection reverts with
/// `Rejected(rule_id)`, the spec's stable rule id.
///
/// Life of a block: `commitBlock` (header, pubdata, on-chain op metadata; priority requests and
/// ChangePubKey authorisations checked; commitment recomputed from calldata), `proveBlock`
/// (Groth16 proof of the commitment's low 253 bits), `executeBlock` (withdrawals, forced exits
/// and full exits become pending balances). If the oldest priority request expires unserved,
/// anyone activates exodus mode and owners exit with exit-circuit proofs.
contract Rollup {
    error Rejected(string rule);

    uint256 private constant CHUNK_BYTES = 8;
    uint64 private constant PRIORITY_EXPIRATION = 3 days;
    /// The least time between two requests' deadlines: a flood cannot outrun the operator.
    uint64 private constant PRIORITY_REQUEST_SPACING = 15 seconds;
    uint256 private constant COMMIT_TIMESTAMP_WINDOW = 24 hours;
    uint32 private constant MAX_ACCOUNT_ID = (1 << 24) - 1;
    /// Gas forwarded to a verifier: a failing BN254 precompile burns what it is given.
    uint256 private constant VERIFY_GAS = 400_000;
    uint256 private constant PUBLIC_INPUT_MASK = (1 << 253) - 1;
    /// BN254's scalar field: a state root is an element of it.
    uint256 private constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint8 private constant DEPOSIT = 1;
    uint8 private constant WITHDRAW = 3;
    uint8 private constant FULL_EXIT = 6;
    uint8 private constant CHANGE_PUBKEY = 7;
    uint8 private constant FORCED_EXIT = 8;

    uint8 private constant AUTH_ONCHAIN = 0;
    uint8 private constant AUTH_EIP191 = 1;
    uint8 private constant AUTH_EIP712 = 2;

    struct StoredBlock {
        uint32 blockNumber;
        uint64 priorityOps;
        bytes32 pendingOnchainOpsHash;
        uint64 timestamp;
        uint256 stateRoot;
        bytes32 commitment;
        /// The block's size in chunks: whose verifier checks its proof (0 for genesis).
        uint16 chunks;
    }

    /// An on-chain op of a commit: its offset in the pubdata and, for ChangePubKey, the kind of
    /// authorisation (0 on-chain fact, 1 EIP-191, 2 EIP-712) and the 65-byte signature.
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

    /// A priority request: a deposit (`from` moves `amount` of `token` to `to`'s account) or a
    /// full exit (`to` is the owner asking for `accountId`'s `token`).
    struct Request {
        uint8 kind;
        uint16 token;
        uint32 accountId;
        uint64 expiresAt;
        address from;
        address to;
        uint128 amount;
    }

    /// Fixed at deployment: a governor that could replace a verifier could take every balance.
    /// A Groth16 verifying key is one circuit's, so one block size: a verifier per size, the
    /// zero address for a size the deployment does not take (its blocks are refused at commit,
    /// since they could never be proven).
    IProofVerifier public immutable blockVerifier8;
    IProofVerifier public immutable blockVerifier16;
    IProofVerifier public immutable blockVerifier32;
    IProofVerifier public immutable blockVerifier64;
    IProofVerifier public immutable exitVerifier;
    /// The most tokens listed besides ETH (the spec's `max_tokens`; 16-bit token ids allow 65,535).
    uint16 public immutable maxTokens;

    /// Adds and removes validators and lists tokens (the spec's governance section).
    address public governor;
    /// The successor the governor proposed, until it accepts (zero: none).
    address public pendingGovernor;
    mapping(address => bool) public isValidator;
    /// Token id `i` (1-based) is `tokens[i - 1]`; token 0 is ETH.
    address[] public tokens;
    mapping(address => bool) public isListed;

    mapping(uint32 => bytes32) public storedBlockHashes;
    uint32 public blocksCommitted;
    uint32 public blocksProven;
    uint32 public blocksExecuted;

    mapping(uint64 => Request) public requests;
    uint64 public totalRequests;
    uint64 public firstOpenRequest;
    /// Open requests already served by committed, unexecuted blocks.
    uint64 public committedRequests;

    mapping(address => mapping(uint16 => uint128)) public pendingBalance;
    mapping(address => mapping(uint32 => bytes32)) public authFacts;
    bool public exodusMode;
    mapping(uint32 => mapping(uint16 => bool)) public exited;
    /// What the contract holds of each token from deposits: deposited and not yet paid out (the
    /// spec's `held`). Capped below 2^128; payouts never exceed it.
    mapping(uint16 => uint128) public heldFromDeposits;

    uint256 private unlocked = 1;

    // What watchers follow the contract by (the spec's `l1::Event`, in the same order within a
    // call). Every priority request carries its full data; every pending balance change is logged.
    event DepositRequested(
        uint64 indexed id, address indexed from, address to, uint16 token, uint128 amount, uint64 expiresAt
    );
    event FullExitRequested(uint64 indexed id, address indexed owner, uint32 accountId, uint16 token, uint64 expiresAt);
    event AuthFactSet(address indexed owner, uint32 nonce, bytes20 pubkeyHash);
    event BlockCommitted(
        uint32 indexed blockNumber,
        uint64 priorityOps,
        bytes32 pendingOnchainOpsHash,
        uint64 timestamp,
        uint256 stateRoot,
        bytes32 commitment,
        uint16 chunks
    );
    event BlockProven(uint32 indexed blockNumber);
    event BlockExecuted(uint32 indexed blockNumber);
    event BlockReverted(uint32 indexed blockNumber);
    event ExodusActivated(uint32 lastExecuted);
    event ExodusExit(uint32 indexed accountId, uint16 token, address owner, uint128 amount);
    event RequestCancelled(uint64 indexed id);
    event PendingCredited(address indexed owner, uint16 token, uint128 amount);
    event Withdrawal(address indexed owner, uint16 token, uint128 amount);
    event GovernorProposed(address candidate);
    event GovernorChanged(address governor);
    event ValidatorSet(address indexed validator, bool active);
    event TokenListed(uint16 indexed id, address token);

    /// The initial validators and tokens are the constructor's arguments (no events); every
    /// token passes `listToken`'s checks.
    constructor(
        address governor_,
        address[] memory validators,
        uint256 genesisRoot,
        address[] memory tokenList,
        uint16 maxTokens_,
        IProofVerifier[4] memory blockVerifiers,
        IProofVerifier exitVerifier_
    ) {
        require(genesisRoot < FIELD_MODULUS, "genesis root is not a field element");
        governor = governor_;
        maxTokens = maxTokens_;
        for (uint256 i = 0; i < validators.length; ++i) {
            isValidator[validators[i]] = true;
        }
        for (uint256 i = 0; i < tokenList.length; ++i) {
            addToken(tokenList[i], maxTokens_);
        }
        (blockVerifier8, blockVerifier16) = (blockVerifiers[0], blockVerifiers[1]);
        (blockVerifier32, blockVerifier64) = (blockVerifiers[2], blockVerifiers[3]);
        exitVerifier = exitVerifier_;
        storedBlockHashes[0] = hashStored(StoredBlock(0, 0, keccak256(""), 0, genesisRoot, bytes32(0), 0));
    }

    // ------------------------------------------------------------------ guards and helpers

    modifier nonReentrant() {
        require(unlocked == 1, "reentrancy");
        unlocked = 2;
        _;
        unlocked = 1;
    }

    function reject(bool ok, string memory rule) private pure {
        if (!ok) revert Rejected(rule);
    }

    function requireActive() private view {
        reject(!exodusMode, "l1.exodus_mode_active");
    }

    function requireValidator() private view {
        reject(isValidator[msg.sender], "l1.not_validator");
    }

    function requireToken(uint16 token) private view {
        reject(token <= tokens.length, "l1.token_not_listed");
    }

    /// The verifier of blocks of `chunks` chunks; the zero address if the deployment has none.
    function blockVerifier(uint256 chunks) public view returns (IProofVerifier) {
        if (chunks == 8) return blockVerifier8;
        if (chunks == 16) return blockVerifier16;
        if (chunks == 32) return blockVerifier32;
        if (chunks == 64) return blockVerifier64;
        return IProofVerifier(address(0));
    }

    function hashStored(StoredBlock memory b) private pure returns (bytes32) {
        return keccak256(abi.encode(b));
    }

    function requireStored(uint32 number, StoredBlock calldata b, string memory rule) private view {
        reject(storedBlockHashes[number] == keccak256(abi.encode(b)), rule);
    }

    /// `len` bytes (at most 32) of `data` at `at`, big-endian. The caller ensures they exist.
    function readUint(bytes calldata data, uint256 at, uint256 len) private pure returns (uint256 v) {
        assembly {
            v := shr(sub(256, mul(8, len)), calldataload(add(data.offset, at)))
        }
    }

    function readAddress(bytes calldata data, uint256 at) private pure returns (address) {
        return address(uint160(readUint(data, at, 20)));
    }

    function creditPending(address owner, uint16 token, uint128 amount) private {
        if (amount > 0) {
            pendingBalance[owner][token] += amount;
            emit PendingCredited(owner, token, amount);
        }
    }

    function verify(IProofVerifier v, uint256[8] calldata proof, uint256 input) private view returns (bool) {
        try v.verifyProof{gas: VERIFY_GAS}(proof, input) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    function pushRequest(Request memory r) private {
        // max(now + expiry, the last open request's deadline + spacing), saturating as the spec:
        // a clock or deadline within 3 days of 2^64 s would otherwise revert.
        uint64 max = type(uint64).max;
        uint64 now_ = uint64(block.timestamp);
        uint64 expiresAt = now_ > max - PRIORITY_EXPIRATION ? max : now_ + PRIORITY_EXPIRATION;
        if (firstOpenRequest < totalRequests) {
            uint64 last = requests[totalRequests - 1].expiresAt;
            uint64 spaced = last > max - PRIORITY_REQUEST_SPACING ? max : last + PRIORITY_REQUEST_SPACING;
            if (spaced > expiresAt) expiresAt = spaced;
        }
        r.expiresAt = expiresAt;
        requests[totalRequests] = r;
        if (r.kind == DEPOSIT) {
            emit DepositRequested(totalRequests, r.from, r.to, r.token, r.amount, r.expiresAt);
        } else {
            emit FullExitRequested(totalRequests, r.to, r.accountId, r.token, r.expiresAt);
        }
        totalRequests += 1;
    }

    // ------------------------------------------------------------------ priority requests

    function depositETH(address to) external payable nonReentrant {
        deposit(to, 0, msg.value);
    }

    /// Deposits listed token `token`: `amount` is moved with `transferFrom` (approve first), and
    /// what arrived is credited, as zkSync Lite does: the contract's balance of the token after
    /// the transfer minus before. A fee-on-transfer token delivers less than `amount`; crediting
    /// `amount` would promise owners more than the contract holds, and the last withdrawal would
    /// revert forever. The request (and its `DepositRequested` event) carries the arrived amount;
    /// an arrival of 0 is `l1.deposit_zero_amount`, and `l1.deposit_total_overflow` counts the
    /// arrival. Rebasing tokens are not supported: a rebase changes what the contract holds
    /// without a deposit or payout, so `heldFromDeposits` would no longer match it. Never list one.
    function depositERC20(uint16 token, uint128 amount, address to) external nonReentrant {
        // The spec's checks before the transfer, in its order; `deposit` repeats them on the
        // arrived amount (only the amount checks can then fail) and checks the overflow.
        requireActive();
        reject(token != 0 && token <= tokens.length, "l1.token_not_listed");
        reject(amount > 0, "l1.deposit_zero_amount");
        reject(to != address(0), "l1.deposit_zero_address");
        address t = tokens[token - 1];
        uint256 before = IERC20(t).balanceOf(address(this));
        callToken(t, abi.encodeCall(IERC20.transferFrom, (msg.sender, address(this), amount)), "transferFrom failed");
        uint256 afterwards = IERC20(t).balanceOf(address(this));
        deposit(to, token, afterwards > before ? afterwards - before : 0);
    }

    function deposit(address to, uint16 token, uint256 amount) private {
        requireActive();
        requireToken(token);
        reject(amount > 0, "l1.deposit_zero_amount");
        reject(to != address(0), "l1.deposit_zero_address");
        // held + amount < 2^128, without overflowing for an arrival near 2^256.
        uint256 held = heldFromDeposits[token];
        reject(amount < (1 << 128) - held, "l1.deposit_total_overflow");
        heldFromDeposits[token] = uint128(held + amount);
        pushRequest(Request(DEPOSIT, token, 0, 0, msg.sender, to, uint128(amount)));
    }

    /// Calls ERC-20 `token` with `data` (`transfer` or `transferFrom`), reverting with `failure`
    /// unless the token has code, the call did not revert, and it returned nothing (USDT-style
    /// tokens) or the ABI word `true`. The token's own revert data is not passed on: a hostile
    /// token could revert with a rule id the spec never gives.
    function callToken(address token, bytes memory data, string memory failure) private {
        require(token.code.length > 0, failure);
        (bool ok, bytes memory ret) = token.call(data);
        require(ok && (ret.length == 0 || (ret.length >= 32 && abi.decode(ret, (uint256)) == 1)), failure);
    }

    function requestFullExit(uint32 accountId, uint16 token) external {
        requireActive();
        reject(accountId <= MAX_ACCOUNT_ID, "l1.full_exit_account_id_out_of_range");
        requireToken(token);
        pushRequest(Request(FULL_EXIT, token, accountId, 0, address(0), msg.sender, 0));
    }

    /// Authorises, on chain, the ChangePubKey of the sender's account to `pubkeyHash` at `nonce`.
    function setAuthPubkeyHash(bytes20 pubkeyHash, uint32 nonce) external {
        reject(authFacts[msg.sender][nonce] == bytes32(0), "l1.auth_fact_exists");
        authFacts[msg.sender][nonce] = keccak256(abi.encodePacked(pubkeyHash));
        emit AuthFactSet(msg.sender, nonce, pubkeyHash);
    }

    // ------------------------------------------------------------------ blocks

    function commitBlock(StoredBlock calldata parent, CommitBlockInfo calldata b)
        external
        returns (StoredBlock memory stored)
    {
        requireValidator();
        requireActive();
        requireStored(blocksCommitted, parent, "l1.stored_block_mismatch");
        reject(b.blockNumber == parent.blockNumber + 1, "l1.block_number_mismatch");
        reject(
            b.timestamp >= parent.timestamp && b.timestamp <= block.timestamp
                && block.timestamp - b.timestamp <= COMMIT_TIMESTAMP_WINDOW,
            "l1.bad_timestamp"
        );
        uint256 len = b.pubdata.length;
        uint256 chunks = len / CHUNK_BYTES;
        reject(
            len % CHUNK_BYTES == 0 && (chunks == 8 || chunks == 16 || chunks == 32 || chunks == 64),
            "l1.bad_pubdata_length"
        );
        reject(address(blockVerifier(chunks)) != address(0), "l1.block_size_unverifiable");
        (bytes memory flags, uint64 served, bytes32 opsHash) = processOnchainOps(b);
        bytes32 commitment = sha256(
            abi.encodePacked(
                b.blockNumber, b.feeAccount, b.timestamp, parent.stateRoot, b.newStateRoot, b.pubdata, flags
            )
        );
        stored = StoredBlock(b.blockNumber, served, opsHash, b.timestamp, b.newStateRoot, commitment, uint16(chunks));
        blocksCommitted += 1;
        storedBlockHashes[blocksCommitted] = hashStored(stored);
        committedRequests += served;
        emit BlockCommitted(b.blockNumber, served, opsHash, b.timestamp, b.newStateRoot, commitment, uint16(chunks));
    }

    /// Chunks each on-chain op spans (0 for codes that are not on-chain).
    function onchainChunks(uint8 code) private pure returns (uint256) {
        if (code == DEPOSIT || code == WITHDRAW || code == FULL_EXIT || code == FORCED_EXIT) return 6;
        if (code == CHANGE_PUBKEY) return 7;
        return 0;
    }

    /// Bytes each on-chain op uses before its zero padding.
    function usedBytes(uint8 code) private pure returns (uint256) {
        if (code == DEPOSIT || code == FULL_EXIT) return 42;
        if (code == WITHDRAW) return 44;
        if (code == FORCED_EXIT) return 47;
        return 52; // ChangePubKey
    }

    function processOnchainOps(CommitBlockInfo calldata b)
        private
        view
        returns (bytes memory flags, uint64 served, bytes32 opsHash)
    {
        bytes calldata pubdata = b.pubdata;
        flags = new bytes(pubdata.length / CHUNK_BYTES);
        opsHash = keccak256("");
        uint256 nextFree = 0;
        for (uint256 i = 0; i < b.onchainOps.length; ++i) {
            OnchainOp calldata meta = b.onchainOps[i];
            uint256 at = meta.offset;
            reject(at % CHUNK_BYTES == 0 && at >= nextFree && at < pubdata.length, "l1.bad_onchain_op_offset");
            uint8 code = uint8(pubdata[at]);
            uint256 size = onchainChunks(code) * CHUNK_BYTES;
            reject(size != 0, "l1.not_onchain_op");
            // Decoding as the spec's decoder: the op must fit, and its padding be zero.
            reject(at + size <= pubdata.length, "codec.truncated");
            bytes calldata op = pubdata[at:at + size];
            for (uint256 k = usedBytes(code); k < size; ++k) {
                reject(op[k] == 0, "codec.nonzero_padding");
            }
            flags[at / CHUNK_BYTES] = 0x01;
            nextFree = at + size;
            if (code == DEPOSIT) {
                Request storage r = nextRequest(served);
                reject(
                    r.kind == DEPOSIT && r.to == readAddress(op, 22) && r.token == readUint(op, 4, 2)
                        && r.amount == readUint(op, 6, 16),
                    "l1.priority_op_mismatch"
                );
                served += 1;
            } else if (code == FULL_EXIT) {
                Request storage r = nextRequest(served);
                reject(
                    r.kind == FULL_EXIT && r.accountId == readUint(op, 1, 3) && r.to == readAddress(op, 4)
                        && r.token == readUint(op, 24, 2),
                    "l1.priority_op_mismatch"
                );
                served += 1;
                opsHash = keccak256(abi.encodePacked(opsHash, op));
            } else if (code == CHANGE_PUBKEY) {
                reject(authorised(op, meta), "l1.change_pubkey_unauthorised");
            } else {
                opsHash = keccak256(abi.encodePacked(opsHash, op));
            }
        }
    }

    function nextRequest(uint64 served) private view returns (Request storage r) {
        uint64 id = firstOpenRequest + committedRequests + served;
        reject(id < totalRequests, "l1.priority_op_mismatch");
        r = requests[id];
    }

    /// Whether the owner authorised a ChangePubKey op: account 1..4, pubkey hash 4..24, owner
    /// 24..44, nonce 44..48.
    function authorised(bytes calldata op, OnchainOp calldata meta) private view returns (bool) {
        uint32 accountId = uint32(readUint(op, 1, 3));
        bytes20 pkh = bytes20(uint160(readUint(op, 4, 20)));
        address owner = readAddress(op, 24);
        uint32 nonce = uint32(readUint(op, 44, 4));
        if (meta.authKind == AUTH_ONCHAIN) {
            return authFacts[owner][nonce] == keccak256(abi.encodePacked(pkh));
        }
        bytes32 digest;
        if (meta.authKind == AUTH_EIP191) {
            // Names the deployment, as EIP-712's domain does (the spec's L1Domain: a 64-bit chain id).
            digest = keccak256(
                abi.encodePacked(
                    "\x19Ethereum Signed Message:\n56", pkh, nonce, accountId, uint64(block.chainid), address(this)
                )
            );
        } else if (meta.authKind == AUTH_EIP712) {
            bytes32 structHash = keccak256(
                abi.encode(keccak256("ChangePubKey(bytes20 pubKeyHash,uint32 nonce,uint32 accountId)"), pkh, nonce, accountId)
            );
            digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
        } else {
            return false;
        }
        address signer = recover(digest, meta.authSig);
        return signer != address(0) && signer == owner;
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("zkrollup"),
                keccak256("1"),
                block.chainid,
                address(this)
            )
        );
    }

    /// ecrecover of a 65-byte `r ‖ s ‖ v` signature, `v` in {27, 28}; address(0) if invalid.
    function recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, v, r, s);
    }

    function proveBlock(StoredBlock calldata b, uint256[8] calldata proof) external {
        requireValidator();
        requireActive();
        reject(blocksProven < blocksCommitted, "l1.block_not_committed");
        requireStored(blocksProven + 1, b, "l1.block_not_committed");
        // A committed block has a verifier (commit refuses other sizes); genesis is never proven.
        IProofVerifier v = blockVerifier(b.chunks);
        reject(
            address(v) != address(0) && verify(v, proof, uint256(b.commitment) & PUBLIC_INPUT_MASK), "l1.invalid_proof"
        );
        blocksProven += 1;
        emit BlockProven(b.blockNumber);
    }

    /// Executes the next proven block, given the pubdata of its Withdraw, ForcedExit and
    /// FullExit ops in block order.
    function executeBlock(StoredBlock calldata b, bytes[] calldata pendingOps) external {
        requireValidator();
        requireActive();
        reject(blocksExecuted < blocksProven, "l1.block_not_proven");
        requireStored(blocksExecuted + 1, b, "l1.block_not_proven");
        bytes32 h = keccak256("");
        for (uint256 i = 0; i < pendingOps.length; ++i) {
            h = keccak256(abi.encodePacked(h, pendingOps[i]));
        }
        reject(h == b.pendingOnchainOpsHash, "l1.bad_pending_ops");
        for (uint256 i = 0; i < pendingOps.length; ++i) {
            bytes calldata op = pendingOps[i];
            uint8 code = uint8(op[0]);
            if (code == WITHDRAW) {
                creditPending(readAddress(op, 24), uint16(readUint(op, 4, 2)), uint128(readUint(op, 6, 16)));
            } else if (code == FORCED_EXIT) {
                creditPending(readAddress(op, 27), uint16(readUint(op, 7, 2)), uint128(readUint(op, 11, 16)));
            } else {
                creditPending(readAddress(op, 4), uint16(readUint(op, 24, 2)), uint128(readUint(op, 26, 16)));
            }
        }
        firstOpenRequest += b.priorityOps;
        committedRequests -= b.priorityOps;
        blocksExecuted += 1;
        emit BlockExecuted(b.blockNumber);
    }

    /// Drops committed, unexecuted blocks, newest first.
    function revertBlocks(StoredBlock[] calldata blocks) external {
        requireValidator();
        requireActive();
        for (uint256 i = 0; i < blocks.length; ++i) {
            reject(blocksCommitted > blocksExecuted, "l1.revert_executed");
            requireStored(blocksCommitted, blocks[i], "l1.stored_block_mismatch");
            delete storedBlockHashes[blocksCommitted];
            blocksCommitted -= 1;
            committedRequests -= blocks[i].priorityOps;
            emit BlockReverted(blocks[i].blockNumber);
        }
        if (blocksProven > blocksCommitted) blocksProven = blocksCommitted;
    }

    // ------------------------------------------------------------------ withdrawals

    /// Pays `amount` of `owner`'s pending balance of `token` to `owner` (anyone may call).
    function withdrawPendingBalance(address owner, uint16 token, uint128 amount) external nonReentrant {
        uint128 have = pendingBalance[owner][token];
        reject(amount <= have, "l1.insufficient_pending_balance");
        uint128 held = heldFromDeposits[token];
        reject(amount <= held, "l1.payout_unbacked");
        pendingBalance[owner][token] = have - amount;
        heldFromDeposits[token] = held - amount;
        if (amount == 0) {
            // Nothing to pay (also for a token never listed, which has no contract to call).
        } else if (token == 0) {
            (bool ok,) = owner.call{value: amount}("");
            require(ok, "ETH transfer failed");
        } else {
            callToken(tokens[token - 1], abi.encodeCall(IERC20.transfer, (owner, amount)), "transfer failed");
        }
        if (amount > 0) emit Withdrawal(owner, token, amount);
    }

    // ------------------------------------------------------------------ exodus

    function activateExodusMode() external {
        requireActive();
        bool due = firstOpenRequest < totalRequests && requests[firstOpenRequest].expiresAt <= block.timestamp;
        reject(due, "l1.exodus_not_due");
        exodusMode = true;
        // The unexecuted blocks' hashes stay: once exodus is on, only the last executed block's
        // is ever read (performExodus), and a loop over them would let a validator that
        // committed enough junk blocks price activation out of any transaction's gas.
        blocksCommitted = blocksExecuted;
        blocksProven = blocksExecuted;
        committedRequests = 0;
        emit ExodusActivated(blocksExecuted);
    }

    function performExodus(StoredBlock calldata lastExecuted, ExitClaim calldata c, uint256[8] calldata proof)
        external
    {
        reject(exodusMode, "l1.not_exodus_mode");
        requireStored(blocksExecuted, lastExecuted, "l1.exodus_wrong_block");
        reject(c.root == lastExecuted.stateRoot, "l1.exodus_wrong_block");
        reject(!exited[c.accountId][c.token], "l1.exodus_already_performed");
        bytes32 h = sha256(abi.encodePacked(c.root, c.accountId, c.owner, c.token, c.amount));
        reject(verify(exitVerifier, proof, uint256(h) & PUBLIC_INPUT_MASK), "l1.exodus_bad_proof");
        exited[c.accountId][c.token] = true;
        emit ExodusExit(c.accountId, c.token, c.owner, c.amount);
        creditPending(c.owner, c.token, c.amount);
    }

    /// Refunds up to `n` open requests' deposits to their depositors' pending balances.
    function cancelOutstandingDepositsForExodusMode(uint64 n) external {
        reject(exodusMode, "l1.not_exodus_mode");
        uint64 open = totalRequests - firstOpenRequest;
        reject(open > 0 && n > 0, "l1.nothing_to_cancel");
        uint64 take = n < open ? n : open;
        for (uint64 id = firstOpenRequest; id < firstOpenRequest + take; ++id) {
            Request storage r = requests[id];
            emit RequestCancelled(id);
            if (r.kind == DEPOSIT) creditPending(r.from, r.token, r.amount);
        }
        firstOpenRequest += take;
    }

    // ------------------------------------------------------------------ governance

    function requireGovernor() private view {
        // A renounced role stays renounced, even for a caller at the zero address.
        reject(governor != address(0) && msg.sender == governor, "l1.not_governor");
    }

    /// Proposes `candidate` as the next governor (zero withdraws a proposal). Two steps, so
    /// that a mistyped address cannot take governance: the role moves when `candidate` accepts.
    function proposeGovernor(address candidate) external {
        requireGovernor();
        pendingGovernor = candidate;
        emit GovernorProposed(candidate);
    }

    /// The proposed governor takes the role.
    function acceptGovernor() external {
        reject(pendingGovernor != address(0) && msg.sender == pendingGovernor, "l1.not_pending_governor");
        governor = msg.sender;
        pendingGovernor = address(0);
        emit GovernorChanged(msg.sender);
    }

    /// Gives governance up for good.
    function renounceGovernor() external {
        requireGovernor();
        governor = address(0);
        pendingGovernor = address(0);
        emit GovernorChanged(address(0));
    }

    /// Adds (`active`) or removes a validator: how a leaked validator key is retired.
    function setValidator(address validator, bool active) external {
        requireGovernor();
        isValidator[validator] = active;
        emit ValidatorSet(validator, active);
    }

    /// Lists the ERC-20 at `token` under the next token id. Rebasing tokens are not supported
    /// (a rebase moves the contract's balance without a deposit or payout): never list one.
    function listToken(address token) external {
        requireGovernor();
        uint16 id = addToken(token, maxTokens);
        emit TokenListed(id, token);
    }

    /// `max` is `maxTokens`, passed in because the constructor cannot read an immutable.
    function addToken(address token, uint16 max) private returns (uint16) {
        reject(token != address(0), "l1.token_zero_address");
        reject(!isListed[token], "l1.token_already_listed");
        reject(tokens.length < max, "l1.too_many_tokens");
        isListed[token] = true;
        tokens.push(token);
        return uint16(tokens.length);
    }

    /// Every listed token, token id 1 first.
    function listedTokens() external view returns (address[] memory) {
        return tokens;
    }
}
