pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "./comparators.circom";

// Tier tables: a value looked up by the tier a private number falls in (TierLookup, "readings as keys in a
// lookup table"), and a charge for a total spread over consecutive blocks (BlockCharge, "first X at one
// rate, the rest at another"). Tables are public inputs built by the verifier; see the preconditions.

// NonDecreasingWithin(count, n, top): 0 <= v[0] <= v[1] <= ... <= v[count-1] <= top, for a published table
// checked once per circuit (so a lookup's soundness does not rest on the verifier's own checks alone).
// n-bit range checks on v[0], on every step v[k] - v[k-1] and on top - v[count-1]; top < 2^n. Each checked
// value is below 2^n, so the sums of steps cannot wrap modulo r (count * 2^n << r) and the chain holds over
// the integers. Cost: (count + 1) * n.
template NonDecreasingWithin(count, n, top) {
    assert(count >= 1 && top < (1 << n) && count * n < 240);
    signal input v[count];
    component step[count + 1];
    for (var k = 0; k <= count; k++) {
        step[k] = RangeCheck(n);
        if (k == 0) {
            step[k].in <== v[0];
        } else if (k == count) {
            step[k].in <== top - v[count - 1];
        } else {
            step[k].in <== v[k] - v[k - 1];
        }
    }
}

// MuxByIndexBits(B): out = table[index] for a table of 2^B entries, the index given by its B bits, least
// significant first. PRECONDITION: every bit is 0 or 1 (the caller checks them once and may share them
// between several tables). A binary tree of 2^B - 1 products.
template MuxByIndexBits(B) {
    var K = 1 << B;
    signal input table[K];
    signal input bits[B];
    signal output out;

    signal step[K - 1];
    var node[K];
    for (var i = 0; i < K; i++) { node[i] = table[i]; }
    var width = K;
    var at = 0;
    for (var l = 0; l < B; l++) {
        // Level l halves the candidates: entries 2i and 2i+1 differ in index bit l. Writing node[i] is safe
        // because entries 2i, 2i+1 >= i are read before it is overwritten.
        width = width \ 2;
        for (var i = 0; i < width; i++) {
            step[at] <== bits[l] * (node[2 * i + 1] - node[2 * i]);
            node[i] = node[2 * i] + step[at];
            at++;
        }
    }
    out <== node[0];
}

// TierOf(B, n): checks that `tier` is the tier containing x and outputs its value, for K = 2^B tiers
// covering [0, 2^n): tier k is [bounds[k-1], bounds[k]) with bounds[-1] = 0 and bounds[K-1] = 2^n, and
// values[k] is its value. Any other tier has no witness.
// PRECONDITIONS: 0 <= x < 2^n (the caller range-checked it); 0 <= bounds[0] <= ... <= bounds[K-2] <= 2^n
// (public; the caller checks the table once with NonDecreasingWithin(K - 1, n + 1, 2^n)). Equal neighbours
// make an empty tier, which no x can select, so a table with fewer tiers is padded with 2^n at the top.
// With overlapping (decreasing) bounds a prover could choose between tiers: hence the table check.
//
// The circuit selects the tier's lower bound lo, upper bound hi and value with two binary multiplexers and
// checks lo <= x < hi with two n-bit range checks: u = x - lo in [0, 2^n) and v = hi - 1 - x in [0, 2^n).
// lo and hi are selected together as one lane combination S = -lo + 2^L hi (L = n + 2), so that
//     u + 2^L v = S + x - 2^L (1 + x)
// is linear in S. The prover supplies u and v (range-checked to n bits) and the circuit checks that
// equality. That pins u and v: with the preconditions, the true x - lo and hi - 1 - x lie in [-2^n, 2^n),
// and two lane pairs that agree must agree lane by lane since |u - (x - lo)| < 2^(n+1) < 2^L.
// Cost: B index bits, 2 (2^B - 1) multiplexer products, 2n range bits.
template TierOf(B, n) {
    var K = 1 << B;
    var L = n + 2;
    assert(B >= 1);
    assert(2 * n + 3 < 250); // |u + 2^L v| < 2^(2n+3): the checked equality can never wrap modulo r

    signal input x;
    signal input bounds[K - 1];
    signal input values[K];
    signal input tier;
    signal output value;

    // B bits: the multiplexers need boolean index bits, and tier < K (no tier outside the table).
    component bits = Num2Bits(B);
    bits.in <== tier;

    component range = MuxByIndexBits(B);
    component price = MuxByIndexBits(B);
    for (var k = 0; k < K; k++) {
        var lo = k == 0 ? 0 : bounds[k - 1];
        var hi = k == K - 1 ? 1 << n : bounds[k];
        range.table[k] <== -lo + (1 << L) * hi;
        price.table[k] <== values[k];
    }
    range.bits <== bits.out;
    price.bits <== bits.out;

    // The distances are computed off-circuit from the named tier's bounds, then pinned by the equality.
    var t = tier;
    var loHint = t == 0 ? 0 : bounds[t - 1];
    var hiHint = t == K - 1 ? 1 << n : bounds[t];
    signal u;
    signal v;
    u <-- x - loHint;
    v <-- hiHint - 1 - x;
    // lo <= x and x < hi for the named tier: both distances are n-bit (non-negative).
    component uRange = RangeCheck(n);
    uRange.in <== u;
    component vRange = RangeCheck(n);
    vRange.in <== v;
    u + (1 << L) * v === range.out + x - (1 << L) * (1 + x);

    value <== price.out;
}

// TierLookup(B, n): TierOf with the tier found by the prover: the number of bounds at or below x.
template TierLookup(B, n) {
    var K = 1 << B;
    signal input x;
    signal input bounds[K - 1];
    signal input values[K];
    signal output tier;
    signal output value;

    var t = 0;
    for (var k = 0; k < K - 1; k++) { if (x >= bounds[k]) { t = k + 1; } }
    tier <-- t;
    component check = TierOf(B, n);
    check.x <== x;
    check.bounds <== bounds;
    check.values <== values;
    check.tier <== tier;
    value <== check.value;
}

// BlockCharge(M, n): the charge for a total spread over M consecutive blocks: units up to bounds[0] at
// rates[0], units between bounds[0] and bounds[1] at rates[1], ..., units above bounds[M-2] at rates[M-1]:
//     charge = rates[0] * total + sum_j (rates[j] - rates[j-1]) * max(0, total - bounds[j-1]).
// PRECONDITIONS: 0 <= total < 2^n (the caller's bound); bounds in [0, 2^n) (public), which PositivePart's
// width check enforces anyway (a wider difference has no witness). The formula is the definition: it is
// the block-by-block charge when bounds are non-decreasing (the caller checks that once with
// NonDecreasingWithin), and a deterministic function of total and the table in any case. Rates are any
// public values (increasing, or decreasing for volume discounts); a block with the rate of the block before
// it has no effect, which is how a table with fewer blocks is padded. Cost per block boundary: n + 3.
template BlockCharge(M, n) {
    assert(M >= 2);
    signal input total;
    signal input bounds[M - 1];
    signal input rates[M];
    signal output charge;

    signal base <== rates[0] * total;
    // |total - bound| < 2^n for operands in [0, 2^n); PositivePart's bit decomposition enforces that width.
    component above[M - 1];
    signal extra[M - 1];
    var sum = base;
    for (var j = 1; j < M; j++) {
        above[j - 1] = PositivePart(n);
        above[j - 1].x <== total - bounds[j - 1];
        extra[j - 1] <== (rates[j] - rates[j - 1]) * above[j - 1].out;
        sum += extra[j - 1];
    }
    charge <== sum;
}
