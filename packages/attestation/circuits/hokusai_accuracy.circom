pragma circom 2.1.0;

include "poseidon.circom";

// Proves, for committed labels and committed 0/1 predictions of two models (baseline and
// candidate), how many of the first `rows` predictions of each model equal the label.
//
// Public: the chunk index, the running accumulator before and after this chunk, rows, the three
// Poseidon commitments and the two correct counts.
// Private: the N labels, the 2N predictions and the padding mask.
//
// Chaining: accumulator = Poseidon(previous_accumulator, chunk_index, rows, the three commitments,
// the two counts), with previous_accumulator = 0 for chunk 0. A consumer holding only the proofs'
// public signals sees every chunk's place and can check that chunk i's previous_accumulator is
// chunk i-1's accumulator, so a duplicated, reordered or missing chunk shows; the last
// accumulator commits to the whole benchmark.
//
// Padding: rows past `rows` must be zero in all three vectors. The mask is 1 on [0, rows) and
// 0 after; it is built from its steps d[i] = mask[i-1] - mask[i] (mask[-1] = 1, mask[N] = 0),
// which telescope to 1, so requiring every step to be 0 or 1 makes exactly one of them 1 and
// the mask a prefix of ones: N + 1 constraints instead of a comparator per row.
//
// Counting: with zero padding a padding row always "agrees", so
//   correct = rows - sum(l) - sum(p) + 2 * sum(l * p)
// is linear in the products l * p and needs no further per-row constraints.
//
// Commitment: Poseidon over the vector packed little-endian into words of 248 bits
// (ceil(N / 248) words, at most 16, so N <= 3968).
template HokusaiAccuracy(N) {
    var WORD = 248;
    var W = (N + WORD - 1) \ WORD;

    signal input chunk_index;
    signal input previous_accumulator;
    signal input accumulator;
    signal input rows;
    signal input labels_commitment;
    signal input baseline_commitment;
    signal input candidate_commitment;
    signal input baseline_correct;
    signal input candidate_correct;

    signal input labels[N];
    signal input baseline[N];
    signal input candidate[N];
    signal input mask[N];

    // Mask: every step is 0 or 1; at least one real row (mask[0] = 1).
    (1 - mask[0]) * (1 - mask[0]) === 0;
    for (var i = 1; i < N; i++) {
        (mask[i - 1] - mask[i]) * (mask[i - 1] - mask[i] - 1) === 0;
    }
    mask[N - 1] * (mask[N - 1] - 1) === 0;

    var maskSum = 0;
    for (var i = 0; i < N; i++) {
        maskSum += mask[i];
    }
    rows === maskSum;

    // Each value is 0 or 1 on a real row and 0 on padding: v * (v - mask) = 0.
    signal lb[N];
    signal lc[N];
    var sumL = 0;
    var sumB = 0;
    var sumC = 0;
    var sumLB = 0;
    var sumLC = 0;
    for (var i = 0; i < N; i++) {
        labels[i] * (labels[i] - mask[i]) === 0;
        baseline[i] * (baseline[i] - mask[i]) === 0;
        candidate[i] * (candidate[i] - mask[i]) === 0;
        lb[i] <== labels[i] * baseline[i];
        lc[i] <== labels[i] * candidate[i];
        sumL += labels[i];
        sumB += baseline[i];
        sumC += candidate[i];
        sumLB += lb[i];
        sumLC += lc[i];
    }
    baseline_correct === rows - sumL - sumB + 2 * sumLB;
    candidate_correct === rows - sumL - sumC + 2 * sumLC;

    component hl = Poseidon(W);
    component hb = Poseidon(W);
    component hc = Poseidon(W);
    for (var w = 0; w < W; w++) {
        var pl = 0;
        var pb = 0;
        var pc = 0;
        var weight = 1;
        for (var k = 0; k < WORD; k++) {
            var i = w * WORD + k;
            if (i < N) {
                pl += labels[i] * weight;
                pb += baseline[i] * weight;
                pc += candidate[i] * weight;
            }
            weight = weight * 2;
        }
        hl.inputs[w] <== pl;
        hb.inputs[w] <== pb;
        hc.inputs[w] <== pc;
    }
    labels_commitment === hl.out;
    baseline_commitment === hb.out;
    candidate_commitment === hc.out;

    component acc = Poseidon(8);
    acc.inputs[0] <== previous_accumulator;
    acc.inputs[1] <== chunk_index;
    acc.inputs[2] <== rows;
    acc.inputs[3] <== labels_commitment;
    acc.inputs[4] <== baseline_commitment;
    acc.inputs[5] <== candidate_commitment;
    acc.inputs[6] <== baseline_correct;
    acc.inputs[7] <== candidate_correct;
    accumulator === acc.out;
}
