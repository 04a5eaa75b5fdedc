pragma circom 2.1.0;

include "./comparators.circom";

// Convex piecewise-linear functions given as marginal brackets, the way progressive schemes are published
// ("the first 2 kWh of saving earn 4 p/kWh, the next 3 kWh earn 6 p/kWh, beyond that 9 p/kWh"):
//
//     f(s) = sum_k rates[k] * |[starts[k], starts[k+1]) ∩ [0, s)|      (starts[K] = infinity)
//          = base[k] + rates[k] * s     for s in bracket k = [starts[k], starts[k+1])
//          = 0                          for s < starts[0]
//     base[k] = A[k] - rates[k] * starts[k],   A[k] = f(starts[k]) = sum_{i<k} rates[i] * (starts[i+1] - starts[i])
//
// f is continuous, and convex when rates are non-decreasing.

// BracketSchedule(K, nx, nr): checks a published schedule once per circuit and returns base[k] (above).
// Enforced: 0 <= starts[0] <= ... <= starts[K-1] <= top and 0 <= rates[0] <= ... <= rates[K-1] < 2^nr
// (rates non-decreasing = f convex; equal neighbouring starts give an empty bracket, which is how a
// schedule with fewer than K brackets is padded). Precondition (the caller's): top in [0, 2^nx).
// K + 1 range checks per vector: the first value, the K - 1 differences and the distance of the last
// value to its bound; each difference is below 2^n, so their sums cannot wrap modulo r.
// base[k] lies in (-2^(nx+nr), 2^(nx+nr)).
template BracketSchedule(K, nx, nr) {
    signal input starts[K];
    signal input rates[K];
    signal input top;
    signal output base[K];

    component startStep[K];
    component rateStep[K];
    for (var k = 0; k < K; k++) {
        startStep[k] = RangeCheck(nx);
        startStep[k].in <== k == 0 ? starts[0] : starts[k] - starts[k - 1];
        rateStep[k] = RangeCheck(nr);
        rateStep[k].in <== k == 0 ? rates[0] : rates[k] - rates[k - 1];
    }
    component startTop = RangeCheck(nx);
    startTop.in <== top - starts[K - 1];
    component rateTop = RangeCheck(nr);
    rateTop.in <== (1 << nr) - 1 - rates[K - 1];

    signal bracketValue[K]; // rates[k] * width of bracket k, for k < K - 1
    signal rateAtStart[K];  // rates[k] * starts[k]
    var reached = 0;        // A[k] = f(starts[k])
    for (var k = 0; k < K; k++) {
        rateAtStart[k] <== rates[k] * starts[k];
        base[k] <== reached - rateAtStart[k];
        if (k < K - 1) {
            bracketValue[k] <== rates[k] * (starts[k + 1] - starts[k]);
            reached += bracketValue[k];
        } else {
            bracketValue[k] <== 0;
        }
    }
}
