pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "./comparators.circom";
include "./one_hot.circom";

// Shape similarity of a household's average day to published 48-slot profiles, in exact integer arithmetic:
// the Pearson correlation (the cosine of the two centred vectors), never divided, never square-rooted.
//
//   day[s]   = sum of the period's readings in slot s of the day (the average day times `days`: the
//              correlation does not change when a vector is scaled, so the circuit never divides by days)
//   P[s]     = a published profile, integers (Elexon kW x 1000 = W, summed over the period's days)
//   dot      = 48 * sum day[s] P[s] - (sum day)(sum P)  = 48^2 * sum (day - mean)(P - mean)
//   spread H = 48 * sum day[s]^2   - (sum day)^2        = 48^2 * sum (day - mean)^2
//   norm   N = 48 * sum P[s]^2     - (sum P)^2          (public: the verifier computes it from P)
//   rho      = dot / sqrt(H * N)                         in [-1, 1] by Cauchy-Schwarz
//
// rho_i >= rho_j  <=>  dot_i |dot_i| N_j >= dot_j |dot_j| N_i   (N > 0; x|x| is monotone, so the signed
// squares keep the sign that plain squares would lose), and rho >= t / T <=> T^2 dot|dot| >= t|t| H N.
// A flat household day (H = 0, e.g. all zeros) has no shape: its correlation is defined as 0.
//
// Bit widths (every comparison below relies on them; the callers guarantee the inputs):
//   day[s]   < 2^19  a sum of at most 32 days of 14-bit readings (32 * 16383 < 2^19)
//   P[s]     < 2^20  refused above by the verifier's companion (circuits/lib/similarity.ts)
//   |dot|    < 2^51  (48^2 < 2^12: both terms are below 48^2 * 2^39);  H < 2^50;  0 < N < 2^52
//   |dot|dot||      < 2^102
// Companion: circuits/lib/similarity.ts (profile bounds, norms); reference: kinds/profile/reference.ts.

function SIMILARITY_DOT_BITS() { return 51; }
function SIMILARITY_SQUARE_BITS() { return 102; }
function SIMILARITY_NORM_BITS() { return 52; }
function SIMILARITY_SPREAD_BITS() { return 50; }

// SumDay(maxDays): day[s] = sum over the period's days of readings[48 d + s], and their total. Linear:
// no constraints after simplification. Readings after the period are zero (CertifiedReadings), so the
// sums cover exactly the period.
template SumDay(maxDays) {
    assert(maxDays <= 32); // keeps day[s] below 2^19 for 14-bit readings
    signal input readings[maxDays * 48];
    signal output day[48];
    signal output total;
    var all = 0;
    for (var s = 0; s < 48; s++) {
        var sum = 0;
        for (var d = 0; d < maxDays; d++) { sum += readings[48 * d + s]; }
        day[s] <== sum;
        all += sum;
    }
    total <== all;
}

// CentredDot(): dot = 48 * sum x[s] y[s] - (sum x)(sum y), with xTotal = sum x given by the caller (it is
// shared by every profile). With y = x it is the spread H. 49 constraints.
template CentredDot() {
    signal input x[48];
    signal input xTotal;
    signal input y[48];
    signal output dot;
    signal term[48];
    var cross = 0;
    var yTotal = 0;
    for (var s = 0; s < 48; s++) {
        term[s] <== x[s] * y[s];
        cross += term[s];
        yTotal += y[s];
    }
    signal totals <== xTotal * yTotal;
    dot <== 48 * cross - totals;
}

// SignedSquare(n): out = x |x| for a signed x with |x| < 2^n (caller's precondition). n + 3 constraints.
template SignedSquare(n) {
    signal input x;
    signal output out;
    component sign = IsNonNegative(n);
    sign.x <== x;
    signal magnitude <== (2 * sign.out - 1) * x;
    out <== x * magnitude;
}

// NonZero(): x != 0 (a flat published profile has no shape and would make every comparison a tie the
// prover could settle either way). One constraint: x has an inverse.
template NonZero() {
    signal input x;
    signal inverse <-- x != 0 ? 1 / x : 0;
    x * inverse === 1;
}

// MostCorrelatedIs(K): checks that `index` names the profile with the largest correlation, the lowest such
// index on ties, given the signed squares square[k] = dot_k |dot_k| (|.| < 2^102) and the norms N_k
// (0 < N < 2^52, checked non-zero): for every k
//     square[index] * N_k - square[k] * N[index] - before_k >= 0     (before_k = 1 for k < index)
// i.e. rho_index >= rho_k, strictly for earlier k. Each product is below 2^(102 + 52) = 2^154, the
// difference below 2^155: IsNonNegative(155). An index outside 0..K-1 has no witness (one-hot).
// Outputs the winner's signed square and norm, for a score.
template MostCorrelatedIs(K) {
    var GAP = SIMILARITY_SQUARE_BITS() + SIMILARITY_NORM_BITS() + 1;
    signal input square[K];
    signal input norm[K];
    signal input index;
    signal output bestSquare;
    signal output bestNorm;

    component nonZero[K];
    for (var k = 0; k < K; k++) {
        nonZero[k] = NonZero();
        nonZero[k].x <== norm[k];
    }

    component pick = OneHot(K, 0);
    pick.value <== index;
    signal pickedSquare[K];
    signal pickedNorm[K];
    var chosenSquare = 0;
    var chosenNorm = 0;
    for (var k = 0; k < K; k++) {
        pickedSquare[k] <== pick.sel[k] * square[k];
        pickedNorm[k] <== pick.sel[k] * norm[k];
        chosenSquare += pickedSquare[k];
        chosenNorm += pickedNorm[k];
    }
    bestSquare <== chosenSquare;
    bestNorm <== chosenNorm;

    signal mine[K];
    signal theirs[K];
    component atLeast[K];
    var seen = 0;
    for (var k = 0; k < K; k++) {
        var before = 1 - seen - pick.sel[k];
        seen += pick.sel[k];
        mine[k] <== bestSquare * norm[k];
        theirs[k] <== square[k] * bestNorm;
        atLeast[k] = IsNonNegative(GAP);
        atLeast[k].x <== mine[k] - theirs[k] - before;
        atLeast[k].out === 1;
    }
}

// MostCorrelated(K): MostCorrelatedIs with the signed squares computed from dot[K] (|dot| < 2^51) and the
// index found by the prover.
template MostCorrelated(K) {
    signal input dot[K];
    signal input norm[K];
    signal output index;
    signal output bestSquare;
    signal output bestNorm;

    component square[K];
    var squares[K];
    var norms[K];
    for (var k = 0; k < K; k++) {
        square[k] = SignedSquare(SIMILARITY_DOT_BITS());
        square[k].x <== dot[k];
        squares[k] = square[k].out;
        norms[k] = norm[k];
    }
    index <-- mostCorrelated(squares, norms, K);

    component check = MostCorrelatedIs(K);
    for (var k = 0; k < K; k++) { check.square[k] <== square[k].out; }
    check.norm <== norm;
    check.index <== index;
    bestSquare <== check.bestSquare;
    bestNorm <== check.bestNorm;
}

// Witness hint for MostCorrelated: the first k maximising square[k] / norm[k] (exact cross-multiplication;
// every product is below 2^154, far inside the field's signed range, so the comparison is the integer one).
function mostCorrelated(squares, norms, K) {
    var best = 0;
    for (var k = 1; k < K; k++) {
        if (squares[k] * norms[best] > squares[best] * norms[k]) { best = k; }
    }
    return best;
}

// CorrelationAtLeast(n): out = 1 iff rho >= t / T, for a signed t with |t| < 2^n and 0 <= T < 2^n
// (caller's preconditions), given the signed square dot|dot| (< 2^102), the household spread H (< 2^50)
// and the profile norm N (0 < N < 2^52). rho := 0 for a flat day (H = 0), so then out = 1 iff t <= 0.
//     T^2 dot|dot| - t|t| H N:   each side below 2^(2n + 102), the difference below 2^(2n + 103).
// With T = 0 the test reads "0 >= t|t|", i.e. t <= 0 (used to switch a quantised score off).
template CorrelationAtLeast(n) {
    var GAP = 2 * n + SIMILARITY_SQUARE_BITS() + 1;
    assert(GAP <= 252);
    assert(SIMILARITY_SPREAD_BITS() + SIMILARITY_NORM_BITS() <= SIMILARITY_SQUARE_BITS()); // H N < 2^102 too
    signal input dotSquare;
    signal input spread;
    signal input norm;
    signal input t;
    signal input T;
    signal output out;

    component tSquare = SignedSquare(n);
    tSquare.x <== t;
    component flat = IsZero();
    flat.in <== spread;

    signal TT <== T * T;
    signal lhs <== TT * dotSquare;
    signal spreadNorm <== spread * norm;
    signal rhs <== tSquare.out * spreadNorm;
    // flat day: the gap is -t (0 >= t / T); otherwise the cross-multiplied gap.
    signal shaped <== (1 - flat.out) * (lhs - rhs);
    signal flatGap <== flat.out * t;
    component sign = IsNonNegative(GAP);
    sign.x <== shaped - flatGap;
    out <== sign.out;
}

// QuantisedCorrelationIs(): checks score = floor(L * rho) for 0 <= L <= 1000 levels (caller's
// precondition; L = 0 forces score = 0, a flat day scores 0), given the signed square dot|dot|, the spread
// H and the norm N as for CorrelationAtLeast: rho >= score / L and not rho >= (score + 1) / L. Since
// -1 <= rho <= 1 exactly, the two checks leave one value in [-L, L]; the range check |score| <= 1024 comes
// first so that score and score + 1 stay inside CorrelationAtLeast's 11-bit operand width.
template QuantisedCorrelationIs() {
    var LEVEL_BITS = 11;
    signal input dotSquare;
    signal input spread;
    signal input norm;
    signal input levels;
    signal input score;

    component range = RangeCheck(LEVEL_BITS);
    range.in <== score + 1024;

    component reached = CorrelationAtLeast(LEVEL_BITS);
    reached.dotSquare <== dotSquare;
    reached.spread <== spread;
    reached.norm <== norm;
    reached.t <== score;
    reached.T <== levels;
    reached.out === 1;

    component next = CorrelationAtLeast(LEVEL_BITS);
    next.dotSquare <== dotSquare;
    next.spread <== spread;
    next.norm <== norm;
    next.t <== score + 1;
    next.T <== levels;
    next.out === 0;
}

// QuantisedCorrelation(): QuantisedCorrelationIs with the score found by the prover.
template QuantisedCorrelation() {
    signal input dotSquare;
    signal input spread;
    signal input norm;
    signal input levels;
    signal output score;
    score <-- quantisedCorrelation(dotSquare, spread, norm, levels);
    component check = QuantisedCorrelationIs();
    check.dotSquare <== dotSquare;
    check.spread <== spread;
    check.norm <== norm;
    check.levels <== levels;
    check.score <== score;
}

// Witness hint: the largest q in [-L, L] with L^2 dot|dot| >= q|q| H N (0 for a flat day or L = 0).
// The test is made in the loop's body: written as the while condition, circom 2.2.3's witness code went on
// past the answer once q was negative (a best correlation of -0.02 at L = 100 came out -100), so about one
// household day in a hundred had no witness (kinds/profile/profile.circuit.test.ts, "not exactly opposite").
function quantisedCorrelation(dotSquare, spread, norm, L) {
    if (spread == 0 || L == 0) { return 0; }
    var q = L;
    var searching = 1;
    while (searching == 1) {
        if (q > -L && L * L * dotSquare < signedSquareOf(q) * spread * norm) { q = q - 1; } else { searching = 0; }
    }
    return q;
}

function signedSquareOf(x) {
    if (x < 0) { return -x * x; }
    return x * x;
}
