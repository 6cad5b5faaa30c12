import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkInferenceProof, INFERENCE_PROOF_FILE, InferenceProofFileSchema, type VerificationCheck } from '@hokusai/attestation';
import { loadDataset } from '@hokusai/data-integration';
import { BenchmarkRegistry } from '@hokusai/evaluation';
import { benchmarkColumns } from './inference-benchmark.js';
import { predictedBits } from './predictions-file.js';

/**
 * The inference proof of a run folder, when it has one: weights and M0/M1 recomputed from the two
 * ONNX files, the proven counts compared with predictions.json's, and B recomputed from the
 * benchmark file when one is given. A folder without inference_proof.json gets a check that says
 * inference is not proven (not a failure: the counting proof, if any, still stands).
 */
export async function checkRunInference(
  dir: string,
  predictions: { labels: Int32Array; baselineScores: Float64Array; newScores: Float64Array; threshold: number },
  countsProven: boolean,
  benchmarkPath?: string,
  registered?: { id: string; version: string; commitment: string },
): Promise<VerificationCheck[]> {
  const path = join(dir, INFERENCE_PROOF_FILE);
  if (!existsSync(path)) {
    const counts = countsProven ? 'the counts are proven for the committed predictions, not that the models give them' : 'nor are the counts (no Groth16 proof): every figure is recomputed from predictions.json, which nothing ties to the models';
    return [{ name: 'inference proof', ok: true, detail: `inference not proven (no ${INFERENCE_PROOF_FILE}): ${counts}` }];
  }
  const count = (scores: Float64Array): number => {
    const bits = predictedBits(scores, predictions.threshold);
    return bits.reduce((s, b, i) => s + (b === predictions.labels[i] ? 1 : 0), 0);
  };
  try {
    const raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
    const benchmark = benchmarkPath === undefined ? undefined : { table: benchmarkColumns((await loadDataset(benchmarkPath)).table), labels: predictions.labels };
    const checks: VerificationCheck[] = [];
    if (registered !== undefined) {
      const recorded = (raw as { benchmark_commitment?: unknown }).benchmark_commitment;
      checks.push({
        name: 'inference benchmark registered',
        ok: recorded === registered.commitment,
        detail: recorded === registered.commitment ? `B equals the commitment registered for ${registered.id}@${registered.version}` : `B of the proof is ${String(recorded)}, ${registered.id}@${registered.version} was registered with ${registered.commitment}`,
      });
    }
    return [...checks, ...(await checkInferenceProof(raw, {
      baselineOnnx: new Uint8Array(await readFile(join(dir, 'baseline.onnx'))),
      modelOnnx: new Uint8Array(await readFile(join(dir, 'model.onnx'))),
      counts: { rows: predictions.labels.length, baseline_correct: count(predictions.baselineScores), new_correct: count(predictions.newScores) },
      ...(benchmark === undefined ? {} : { benchmark }),
    }))];
  } catch (error) {
    return [{ name: 'inference proof', ok: false, detail: (error as Error).message }];
  }
}

/**
 * The inference commitment registered for the run's benchmark (id@version from the attested
 * delta), or undefined when no registry is given or the benchmark has none. A registry that
 * lacks the benchmark makes verify fail through the thrown error's check.
 */
export function registeredCommitment(registry: string | undefined, benchmark: { id: string; version?: string | null } | null | undefined): { id: string; version: string; commitment: string } | undefined {
  if (registry === undefined || benchmark === null || benchmark === undefined) return undefined;
  const version = benchmark.version ?? '';
  const record = new BenchmarkRegistry(registry).get(benchmark.id, version);
  return record.inference_commitment === undefined ? undefined : { id: benchmark.id, version, commitment: record.inference_commitment.commitment };
}

/**
 * For `--require-inference`: the folder must carry an inference proof that covers both models on
 * every benchmark row. Whether that proof is valid is checkRunInference's job; this only refuses a
 * folder where the proof is absent (a forger can rebuild the attestation without it) or partial.
 */
export async function requireInferenceCheck(dir: string, rows: number | undefined): Promise<VerificationCheck> {
  const name = 'inference proof required';
  const path = join(dir, INFERENCE_PROOF_FILE);
  if (!existsSync(path)) return { name, ok: false, detail: `no ${INFERENCE_PROOF_FILE}: the models' predictions are not proven` };
  let parsed;
  try {
    parsed = InferenceProofFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    return { name, ok: false, detail: `${INFERENCE_PROOF_FILE} is unreadable: ${(error as Error).message}` };
  }
  if (!parsed.success) return { name, ok: false, detail: `${INFERENCE_PROOF_FILE} is not a hokusai.inference-proof/v1 file` };
  const file = parsed.data;
  if (file.status === 'not_proven') return { name, ok: false, detail: `${INFERENCE_PROOF_FILE} proves nothing: ${file.reason}` };
  if (rows === undefined || file.counts.rows !== rows) return { name, ok: false, detail: `the proof covers ${file.counts.rows} row(s), predictions.json has ${rows === undefined ? 'none readable' : rows}` };
  return { name, ok: true, detail: `both models' labels proven on all ${rows} benchmark rows` };
}
