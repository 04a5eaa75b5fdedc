pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/paired_inner_products.circom";

// Billing(maxDays, minDays): time-of-use bill, settlement value and consumption of a certified period.
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// PairedInnerProducts, in blocks of 2,048 slots past 2,048 (readings x per-slot prices, readings x value of
// energy).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days, standingCharge (µp, whole period),
//                 weights[maxDays * 24] = the tariff and value-of-energy vectors, packed two slots per
//                 element (see PairedInnerProducts); the verifier rebuilds them from the tariff and value
//                 vector it knows, which is what binds the proof to them.
// Public outputs: bill (µp), settlement (µp), consumption (Wh). Nothing else about the readings leaves.
// Reference: core/billing.ts computes the same outputs in TypeScript.
template Billing(maxDays, minDays) {
    var SLOTS = maxDays * 48;

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input standingCharge;
    signal input weights[SLOTS \ 2];

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output bill;
    signal output settlement;
    signal output consumption;

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

    // Readings after the period are zero (CertifiedReadings), so every sum covers exactly the period.
    // Past 2,048 slots (the quarter) the products run in blocks; up to 2,048 the single block is used
    // directly, which keeps the 1/7/31-day r1cs (and their keys) as they were before the quarter existed.
    if (SLOTS <= 2048) {
        component priced = PairedInnerProducts(SLOTS);
        priced.x <== readings;
        priced.w <== weights;
        bill <== priced.withP + standingCharge;
        settlement <== priced.withV;
    } else {
        component pricedLong = LongPairedInnerProducts(SLOTS);
        pricedLong.x <== readings;
        pricedLong.w <== weights;
        bill <== pricedLong.withP + standingCharge;
        settlement <== pricedLong.withV;
    }
    var total = 0;
    for (var i = 0; i < SLOTS; i++) { total += readings[i]; }
    consumption <== total;
}
