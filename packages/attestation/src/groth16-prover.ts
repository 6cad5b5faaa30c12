import { join } from 'node:path';
import type * as Snarkjs from 'snarkjs';
import { loadSnarkjs } from './snarkjs-loader.js';
import type { AttestationProof } from './attestation.js';
import { compiledCircuit, findCompiledCircuit } from './circuit-compile.js';
import { CIRCUIT_NAME } from './circuit-source.js';
import type { PredictionBits, PredictionChunk, PredictionCommitments } from './commitments.js';
import { AttestationError } from './errors.js';
import { defaultCacheDir, groth16Setup, releaseCurve } from './groth16-setup.js';
import { ProofProgressReporter, type ProofProgressListener } from './proof-progress.js';
import { jsonFileText } from './json-file-text.js';
import { sha256Hex } from './sha256.js';

export interface ProofFiles {
  /** The snarkjs proof object, or an array of them (one per chunk) for benchmarks longer than N. */
  'proof.json': unknown;
  /** The public signals, or an array of them per chunk. */
  'public.json': unknown;
  'verification_key.json': unknown;
}

/** The exact bytes written for each proof file, so their hashes can be recorded before writing. */
export function proofFileText(value: unknown): string {
  return jsonFileText(value);
}

/** Public signals of one chunk, in circuit order. */
export function chunkPublicSignals(chunk: PredictionChunk): string[] {
  return [String(chunk.rows), chunk.labels_commitment, chunk.baseline_commitment, chunk.new_commitment, String(chunk.baseline_correct), String(chunk.new_correct)];
}

function witnessInput(bits: PredictionBits, chunk: PredictionChunk, n: number): Record<string, unknown> {
  const slice = (v: Uint8Array): number[] => {
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < chunk.rows; i++) out[i] = v[chunk.offset + i] ?? 0;
    return out;
  };
  const mask = new Array<number>(n).fill(0).map((_, i) => (i < chunk.rows ? 1 : 0));
  // Field elements as BigInt: the witness calculator takes numbers and BigInts, not decimal strings.
  return {
    rows: chunk.rows,
    labels_commitment: BigInt(chunk.labels_commitment),
    baseline_commitment: BigInt(chunk.baseline_commitment),
    candidate_commitment: BigInt(chunk.new_commitment),
    baseline_correct: chunk.baseline_correct,
    candidate_correct: chunk.new_correct,
    labels: slice(bits.labels),
    baseline: slice(bits.baseline),
    candidate: slice(bits.new),
    mask,
  };
}

/** Phases of proving `chunks` chunks: circuit, setup, then witness, prove and verify per chunk. */
export function provingPhases(chunks: number): number {
  return 2 + 3 * chunks;
}

/**
 * Proves every chunk's counts against its commitments, checks each proof against the
 * verification key, and packages the snarkjs files. `onProgress` hears every phase start and end.
 */
export async function proveChunks(
  bits: PredictionBits,
  commitments: PredictionCommitments,
  options: { n: number; ptauPath?: string; cacheDir?: string; onProgress?: ProofProgressListener | undefined },
): Promise<{ proof: AttestationProof; files: ProofFiles }> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const chunks = commitments.chunks.length;
  const progress = new ProofProgressReporter(provingPhases(chunks), options.onProgress);
  const circuitWords = findCompiledCircuit(options.n, cacheDir) === undefined ? `compiling the circuit for N=${options.n} with circom2` : `circuit for N=${options.n} (compiled already)`;
  const circuit = await progress.phase('circuit', circuitWords, () => compiledCircuit(options.n, cacheDir));
  const setup = await progress.phase('setup', 'Groth16 keys (made once per circuit and ptau, then cached)', (logger) =>
    groth16Setup(circuit, { cacheDir, logger, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) }),
  );
  const snarkjs = await loadSnarkjs();
  // A single-threaded curve left by a verification would make proving slower; start clean.
  await releaseCurve();
  const proofs: unknown[] = [];
  const signals: string[][] = [];
  try {
    for (const chunk of commitments.chunks) {
      const expected = chunkPublicSignals(chunk);
      const at = { index: chunk.index, of: chunks };
      const words = `chunk ${chunk.index + 1} of ${chunks} (rows ${chunk.offset}..${chunk.offset + chunk.rows - 1})`;
      let result: { proof: unknown; publicSignals: string[] };
      try {
        const witness: Snarkjs.MemFile = { type: 'mem' };
        await progress.phase('witness', words, () => snarkjs.wtns.calculate(witnessInput(bits, chunk, options.n), circuit.wasmPath, witness), at);
        result = await progress.phase('prove', words, (logger) => snarkjs.groth16.prove(setup.zkeyPath, witness, logger), at);
      } catch (error) {
        throw new AttestationError('HOKUSAI_ZK_PROOF', `proving chunk ${chunk.index} (rows ${chunk.offset}..${chunk.offset + chunk.rows - 1}) failed: ${(error as Error).message}`, { cause: error });
      }
      if (result.publicSignals.join(',') !== expected.join(',')) {
        throw new AttestationError('HOKUSAI_ZK_PROOF', `chunk ${chunk.index}: the circuit's public signals ${JSON.stringify(result.publicSignals)} differ from the commitments and counts computed in JavaScript ${JSON.stringify(expected)}`);
      }
      // A proof that does not verify (a damaged cached key) must fail here, not at the reader's end.
      const proof = result.proof;
      const valid = await progress.phase('verify', words, () => snarkjs.groth16.verify(setup.verificationKey, result.publicSignals, proof), at);
      if (!valid) {
        throw new AttestationError('HOKUSAI_ZK_PROOF', `chunk ${chunk.index}: the new proof does not verify against the cached verification key; delete ${join(cacheDir, 'zkey')} to make fresh keys`);
      }
      proofs.push(result.proof);
      signals.push(result.publicSignals);
    }
  } finally {
    await releaseCurve();
  }
  const single = signals.length === 1;
  const files: ProofFiles = {
    'proof.json': single ? proofs[0] : proofs,
    'public.json': single ? signals[0] : signals,
    'verification_key.json': setup.verificationKey,
  };
  return {
    proof: {
      system: 'groth16',
      curve: 'bn128',
      circuit: { name: CIRCUIT_NAME, n: options.n, hash: circuit.hash, constraints: setup.constraints },
      setup: { ptau_sha256: setup.ptauSha256, ptau_power: setup.ptauPower, insecure: setup.insecure, note: setup.note },
      verification_key_sha256: setup.verificationKeySha256,
      public_signals: signals,
      files: {
        'proof.json': sha256Hex(proofFileText(files['proof.json'])),
        'public.json': sha256Hex(proofFileText(files['public.json'])),
        'verification_key.json': sha256Hex(proofFileText(files['verification_key.json'])),
      },
    },
    files,
  };
}
