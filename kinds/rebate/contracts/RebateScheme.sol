// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MeterRegistry} from "./MeterRegistry.sol";
import {RebateToken} from "./RebateToken.sol";

/// @title A government rebate scheme paying anonymous claims (kinds/rebate/claim) from its own token budget.
/// @notice The scheme's parameters (id, baseline, brackets, period grid) enter as one Poseidon commitment;
/// a claim proves, without naming its meter, that a registered meter's certified readings for one period
/// of the grid earn `rebate` under those parameters, and carries the meter's nullifier for that period.
/// The contract checks the claim's public values against its own, verifies the proof, records the
/// nullifier and pays the payout address. Rejections revert with the errors below.
///
/// The scheme is its own ERC-20 (RebateToken: 1 unit = 1 µp; the treasury mints its budget to it), and
/// each claim circuit's Groth16 verifier, generated from the project's key, is inherited by a generated
/// ClaimNdScheme (kinds/rebate/contracts/generated/): paying and verifying then touch no other contract than the
/// registry — about 6,000 gas of cold calls less per claim, which keeps claim() under 300,000 gas.
abstract contract RebateScheme is RebateToken {
    MeterRegistry public immutable registry;
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
    error ZeroPayout();
    error BudgetExhausted(uint256 rebate, uint256 remaining);
    error InvalidProof();
    error TooManyPeriods(uint256 periods);

    constructor(MeterRegistry registry_, address treasury_, uint256 schemeCommitment_, uint32 gridStart_, uint32 periodDays_, uint32 periods_) RebateToken(treasury_) {
        // periodIndex takes 16 bits of the claim's terms (kinds/rebate/claim/claim.circom)
        if (periods_ > 1 << 16) revert TooManyPeriods(periods_);
        registry = registry_;
        schemeCommitment = schemeCommitment_;
        gridStart = gridStart_;
        periodDays = periodDays_;
        periods = periods_;
    }

    /// @dev the generated verifier's pairing check on (pi_a, pi_b, pi_c) and the four public signals
    function _verifyClaim(uint256[8] calldata proof, uint256[4] memory signals) internal view virtual returns (bool);

    /// @notice Pays `rebate` (µp, token units) to `payout` for the claim proven by `proof`
    /// (pi_a, pi_b, pi_c as the verifier takes them). Cheap checks come first, so that a refused claim
    /// costs its sender little; the pairing check runs only on a claim that passes them all.
    function claim(uint256[8] calldata proof, uint256 root, uint256 nullifier, uint256 commitment, uint256 periodIndex, address payout, uint256 rebate) external {
        if (commitment != schemeCommitment) revert WrongScheme(commitment, schemeCommitment);
        if (periodIndex >= periods) revert PeriodOffGrid(periodIndex, periods);
        if (!registry.isKnownRoot(root)) revert UnknownRoot(root);
        if (spent[nullifier]) revert AlreadyClaimed(nullifier);
        if (payout == address(0)) revert ZeroPayout();
        uint256 remaining = balanceOf[address(this)];
        if (rebate > remaining) revert BudgetExhausted(rebate, remaining);
        // The claim's terms as the circuit packs them: payout + periodIndex * 2^160 + rebate * 2^176.
        // periodIndex < 2^16 (the grid); rebate < remaining, far below 2^77.
        uint256 terms = uint256(uint160(payout)) | (periodIndex << 160) | (rebate << 176);
        // public signals in the circuit's order: output nullifier; inputs root, schemeCommitment, terms
        if (!_verifyClaim(proof, [nullifier, root, commitment, terms])) revert InvalidProof();
        spent[nullifier] = true;
        _move(address(this), payout, rebate);
        emit Claimed(nullifier, periodIndex, payout, rebate);
    }
}
