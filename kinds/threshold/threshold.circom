pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/capped_excess.circom";
include "../../circuits/lib/paired_inner_products.circom";

// Threshold(maxDays, minDays): demand response over a certified period, two statements in one circuit,
// chosen by the public input mustComply (kinds/threshold/README.md):
//   mustComply = 1  compliance: every reading is at or under its slot's cap. The proof exists only if that
//                   holds, and its output is 0: the verifier learns validity and nothing else.
//   mustComply = 0  penalty bill: bill = standing charge + readings x prices + penaltyRate x (Wh above the
//                   caps, summed over all slots). Only the bill leaves, not whether any cap was exceeded.
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// CappedExcess (Wh above the cap in every slot), PairedInnerProducts (readings x per-slot prices).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days, mustComply (0 or 1),
//                 standingCharge (µp, whole period), penaltyRate (mp/kWh of excess energy),
//                 caps[maxDays * 3] = the grid's per-slot caps in Wh (16383 = no event), 16 slots per
//                 element (CappedExcess), weights[maxDays * 24] = the tariff's per-slot prices packed as in
//                 Billing with a zero value-of-energy lane (PairedInnerProducts). The verifier rebuilds all
//                 of them from the published events and tariff (kinds/threshold/circuit.ts).
// Public output:  bill (µp); always 0 when mustComply = 1.
// Reference: kinds/threshold/reference.ts.
template Threshold(maxDays, minDays) {
    var SLOTS = maxDays * 48;

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input mustComply;
    signal input standingCharge;
    signal input penaltyRate;
    signal input caps[SLOTS \ 16];
    signal input weights[SLOTS \ 2];

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output bill;

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

    // Readings are 14-bit (CertifiedReadings), as CappedExcess and PairedInnerProducts require. Readings
    // after a short period are zero, so they exceed no cap and cost nothing.
    component excess = CappedExcess(SLOTS);
    excess.x <== readings;
    excess.caps <== caps;
    _ <== excess.excess; // only the total is used

    component priced = PairedInnerProducts(SLOTS);
    priced.x <== readings;
    priced.w <== weights;
    _ <== priced.withV; // the value-of-energy lane is unused (zero) here

    // The statement switch must be a bit: any other value would scale the bill or the compliance check.
    mustComply * (mustComply - 1) === 0;
    // Compliance: the total excess is a sum of non-negative values far below r, so it is 0 only when every
    // slot is at or under its cap.
    mustComply * excess.total === 0;

    // µp = Wh x mp/kWh. |penaltyRate| < 2^24 (verifier) and total excess < 2^25: no wrap-around.
    signal penalty <== penaltyRate * excess.total;
    // Compliance proofs carry no amount: the output is forced to 0 whatever prices the statement names.
    bill <== (1 - mustComply) * (priced.withP + standingCharge + penalty);
}
