// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MeterRegistry} from "./MeterRegistry.sol";
import {RebateToken} from "./RebateToken.sol";

/// @notice The Groth16 verifier of a claim circuit, generated from the project's key (contracts/generated/).
interface IClaimVerifier {
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[6] calldata pubSignals) external view returns (bool);
}

/// @title A government rebate scheme paying anonymous claims (kinds/claim).
/// @notice The scheme's parameters (id, threshold, brackets, period grid) enter as one Poseidon commitment;
/// a claim proves, without naming its meter, that a registered meter's certified readings for one period
/// of the grid earn `rebate` under those parameters, and carries the meter's nullifier for that period.
/// The contract checks the claim's public values against its own, verifies the proof, records the
/// nullifier and pays the payout address from its token budget. Rejections revert with the errors below.
contract RebateScheme {
    IClaimVerifier public immutable verifier;
    MeterRegistry public immutable registry;
    RebateToken public immutable token;
    uint256 public immutable schemeCommitment;
    /// @notice period k is [gridStart + k * periodDays, + periodDays), in days since 1970-01-01 (UTC)
    uint32 public immutable gridStart;
    uint32 public immutable periodDays;
    uint32 public immutable periods;

    mapping(uint256 => bool) public spent;

    event Claimed(uint256 indexed nullifier, uint256 indexed periodIndex, address indexed payout, uint256 rebate);

    error WrongScheme(uint256 commitment, uint256 expected);
    error PeriodOffGrid(uint256 periodIndex, uint256 periods);
    error UnknownRoot(uint256 root);
    error AlreadyClaimed(uint256 nullifier);
    error BudgetExhausted(uint256 rebate, uint256 remaining);
    error InvalidProof();

    constructor(IClaimVerifier verifier_, MeterRegistry registry_, RebateToken token_, uint256 schemeCommitment_, uint32 gridStart_, uint32 periodDays_, uint32 periods_) {
        verifier = verifier_;
        registry = registry_;
        token = token_;
        schemeCommitment = schemeCommitment_;
        gridStart = gridStart_;
        periodDays = periodDays_;
        periods = periods_;
    }

    /// @notice Pays `rebate` (µp, token units) to `payout` for the claim proven by `proof`
    /// (pi_a, pi_b, pi_c as the verifier takes them). Cheap checks come first, so that a refused claim
    /// costs its sender little; the pairing check runs only on a claim that passes them all.
    function claim(uint256[8] calldata proof, uint256 root, uint256 nullifier, uint256 commitment, uint256 periodIndex, address payout, uint256 rebate) external {
        if (commitment != schemeCommitment) revert WrongScheme(commitment, schemeCommitment);
        if (periodIndex >= periods) revert PeriodOffGrid(periodIndex, periods);
        if (!registry.isKnownRoot(root)) revert UnknownRoot(root);
        if (spent[nullifier]) revert AlreadyClaimed(nullifier);
        uint256 remaining = token.balanceOf(address(this));
        if (rebate > remaining) revert BudgetExhausted(rebate, remaining);
        // public signals in the circuit's order: outputs nullifier, rebate; inputs root, schemeCommitment,
        // periodIndex, payout
        bool valid = verifier.verifyProof(
            [proof[0], proof[1]],
            [[proof[2], proof[3]], [proof[4], proof[5]]],
            [proof[6], proof[7]],
            [nullifier, rebate, root, commitment, periodIndex, uint256(uint160(payout))]
        );
        if (!valid) revert InvalidProof();
        spent[nullifier] = true;
        token.transfer(payout, rebate);
        emit Claimed(nullifier, periodIndex, payout, rebate);
    }
}
