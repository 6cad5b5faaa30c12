import { poseidonHash } from './poseidon.js';

/** Bits per packed field element: 31 bytes, safely below the 254-bit BN254 scalar field. */
export const WORD_BITS = 248;
/** circomlib's Poseidon takes at most 16 inputs, which bounds the circuit size. */
export const MAX_CIRCUIT_N = 16 * WORD_BITS;
export const COMMITMENT_SCHEME = 'poseidon-bn254-packed248-v2';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Packs `bits[offset, offset + rows)` little-endian into ceil(n / 248) words, the rest of the
 * n-row chunk zero, exactly as the circuit packs its private inputs. Each word's 31 bytes are set
 * bit by bit and read as one hexadecimal number: one BigInt per word, not a shift per bit.
 */
export function packBits(bits: Uint8Array, offset: number, rows: number, n: number): bigint[] {
  const words: bigint[] = [];
  const count = Math.ceil(n / WORD_BITS);
  const bytes = new Uint8Array(WORD_BITS / 8);
  for (let w = 0; w < count; w++) {
    bytes.fill(0);
    const start = w * WORD_BITS;
    const end = Math.min(start + WORD_BITS, rows);
    for (let i = start; i < end; i++) {
      if (bits[offset + i] !== 1) continue;
      const k = i - start;
      bytes[k >> 3] = (bytes[k >> 3] as number) | (1 << (k & 7));
    }
    let hex = '0x';
    for (let j = bytes.length - 1; j >= 0; j--) hex += HEX[bytes[j] as number] as string;
    words.push(BigInt(hex));
  }
  return words;
}

/** Poseidon commitment to one zero-padded n-row chunk, as a decimal field element. */
export function commitBits(bits: Uint8Array, offset: number, rows: number, n: number): string {
  return poseidonHash(packBits(bits, offset, rows, n)).toString();
}

/** Number of i in [offset, offset + rows) with a[i] === b[i]. */
export function countAgreement(a: Uint8Array, b: Uint8Array, offset: number, rows: number): number {
  let agree = 0;
  for (let i = offset; i < offset + rows; i++) if (a[i] === b[i]) agree++;
  return agree;
}

export interface PredictionChunk {
  index: number;
  offset: number;
  rows: number;
  labels_commitment: string;
  baseline_commitment: string;
  new_commitment: string;
  baseline_correct: number;
  new_correct: number;
  /** The running accumulator before this chunk ("0" for chunk 0) and after it; see chunkAccumulator. */
  previous_accumulator: string;
  accumulator: string;
}

/**
 * Poseidon(previous accumulator, chunk index, rows, the three commitments, the two counts), exactly
 * as the circuit computes it: each chunk's proof binds its place in the chain, so the last
 * accumulator commits to every chunk in order.
 */
export function chunkAccumulator(previous: string, c: Omit<PredictionChunk, 'offset' | 'previous_accumulator' | 'accumulator'>): string {
  return poseidonHash([
    BigInt(previous),
    BigInt(c.index),
    BigInt(c.rows),
    BigInt(c.labels_commitment),
    BigInt(c.baseline_commitment),
    BigInt(c.new_commitment),
    BigInt(c.baseline_correct),
    BigInt(c.new_correct),
  ]).toString();
}

export interface PredictionCommitments {
  scheme: string;
  circuit_n: number;
  rows: number;
  baseline_correct: number;
  new_correct: number;
  baseline_accuracy: number;
  new_accuracy: number;
  accuracy_delta: number;
  /** The last chunk's accumulator: one field element committing to every chunk in order. */
  accumulator: string;
  chunks: PredictionChunk[];
}

export interface PredictionBits {
  labels: Uint8Array;
  baseline: Uint8Array;
  new: Uint8Array;
}

/** The three Poseidon commitments of one chunk: labels, baseline predictions, new predictions. */
export type ChunkCommitments = [labels: string, baseline: string, next: string];

/** The commitments of chunks [from, to) of size n (the work threads share; see commit-threads.ts). */
export function chunkCommitments(p: PredictionBits, n: number, from: number, to: number): ChunkCommitments[] {
  const total = p.labels.length;
  const out: ChunkCommitments[] = [];
  for (let index = from; index < to; index++) {
    const offset = index * n;
    const rows = Math.min(n, total - offset);
    out.push([commitBits(p.labels, offset, rows, n), commitBits(p.baseline, offset, rows, n), commitBits(p.new, offset, rows, n)]);
  }
  return out;
}

/** How many chunks of size n the benchmark splits into. */
export function chunkCount(p: PredictionBits, n: number): number {
  return Math.ceil(p.labels.length / n);
}

/**
 * Splits the benchmark into chunks of the circuit size n (the last one padded with zeros) and
 * commits to each; accuracies follow from the summed counts so the verifier can recompute them.
 */
export function commitPredictions(p: PredictionBits, n: number): PredictionCommitments {
  return assembleCommitments(p, n, chunkCommitments(p, n, 0, chunkCount(p, n)));
}

/**
 * The chunks' counts and running accumulators, built chunk by chunk in order as their commitments
 * become known (the commitment threads hand them over in batches), then the totals.
 */
export class CommitmentChain {
  private readonly chunks: PredictionChunk[] = [];
  private accumulator = '0';

  constructor(
    private readonly p: PredictionBits,
    private readonly n: number,
  ) {}

  /** Chunks added so far (the next one's index). */
  get length(): number {
    return this.chunks.length;
  }

  /** Adds the next chunk from its three commitments. */
  add(commits: ChunkCommitments): void {
    const index = this.chunks.length;
    const total = this.p.labels.length;
    const offset = index * this.n;
    const rows = Math.min(this.n, total - offset);
    const [labels, baseline, next] = commits;
    const chunk = {
      index,
      offset,
      rows,
      labels_commitment: labels,
      baseline_commitment: baseline,
      new_commitment: next,
      baseline_correct: countAgreement(this.p.labels, this.p.baseline, offset, rows),
      new_correct: countAgreement(this.p.labels, this.p.new, offset, rows),
    };
    const after = chunkAccumulator(this.accumulator, chunk);
    this.chunks.push({ ...chunk, previous_accumulator: this.accumulator, accumulator: after });
    this.accumulator = after;
  }

  /** The commitments of every chunk added, with the totals the verifier recomputes. */
  finish(): PredictionCommitments {
    const total = this.p.labels.length;
    const chunks = this.chunks;
    const baselineCorrect = chunks.reduce((s, c) => s + c.baseline_correct, 0);
    const newCorrect = chunks.reduce((s, c) => s + c.new_correct, 0);
    const baselineAccuracy = baselineCorrect / total;
    const newAccuracy = newCorrect / total;
    return {
      scheme: COMMITMENT_SCHEME,
      circuit_n: this.n,
      rows: total,
      baseline_correct: baselineCorrect,
      new_correct: newCorrect,
      baseline_accuracy: baselineAccuracy,
      new_accuracy: newAccuracy,
      accuracy_delta: newAccuracy - baselineAccuracy,
      accumulator: this.accumulator,
      chunks,
    };
  }
}

/** The chunks' counts and running accumulators from their commitments, and the totals. */
export function assembleCommitments(p: PredictionBits, n: number, commits: readonly ChunkCommitments[]): PredictionCommitments {
  const chain = new CommitmentChain(p, n);
  for (let index = 0; index < chunkCount(p, n); index++) chain.add(commits[index] as ChunkCommitments);
  return chain.finish();
}
