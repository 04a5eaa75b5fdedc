pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "./progressive_rebate.circom";

// Rebate(maxDays, minDays, brackets): the period's total progressive rebate of a government scheme.
//
// For every day d of the period: consumption C_d (Wh), saving s_d = max(0, threshold - C_d), and rebate
// r(s) = sum_k rate[k] * (the part of [0, s) inside bracket k), with non-decreasing rates; output
// sum_d r(s_d) in µp. The computation and why it is formulated as it is: ProgressiveRebate
// (progressive_rebate.circom beside this file), shared with the anonymous on-chain claim (claim/).
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)) and
// ProgressiveRebate over those readings.
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days, then the scheme as its operator
//                 published it: threshold (Wh per day), bracketStart[brackets] (Wh of daily saving),
//                 bracketRate[brackets] (µp per Wh = mp/kWh). The verifier rebuilds them from the
//                 published scheme (kinds/rebate/circuit.ts, rebateSignalValues).
// Public output:  rebate (µp). Nothing per day leaves the circuit.
// Reference: kinds/rebate/reference.ts.
template Rebate(maxDays, minDays, brackets) {
    var SLOTS = maxDays * 48;

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input threshold;
    signal input bracketStart[brackets];
    signal input bracketRate[brackets];

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output rebate;

    component certified = CertifiedReadings(maxDays, minDays);
    certified.meterId <== meterId;
    certified.Ax <== Ax;
    certified.Ay <== Ay;
    certified.context <== context;
    certified.startDay <== startDay;
    certified.days <== days;
    certified.readings <== readings;
    certified.chainStart <== chainStart;
    certified.pending <== pending;
    certified.group <== group;
    certified.R8x <== R8x;
    certified.R8y <== R8y;
    certified.S <== S;

    component computed = ProgressiveRebate(maxDays, minDays, brackets);
    computed.readings <== readings;
    computed.days <== days;
    computed.top <== threshold;
    computed.bracketStart <== bracketStart;
    computed.bracketRate <== bracketRate;
    rebate <== computed.rebate;
}
