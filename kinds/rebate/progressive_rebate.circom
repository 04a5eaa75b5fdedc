pragma circom 2.1.0;

include "../../circuits/lib/comparators.circom";
include "../../circuits/lib/day_totals.circom";
include "../../circuits/lib/convex_brackets.circom";
include "../../circuits/lib/piecewise_linear.circom";

// ProgressiveRebate(maxDays, minDays, brackets): the total progressive rebate of a government scheme over
// a period's readings, shared by the rebate result (kinds/rebate) and the anonymous on-chain claim
// (kinds/rebate/claim).
//
// For every day d of the period: consumption C_d (Wh), saving s_d = max(0, top - C_d), where `top` is the
// scheme's daily baseline (a day at or above it saves 0 and earns 0, never a negative amount), and rebate
//     r(s) = sum_k rate[k] * (the part of [0, s) inside bracket k),  bracket k = [start[k], start[k+1]),
// with non-decreasing rates, i.e. a convex piecewise-linear function of the daily saving.
// Output: sum_d r(s_d), in µp (rates are µp per Wh of saving = mp/kWh, the unit of tariff prices).
//
// How a day is evaluated: as a function of the day's consumption C, the rebate is piecewise linear with
// brackets + 1 pieces on disjoint integer intervals of [0, 2^20):
//     bracket k:   C in [top - start[k+1] + 1, top - start[k]]  (bracket K-1: from C = 0)
//                  rebate = base[k] + rate[k] * (top - C)
//     no rebate:   C in [top - start[0] + 1, 2^20 - 1]  (at or above the baseline, or a saving
//                  below the first bracket's start)
// The prover names the piece; two 20-bit range checks place C inside it. Since the intervals are disjoint
// and cover [0, 2^20), the piece is forced by C, and so is the value. This costs 62 constraints per day
// against 115 for one comparison per bracket plus one for the saving, and keeps the 31-day circuit in a
// 2^15 proving domain (kinds/rebate/README.md).
//
// Preconditions (the caller's): readings are 14-bit and zero on days after a short period, days is one of
// minDays..maxDays (CertifiedReadings checks all three).
template ProgressiveRebate(maxDays, minDays, brackets) {
    // Daily consumption is below 48 * 2^14 < 2^20 Wh; the baseline is held to the same 20 bits and the
    // bracket starts to [0, top], so every interval bound below lies in [0, 2^20].
    var WH_BITS = 20;
    // Rates below 2^24 mp/kWh (the bound of every price in meterproof): a day's rebate < 2^44 µp, a
    // period's < 2^49, far from wrapping modulo r.
    var RATE_BITS = 24;

    signal input readings[maxDays * 48];
    signal input days;
    // the daily baseline, Wh; circom orders a template's signals by name, and this name keeps the
    // compiled constraint system, and so the published keys, of the rebate and claim circuits as they were
    signal input top;
    signal input bracketStart[brackets];
    signal input bracketRate[brackets];
    signal output rebate;

    // The scheme: top < 2^20 (the width every comparison below relies on); starts non-decreasing
    // and at most the baseline (a saving never exceeds it, so a later bracket could never be
    // reached), rates non-decreasing below 2^24 (convexity). Checked once, not per day.
    component topRange = RangeCheck(WH_BITS);
    topRange.in <== top;
    component schedule = BracketSchedule(brackets, WH_BITS, RATE_BITS);
    schedule.starts <== bracketStart;
    schedule.rates <== bracketRate;
    schedule.top <== top;

    // The pieces in terms of the day's consumption (see above); all bounds lie in [0, 2^20], as
    // PiecewiseLinearByInterval's preconditions ask.
    var PIECES = brackets + 1;
    signal rateAtTop[brackets];
    signal lower[PIECES];
    signal upper[PIECES];
    signal intercept[PIECES];
    signal slope[PIECES];
    for (var k = 0; k < brackets; k++) {
        if (k == brackets - 1) {
            lower[k] <== 0;
        } else {
            lower[k] <== top - bracketStart[k + 1] + 1;
        }
        upper[k] <== top - bracketStart[k];
        rateAtTop[k] <== bracketRate[k] * top;
        intercept[k] <== schedule.base[k] + rateAtTop[k];
        slope[k] <== -bracketRate[k];
    }
    lower[brackets] <== top - bracketStart[0] + 1;
    upper[brackets] <== (1 << WH_BITS) - 1;
    intercept[brackets] <== 0;
    slope[brackets] <== 0;

    component consumption = DayTotals(maxDays);
    consumption.readings <== readings;
    // Days after a short period have zero readings (CertifiedReadings): they would look like full
    // savings, so their rebate is masked to 0.
    component inside = DaysInPeriod(maxDays, minDays);
    inside.days <== days;

    component dayRebate[maxDays];
    signal rebateInPeriod[maxDays];
    var total = 0;
    for (var d = 0; d < maxDays; d++) {
        dayRebate[d] = PiecewiseLinearByInterval(PIECES, WH_BITS);
        dayRebate[d].x <== consumption.total[d]; // < 48 * 2^14 < 2^20: readings are 14-bit
        dayRebate[d].lower <== lower;
        dayRebate[d].upper <== upper;
        dayRebate[d].intercept <== intercept;
        dayRebate[d].slope <== slope;
        // a constant 1 for days below minDays: then linear, and --O2 removes the constraint
        rebateInPeriod[d] <== dayRebate[d].out * inside.inPeriod[d];
        total += rebateInPeriod[d];
    }
    rebate <== total;
}
