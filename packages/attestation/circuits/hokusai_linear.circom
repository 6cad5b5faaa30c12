pragma circom 2.1.0;

include "poseidon.circom";
include "bitify.circom";

// Proves, for up to R committed benchmark rows (F fixed-point features and a 0/1 label each) and
// two linear models whose fixed-point weights are public, the hard label each model gives on each
// row and how many of those labels equal the committed label.
//
// Public: the chunk index, the benchmark commitment before and after this chunk, rows, the two
// correct counts, and both models' weights w[F] and bias b (so the verifier binds the proof to
// the weights it reads from baseline.onnx / model.onnx).
// Private: the rows and the padding mask.
//
// Hard label: logit = b + sum w[i] * x[i] (an integer at scale 2^(SX+SW)); label = 1 exactly when
// logit >= 0, i.e. score >= threshold once the threshold is folded into b. It is bit K-1 of
// logit + 2^(K-1), proven by a K-bit decomposition: unique for a value below 2^K, and no proof
// exists when |logit| >= 2^(K-1). The rows are fixed by the commitment and the weights are
// public, so the prover has no freedom left in the logit.
//
// Benchmark commitment: a Poseidon chain over the real rows, acc = H2(H1(acc, x[0..14]),
// x[15..F-1], y), starting from 0 before the first row of the benchmark; padding rows leave it
// unchanged. Chunks chain through previous_benchmark / benchmark, so the last chunk's value is
// the commitment of the whole benchmark (B) whatever the chunk size.
//
// Padding: the mask is a prefix of ones (steps 0 or 1, mask[0] = 1), rows = sum(mask), and only
// real rows are counted.
template HokusaiLinear(R, F, K) {
    assert(F >= 15 && F <= 29);

    signal input chunk_index;
    signal input previous_benchmark;
    signal input benchmark;
    signal input rows;
    signal input baseline_correct;
    signal input new_correct;
    signal input w0[F];
    signal input b0;
    signal input w1[F];
    signal input b1;

    signal input x[R][F];
    signal input y[R];
    signal input mask[R];

    // chunk_index only labels the proof for a reader of the public signals; binding it to a
    // constraint keeps it from being optimised away.
    signal chunkSquare <== chunk_index * chunk_index;

    (1 - mask[0]) * (1 - mask[0]) === 0;
    for (var r = 1; r < R; r++) {
        (mask[r - 1] - mask[r]) * (mask[r - 1] - mask[r] - 1) === 0;
    }
    mask[R - 1] * (mask[R - 1] - 1) === 0;
    var maskSum = 0;
    for (var r = 0; r < R; r++) {
        maskSum += mask[r];
    }
    rows === maskSum;

    component first[R];
    component last[R];
    component bits0[R];
    component bits1[R];
    signal acc[R + 1];
    signal step[R];
    signal prod0[R][F];
    signal prod1[R][F];
    signal yl0[R];
    signal yl1[R];
    signal ok0[R];
    signal ok1[R];
    acc[0] <== previous_benchmark;
    var c0 = 0;
    var c1 = 0;
    for (var r = 0; r < R; r++) {
        y[r] * (y[r] - 1) === 0;

        first[r] = Poseidon(16);
        first[r].inputs[0] <== acc[r];
        for (var i = 0; i < 15; i++) {
            first[r].inputs[i + 1] <== x[r][i];
        }
        last[r] = Poseidon(F - 15 + 2);
        last[r].inputs[0] <== first[r].out;
        for (var i = 15; i < F; i++) {
            last[r].inputs[i - 14] <== x[r][i];
        }
        last[r].inputs[F - 14] <== y[r];
        step[r] <== mask[r] * (last[r].out - acc[r]);
        acc[r + 1] <== acc[r] + step[r];

        var z0 = b0;
        var z1 = b1;
        for (var i = 0; i < F; i++) {
            prod0[r][i] <== w0[i] * x[r][i];
            prod1[r][i] <== w1[i] * x[r][i];
            z0 += prod0[r][i];
            z1 += prod1[r][i];
        }
        bits0[r] = Num2Bits(K);
        bits0[r].in <== z0 + (1 << (K - 1));
        bits1[r] = Num2Bits(K);
        bits1[r].in <== z1 + (1 << (K - 1));

        // agree = 1 - y - l + 2 y l, counted on real rows only.
        yl0[r] <== y[r] * bits0[r].out[K - 1];
        yl1[r] <== y[r] * bits1[r].out[K - 1];
        ok0[r] <== mask[r] * (1 - y[r] - bits0[r].out[K - 1] + 2 * yl0[r]);
        ok1[r] <== mask[r] * (1 - y[r] - bits1[r].out[K - 1] + 2 * yl1[r]);
        c0 += ok0[r];
        c1 += ok1[r];
    }
    benchmark === acc[R];
    baseline_correct === c0;
    new_correct === c1;
}
