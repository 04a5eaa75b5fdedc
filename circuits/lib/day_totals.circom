pragma circom 2.1.0;

include "./one_hot.circom";

// Per-day building blocks for circuits over CertifiedReadings' readings[maxDays * 48].

// DayTotals(days): total[d] = sum of the 48 readings of day d. Linear: no constraints of its own, the
// outputs are named linear combinations. Each total is below 48 * 2^14 < 2^20 when the caller has
// range-checked the readings to 14 bits (CertifiedReadings does).
template DayTotals(days) {
    signal input readings[days * 48];
    signal output total[days];
    for (var d = 0; d < days; d++) {
        var sum = 0;
        for (var s = 0; s < 48; s++) { sum += readings[48 * d + s]; }
        total[d] <== sum;
    }
}

// DaysInPeriod(maxDays, minDays): inPeriod[d] = 1 when day d of the circuit lies inside the period, i.e.
// d < days, for days in [minDays, maxDays] (a value outside has no witness: OneHot is the range check).
// Days below minDays are always inside (constant 1, no constraint). Costs maxDays - minDays + 3.
template DaysInPeriod(maxDays, minDays) {
    var OPTIONS = maxDays - minDays + 1;
    signal input days;
    signal output inPeriod[maxDays];

    component length = OneHot(OPTIONS, minDays);
    length.value <== days;
    // sel[0] (days == minDays) marks no day at or after minDays as inside; OneHot still constrains it.
    _ <== length.sel[0];
    for (var d = 0; d < maxDays; d++) {
        if (d < minDays) {
            inPeriod[d] <== 1;
        } else {
            // day d is inside when days >= d + 1, i.e. option o = days - minDays >= d + 1 - minDays
            var inside = 0;
            for (var o = d + 1 - minDays; o < OPTIONS; o++) { inside += length.sel[o]; }
            inPeriod[d] <== inside;
        }
    }
}
