import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attestation, AttestedPublication } from './attestation.js';
import { canonicalJson } from './canonical-json.js';
import { AttestationError } from './errors.js';
import { VERIFICATION_KEY_FILE, type ProofFiles } from './groth16-prover.js';
import { HASH_PATTERN, sha256Hex } from './sha256.js';
import { validateZkOutputV1 } from './schemas.js';

/**
 * Facts zk-output v1 asks for beyond the attested body: only the contributed data's columns, which
 * the verifier reads from the attested manifests/contributed.json, and the verification key.
 * Everything else (contributor id, wallet, environment, dry run, benchmark type, MLflow run id)
 * comes from the attested body's `publication` block, so editing zk_output_v1.json fails `verify`.
 */
export interface ZkOutputInfo {
  /** Columns of the contributed dataset; required unless read from manifests/contributed.json. */
  contributedColumnCount?: number;
  contributedColumns?: string[];
  /** The proof files, so the verification key travels inside zk_output_v1.json too. */
  proofFiles?: ProofFiles;
}

const UNIT_METRICS = new Set(['accuracy', 'precision', 'recall', 'f1', 'auroc']);
const RENAMED: Record<string, string> = { f1_score: 'f1', roc_auc: 'auroc', auc: 'auroc' };

type Metrics = Record<string, number>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flat numeric metrics under the v1 names; values that cannot satisfy v1 are left out, never bent. */
function metricsFrom(block: unknown, provenAccuracy: number | undefined, where: string): Metrics {
  const out: Metrics = {};
  if (isRecord(block)) {
    for (const [rawKey, value] of Object.entries(block)) {
      const key = RENAMED[rawKey] ?? rawKey;
      if (!/^[a-z0-9_]+$/.test(key) || typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (UNIT_METRICS.has(key) && (value < 0 || value > 1)) continue;
      out[key] = value;
    }
  }
  if (out.accuracy === undefined) {
    if (provenAccuracy === undefined) {
      throw new AttestationError('HOKUSAI_ZK_OUTPUT', `zk_output_v1: ${where} has no accuracy and the attestation has no predictions to derive it from`);
    }
    out.accuracy = provenAccuracy;
  }
  return out;
}

/**
 * zk_output_v1.json: Hokusai's published field rules, filled from the attestation. The hash tree
 * root is the attestation's Merkle root, model hashes cover the ONNX bytes, the benchmark hash
 * covers the benchmark's content, and with a proof the system is groth16, the circuit hash is
 * the circuit's content hash and public_inputs_hash is SHA-256 of the canonical public signals.
 * The result is checked against the shipped JSON Schema before it is returned.
 */
export function buildZkOutputV1(attestation: Attestation, info: ZkOutputInfo = {}): unknown {
  const out = zkOutputV1Document(attestation, info);
  const errors = validateZkOutputV1(out);
  if (errors !== null) {
    throw new AttestationError('HOKUSAI_ZK_OUTPUT', `zk_output_v1 would break the v1 field rules: ${errors}; check the metrics and inputs passed to buildAttestation`);
  }
  return out;
}

/** The document without the schema check; the verifier compares it byte for byte with a written file instead. */
export function zkOutputV1Document(attestation: Attestation, info: ZkOutputInfo = {}): unknown {
  const body = attestation.body;
  const results = body.results;
  const preds = body.predictions;
  const pub: AttestedPublication = body.publication ?? {};
  const baselineMetrics = metricsFrom(results.baseline_metrics, preds?.baseline_accuracy, 'results.baseline_metrics');
  const newMetrics = metricsFrom(results.new_metrics, preds?.new_accuracy, 'results.new_metrics');

  const metricDeltas: Record<string, { baseline_value: number; new_value: number; absolute_delta: number; relative_delta: number; improvement: boolean }> = {};
  for (const [key, baseline] of Object.entries(baselineMetrics)) {
    const candidate = newMetrics[key];
    if (!UNIT_METRICS.has(key) || candidate === undefined) continue;
    const absolute = candidate - baseline;
    metricDeltas[key] = { baseline_value: baseline, new_value: candidate, absolute_delta: absolute, relative_delta: baseline === 0 ? 0 : absolute / baseline, improvement: absolute > 0 };
  }
  const delta = isRecord(results.delta) ? results.delta : {};
  const deltaOne = typeof delta.delta_one === 'number' ? delta.delta_one : (metricDeltas.accuracy?.absolute_delta ?? 0);
  const names = Object.keys(metricDeltas).sort();

  const benchmark = body.inputs.benchmark;
  const contributed = body.inputs.contributed;
  const base = body.inputs.base;
  if (contributed === undefined) {
    throw new AttestationError('HOKUSAI_ZK_OUTPUT', 'zk_output_v1: the attestation has no "contributed" input; v1 requires the contributor data hash');
  }
  const columnCount = info.contributedColumnCount ?? pub.contributed_column_count;
  const columns = info.contributedColumns ?? pub.contributed_columns;
  if (columnCount === undefined) {
    throw new AttestationError('HOKUSAI_ZK_OUTPUT', 'zk_output_v1: the contributed column count is unknown; attest manifests/contributed.json or give publication.contributed_column_count');
  }
  const manifest = {
    data_hash: contributed.content_hash,
    row_count: contributed.row_count,
    column_count: columnCount,
    source_path: contributed.file_name,
    ...(columns === undefined ? {} : { columns }),
  };
  const total = (base?.row_count ?? 0) + contributed.row_count;
  const training = {
    base_samples: base?.row_count ?? 0,
    contributed_samples: contributed.row_count,
    contribution_ratio: total === 0 ? 0 : contributed.row_count / total,
    data_manifest: manifest,
  };
  const model = (role: 'baseline' | 'new', metrics: Metrics): Record<string, unknown> => {
    const m = body.models[role];
    if (m === undefined) throw new AttestationError('HOKUSAI_ZK_OUTPUT', `zk_output_v1: the attestation has no "${role}" model`);
    return {
      model_id: `${body.run_id}-${role}`,
      model_type: m.family,
      model_hash: m.onnx_sha256,
      mlflow_run_id: pub.mlflow_run_id ?? null,
      training_config_hash: body.config_sha256,
      metrics,
      ...(role === 'new' ? { training_metadata: training } : {}),
    };
  };

  const proof = attestation.proof;
  const timestamp = attestation.created_at ?? new Date(0).toISOString();
  const size = benchmark?.row_count ?? preds?.rows ?? 0;
  const out = {
    schema_version: '1.0',
    metadata: {
      pipeline_run_id: body.run_id,
      timestamp,
      pipeline_version: body.pipeline_version,
      ...(pub.environment === undefined ? {} : { environment: pub.environment }),
      ...(pub.dry_run === undefined ? {} : { dry_run: pub.dry_run }),
    },
    evaluation_results: {
      baseline_metrics: baselineMetrics,
      new_metrics: newMetrics,
      benchmark_metadata: {
        size,
        type: pub.benchmark_type ?? 'binary_classification',
        ...(benchmark !== undefined && HASH_PATTERN.test(benchmark.content_hash) ? { dataset_hash: benchmark.content_hash } : {}),
      },
    },
    delta_computation: {
      delta_one_score: deltaOne,
      metric_deltas: metricDeltas,
      computation_method: 'custom',
      metrics_included: names,
      improved_metrics: names.filter((k) => metricDeltas[k]?.improvement === true),
      degraded_metrics: names.filter((k) => (metricDeltas[k]?.absolute_delta ?? 0) < 0),
    },
    models: { baseline: model('baseline', baselineMetrics), new: model('new', newMetrics) },
    contributor_info: {
      ...(pub.contributor_id === undefined || pub.contributor_id === null ? {} : { contributor_id: pub.contributor_id }),
      data_hash: contributed.content_hash,
      data_manifest: manifest,
      contributed_samples: contributed.row_count,
      total_samples: total,
      ...(pub.wallet_address === undefined || pub.wallet_address === null ? {} : { wallet_address: pub.wallet_address }),
    },
    attestation: {
      hash_tree_root: attestation.merkle_root,
      proof_ready: proof !== undefined,
      // No signature is made, so none is claimed; the proofs are the files under proofs/, bound
      // by public_inputs_hash and the Merkle root.
      signature_blob: null,
      verification_key: proof === undefined || info.proofFiles === undefined ? null : canonicalJson(info.proofFiles[VERIFICATION_KEY_FILE]),
      proof_system: proof === undefined ? 'none' : 'groth16',
      circuit_hash: proof === undefined ? null : (preds?.setup?.circuit.hash ?? null),
      ...(proof === undefined ? {} : { public_inputs_hash: sha256Hex(canonicalJson(proof.public_signals)) }),
    },
  };
  return out;
}

/** Reads the contributed manifest named in the attestation, after checking it is the attested file. */
export async function zkOutputInfoFromFolder(outDir: string, attestation: Attestation): Promise<ZkOutputInfo> {
  const name = 'manifests/contributed.json';
  const expected = attestation.body.files[name];
  if (expected === undefined) return {};
  const bytes = await readFile(join(outDir, name)).catch(() => undefined);
  if (bytes === undefined || sha256Hex(bytes) !== expected) return {};
  const manifest = JSON.parse(bytes.toString('utf8')) as { column_count?: unknown; columns?: unknown };
  const info: ZkOutputInfo = {};
  if (typeof manifest.column_count === 'number') info.contributedColumnCount = manifest.column_count;
  if (Array.isArray(manifest.columns)) {
    const names = manifest.columns.map((c: unknown) => (typeof c === 'string' ? c : isRecord(c) && typeof c.name === 'string' ? c.name : undefined));
    if (names.every((n): n is string => n !== undefined)) info.contributedColumns = names;
  }
  return info;
}
