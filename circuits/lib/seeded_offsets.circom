pragma circom 2.1.0;

include "circomlib/circuits/aliascheck.circom";
include "circomlib/circuits/poseidon.circom";
include "./comparators.circom";

// Offsets derived in-circuit from a public seed, so that neither the prover nor anybody but the seed's
// issuer chooses them:
//
//     h_c       = Poseidon(seed, c)                         c = 0, 1, 2, ... (one hash per 5 offsets)
//     chunk_j   = bits [50 (j mod 5), 50 (j mod 5) + 50) of the canonical binary form of h_{floor(j/5)}
//     offset_j  = chunk_j mod N
//
// Canonical matters: a field element h < 2^254 - r also has the 254-bit form h + r, whose chunks differ;
// without the alias check the prover could pick either form and so choose between two sets of offsets.
// Bias: for h uniform on [0, r), a chunk is a mixture of a uniform value on [0, 2^50) and (weight below
// 1/12, only for the top chunk) a uniform value on a shorter prefix range; reduced mod N either part is
// uniform up to N / 2^50, so offsets differ from uniform on [0, N) by less than N / 2^50 in total
// variation (< 2^-39 for N <= 2048).
// TypeScript twin: seededOffsets in kinds/sampling/reference.ts.

// CanonicalBitsOf(): bits is the canonical little-endian form of `in` (each bit boolean, the bits recompose
// to `in`, and as an integer they are below r: circomlib's AliasCheck). Takes the bits as an input so
// that tests can offer the alias; HashChunks computes them.
template CanonicalBitsOf() {
    signal input in;
    signal input bits[254];
    var sum = 0;
    for (var i = 0; i < 254; i++) {
        bits[i] * (bits[i] - 1) === 0;
        sum += bits[i] * (1 << i);
    }
    sum === in;
    component alias = AliasCheck();
    alias.in <== bits;
}

// HashChunks(count, width): chunk[j] = bits [width * j, width * (j + 1)) of the canonical form of `in`.
// 254 booleans + the alias check (about 390 constraints) however many chunks are taken.
template HashChunks(count, width) {
    assert(count * width <= 254);
    signal input in;
    signal output chunk[count];
    signal bits[254];
    for (var i = 0; i < 254; i++) { bits[i] <-- (in >> i) & 1; }
    component canonical = CanonicalBitsOf();
    canonical.in <== in;
    canonical.bits <== bits;
    for (var j = 0; j < count; j++) {
        var sum = 0;
        for (var i = 0; i < width; i++) { sum += bits[width * j + i] * (1 << i); }
        chunk[j] <== sum;
    }
}

// DivModCheck(width, offsetBits, minN): checks chunk = q * N + offset with 0 <= offset < N, and outputs
// offset's bits. Takes q and offset as inputs so that tests can offer other pairs; ReduceMod computes them.
// Preconditions (the caller's): chunk in [0, 2^width), N in [minN, 2^offsetBits], width <= 200.
// q < 2^(width - floor(log2 minN)) (the honest quotient is at most chunk / minN) and 0 <= offset <= N - 1
// are both range-checked, so q * N + offset < 2^(width + offsetBits) cannot wrap modulo r and (q, offset)
// is the unique Euclidean division: no other offset satisfies the check.
template DivModCheck(width, offsetBits, minN) {
    var LOG_MIN = 0;
    while ((2 << LOG_MIN) <= minN) { LOG_MIN++; }
    assert(minN >= 1 && width <= 200 && offsetBits <= 32);
    signal input chunk;
    signal input N;
    signal input q;
    signal input offset;
    signal output offsetBit[offsetBits];

    component qRange = RangeCheck(width - LOG_MIN);
    qRange.in <== q;
    component bits = Num2Bits(offsetBits); // offset >= 0, and its bits for the caller's selection
    bits.in <== offset;
    offsetBit <== bits.out;
    component below = RangeCheck(offsetBits); // N - 1 - offset >= 0: offset < N
    below.in <== N - 1 - offset;
    chunk === q * N + offset;
}

// ReduceMod(width, offsetBits, minN): offset = chunk mod N, with its bits (preconditions as DivModCheck).
template ReduceMod(width, offsetBits, minN) {
    signal input chunk;
    signal input N;
    signal output offset;
    signal output offsetBit[offsetBits];
    signal q;
    q <-- chunk \ N;
    offset <-- chunk % N;
    component check = DivModCheck(width, offsetBits, minN);
    check.chunk <== chunk;
    check.N <== N;
    check.q <== q;
    check.offset <== offset;
    offsetBit <== check.offsetBit;
}

// SeededOffsets(count, minN, maxN, offsetBits): count offsets in [0, N) derived from `seed` as above.
// Preconditions (the caller's): N in [minN, maxN], maxN <= 2^offsetBits.
// Cost: ceil(count / 5) * (Poseidon(2) ~240 + canonical bits ~390) + count * (~47 + offsetBits * 2).
template SeededOffsets(count, minN, maxN, offsetBits) {
    var PER_HASH = 5;
    var CHUNK = 50;
    var HASHES = (count + PER_HASH - 1) \ PER_HASH;
    assert(maxN <= (1 << offsetBits));
    signal input seed;
    signal input N;
    signal output offset[count];
    signal output offsetBit[count][offsetBits];

    component hash[HASHES];
    component chunks[HASHES];
    for (var c = 0; c < HASHES; c++) {
        hash[c] = Poseidon(2);
        hash[c].inputs[0] <== seed;
        hash[c].inputs[1] <== c;
        var taken = count - PER_HASH * c < PER_HASH ? count - PER_HASH * c : PER_HASH;
        chunks[c] = HashChunks(taken, CHUNK);
        chunks[c].in <== hash[c].out;
    }
    component reduce[count];
    for (var j = 0; j < count; j++) {
        reduce[j] = ReduceMod(CHUNK, offsetBits, minN);
        reduce[j].chunk <== chunks[j \ PER_HASH].chunk[j % PER_HASH];
        reduce[j].N <== N;
        offset[j] <== reduce[j].offset;
        offsetBit[j] <== reduce[j].offsetBit;
    }
}
