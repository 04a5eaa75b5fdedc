pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "./one_hot.circom";

// CertifiedReadings(maxDays, minDays): the meter certified exactly these readings for the period
// [startDay, startDay + days), minDays <= days <= maxDays, with ONE signature check.
//
// The meter's hash chain (docs/certification.md; TypeScript twin: meter/chain.ts):
//   * element  = 16 readings of 14 bits packed in bits 0..223, plus the element's absolute position + 1
//                in bits 224.. (3 elements per day; the position tag binds slots to their place in time);
//   * group    = 15 consecutive elements = 5 days, aligned on absolute day numbers divisible by 5;
//                h[next] = Poseidon16(h, 15 elements);
//   * at the end of each day the meter signs M = Poseidon3(meterId, endDay, digest), where digest is the
//     chain value h if the day ends a group, else Poseidon16(h, elements of the open group, zero padded).
//
// The proof starts from the chain value at the start of the group holding startDay (private, unsigned:
// changing it or any element would need a Poseidon second preimage to reach the signed digest), replays the
// up to 12 elements of that group before the period (private, not range-checked: they only feed the hash),
// then the period's elements, and verifies the signature on the digest at endDay.
//
// Public (passed in by the caller): meterId, meter public key (Ax, Ay), context, startDay, days.
// `context` names what the result answers (a service request's digest reduced into the field, 0 for none,
// docs/requests.md); the readings do not depend on it, it is only bound: it enters a constraint, so a proof
// made for one context does not verify for another.
// Private: readings, chainStart, pending, group, signature.
template CertifiedReadings(maxDays, minDays) {
    var SLOTS = maxDays * 48;
    var ELEMENTS = maxDays * 3;
    var MAX_PENDING = 12;
    var STREAM = ELEMENTS + MAX_PENDING;
    var GROUPS = (STREAM + 14) \ 15;
    var DAY_OPTIONS = maxDays - minDays + 1;
    var END_OPTIONS = DAY_OPTIONS + 4; // k + days for k = startDay mod 5 in 0..4
    var TAG_SHIFT = 1 << 224;
    assert(minDays >= 1 && minDays <= maxDays);

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[MAX_PENDING];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    // A public input in no constraint would leave the proof free of it; squaring it ties it to the witness.
    signal contextSquared <== context * context;

    // Readings are 14-bit: the packing below is only injective for digits < 2^14, and the billing
    // digits (PairedInnerProducts) need the bound too.
    component readingBits[SLOTS];
    for (var i = 0; i < SLOTS; i++) {
        readingBits[i] = Num2Bits(14);
        readingBits[i].in <== readings[i];
        _ <== readingBits[i].out; // only the range check is wanted, not the bits
    }

    // startDay = 5 * group + k with k in 0..4: the alignment of the period inside its 5-day group.
    // 18 bits for group keeps 5 * group far below r (no wrap-around), days up to year 5500.
    component groupBits = Num2Bits(18);
    groupBits.in <== group;
    _ <== groupBits.out;
    component k = OneHot(5, 0);
    k.value <== startDay - 5 * group;
    component period = OneHot(DAY_OPTIONS, minDays);
    period.value <== days;

    // Days minDays..maxDays-1 may lie after the period: their readings must be zero, so that totals
    // cannot include them, and their elements are masked out of the hash.
    signal element[ELEMENTS];
    for (var j = 0; j < ELEMENTS; j++) {
        var packed = 0;
        for (var i = 0; i < 16; i++) {
            packed += readings[16 * j + i] * (1 << (14 * i));
        }
        var tagged = packed + (3 * startDay + j + 1) * TAG_SHIFT;
        var day = j \ 3;
        if (day < minDays) {
            element[j] <== tagged;
        } else {
            var inPeriod = 0;
            for (var o = day + 1 - minDays; o < DAY_OPTIONS; o++) { inPeriod += period.sel[o]; }
            element[j] <== tagged * inPeriod;
            if (j % 3 == 0) {
                for (var s = 0; s < 48; s++) {
                    readings[48 * day + s] * (1 - inPeriod) === 0;
                }
            }
        }
    }

    // The stream hashed by the chain: the open group's first 3k elements, then the period's elements.
    // Position m takes pending[m] when m < 3k, else element[m - 3k].
    signal fromPending[MAX_PENDING];
    signal fromPeriod[STREAM][5];
    signal stream[STREAM];
    for (var m = 0; m < STREAM; m++) {
        var value = 0;
        if (m < MAX_PENDING) {
            var beforePeriod = 0;
            for (var a = 0; a < 5; a++) { if (m < 3 * a) { beforePeriod += k.sel[a]; } }
            fromPending[m] <== pending[m] * beforePeriod;
            value += fromPending[m];
        }
        for (var a = 0; a < 5; a++) {
            if (m >= 3 * a && m - 3 * a < ELEMENTS) {
                fromPeriod[m][a] <== k.sel[a] * element[m - 3 * a];
            } else {
                fromPeriod[m][a] <== 0;
            }
            value += fromPeriod[m][a];
        }
        stream[m] <== value;
    }

    signal chain[GROUPS + 1];
    chain[0] <== chainStart;
    component compress[GROUPS];
    for (var g = 0; g < GROUPS; g++) {
        compress[g] = Poseidon(16);
        compress[g].inputs[0] <== chain[g];
        for (var i = 0; i < 15; i++) {
            var m = 15 * g + i;
            if (m < STREAM) { compress[g].inputs[1 + i] <== stream[m]; } else { compress[g].inputs[1 + i] <== 0; }
        }
        chain[g + 1] <== compress[g].out;
    }

    // The stream ends at e = 3 * (k + days); elements past it are zero, so the digest at endDay is the
    // chain value after ceil(e / 15) = ceil((k + days) / 5) groups.
    signal endAt[5][DAY_OPTIONS];
    var groupWeight[GROUPS + 1];
    for (var g = 0; g <= GROUPS; g++) { groupWeight[g] = 0; }
    for (var a = 0; a < 5; a++) {
        for (var o = 0; o < DAY_OPTIONS; o++) {
            endAt[a][o] <== k.sel[a] * period.sel[o];
            var g = (a + minDays + o + 4) \ 5;
            groupWeight[g] += endAt[a][o];
        }
    }
    signal digestTerm[GROUPS + 1];
    var digest = 0;
    for (var g = 0; g <= GROUPS; g++) {
        digestTerm[g] <== groupWeight[g] * chain[g];
        digest += digestTerm[g];
    }

    component message = Poseidon(3);
    message.inputs[0] <== meterId;
    message.inputs[1] <== startDay + days;
    message.inputs[2] <== digest;

    // `enabled` is hard-wired to 1: a prover must never be able to switch the check off.
    component signature = EdDSAPoseidonVerifier();
    signature.enabled <== 1;
    signature.Ax <== Ax;
    signature.Ay <== Ay;
    signature.S <== S;
    signature.R8x <== R8x;
    signature.R8y <== R8y;
    signature.M <== message.out;
}
