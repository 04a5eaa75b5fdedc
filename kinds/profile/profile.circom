pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/similarity.circom";

// ProfileClass(maxDays, minDays, K): which of K published load profiles the household's average day over
// a certified period resembles most (Pearson correlation, exact integer arithmetic, lowest index on ties),
// and optionally a quantised correlation score.
//
// Parts: CertifiedReadings (the meter signed exactly these readings for [startDay, startDay + days)),
// SumDay + CentredDot + MostCorrelated + QuantisedCorrelation (circuits/lib/similarity.circom).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days,
//                 profiles[K][48] (the scheme's K profile vectors for this period: integers in [0, 2^20),
//                 e.g. Elexon class profiles in W summed over the period's days: kinds/profile/elexon.ts),
//                 norms[K] (N_k = 48 sum P_k^2 - (sum P_k)^2, derived from the profiles by the verifier),
//                 scoreLevels L in [0, 1000] (0: no score; the verifier's companion refuses more).
// Public outputs: index (0..K-1) of the best-matching profile; score = floor(L * rho_index) in [-L, L]
//                 (0 when L = 0). Nothing else about the readings leaves.
// Reference: kinds/profile/reference.ts (centred vectors and rational comparisons, no circuit tricks).
template ProfileClass(maxDays, minDays, K) {
    var SLOTS = maxDays * 48;

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input profiles[K][48];
    signal input norms[K];
    signal input scoreLevels;

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output index;
    signal output score;

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

    component dot[K];
    component best = MostCorrelated(K);
    for (var k = 0; k < K; k++) {
        dot[k] = CentredDot();
        dot[k].x <== day.day;
        dot[k].xTotal <== day.total;
        dot[k].y <== profiles[k];
        best.dot[k] <== dot[k].dot;
        best.norm[k] <== norms[k];
    }
    index <== best.index;

    // score = floor(L * rho_index), checked against the winner's signed square and norm. A flat day scores 0.
    component spread = CentredDot();
    spread.x <== day.day;
    spread.xTotal <== day.total;
    spread.y <== day.day;
    component quantised = QuantisedCorrelation();
    quantised.dotSquare <== best.bestSquare;
    quantised.spread <== spread.dot;
    quantised.norm <== best.bestNorm;
    quantised.levels <== scoreLevels;
    score <== quantised.score;
}
