pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/comparators.circom";

// PeakDemand(maxDays, minDays): the period's maximum half-hourly demand and the first day it occurred —
// what a capacity or maximum-demand charge is computed from — and nothing else about the readings.
//
// The prover names the peak's day D and half-hour h (private one-hot selectors `atDay`, `atSlot`). The
// circuit checks:
//   peak = readings[48 D + h]                            (the peak is a reading of the period…)
//   D < days                                             (…not a zero of the padding after a short period)
//   readings[i] <= peak        for every slot i           (…and no reading is higher)
//   readings[i] <= peak - 1    for every slot of a day before D
// so `peak` is the maximum and `peakDay` = startDay + D the first day reaching it: both outputs are unique
// for a given set of certified readings, whichever of several equal half-hours of that day is named.
//
// Each inequality is one 14-bit range check of peak - readings[i] - before[day(i)], where before[d] (1 when
// the peak's day is later than d) is a sum of day selectors: no constraint of its own, and at most maxDays
// terms, so the constraints stay small (a slot-level selector would put every later slot's selector into
// every check). Readings after `days` are zero (CertifiedReadings) and never exceed the peak.
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days.
// Public outputs: peak (Wh in one half-hour; kW = peak / 500), peakDay (days since 1970-01-01 UTC).
// Reference: kinds/peak/reference.ts.
template PeakDemand(maxDays, minDays) {
    var SLOTS = maxDays * 48;

    signal output peak;
    signal output peakDay;

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
    // the day and the half-hour of the peak, one-hot each (private: when it happened within the day is
    // not revealed)
    signal input atDay[maxDays];
    signal input atSlot[48];

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

    // one day and one half-hour chosen
    var days_chosen = 0;
    var day = 0;
    for (var d = 0; d < maxDays; d++) {
        atDay[d] * (atDay[d] - 1) === 0;
        days_chosen += atDay[d];
        day += atDay[d] * d;
    }
    days_chosen === 1;
    var slots_chosen = 0;
    for (var h = 0; h < 48; h++) {
        atSlot[h] * (atSlot[h] - 1) === 0;
        slots_chosen += atSlot[h];
    }
    slots_chosen === 1;

    // the peak is the reading at (day, half-hour): the chosen day's readings first, then its half-hour
    signal onDay[maxDays][48];
    signal ofDay[48];
    signal picked[48];
    var value = 0;
    for (var h = 0; h < 48; h++) {
        var sum = 0;
        for (var d = 0; d < maxDays; d++) {
            onDay[d][h] <== atDay[d] * readings[48 * d + h];
            sum += onDay[d][h];
        }
        ofDay[h] <== sum;
        picked[h] <== atSlot[h] * ofDay[h];
        value += picked[h];
    }
    peak <== value;

    // the chosen day is inside the period: 0 <= days - 1 - day, both below 2^7 (no instance is longer)
    assert(maxDays < 128);
    component inPeriod = RangeCheck(7);
    inPeriod.in <== days - 1 - day;
    peakDay <== startDay + day;

    // no reading above the peak; on the days before the peak's day, none equal to it either
    component below[SLOTS];
    for (var d = 0; d < maxDays; d++) {
        var before = 0;
        for (var later = d + 1; later < maxDays; later++) { before += atDay[later]; }
        for (var h = 0; h < 48; h++) {
            below[48 * d + h] = RangeCheck(14);
            below[48 * d + h].in <== peak - readings[48 * d + h] - before;
        }
    }
}
