import { join } from 'node:path';
import type * as Snarkjs from 'snarkjs';
import { loadSnarkjs } from './snarkjs-loader.js';
import type { AttestationProof, AttestedSetup } from './attestation.js';
import { compiledCircuit, findCompiledCircuit, type CompiledCircuit } from './circuit-compile.js';
import { CIRCUIT_NAME } from './circuit-source.js';
import type { PredictionBits, PredictionChunk, PredictionCommitments } from './commitments.js';
import { AttestationError } from './errors.js';
import { defaultCacheDir, groth16Setup, releaseCurve, type Groth16Setup } from './groth16-setup.js';
import { ProofProgressReporter, type ProofProgressListener } from './proof-progress.js';
import { jsonFileText } from './json-file-text.js';
import { openGroth16Prover } from './groth16-provers.js';
import type { Groth16Proof } from './native-prover.js';
import { sha256Hex } from './sha256.js';

/**
 * The files of a proof, by name relative to the output folder: `verification_key.json`, and per
 * chunk i `proofs/chunk-<i>.json` (the snarkjs proof) and `proofs/chunk-<i>.public.json` (its
 * public signals), each a plain snarkjs file:
 * `snarkjs groth16 verify verification_key.json proofs/chunk-0.public.json proofs/chunk-0.json`.
 */
export type ProofFiles = Record<string, unknown>;

export const VERIFICATION_KEY_FILE = 'verification_key.json';
export const chunkProofFile = (index: number): string => `proofs/chunk-${index}.json`;
export const chunkPublicFile = (index: number): string => `proofs/chunk-${index}.public.json`;

/** Every proof file name of a proof with `chunks` chunks, in a fixed order. */
export function proofFileNames(chunks: number): string[] {
  const names = [VERIFICATION_KEY_FILE];
  for (let i = 0; i < chunks; i++) names.push(chunkProofFile(i), chunkPublicFile(i));
  return names;
}

/** The exact bytes written for each proof file, so their hashes can be recorded before writing. */
export function proofFileText(value: unknown): string {
  return jsonFileText(value);
}

/** Public signals of one chunk, in circuit order. */
export function chunkPublicSignals(chunk: PredictionChunk): string[] {
  return [String(chunk.index), chunk.previous_accumulator, chunk.accumulator, String(chunk.rows), chunk.labels_commitment, chunk.baseline_commitment, chunk.new_commitment, String(chunk.baseline_correct), String(chunk.new_correct)];
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
    chunk_index: chunk.index,
    previous_accumulator: BigInt(chunk.previous_accumulator),
    accumulator: BigInt(chunk.accumulator),
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

export interface PreparedProving {
  circuit: CompiledCircuit;
  setup: Groth16Setup;
  progress: ProofProgressReporter;
  cacheDir: string;
}

/** The attested facts of a setup: what a verifier checks and pins. */
export function attestedSetup(circuit: CompiledCircuit, setup: Groth16Setup): AttestedSetup {
  return {
    system: 'groth16',
    curve: 'bn128',
    circuit: { name: CIRCUIT_NAME, n: circuit.n, hash: circuit.hash, constraints: setup.constraints },
    ptau: { sha256: setup.ptauSha256, blake2b512: setup.ptauBlake2b512, power: setup.ptauPower, ceremony: setup.ceremony },
    key: { origin: setup.keyOrigin, beacon: setup.beacon, verification_key_sha256: setup.verificationKeySha256 },
    insecure: setup.insecure,
    note: setup.note,
  };
}

/**
 * The circuit and setup phases of proving: the compiled circuit and its keys (shipped, cached or
 * made now), known before the body is built, so the setup facts are attested.
 */
export async function prepareProving(chunks: number, options: { n: number; ptauPath?: string; cacheDir?: string; onProgress?: ProofProgressListener | undefined }): Promise<PreparedProving> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const progress = new ProofProgressReporter(provingPhases(chunks), options.onProgress);
  const circuitWords = findCompiledCircuit(options.n, cacheDir) === undefined ? `compiling the circuit for N=${options.n} with circom2` : `circuit for N=${options.n} (compiled already)`;
  const circuit = await progress.phase('circuit', circuitWords, () => compiledCircuit(options.n, cacheDir));
  const setup = await progress.phase('setup', 'Groth16 keys (shipped with the package, or made once per circuit and ptau, then cached)', (logger) =>
    groth16Setup(circuit, { cacheDir, logger, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) }),
  );
  return { circuit, setup, progress, cacheDir };
}

/**
 * Proves every chunk's counts against its commitments, checks each proof against the
 * verification key, and packages the snarkjs files. `onProgress` hears every phase start and end.
 */
export async function proveChunks(bits: PredictionBits, commitments: PredictionCommitments, prepared: PreparedProving): Promise<{ proof: AttestationProof; files: ProofFiles }> {
  const { circuit, setup, progress, cacheDir } = prepared;
  const n = circuit.n;
  const chunks = commitments.chunks.length;
  const snarkjs = await loadSnarkjs();
  // A single-threaded curve left by a verification would make proving slower; start clean.
  await releaseCurve();
  const files: ProofFiles = { [VERIFICATION_KEY_FILE]: setup.verificationKey };
  const signals: string[][] = [];
  const prover = await openGroth16Prover(setup.zkeyPath, (note) => progress.note('prove', note));
  try {
    for (const chunk of commitments.chunks) {
      const expected = chunkPublicSignals(chunk);
      const at = { index: chunk.index, of: chunks };
      const words = `chunk ${chunk.index + 1} of ${chunks} (rows ${chunk.offset}..${chunk.offset + chunk.rows - 1})`;
      let result: Groth16Proof;
      try {
        const witness: Snarkjs.MemFile = { type: 'mem' };
        await progress.phase('witness', words, () => snarkjs.wtns.calculate(witnessInput(bits, chunk, n), circuit.wasmPath, witness), at);
        const data = witness.data;
        if (data === undefined) throw new Error('the witness calculator wrote no witness');
        result = await progress.phase('prove', `${words} with ${prover.kind}`, () => prover.prove(data), at);
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
        throw new AttestationError('HOKUSAI_ZK_PROOF', `chunk ${chunk.index}: the new proof does not verify against the verification key; delete ${join(cacheDir, 'zkey')} to make fresh keys`);
      }
      files[chunkProofFile(chunk.index)] = result.proof;
      files[chunkPublicFile(chunk.index)] = result.publicSignals;
      signals.push(result.publicSignals);
    }
  } finally {
    await prover.close();
    await releaseCurve();
  }
  return {
    proof: {
      system: 'groth16',
      curve: 'bn128',
      public_signals: signals,
      files: Object.fromEntries(Object.entries(files).map(([name, value]) => [name, sha256Hex(proofFileText(value))])),
    },
    files,
  };
}
