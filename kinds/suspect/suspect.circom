pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/similarity.circom";

// SuspectMatch(maxDays, minDays): one bit for a fraud check — does the household's average day over a
// certified period correlate with a published suspect pattern at least as strongly as a published
// cut-off? (Pearson correlation in exact integer arithmetic, circuits/lib/similarity.circom.)
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// SumDay + CentredDot + SignedSquare + CorrelationAtLeast (circuits/lib/similarity.circom).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days,
//                 pattern[48] (the suspect day shape: integers in [0, 2^20), not flat),
//                 patternNorm (N = 48 sum P^2 - (sum P)^2, derived from the pattern by the verifier),
//                 minCorrelation (per mille, -1000..1000: match iff correlation >= minCorrelation / 1000; the
//                 verifier's companion refuses values outside).
// Public output:  match (1 or 0). Nothing else about the readings leaves, not even the correlation.
// Reference: kinds/suspect/reference.ts.
template SuspectMatch(maxDays, minDays) {
    var SLOTS = maxDays * 48;
    var LEVEL_BITS = 11; // |minCorrelation| <= 1000 and the scale 1000 are below 2^11

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input pattern[48];
    signal input patternNorm;
    signal input minCorrelation;

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output match;

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

    // The average day, times `days` (correlation ignores the scale; readings after the period are zero).
    component day = SumDay(maxDays);
    day.readings <== readings;

    component dot = CentredDot();
    dot.x <== day.day;
    dot.xTotal <== day.total;
    dot.y <== pattern;
    component dotSquare = SignedSquare(SIMILARITY_DOT_BITS());
    dotSquare.x <== dot.dot;

    component spread = CentredDot();
    spread.x <== day.day;
    spread.xTotal <== day.total;
    spread.y <== day.day;

    // A flat pattern would give every household the same answer regardless of its readings.
    component shaped = NonZero();
    shaped.x <== patternNorm;

    component similar = CorrelationAtLeast(LEVEL_BITS);
    similar.dotSquare <== dotSquare.out;
    similar.spread <== spread.dot;
    similar.norm <== patternNorm;
    similar.t <== minCorrelation;
    similar.T <== 1000;
    match <== similar.out;
}
