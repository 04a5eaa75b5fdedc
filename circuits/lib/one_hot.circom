pragma circom 2.1.0;

// OneHot(n, offset): sel[i] = 1 exactly when value == offset + i, for a value known to lie in
// [offset, offset + n). A value outside that range has no satisfying assignment, so this template is
// also the range check for small enumerations (period lengths, alignments).
template OneHot(n, offset) {
    signal input value;
    signal output sel[n];

    var count = 0;
    var weighted = 0;
    for (var i = 0; i < n; i++) {
        sel[i] <-- value == offset + i ? 1 : 0;
        sel[i] * (sel[i] - 1) === 0;
        count += sel[i];
        weighted += (offset + i) * sel[i];
    }
    // Exactly one flag set, and it sits at the value's position.
    count === 1;
    weighted === value;
}
