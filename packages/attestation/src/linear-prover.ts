import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AttestationError } from './errors.js';
import { batchVerifyGroth16 } from './groth16-batch-verify.js';
import { defaultCacheDir, releaseCurve } from './groth16-setup.js';
import { compiledLinearCircuit, LINEAR_FEATURES, LINEAR_PUBLIC_SIGNALS, LINEAR_ROWS, shippedLinearKey } from './linear-circuit.js';
import { chainRow, type QuantizedBenchmark, type QuantizedModel } from './linear-quantizer.js';
import { BN254_R } from './poseidon.js';
import { openGroth16Prover, type Groth16Prover } from './groth16-provers.js';
import type { Groth16Proof } from './native-prover.js';

/**
 * SHA-256 (canonical JSON) of the linear circuit's verification key shipped in keys/: the
 * circuit's identity, which `verify` pins whatever key file sits in a run folder.
 */
export const LINEAR_VERIFICATION_KEY_SHA256 = 'e0ca1727e2814045692ea5c4a46df74e5ed469e24f3cf48024a834121ee090b3';

export interface LinearChunk {
  index: number;
  offset: number;
  rows: number;
  previous_benchmark: string;
  benchmark: string;
  baseline_correct: number;
  new_correct: number;
}

export interface LinearProofChunk {
  proof: unknown;
  publicSignals: string[];
}

const field = (v: bigint): bigint => ((v % BN254_R) + BN254_R) % BN254_R;

/** The chunks of LINEAR_ROWS rows, their chained benchmark commitments and both correct counts. */
export function linearChunks(q: QuantizedBenchmark, labels0: Uint8Array, labels1: Uint8Array): LinearChunk[] {
  return [...chainedChunks(q, labels0, labels1)];
}

/** linearChunks one chunk at a time: each chunk's end of the chain is hashed when it is asked for. */
function* chainedChunks(q: QuantizedBenchmark, labels0: Uint8Array, labels1: Uint8Array): Generator<LinearChunk> {
  let acc = 0n;
  for (let offset = 0, index = 0; offset < q.rows; offset += LINEAR_ROWS, index++) {
    const rows = Math.min(LINEAR_ROWS, q.rows - offset);
    const previous = acc;
    let c0 = 0;
    let c1 = 0;
    for (let r = offset; r < offset + rows; r++) {
      acc = chainRow(acc, q.x[r] as bigint[], BigInt(q.y[r] as number));
      if (labels0[r] === q.y[r]) c0++;
      if (labels1[r] === q.y[r]) c1++;
    }
    yield { index, offset, rows, previous_benchmark: previous.toString(), benchmark: acc.toString(), baseline_correct: c0, new_correct: c1 };
  }
}

/** A chunk's public signals in circuit order (weights as field elements: negatives wrap). */
export function linearPublicSignals(chunk: Omit<LinearChunk, 'offset'>, baseline: QuantizedModel, model: QuantizedModel): string[] {
  const weights = (m: QuantizedModel): string[] => [...m.weights.map((w) => field(w).toString()), field(m.bias).toString()];
  return [String(chunk.index), chunk.previous_benchmark, chunk.benchmark, String(chunk.rows), String(chunk.baseline_correct), String(chunk.new_correct), ...weights(baseline), ...weights(model)];
}

/** The linear circuit's input for one chunk (rows past the chunk's end are zero, masked out). */
export function linearWitnessInput(q: QuantizedBenchmark, chunk: LinearChunk, baseline: QuantizedModel, model: QuantizedModel): Record<string, unknown> {
  const x: bigint[][] = [];
  const y: number[] = [];
  const mask: number[] = [];
  for (let i = 0; i < LINEAR_ROWS; i++) {
    const real = i < chunk.rows;
    x.push(real ? (q.x[chunk.offset + i] as bigint[]).map(field) : new Array<bigint>(LINEAR_FEATURES).fill(0n));
    y.push(real ? (q.y[chunk.offset + i] as number) : 0);
    mask.push(real ? 1 : 0);
  }
  return {
    chunk_index: chunk.index,
    previous_benchmark: BigInt(chunk.previous_benchmark),
    benchmark: BigInt(chunk.benchmark),
    rows: chunk.rows,
    baseline_correct: chunk.baseline_correct,
    new_correct: chunk.new_correct,
    w0: baseline.weights.map(field),
    b0: field(baseline.bias),
    w1: model.weights.map(field),
    b1: field(model.bias),
    x,
    y,
    mask,
  };
}

function pinnedKey(): { zkeyPath: string; verificationKey: Record<string, unknown> } {
  const key = shippedLinearKey();
  if (key === undefined) throw new AttestationError('HOKUSAI_ZK_SETUP', 'the package ships no key for the linear inference circuit (keys/ is incomplete); reinstall @hokusai/attestation');
  if (key.verificationKeySha256 !== LINEAR_VERIFICATION_KEY_SHA256) {
    throw new AttestationError('HOKUSAI_ZK_SETUP', `the linear circuit's verification key in keys/ has SHA-256 ${key.verificationKeySha256}, not the published ${LINEAR_VERIFICATION_KEY_SHA256}; reinstall @hokusai/attestation`);
  }
  return key;
}

/**
 * Chunks handed to the prover at once: enough to keep its cores busy while the next witness is
 * made, few enough that the witnesses waiting for it (~265 KB each) stay a few MB. Every chunk
 * handed over at once held every witness (2,858 chunks for 20,000 rows: ~750 MB) and made them in
 * one run of promise callbacks, so nothing was written to the prover or read from it until the
 * last witness was made.
 */
export const CHUNKS_IN_FLIGHT = 2 * availableParallelism() + 2;

/**
 * Proves every chunk with the shipped key (no compile, no setup at run time): each model's label on
 * each row and both counts, chained over the benchmark commitment. Witnesses are computed here,
 * one at a time, and proven by the native prover when the package has one, else by snarkjs (see
 * openGroth16Prover); every proof is checked (in one batch) before it is returned.
 */
export async function proveLinear(q: QuantizedBenchmark, baseline: QuantizedModel, model: QuantizedModel, labels0: Uint8Array, labels1: Uint8Array, options: { onChunk?: (done: number, of: number) => void; onNote?: (note: string) => void } = {}): Promise<{ chunks: LinearChunk[]; proofs: LinearProofChunk[]; prover: Groth16Prover['kind'] }> {
  const key = pinnedKey();
  const circuit = await compiledLinearCircuit(defaultCacheDir());
  // The chain (two Poseidon hashes a row, ~0.9 ms) is hashed chunk by chunk as the lanes take
  // them, beside the prover, not all before the first proof (18 s at 20,000 rows).
  const pending = chainedChunks(q, labels0, labels1);
  const total = Math.ceil(q.rows / LINEAR_ROWS);
  const chunks: LinearChunk[] = [];
  const prover = await openGroth16Prover(key.zkeyPath, options.onNote);
  // The witness program is instantiated once (snarkjs' wtns.calculate compiles the wasm again on
  // every call); one instance holds one witness at a time, so witnesses are made in turn.
  // Loaded here, not at package load: a run without a proof never needs the witness runtime.
  const { WitnessCalculatorBuilder } = await import('circom_runtime');
  const witnessCalculator = await WitnessCalculatorBuilder(readFileSync(circuit.wasmPath));
  const proofs: LinearProofChunk[] = new Array<LinearProofChunk>(total);
  let done = 0;
  let witnessQueue: Promise<unknown> = Promise.resolve();
  const proveChunk = async (chunk: LinearChunk): Promise<void> => {
    const expected = linearPublicSignals(chunk, baseline, model);
    let result: Groth16Proof;
    try {
      // A turn of the event loop before each witness: the prover's input is written and its
      // answers read meanwhile (a chain of witnesses in promise callbacks alone never yields).
      const witness = witnessQueue.then(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return witnessCalculator.calculateWTNSBin(linearWitnessInput(q, chunk, baseline, model), 0);
      });
      witnessQueue = witness.catch(() => undefined);
      result = await prover.prove(await witness);
    } catch (error) {
      throw new AttestationError('HOKUSAI_ZK_PROOF', `proving inference chunk ${chunk.index} (rows ${chunk.offset}..${chunk.offset + chunk.rows - 1}) failed: ${(error as Error).message}`, { cause: error });
    }
    if (result.publicSignals.join(',') !== expected.join(',')) {
      throw new AttestationError('HOKUSAI_ZK_PROOF', `inference chunk ${chunk.index}: the circuit's public signals differ from the labels and commitments computed in JavaScript`);
    }
    proofs[chunk.index] = { proof: result.proof, publicSignals: result.publicSignals };
    options.onChunk?.(++done, total);
  };
  // CHUNKS_IN_FLIGHT lanes, each proving its next chunk when its last one is proven; after a
  // failure no lane starts another.
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed) {
      const next = pending.next();
      if (next.done === true) break;
      chunks.push(next.value);
      await proveChunk(next.value).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  try {
    await settleAll(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, total) }, lane));
  } finally {
    await prover.close();
  }
  try {
    // One batched check of every proof (a damaged key or a bad proof fails here, not at the reader's end).
    const invalid = await batchVerifyGroth16(key.verificationKey, proofs);
    if (invalid.length > 0) {
      throw new AttestationError('HOKUSAI_ZK_PROOF', `inference proof ${invalid.join(', ')} does not verify against the shipped key`);
    }
  } finally {
    await releaseCurve();
  }
  return { chunks, proofs, prover: prover.kind };
}

/** Waits for every promise, then throws the first failure (none is left running unobserved). */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

export interface LinearVerification {
  ok: boolean;
  /** What failed, in words, when ok is false. */
  problems: string[];
  rows: number;
  baseline_correct: number;
  new_correct: number;
  /** The benchmark commitment the chain ends at. */
  benchmark: string;
}

/**
 * Checks a run's inference proofs against what the verifier computed itself: the weights
 * (quantized from baseline.onnx and model.onnx), the chain (chunk i starts where chunk i-1 ended,
 * from 0, indices in order) and, when given, the benchmark commitment B and row count. Every proof
 * is checked with the shipped verification key, pinned by LINEAR_VERIFICATION_KEY_SHA256, in one
 * batched pairing check (see groth16-batch-verify.ts).
 */
export async function verifyLinearProofs(proofs: readonly LinearProofChunk[], expected: { baseline: QuantizedModel; model: QuantizedModel; benchmark?: string; rows?: number }): Promise<LinearVerification> {
  const { verificationKey } = pinnedKey();
  const problems: string[] = [];
  let previous = '0';
  let rows = 0;
  let c0 = 0;
  let c1 = 0;
  const weights = linearPublicSignals({ index: 0, previous_benchmark: '0', benchmark: '0', rows: 0, baseline_correct: 0, new_correct: 0 }, expected.baseline, expected.model).slice(6);
  const checked: { index: number; statement: LinearProofChunk }[] = [];
  try {
    for (const [i, p] of proofs.entries()) {
      const s = p.publicSignals;
      if (!Array.isArray(s) || s.length !== LINEAR_PUBLIC_SIGNALS) {
        problems.push(`inference proof ${i}: ${LINEAR_PUBLIC_SIGNALS} public signals expected`);
        continue;
      }
      if (s[0] !== String(i)) problems.push(`inference proof ${i} carries chunk index ${String(s[0])}`);
      if (s[1] !== previous) problems.push(`inference proof ${i} does not start where proof ${i - 1} ended (a chunk is missing, repeated or out of order)`);
      if (s.slice(6, 6 + LINEAR_FEATURES + 1).join(',') !== weights.slice(0, LINEAR_FEATURES + 1).join(',')) problems.push(`inference proof ${i} was made for other baseline weights than baseline.onnx's`);
      if (s.slice(7 + LINEAR_FEATURES).join(',') !== weights.slice(LINEAR_FEATURES + 1).join(',')) problems.push(`inference proof ${i} was made for other weights than model.onnx's`);
      checked.push({ index: i, statement: p });
      previous = s[2] as string;
      rows += Number(s[3]);
      c0 += Number(s[4]);
      c1 += Number(s[5]);
    }
    // All proofs in one batched pairing check; a failing batch is re-checked proof by proof, so
    // each bad proof is named.
    const invalid = await batchVerifyGroth16(verificationKey, checked.map((c) => c.statement));
    for (const k of invalid) problems.push(`inference proof ${checked[k]?.index ?? k} does not verify against the shipped key`);
  } finally {
    await releaseCurve();
  }
  if (proofs.length === 0) problems.push('no inference proof');
  if (expected.benchmark !== undefined && previous !== expected.benchmark) problems.push(`the proofs cover a benchmark with commitment ${previous}, not ${expected.benchmark}`);
  if (expected.rows !== undefined && rows !== expected.rows) problems.push(`the proofs cover ${rows} rows, not the benchmark's ${expected.rows}`);
  return { ok: problems.length === 0, problems, rows, baseline_correct: c0, new_correct: c1, benchmark: previous };
}
