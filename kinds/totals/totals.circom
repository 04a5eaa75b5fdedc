pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/day_totals.circom";

// SubPeriodTotals(maxDays, minDays, daysPerTotal): the household's consumption per sub-period, for
// substation balancing (the operator checks the sum over a feeder's meters against the feeder's own
// measurement for the same window).
//
// total[i] = sum of the readings of days [i * daysPerTotal, (i + 1) * daysPerTotal) of the period, in Wh;
// sub-periods are counted from startDay. On the shared 28-31-day circuit the readings after `days` are
// zero (CertifiedReadings), so a sub-period reaching past the period's end covers only its days inside
// the period, and one lying wholly after it is 0.
//
// Parts: CertifiedReadings, DayTotals (circuits/lib/day_totals.circom). No constraints beyond
// certification: every total is a linear combination of readings already range-checked to 14 bits, so
// each is below 31 * 48 * 2^14 < 2^25 and exact.
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days.
// Public outputs: total[ceil(maxDays / daysPerTotal)] (Wh). Nothing finer than a sub-period leaves.
// Reference: kinds/totals/reference.ts.
template SubPeriodTotals(maxDays, minDays, daysPerTotal) {
    var SLOTS = maxDays * 48;
    var TOTALS = (maxDays + daysPerTotal - 1) \ daysPerTotal;
    assert(daysPerTotal >= 1);

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output total[TOTALS];

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

    component perDay = DayTotals(maxDays);
    perDay.readings <== readings;
    for (var i = 0; i < TOTALS; i++) {
        var sum = 0;
        for (var d = i * daysPerTotal; d < (i + 1) * daysPerTotal && d < maxDays; d++) { sum += perDay.total[d]; }
        total[i] <== sum;
    }
}
