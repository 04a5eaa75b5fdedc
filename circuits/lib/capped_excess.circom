pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// CappedExcess(n): excess[i] = max(0, x[i] - cap[i]) for n private values x (each already range-checked to
// 14 bits by the caller) against public caps 0 <= cap < 2^14, the caps packed 16 per public input:
//     caps[g] = sum_j cap[16g + j] * 2^(15j)        (j = 0..15; a short last group packs fewer)
// A cap of 16383 (the largest 14-bit reading) means "no cap": no value can exceed it.
//
// Per group of up to 16 values the circuit forms D = sum_j (x_j - cap_j + 2^14) * 2^(15j), a linear
// combination of the private values and the public packed caps, and decomposes it into 15 bits per value.
// Each digit x_j - cap_j + 2^14 lies in [1, 2^15) (x and cap are 14-bit), so D < 2^240 < r has exactly one
// binary form and its 15-bit chunks ARE the digits (no borrow between neighbours): bit 14 of chunk j is
// [x_j >= cap_j] and bits 0..13 are then x_j - cap_j. So excess_j = bit14_j * bits0..13_j.
// Cost: 15 booleans + 1 product per value, one public input per 16 values (a public input costs a domain
// row and a scalar multiplication in every verification, so 16 caps share one).
//
// Soundness rests on x < 2^14 (caller) and cap < 2^14 (the verifier builds the public caps from its own
// documents and refuses any other). A prover cannot pick other bits: the decomposition of D is unique.
template CappedExcess(n) {
    var PER = 16;
    var GROUPS = (n + PER - 1) \ PER;

    signal input x[n];
    signal input caps[GROUPS];
    signal output excess[n];
    signal output total;

    component bits[GROUPS];
    var sum = 0;
    for (var g = 0; g < GROUPS; g++) {
        var count = n - PER * g < PER ? n - PER * g : PER;
        bits[g] = Num2Bits(15 * count);
        var d = -caps[g];
        for (var j = 0; j < count; j++) {
            d += (x[PER * g + j] + (1 << 14)) * (1 << (15 * j));
        }
        bits[g].in <== d;
        for (var j = 0; j < count; j++) {
            var low = 0;
            for (var t = 0; t < 14; t++) { low += bits[g].out[15 * j + t] * (1 << t); }
            excess[PER * g + j] <== bits[g].out[15 * j + 14] * low;
            sum += excess[PER * g + j];
        }
    }
    // A sum of n excesses below 2^14 each: far below r, so it cannot wrap (and is 0 only if all are 0).
    total <== sum;
}
