pragma circom 2.1.0;

include "../../circuits/lib/certified_readings.circom";
include "../../circuits/lib/seeded_offsets.circom";
include "../../circuits/lib/packed_select.circom";

// SampledReadings(maxDays, minDays, samples): sampled disclosure for settlement. The verifier issues a
// random seed (a challenge it keeps); the proof reveals the certified readings at `samples` slots derived
// from that seed inside the circuit, and nothing else about the readings.
//
// Positions (circuits/lib/seeded_offsets.circom; TypeScript twin: seededOffsets in
// kinds/sampling/reference.ts):
//     h_c      = Poseidon(seed, c),  c = 0 .. ceil(samples / 5) - 1
//     offset_j = (bits [50 (j mod 5), 50 (j mod 5) + 50) of the canonical form of h_{floor(j/5)}) mod (48 * days)
//     slot_j   = 48 * startDay + offset_j        (absolute half-hour slot, core/time.ts)
// Independent uniform draws with replacement over the period's slots (a slot can come up twice). The
// prover has no choice: the seed is public, the hash and the reduction are constrained, the canonical
// bit form is enforced (AliasCheck) and the Euclidean division is unique (range-checked quotient and
// remainder). A proof for another seed has other public inputs and does not verify. Offsets differ from
// uniform by less than N / 2^50 in total variation: < 2^-39 up to 31 days, < 2^-37 at 92 (N <= 4,416).
//
// Parts: CertifiedReadings, SeededOffsets, PackedSelect (at 31 days: readings packed 8 to an element,
// the element chosen by the offset's high bits, its 8 digits recovered with 14-bit range checks, the digit
// chosen by the offset's low 3 bits; about 300 constraints per sample instead of 1,487 for a plain mux;
// at 92 days 16 to an element, about 515 per sample instead of 4,415).
//
// Public inputs:  meterId, meter public key (Ax, Ay), startDay, days, seed.
// Public outputs: slot[samples] (absolute slot numbers), reading[samples] (Wh), sample j in position j.
// Reference: kinds/sampling/reference.ts.
template SampledReadings(maxDays, minDays, samples) {
    var SLOTS = maxDays * 48;
    var OFFSET_BITS = 0; // smallest width holding every offset 0 .. SLOTS - 1
    while ((1 << OFFSET_BITS) < SLOTS) { OFFSET_BITS++; }
    var READING_BITS = 14;
    // Readings per packed element for the selection, by fewest constraints: 1 at 1 day, 4 at 7, 8 at 31,
    // 16 at 92.
    var GROUP = packedSelectGroup(SLOTS, READING_BITS);

    signal input meterId;
    signal input Ax;
    signal input Ay;
    signal input context;
    signal input startDay;
    signal input days;
    signal input seed;

    signal input readings[SLOTS];
    signal input chainStart;
    signal input pending[12];
    signal input group;
    signal input R8x;
    signal input R8y;
    signal input S;

    signal output slot[samples];
    signal output reading[samples];

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

    // Offsets range over the period's 48 * days slots only (days in [minDays, maxDays] is enforced by
    // CertifiedReadings), never over the zero readings after a short month.
    component offsets = SeededOffsets(samples, 48 * minDays, SLOTS, OFFSET_BITS);
    offsets.seed <== seed;
    offsets.N <== 48 * days;

    // Readings are 14-bit (CertifiedReadings), offsets are below 48 * days <= SLOTS: PackedSelect's
    // preconditions.
    component pick[samples];
    for (var j = 0; j < samples; j++) {
        pick[j] = PackedSelect(SLOTS, READING_BITS, GROUP, OFFSET_BITS);
        pick[j].values <== readings;
        pick[j].indexBits <== offsets.offsetBit[j];
        slot[j] <== 48 * startDay + offsets.offset[j];
        reading[j] <== pick[j].out;
    }
}
