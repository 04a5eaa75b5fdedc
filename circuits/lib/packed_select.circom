pragma circom 2.1.0;

include "./comparators.circom";

// Reading one entry of a private array at a private index. In R1CS without lookups this costs about one
// constraint per array entry; packing narrow values several to a field element first divides that by the
// group size, at the price of unpacking the one chosen element.

// BitsIndexedMux(m, bits): out = in[index], index = sum sel[i] * 2^i.
// Preconditions (the caller's): every sel[i] is 0 or 1 (e.g. the output of a Num2Bits) and index < m.
// A binary tree: one constraint per pair of existing nodes (about m in all); a node without a right
// sibling is passed up unchanged, because an index that would pick the missing sibling is >= m.
template BitsIndexedMux(m, bits) {
    assert(bits >= 1 && m >= 1 && m <= (1 << bits));
    signal input in[m];
    signal input sel[bits];
    signal output out;

    // Nodes of all levels in one array: level l (0 = the inputs) has width[l] nodes from start[l] on.
    var width[bits + 1];
    var start[bits + 1];
    var pairs = 0;
    width[0] = m;
    start[0] = 0;
    for (var l = 1; l <= bits; l++) {
        width[l] = (width[l - 1] + 1) \ 2;
        start[l] = start[l - 1] + width[l - 1];
        pairs += width[l - 1] \ 2;
    }

    signal node[start[bits] + 1];
    signal picked[pairs];
    for (var i = 0; i < m; i++) { node[i] <== in[i]; }
    var p = 0;
    for (var l = 1; l <= bits; l++) {
        for (var i = 0; i < width[l]; i++) {
            var left = start[l - 1] + 2 * i;
            if (2 * i + 1 < width[l - 1]) {
                picked[p] <== sel[l - 1] * (node[left + 1] - node[left]);
                node[start[l] + i] <== node[left] + picked[p];
                p++;
            } else {
                node[start[l] + i] <== node[left];
            }
        }
    }
    out <== node[start[bits]];
}

// DigitsOf(count, digitBits): checks that digit[0 … count-1] are the base-2^digitBits digits of `packed`:
// each range-checked to digitBits bits (without that a prover could move 2^digitBits between neighbouring
// digits and keep the sum) and recomposing to `packed`; count * digitBits <= 252 keeps the sum below r,
// so the digits are unique. Takes the digits as inputs so that tests can offer others.
template DigitsOf(count, digitBits) {
    assert(count * digitBits <= 252);
    signal input packed;
    signal input digit[count];
    component range[count];
    var recomposed = 0;
    for (var i = 0; i < count; i++) {
        range[i] = RangeCheck(digitBits);
        range[i].in <== digit[i];
        recomposed += digit[i] * (1 << (digitBits * i));
    }
    recomposed === packed;
}

// packedSelectGroup(n, digitBits): the group size (a power of two, 1 = no packing) with the fewest
// constraints for PackedSelect, by its cost (ceil(n / g) - 1) + (g > 1 ? g * digitBits + g - 1 : 0):
// 1 for 48 slots, 4 for 336, 8 for 1,488 (14-bit digits); measured equal to the compiled counts.
function packedSelectGroup(n, digitBits) {
    var best = 1;
    var bestCost = n - 1;
    for (var g = 2; g * digitBits <= 252; g *= 2) {
        var cost = (n + g - 1) \ g - 1 + g * digitBits + g - 1;
        if (cost < bestCost) { best = g; bestCost = cost; }
    }
    return best;
}

// PackedSelect(n, digitBits, group, bits): out = values[index] for index = sum indexBits[i] * 2^i (i < bits).
// Preconditions (the caller's): every values[i] in [0, 2^digitBits) (range-checked elsewhere), every
// indexBits[i] boolean, index < n. group is a power of two with group * digitBits <= 252; group 1 is a
// plain mux over the values (best for short arrays, see packedSelectGroup).
//
// Entries are packed `group` to a field element (linear: no constraints), the element holding the index
// is chosen by its high bits (about n / group constraints), its `group` digits are recovered and
// range-checked (group * digitBits constraints: without the range checks a prover could move 2^digitBits
// between neighbouring digits and output another value), and the digit is chosen by the low bits
// (group - 1 constraints).
template PackedSelect(n, digitBits, group, bits) {
    var LOW = 0;
    while ((1 << LOW) < group) { LOW++; }
    assert((1 << LOW) == group);
    assert(group * digitBits <= 252); // the digits' sum stays below r: the decomposition is unique (DigitsOf)
    var ELEMENTS = (n + group - 1) \ group;
    assert(bits > LOW && n <= (1 << bits));

    signal input values[n];
    signal input indexBits[bits];
    signal output out;

    if (group == 1) {
        component plain = BitsIndexedMux(n, bits);
        plain.in <== values;
        plain.sel <== indexBits;
        out <== plain.out;
    } else {
        signal packed[ELEMENTS];
        for (var e = 0; e < ELEMENTS; e++) {
            var sum = 0;
            for (var i = 0; i < group; i++) {
                if (group * e + i < n) { sum += values[group * e + i] * (1 << (digitBits * i)); }
            }
            packed[e] <== sum;
        }

        component element = BitsIndexedMux(ELEMENTS, bits - LOW);
        element.in <== packed;
        for (var b = LOW; b < bits; b++) { element.sel[b - LOW] <== indexBits[b]; }

        signal digit[group];
        for (var i = 0; i < group; i++) {
            digit[i] <-- (element.out >> (digitBits * i)) & ((1 << digitBits) - 1);
        }
        component digits = DigitsOf(group, digitBits);
        digits.packed <== element.out;
        digits.digit <== digit;

        component lane = BitsIndexedMux(group, LOW);
        lane.in <== digit;
        for (var b = 0; b < LOW; b++) { lane.sel[b] <== indexBits[b]; }
        out <== lane.out;
    }
}
