import { canonicalJson } from './canonical-json.js';
import { AttestationError } from './errors.js';
import { type PredictionBits, type PredictionCommitments } from './commitments.js';
import { commitPredictionsOnThreads, predictionsDigest, type StartedCommitments } from './commit-threads.js';
import { parseAttestationInput, type AttestationInput } from './attestation-input.js';
import { merkleRoot, type MerkleLeaf } from './merkle.js';
import { sha256Hex } from './sha256.js';
import { DEFAULT_CIRCUIT_N, checkCircuitN } from './circuit-source.js';
import { attestedSetup, prepareProving, proveChunks, type ProofFiles } from './groth16-prover.js';
import type { ProofProgressListener } from './proof-progress.js';

export const ATTESTATION_SCHEMA_VERSION = '1.0';

/** Everything that is attested. Deterministic: the same inputs give the same bytes. */
export interface AttestationBody {
  run_id: string;
  pipeline_version: string;
  inputs: AttestationInput['inputs'];
  config: unknown;
  config_sha256: string;
  models: AttestationInput['models'];
  results: Record<string, unknown>;
  files: Record<string, string>;
  /** Poseidon commitments and correct counts per chunk of the benchmark; null without predictions. */
  predictions: AttestedPredictions | null;
  /** Who and what the published zk_output_v1.json names; null when not given. */
  publication: AttestedPublication | null;
}

/**
 * Facts zk_output_v1.json publishes beyond the results (a reward may be paid to the wallet), so
 * they are attested rather than taken from that file.
 */
export interface AttestedPublication {
  contributor_id?: string | null;
  wallet_address?: string | null;
  environment?: 'production' | 'staging' | 'test' | 'development';
  dry_run?: boolean;
  benchmark_type?: string;
  mlflow_run_id?: string | null;
  /** Columns of the contributed data, when no manifests/contributed.json is attested. */
  contributed_column_count?: number;
  contributed_columns?: string[];
}

export interface AttestedPredictions extends PredictionCommitments {
  /** 'groth16' when the counts were proved; the verifier then requires the proof. */
  proof_system: 'groth16' | 'none';
  /** The setup the proof is made under (null without a proof): attested, so it cannot be relabelled. */
  setup: AttestedSetup | null;
}

/** What the proof's security rests on, inside the attested body. */
export interface AttestedSetup {
  system: 'groth16';
  curve: 'bn128';
  circuit: { name: string; n: number; hash: string; constraints: number };
  /** The powers of tau: its hashes, power, and the public ceremony file it is (null if none). */
  ptau: { sha256: string; blake2b512: string; power: number; ceremony: string | null };
  /** Where the phase-2 key comes from: the package's shipped key (with its beacon) or this machine. */
  key: { origin: 'shipped' | 'local'; beacon: string | null; verification_key_sha256: string };
  /** True unless the ptau is a known public ceremony file. */
  insecure: boolean;
  note: string;
}

/** The Groth16 proof of the counts in body.predictions. Outside the body: proofs are randomized. */
export interface AttestationProof {
  system: 'groth16';
  curve: 'bn128';
  /** Public signals per chunk, in circuit order (PUBLIC_SIGNAL_NAMES). */
  public_signals: string[][];
  /** SHA-256 of each proof file (see ProofFiles) as written beside attestation.json. */
  files: Record<string, string>;
}

export interface Attestation {
  schema_version: string;
  body: AttestationBody;
  body_sha256: string;
  /** Sorted by name; see attestationLeaves for what each leaf hashes. */
  leaves: MerkleLeaf[];
  merkle_root: string;
  created_at?: string;
  proof?: AttestationProof;
}

export interface BuildAttestationOptions {
  /** Produce a Groth16 proof; default true when predictions are given. */
  prove?: boolean;
  /** Rows per circuit (chunk size); default 1024. */
  circuitN?: number;
  /** Powers-of-tau file for the setup; without it a local insecure one is made and marked so. */
  ptauPath?: string;
  /** Where compiled circuits, ptau, zkey and verification keys are cached. */
  cacheDir?: string;
  /** Timestamp for created_at (outside the body); default now. */
  createdAt?: string;
  /**
   * Hears each proving phase start and end (circuit, setup, then witness, prove and verify per
   * chunk) with done/total phases, and what snarkjs says during long phases. Not called without a proof.
   */
  onProgress?: ProofProgressListener | undefined;
  /**
   * Commitments started earlier (startCommitments), taken when they are of this input's
   * predictions and chunk size (their digest); otherwise, or if they failed, they are made here.
   */
  commitments?: StartedCommitments | undefined;
}

export interface BuiltAttestation {
  attestation: Attestation;
  proofFiles?: ProofFiles;
}

const hashJson = (value: unknown): string => sha256Hex(canonicalJson(value));

/**
 * One leaf per attested item, named for what it covers:
 * `run` (run id and pipeline version), `config`, `input/<role>`, `model/<role>`,
 * `result/<key>`, `file/<name>` (the file's own SHA-256, so a file's inclusion proof carries its
 * hash), `predictions` (totals) and `predictions/chunk/<i>` (commitments and counts of chunk i).
 */
export function attestationLeaves(body: AttestationBody): MerkleLeaf[] {
  const leaves: MerkleLeaf[] = [
    { name: 'run', hash: hashJson({ run_id: body.run_id, pipeline_version: body.pipeline_version }) },
    { name: 'config', hash: hashJson(body.config) },
  ];
  for (const [role, entry] of Object.entries(body.inputs)) leaves.push({ name: `input/${role}`, hash: hashJson(entry) });
  for (const [role, entry] of Object.entries(body.models)) leaves.push({ name: `model/${role}`, hash: hashJson(entry) });
  for (const [key, value] of Object.entries(body.results)) leaves.push({ name: `result/${key}`, hash: hashJson(value) });
  for (const [name, hash] of Object.entries(body.files)) leaves.push({ name: `file/${name}`, hash });
  if (body.publication !== null) leaves.push({ name: 'publication', hash: hashJson(body.publication) });
  if (body.predictions !== null) {
    const { chunks, ...totals } = body.predictions;
    leaves.push({ name: 'predictions', hash: hashJson(totals) });
    for (const chunk of chunks) leaves.push({ name: `predictions/chunk/${String(chunk.index).padStart(4, '0')}`, hash: hashJson(chunk) });
  }
  // Code-unit order, the same order canonicalJson uses for keys.
  return leaves.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Round-trips through canonical JSON so the stored body is exactly what was hashed. */
function plainJson<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
}

/** The commitments of `p`: those started earlier when they are of the same bits and chunk size, else made now. */
async function commitmentsOf(p: PredictionBits, n: number, started: StartedCommitments | undefined): Promise<PredictionCommitments> {
  if (started !== undefined && started.digest === predictionsDigest(p, n)) {
    try {
      return await started.result;
    } catch {
      // Made again below, where an error is the one this input causes.
    }
  }
  return commitPredictionsOnThreads(p, n);
}

/**
 * Hashes every input, result and output file, builds the Merkle root and, when asked, proves the
 * accuracy counts with Groth16. The body, leaves, root, commitments and public signals depend only
 * on the input; created_at and the (randomized) proof are outside the body.
 */
export async function buildAttestation(input: AttestationInput, options: BuildAttestationOptions = {}): Promise<BuiltAttestation> {
  const parsed = parseAttestationInput(input);
  const n = options.circuitN ?? DEFAULT_CIRCUIT_N;
  checkCircuitN(n);
  const prove = options.prove ?? parsed.predictions !== undefined;
  if (prove && parsed.predictions === undefined) {
    throw new AttestationError('HOKUSAI_INVALID_INPUT', 'a proof was requested but the input has no predictions; pass labels and 0/1 predictions of both models, or prove: false');
  }
  const commitments = parsed.predictions === undefined ? undefined : await commitmentsOf(parsed.predictions, n, options.commitments);
  // The keys are known before proving, so the setup facts go into the body.
  const prepared =
    prove && commitments !== undefined
      ? await prepareProving(commitments.chunks.length, {
          n,
          ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }),
          ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
          onProgress: options.onProgress,
        })
      : undefined;
  // Whether the counts are proved, and under which setup, is attested, so stripping the proof
  // from a folder or relabelling its setup is detected.
  const predictions: AttestedPredictions | null =
    commitments === undefined
      ? null
      : { ...commitments, proof_system: prepared === undefined ? 'none' : 'groth16', setup: prepared === undefined ? null : attestedSetup(prepared.circuit, prepared.setup) };
  const config = plainJson(parsed.config ?? null);
  const body: AttestationBody = {
    run_id: parsed.run_id,
    pipeline_version: parsed.pipeline_version,
    inputs: plainJson(parsed.inputs),
    config,
    config_sha256: hashJson(config),
    models: plainJson(parsed.models),
    results: plainJson(parsed.results),
    files: plainJson(parsed.files),
    predictions,
    publication: parsed.publication === undefined ? null : plainJson(parsed.publication),
  };
  const leaves = attestationLeaves(body);
  const attestation: Attestation = {
    schema_version: ATTESTATION_SCHEMA_VERSION,
    body,
    body_sha256: hashJson(body),
    leaves,
    merkle_root: merkleRoot(leaves),
    created_at: options.createdAt ?? new Date().toISOString(),
  };
  if (prepared === undefined || parsed.predictions === undefined || predictions === null) {
    return { attestation };
  }
  const proved = await proveChunks(parsed.predictions, predictions, prepared);
  attestation.proof = proved.proof;
  return { attestation, proofFiles: proved.files };
}
