// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title The meters a rebate scheme pays for, as a Poseidon Merkle tree of registration leaves.
/// @notice A leaf is Poseidon(meterId, Ax, Ay) (kinds/rebate/claim). The registrar adds leaves in batches with the
/// tree's new root, computed off chain: Poseidon costs tens of thousands of gas per hash in the EVM, a
/// 20-level insertion about a million. Every leaf is in a MetersAdded event, so anyone can rebuild the tree
/// and check each published root (`meterproof claim prove` does before proving); the registrar, who
/// decides which meters are eligible, gains no power it did not have.
/// A claim proved against a root stays valid while that root is one of the last ROOT_WINDOW published,
/// so registrations do not invalidate claims in flight.
contract MeterRegistry {
    uint64 public constant ROOT_WINDOW = 32;
    /// @dev the field of BN254's scalars: leaves and roots are field elements
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    address public immutable registrar;
    uint8 public immutable depth;

    uint64 public leafCount;
    uint64 public rootCount;
    uint256 public currentRoot;
    /// @dev the last ROOT_WINDOW roots, a ring indexed by publication number; and which roots those are,
    /// so that a claim's check is one storage read
    uint256[ROOT_WINDOW] internal recentRoots;
    mapping(uint256 => bool) internal recent;

    event MetersAdded(uint256 indexed firstIndex, uint256[] leaves, uint256 root);

    error NotRegistrar(address caller);
    error NoLeaves();
    error RegistryFull(uint256 capacity);
    error NotAFieldElement(uint256 value);
    error RootAlreadyPublished(uint256 root);

    constructor(address registrar_, uint8 depth_) {
        registrar = registrar_;
        depth = depth_;
    }

    /// @notice Adds `leaves` after the registered ones; `newRoot` is the root of the tree holding them all.
    function addMeters(uint256[] calldata leaves, uint256 newRoot) external {
        if (msg.sender != registrar) revert NotRegistrar(msg.sender);
        if (leaves.length == 0) revert NoLeaves();
        if (uint256(leafCount) + leaves.length > (uint256(1) << depth)) revert RegistryFull(uint256(1) << depth);
        for (uint256 i = 0; i < leaves.length; i++) if (leaves[i] >= FIELD || leaves[i] == 0) revert NotAFieldElement(leaves[i]);
        if (newRoot >= FIELD) revert NotAFieldElement(newRoot);
        if (recent[newRoot]) revert RootAlreadyPublished(newRoot);
        uint64 first = leafCount;
        leafCount = first + uint64(leaves.length);
        uint256 slot = rootCount % ROOT_WINDOW;
        uint256 expired = recentRoots[slot];
        if (expired != 0) recent[expired] = false;
        recentRoots[slot] = newRoot;
        recent[newRoot] = true;
        rootCount += 1;
        currentRoot = newRoot;
        emit MetersAdded(first, leaves, newRoot);
    }

    /// @notice Whether `root` is one of the last ROOT_WINDOW roots published.
    function isKnownRoot(uint256 root) external view returns (bool) {
        return recent[root];
    }
}
