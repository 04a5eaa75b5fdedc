pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./one_hot.circom";

// Comparisons with explicit operand widths. circomlib's LessThan(n) is only correct when both operands
// are below 2^n, and silently wrong otherwise (the classic under-constrained comparison): every template
// here either range-checks its operands itself or names the width its caller must have enforced.

// RangeCheck(n): 0 <= in < 2^n.
template RangeCheck(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
    _ <== bits.out;
}

// IsNonNegative(n): out = 1 if x >= 0, for a signed x with |x| < 2^n (caller's precondition, n <= 252).
// x + 2^n lies in [0, 2^(n+1)); its top bit is the sign.
template IsNonNegative(n) {
    assert(n <= 252);
    signal input x;
    signal output out;
    component bits = Num2Bits(n + 1);
    bits.in <== x + (1 << n);
    for (var i = 0; i < n; i++) { _ <== bits.out[i]; }
    out <== bits.out[n];
}

// LessOrEqual(n): out = 1 if a <= b, for a, b in [0, 2^n) (caller's precondition).
template LessOrEqual(n) {
    signal input a;
    signal input b;
    signal output out;
    component sign = IsNonNegative(n);
    sign.x <== b - a;
    out <== sign.out;
}

// PositivePart(n): out = max(0, x) for a signed x with |x| < 2^n (caller's precondition).
template PositivePart(n) {
    signal input x;
    signal output out;
    component sign = IsNonNegative(n);
    sign.x <== x;
    out <== x * sign.out;
}

// ArgMaxOf(K, n): checks that `index` names the largest of K values in [0, 2^n) (caller's
// precondition), the lowest such index on ties, and outputs that value: one comparison per candidate.
template ArgMaxOf(K, n) {
    signal input values[K];
    signal input index;
    signal output max;

    component pick = OneHot(K, 0);
    pick.value <== index;
    signal term[K];
    var chosen = 0;
    for (var i = 0; i < K; i++) {
        term[i] <== pick.sel[i] * values[i];
        chosen += term[i];
    }
    max <== chosen;

    // values[i] <= max everywhere, and values[i] + 1 <= max before the chosen index (lowest index wins).
    component notLarger[K];
    var seen = 0;
    for (var i = 0; i < K; i++) {
        var before = 1 - seen - pick.sel[i];
        seen += pick.sel[i];
        notLarger[i] = IsNonNegative(n + 1);
        notLarger[i].x <== max - values[i] - before;
        notLarger[i].out === 1;
    }
}

// ArgMax(K, n): ArgMaxOf with the index found by the prover.
template ArgMax(K, n) {
    signal input values[K];
    signal output index;
    signal output max;
    index <-- argmaxLowest(values, K);
    component check = ArgMaxOf(K, n);
    check.values <== values;
    check.index <== index;
    max <== check.max;
}

function argmaxLowest(values, K) {
    var best = 0;
    for (var i = 1; i < K; i++) {
        if (values[i] > values[best]) { best = i; }
    }
    return best;
}

// Select(K): table[index] for index in [0, K) (out-of-range indices have no witness).
template Select(K) {
    signal input table[K];
    signal input index;
    signal output out;
    component pick = OneHot(K, 0);
    pick.value <== index;
    signal term[K];
    var sum = 0;
    for (var i = 0; i < K; i++) {
        term[i] <== pick.sel[i] * table[i];
        sum += term[i];
    }
    out <== sum;
}
