import { loadSnarkjs } from './snarkjs-loader.js';
import type { AttestationProof } from './attestation.js';
import { compiledCircuit } from './circuit-compile.js';
import { CIRCUIT_NAME } from './circuit-source.js';
import type { PredictionBits, PredictionChunk, PredictionCommitments } from './commitments.js';
import { AttestationError } from './errors.js';
import { defaultCacheDir, groth16Setup, releaseCurve } from './groth16-setup.js';
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
  return {
    rows: chunk.rows,
    labels_commitment: chunk.labels_commitment,
    baseline_commitment: chunk.baseline_commitment,
    candidate_commitment: chunk.new_commitment,
    baseline_correct: chunk.baseline_correct,
    candidate_correct: chunk.new_correct,
    labels: slice(bits.labels),
    baseline: slice(bits.baseline),
    candidate: slice(bits.new),
    mask,
  };
}

/** Proves every chunk's counts against its commitments and packages the snarkjs files. */
export async function proveChunks(
  bits: PredictionBits,
  commitments: PredictionCommitments,
  options: { n: number; ptauPath?: string; cacheDir?: string },
): Promise<{ proof: AttestationProof; files: ProofFiles }> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const circuit = await compiledCircuit(options.n, cacheDir);
  const setup = await groth16Setup(circuit, { cacheDir, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) });
  const snarkjs = await loadSnarkjs();
  // A single-threaded curve left by a verification would make proving slower; start clean.
  await releaseCurve();
  const proofs: unknown[] = [];
  const signals: string[][] = [];
  try {
    for (const chunk of commitments.chunks) {
      const expected = chunkPublicSignals(chunk);
      let result: { proof: unknown; publicSignals: string[] };
      try {
        result = await snarkjs.groth16.fullProve(witnessInput(bits, chunk, options.n), circuit.wasmPath, setup.zkeyPath);
      } catch (error) {
        throw new AttestationError('HOKUSAI_ZK_PROOF', `proving chunk ${chunk.index} (rows ${chunk.offset}..${chunk.offset + chunk.rows - 1}) failed: ${(error as Error).message}`, { cause: error });
      }
      if (result.publicSignals.join(',') !== expected.join(',')) {
        throw new AttestationError('HOKUSAI_ZK_PROOF', `chunk ${chunk.index}: the circuit's public signals ${JSON.stringify(result.publicSignals)} differ from the commitments and counts computed in JavaScript ${JSON.stringify(expected)}`);
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
