pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/comparators.circom";
include "../../circuits/lib/paired_inner_products.circom";

// TariffComparison(maxDays, minDays, K): which of K published tariffs would have been cheapest for the
// household's certified readings (lowest index among equal bills), and how much it saves against the
// household's current tariff, one of the K.
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// PairedInnerProducts (readings x per-slot prices: two tariffs per instance, tariff 2j in the p lanes and
// tariff 2j + 1 in the v lanes), ArgMax (the cheapest bill), Select (the current tariff's bill).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days,
//                 current (index of the household's current tariff among the K),
//                 standingCharges[K] (µp for the whole period, 0 <= s < 2^40),
//                 weights[ceil(K/2)][maxDays * 24] (tariffs 2j and 2j + 1 packed two slots per element as
//                 in billing: w = p_a + 2^50 p_b + 2^100 q_a + 2^150 q_b, |price| < 2^24 mp/kWh; an odd K
//                 leaves the last q lanes zero). The verifier rebuilds all of them from the published
//                 tariffs, which is what binds the proof to them.
// Public outputs: cheapest (0..K-1), saving (µp: current bill - cheapest bill, >= 0). No bill, no
//                 consumption, nothing else about the readings leaves.
// Reference: kinds/compare/reference.ts.
template TariffComparison(maxDays, minDays, K) {
    var SLOTS = maxDays * 48;
    var PAIRS = (K + 1) \ 2;
    // |bill| < 2^50: energy |sum x p| < 1536 * 2^14 * 2^24 < 2^49 (maxDays <= 32), standing charge < 2^40.
    // ArgMax compares 2^50 - bill, which then lies in (0, 2^51): its declared operand width.
    var BILL_BITS = 50;
    assert(maxDays <= 32);
    assert(K >= 1);

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input current;
    signal input standingCharges[K];
    signal input weights[PAIRS][SLOTS \ 2];

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output cheapest;
    signal output saving;

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

    // Readings after the period are zero (CertifiedReadings), so every bill covers exactly the period.
    component priced[PAIRS];
    signal bill[K];
    for (var j = 0; j < PAIRS; j++) {
        priced[j] = PairedInnerProducts(SLOTS);
        priced[j].x <== readings;
        priced[j].w <== weights[j];
        bill[2 * j] <== priced[j].withP + standingCharges[2 * j];
        if (2 * j + 1 < K) {
            bill[2 * j + 1] <== priced[j].withV + standingCharges[2 * j + 1];
        } else {
            _ <== priced[j].withV; // zero lanes of an odd K
        }
    }

    // The cheapest bill is the largest 2^50 - bill; ArgMax checks the prover's index (lowest among equals).
    component best = ArgMax(K, BILL_BITS + 1);
    for (var k = 0; k < K; k++) { best.values[k] <== (1 << BILL_BITS) - bill[k]; }
    cheapest <== best.index;

    // An index outside 0..K-1 has no witness (Select's one-hot).
    component now = Select(K);
    now.table <== bill;
    now.index <== current;
    saving <== now.out - ((1 << BILL_BITS) - best.max);
}
