pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../../../circuits/lib/certified_readings.circom";
include "../../../circuits/lib/comparators.circom";
include "../progressive_rebate.circom";

// Claim(maxDays, minDays, brackets, depth): an anonymous claim on a rebate scheme's contract
// (kinds/rebate/contracts/RebateScheme.sol). It proves, without revealing the meter, its key or any reading:
//
//   1. registration: Poseidon(meterId, Ax, Ay) is a leaf of the scheme's meter registry, a Poseidon binary
//      Merkle tree of `depth` levels whose root is public (the contract accepts its recent roots);
//   2. certified readings: that meter signed exactly these readings for period `periodIndex` of the
//      scheme's grid, [gridStart + periodIndex * periodDays, + periodDays) (CertifiedReadings);
//   3. the rebate: those readings earn `rebate` µp under the scheme's progressive brackets
//      (ProgressiveRebate, the computation of the rebate result kind);
//   4. the scheme: its parameters (id, daily baseline, brackets, grid) hash to the public `schemeCommitment`,
//      which the contract checks against its own; the parameters themselves stay private inputs;
//   5. the nullifier: Poseidon(schemeCommitment, periodIndex, R8x, S) from the meter's signature on the
//      period's last day. A meter signs each day once and EdDSA signatures are unique per (key,
//      message) without the meter's secret key, so the nullifier is one value per meter, scheme and
//      period whoever holds the readings (a new tenant cannot reset it), and only a holder of that
//      period's signed readings can compute it: knowing every registered public key does not link it to
//      a meter (kinds/rebate/claim/README.md);
//   6. the claim's terms: payout address, period and rebate, packed into one public input
//      terms = payout + periodIndex * 2^160 + rebate * 2^176, so that a claim copied from a pending
//      transaction cannot be redirected and each public input saved is ~6,600 gas of verification
//      (kinds/rebate/claim/README.md). payout < 2^160 and periodIndex < 2^16 are range-checked, rebate < 2^54
//      by construction, so the packing is injective and below r.
//
// Public signals: output nullifier; inputs root, schemeCommitment, terms.
// Reference: kinds/rebate/claim/reference.ts.
template Claim(maxDays, minDays, brackets, depth) {
    var SLOTS = maxDays * 48;

    signal input root;
    signal input schemeCommitment;
    signal input terms;

    // the claim's terms, public through `terms`
    signal input payout;
    signal input periodIndex;

    // the scheme's parameters, opened from schemeCommitment
    signal input schemeId;
    signal input top; // the daily baseline (ProgressiveRebate's name for it)
    signal input bracketStart[brackets];
    signal input bracketRate[brackets];
    signal input gridStart;
    signal input periodDays;

    // the meter and its place in the registry
    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input pathBits[depth];
    signal input siblings[depth];

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output nullifier;

    // 4. The scheme. 4 + 2 * brackets inputs: up to 6 brackets fit circomlib's Poseidon(16).
    component scheme = Poseidon(4 + 2 * brackets);
    scheme.inputs[0] <== schemeId;
    scheme.inputs[1] <== top;
    for (var k = 0; k < brackets; k++) {
        scheme.inputs[2 + k] <== bracketStart[k];
        scheme.inputs[2 + brackets + k] <== bracketRate[k];
    }
    scheme.inputs[2 + 2 * brackets] <== gridStart;
    scheme.inputs[3 + 2 * brackets] <== periodDays;
    scheme.out === schemeCommitment;

    // 2. The period on the grid. The contract bounds periodIndex by the grid's length; 16 bits here keep
    // periodIndex * periodDays far from wrapping modulo r whatever the caller passes.
    component periodRange = RangeCheck(16);
    periodRange.in <== periodIndex;
    signal offset <== periodIndex * periodDays;

    component certified = CertifiedReadings(maxDays, minDays);
    certified.meterId <== meterId;
    certified.Ax <== Ax;
    certified.Ay <== Ay;
    certified.context <== 0;
    certified.startDay <== gridStart + offset;
    certified.days <== periodDays; // one of minDays..maxDays, or CertifiedReadings fails
    certified.readings <== readings;
    certified.chainStart <== chainStart;
    certified.pending <== pending;
    certified.group <== group;
    certified.R8x <== R8x;
    certified.R8y <== R8y;
    certified.S <== S;

    // 1. Registration: the leaf hashed up the tree; pathBits[i] = 1 when the node is a right child.
    component leaf = Poseidon(3);
    leaf.inputs[0] <== meterId;
    leaf.inputs[1] <== Ax;
    leaf.inputs[2] <== Ay;
    signal node[depth + 1];
    signal swap[depth];
    component up[depth];
    node[0] <== leaf.out;
    for (var i = 0; i < depth; i++) {
        pathBits[i] * (pathBits[i] - 1) === 0;
        swap[i] <== pathBits[i] * (siblings[i] - node[i]);
        up[i] = Poseidon(2);
        up[i].inputs[0] <== node[i] + swap[i];
        up[i].inputs[1] <== siblings[i] - swap[i];
        node[i + 1] <== up[i].out;
    }
    node[depth] === root;

    // 3. The rebate.
    component computed = ProgressiveRebate(maxDays, minDays, brackets);
    computed.readings <== readings;
    computed.days <== periodDays;
    computed.top <== top;
    computed.bracketStart <== bracketStart;
    computed.bracketRate <== bracketRate;
    signal rebate <== computed.rebate;

    // 5. The nullifier.
    component spent = Poseidon(4);
    spent.inputs[0] <== schemeCommitment;
    spent.inputs[1] <== periodIndex;
    spent.inputs[2] <== R8x;
    spent.inputs[3] <== S;
    nullifier <== spent.out;

    // 6. The terms. The period's range check is above.
    component payoutRange = RangeCheck(160);
    payoutRange.in <== payout;
    terms === payout + periodIndex * (1 << 160) + rebate * (1 << 176);
}
