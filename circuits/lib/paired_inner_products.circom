pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// PairedInnerProducts(n): two inner products of the same private vector `x` (n values, each already
// range-checked to 14 bits by the caller) with two public vectors p and v (|p|, |v| < 2^24), for the
// price of n/2 multiplications and n/2 public inputs.
//
// The verifier packs each pair of slots (a, b) = (2i, 2i+1) into one public field element
//     w[i] = p_a + 2^50 p_b + 2^100 v_a + 2^150 v_b
// and the circuit multiplies it by X = x_b + 2^50 x_a. In base 2^50 the product's digit 1 is
// x_a p_a + x_b p_b and digit 3 is x_a v_a + x_b v_b (digits 0, 2, 4 are cross terms). Summed over all
// pairs, every digit stays below 2^49 in absolute value (n products of < 2^38 each, n <= 2048), so the
// five signed digits of the sum are unique and the circuit extracts digits 1 and 3 with one 50-bit range
// check per digit instead of one product per slot per vector.
template PairedInnerProducts(n) {
    var LANE = 50;
    var HALF = 1 << 49;
    assert(n % 2 == 0);
    assert(n <= 2048); // keeps every digit below 2^49 (see above)

    signal input x[n];
    signal input w[n \ 2];
    signal output withP; // sum x_i p_i
    signal output withV; // sum x_i v_i

    signal product[n \ 2];
    var sum = 0;
    for (var i = 0; i < n \ 2; i++) {
        product[i] <== (x[2 * i + 1] + (1 << LANE) * x[2 * i]) * w[i];
        sum += product[i];
    }

    // Signed base-2^50 digits of the sum, computed off-circuit from its (non-negative) offset form.
    var offset = 0;
    for (var t = 0; t < 5; t++) { offset += HALF * (1 << (LANE * t)); }
    signal digit[5];
    var shifted = sum + offset;
    for (var t = 0; t < 5; t++) {
        digit[t] <-- ((shifted >> (LANE * t)) & ((1 << LANE) - 1)) - HALF;
    }

    // Each digit lies in [-2^49, 2^49): with five such digits the recomposition below cannot wrap
    // modulo r (|total| < 2^250), so the digits are the only ones that satisfy it.
    component digitRange[5];
    var recomposed = 0;
    for (var t = 0; t < 5; t++) {
        digitRange[t] = Num2Bits(LANE);
        digitRange[t].in <== digit[t] + HALF;
        _ <== digitRange[t].out;
        recomposed += digit[t] * (1 << (LANE * t));
    }
    recomposed === sum;

    withP <== digit[1];
    withV <== digit[3];
}

// LongPairedInnerProducts(n): PairedInnerProducts for any even n, as consecutive blocks of at most 2,048
// slots. The digit bound above needs n <= 2048: at 92 days (4,416 slots) one block's digit 1 could reach
// 4,416 * 2^38 > 2^50 and no 50-bit lane (five lanes must fit below r) could hold it. Each block's digits
// are exact integers (|digit| < 2^49 by the bound above), so their sums are the exact inner products:
// |sum x_i p_i| < n * 2^38 < 2^51 for n < 2^13, far below r. Cost per block beyond 2,048 slots: five
// 50-bit range checks (255 constraints). At n <= 2048 this is one block, PairedInnerProducts itself.
template LongPairedInnerProducts(n) {
    var BLOCK = 2048;
    var BLOCKS = (n + BLOCK - 1) \ BLOCK;
    assert(n % 2 == 0 && n < (1 << 13));

    signal input x[n];
    signal input w[n \ 2];
    signal output withP;
    signal output withV;

    component block[BLOCKS];
    var sumP = 0;
    var sumV = 0;
    for (var b = 0; b < BLOCKS; b++) {
        var size = n - BLOCK * b < BLOCK ? n - BLOCK * b : BLOCK;
        block[b] = PairedInnerProducts(size);
        for (var i = 0; i < size; i++) { block[b].x[i] <== x[BLOCK * b + i]; }
        for (var i = 0; i < size \ 2; i++) { block[b].w[i] <== w[(BLOCK \ 2) * b + i]; }
        sumP += block[b].withP;
        sumV += block[b].withV;
    }
    withP <== sumP;
    withV <== sumV;
}
