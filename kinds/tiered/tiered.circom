pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/tiers.circom";

// Tiered(maxDays, minDays, tierBits, blocks): bill of a certified period under a tiered tariff with two
// independent parts (kinds/tiered/README.md):
//   * per-slot tiers: each slot's price is looked up from the slot's own reading in a published table of
//     2^tierBits tiers (tier k covers readings in [tierBounds[k-1], tierBounds[k]) Wh, price tierPrices[k]
//     mp/kWh for the whole reading of that slot);
//   * cumulative blocks over the period: the period's total Wh is charged in `blocks` consecutive blocks,
//     the first blockBounds[0] Wh at blockRates[0] mp/kWh, the next ones at blockRates[1], ...
//   bill = standingCharge + sum_slots reading x tierPrice(reading) + blockCharge(total).
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// TierLookup per slot, BlockCharge once per period.
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days, standingCharge (µp, whole period),
//                 tierBounds[2^tierBits - 1] (Wh, non-decreasing, <= 16384), tierPrices[2^tierBits] (mp/kWh),
//                 blockBounds[blocks - 1] (Wh of the period, non-decreasing, < 2^25), blockRates[blocks]
//                 (mp/kWh). The verifier rebuilds all of them from the published tariff (kinds/tiered/circuit.ts);
//                 the bounds' order and range are also checked here, once (about 130 constraints).
// Public output:  bill (µp). Not the tiers of the slots, not the total, not the block reached.
// Reference: kinds/tiered/reference.ts.
template Tiered(maxDays, minDays, tierBits, blocks) {
    var SLOTS = maxDays * 48;
    var TIERS = 1 << tierBits;
    // The period's total Wh stays below 2^25 (maxDays * 48 * 16383 < 2^25 up to 42 days): the width of the
    // block comparisons, and the bound the verifier puts on blockBounds.
    var TOTAL_BITS = 25;
    assert(maxDays * 48 * 16383 < (1 << TOTAL_BITS));

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input standingCharge;
    signal input tierBounds[TIERS - 1];
    signal input tierPrices[TIERS];
    signal input blockBounds[blocks - 1];
    signal input blockRates[blocks];

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

    // The published tables, checked once: tier bounds non-decreasing in [0, 2^14] (TierOf's precondition:
    // tiers must not overlap, or a prover could pick the cheaper one), block bounds non-decreasing in
    // [0, 2^25) (the blocks follow each other, and fit the width of the block comparisons).
    component tierTable = NonDecreasingWithin(TIERS - 1, 15, 1 << 14);
    tierTable.v <== tierBounds;
    component blockTable = NonDecreasingWithin(blocks - 1, TOTAL_BITS, (1 << TOTAL_BITS) - 1);
    blockTable.v <== blockBounds;

    // Per slot: the reading (14-bit, CertifiedReadings) is the key of the tier table; the prover names the
    // tier and TierLookup checks it. Readings after a short period are zero: they land in some tier but cost
    // 0 Wh x price = 0.
    component lookup[SLOTS];
    signal cost[SLOTS];
    var energy = 0;
    var total = 0;
    for (var i = 0; i < SLOTS; i++) {
        lookup[i] = TierLookup(tierBits, 14);
        lookup[i].x <== readings[i];
        lookup[i].bounds <== tierBounds;
        lookup[i].values <== tierPrices;
        _ <== lookup[i].tier; // the tier stays private; only its price is used
        // µp = Wh x mp/kWh; each |cost| < 2^38, the sum over <= 2,048 slots < 2^49: no wrap-around.
        cost[i] <== readings[i] * lookup[i].value;
        energy += cost[i];
        total += readings[i];
    }

    component blocksCharge = BlockCharge(blocks, TOTAL_BITS);
    blocksCharge.total <== total;
    blocksCharge.bounds <== blockBounds;
    blocksCharge.rates <== blockRates;

    bill <== standingCharge + energy + blocksCharge.charge;
}
