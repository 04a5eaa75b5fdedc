pragma circom 2.1.0;

include "./comparators.circom";
include "./one_hot.circom";

// PiecewiseLinearByInterval(P, n): out = intercept[j] + slope[j] * x for the piece j whose interval
// [lower[j], upper[j]] (inclusive, integers) contains x.
//
// The prover names j (a one-hot hint); the circuit checks x - lower[j] and upper[j] - x in [0, 2^n), so
// the cost is two n-bit range checks whatever P is, plus 4 P + 1 products (fewer when the caller passes
// constants, which --O2 folds): cheaper than one comparison per breakpoint once P > 2.
//
// Preconditions (the caller's):
//   * x in [0, 2^n);
//   * lower and upper are integers of magnitude below 2^(n+1), so x - lower[j] and upper[j] - x are exact
//     and a negative one can never pass the n-bit range check (no wrap-around modulo r);
//   * completeness: every x in [0, 2^n) lies in some interval, with upper[j] - lower[j] < 2^n;
//   * soundness: the intervals are disjoint, or pieces agree wherever intervals overlap (a continuous
//     function): then every j the prover can name gives the same, correct value.
template PiecewiseLinearByInterval(P, n) {
    signal input x;
    signal input lower[P];
    signal input upper[P];
    signal input intercept[P];
    signal input slope[P];
    signal output out;

    signal index;
    index <-- firstIntervalHolding(x, lower, upper, P); // a hint: PiecewiseLinearAt checks it
    component at = PiecewiseLinearAt(P, n);
    at.index <== index;
    at.x <== x;
    at.lower <== lower;
    at.upper <== upper;
    at.intercept <== intercept;
    at.slope <== slope;
    out <== at.out;
}

// PiecewiseLinearAt(P, n): the checks of PiecewiseLinearByInterval with the piece `index` as an input (so
// that tests can name a wrong piece): index in 0 .. P-1, lower[index] <= x <= upper[index], and
// out = intercept[index] + slope[index] * x. Same preconditions.
template PiecewiseLinearAt(P, n) {
    signal input index;
    signal input x;
    signal input lower[P];
    signal input upper[P];
    signal input intercept[P];
    signal input slope[P];
    signal output out;

    component pick = OneHot(P, 0); // also refuses an index outside 0 .. P-1
    pick.value <== index;

    signal lowerTerm[P];
    signal upperTerm[P];
    signal interceptTerm[P];
    signal slopeTerm[P];
    var lo = 0;
    var hi = 0;
    var c = 0;
    var m = 0;
    for (var j = 0; j < P; j++) {
        lowerTerm[j] <== pick.sel[j] * lower[j];
        upperTerm[j] <== pick.sel[j] * upper[j];
        interceptTerm[j] <== pick.sel[j] * intercept[j];
        slopeTerm[j] <== pick.sel[j] * slope[j];
        lo += lowerTerm[j];
        hi += upperTerm[j];
        c += interceptTerm[j];
        m += slopeTerm[j];
    }
    // lower[index] <= x <= upper[index] (both differences exact integers of magnitude < 2^(n+2), so a
    // negative one is a field element far above 2^n and fails the range check)
    component aboveLower = RangeCheck(n);
    aboveLower.in <== x - lo;
    component belowUpper = RangeCheck(n);
    belowUpper.in <== hi - x;

    signal slopeTimesX;
    slopeTimesX <== m * x;
    out <== c + slopeTimesX;
}

// Witness hint: the first j with lower[j] <= x <= upper[j] (circom orders field elements as signed
// values in (-r/2, r/2]), or 0 when none holds x, in which case the range checks fail.
function firstIntervalHolding(x, lower, upper, P) {
    for (var j = 0; j < P; j++) {
        if (lower[j] <= x && x <= upper[j]) { return j; }
    }
    return 0;
}
