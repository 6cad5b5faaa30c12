import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sha256Hex, type AttestationInput } from '../src/index.js';

/** Seeded xorshift32, so fixtures are identical on every run. */
export function seededBits(n: number, seed: number, pOne = 0.5): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 0x1_0000_0000 < pOne ? 1 : 0;
  }
  return out;
}

/** Predictions that agree with the labels at roughly the given rate. */
export function predictionsFor(labels: Uint8Array, seed: number, errorRate: number): Uint8Array {
  const flips = seededBits(labels.length, seed, errorRate);
  return labels.map((l, i) => (flips[i] === 1 ? 1 - l : l));
}

export interface FixtureRun {
  dir: string;
  files: Record<string, Uint8Array>;
  input: AttestationInput;
}

/** A complete output folder (files written) and the matching attestation input. */
export async function fixtureRun(options: { rows: number; seed: number; runId?: string }): Promise<FixtureRun> {
  const { rows, seed } = options;
  const labels = seededBits(rows, seed);
  const baseline = predictionsFor(labels, seed + 1, 0.3);
  const candidate = predictionsFor(labels, seed + 2, 0.2);
  const enc = (v: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  const files: Record<string, Uint8Array> = {
    'model.onnx': seededBits(2048, seed + 3).map((b, i) => (b * 131 + i) % 256),
    'baseline.onnx': seededBits(2048, seed + 4).map((b, i) => (b * 17 + i) % 256),
    'predictions.json': enc({ labels: Array.from(labels), baseline: Array.from(baseline), new: Array.from(candidate) }),
    'manifests/contributed.json': enc({ column_count: 5, columns: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'y' }] }),
  };
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-attestation-'));
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  const agree = (p: Uint8Array): number => p.reduce((s, v, i) => s + (v === labels[i] ? 1 : 0), 0);
  const input: AttestationInput = {
    run_id: options.runId ?? `run-${seed}`,
    pipeline_version: '0.1.0',
    inputs: {
      base: { file_name: 'base.csv', format: 'csv', file_sha256: sha256Hex(`base ${seed}`), content_hash: sha256Hex(`base content ${seed}`), row_count: 1000 },
      contributed: { file_name: 'contributed.csv', format: 'csv', file_sha256: sha256Hex(`contributed ${seed}`), content_hash: sha256Hex(`contributed content ${seed}`), row_count: 250 },
      benchmark: { file_name: 'benchmark.csv', format: 'csv', file_sha256: sha256Hex(`benchmark ${seed}`), content_hash: sha256Hex(`benchmark content ${seed}`), row_count: rows },
    },
    config: { seed, model: { family: 'logistic_regression', l2: 0.01 }, delta: { metric: 'accuracy' } },
    models: {
      baseline: { onnx_sha256: sha256Hex(files['baseline.onnx'] as Uint8Array), family: 'logistic_regression' },
      new: { onnx_sha256: sha256Hex(files['model.onnx'] as Uint8Array), family: 'logistic_regression' },
    },
    results: {
      baseline_metrics: { accuracy: agree(baseline) / rows, f1_score: 0.5, auroc: 0.7, n: rows },
      new_metrics: { accuracy: agree(candidate) / rows, f1_score: 0.6, auroc: 0.8, n: rows },
      delta: { delta_one: agree(candidate) / rows - agree(baseline) / rows, metrics: { accuracy: { absolute_delta: agree(candidate) / rows - agree(baseline) / rows } }, decision: { accepted: true } },
    },
    files: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, sha256Hex(bytes)])),
    predictions: { labels, baseline, new: candidate },
  };
  return { dir, files, input };
}
