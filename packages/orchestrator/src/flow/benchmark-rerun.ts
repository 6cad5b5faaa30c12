import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerificationCheck } from '@hokusai/attestation';
import { loadDataset } from '@hokusai/data-integration';
import { encodeLabels, loadOnnxModel, type ClassLabel } from '@hokusai/training';

/**
 * Largest difference allowed between a score in predictions.json and the score onnxruntime gives
 * now. The same ONNX bytes on the same rows give the same float32 probabilities on any machine
 * whose onnxruntime uses the same kernels; 1e-6 absorbs kernel differences (a float32 ulp near 1 is
 * 6e-8) and is far below what changes a decision. Hard labels (score >= threshold) must agree exactly.
 */
export const SCORE_TOLERANCE = 1e-6;

interface AttestedForRerun {
  body: {
    inputs: { benchmark?: { content_hash: string } };
    config: Record<string, unknown>;
  };
}

/**
 * Re-runs both ONNX files of the folder on the benchmark file with onnxruntime and compares the
 * scores and labels with predictions.json, so predictions that the models do not give (re-proved
 * or not) fail. The benchmark must be the attested one (same content hash).
 */
export async function rerunBenchmark(
  dir: string,
  benchmarkPath: string,
  attestation: AttestedForRerun,
  predictions: { labels: Int32Array; baselineScores: Float64Array; newScores: Float64Array; threshold: number },
): Promise<VerificationCheck[]> {
  const checks: VerificationCheck[] = [];
  const name = 'benchmark re-run';
  const attested = attestation.body.inputs.benchmark;
  const target = attestation.body.config.target;
  if (attested === undefined || typeof target !== 'string') {
    return [{ name, ok: false, detail: 'attestation.json names no benchmark input or target column' }];
  }
  const dataset = await loadDataset(benchmarkPath);
  if (dataset.manifest.content_hash !== attested.content_hash) {
    return [{ name, ok: false, detail: `${benchmarkPath} has content hash ${dataset.manifest.content_hash}, the attested benchmark ${attested.content_hash}; pass the benchmark this run was evaluated on` }];
  }
  const n = predictions.labels.length;
  if (dataset.table.numRows !== n) {
    return [{ name, ok: false, detail: `${benchmarkPath} has ${dataset.table.numRows} rows, predictions.json ${n}` }];
  }
  const baselineColumns = attestation.body.config.baseline_model !== null && Array.isArray(attestation.body.config.baseline_feature_columns) ? (attestation.body.config.baseline_feature_columns as string[]) : undefined;
  let classes: ClassLabel[] | undefined;
  const problems: string[] = [];
  for (const [file, recorded, columns] of [
    ['baseline.onnx', predictions.baselineScores, baselineColumns],
    ['model.onnx', predictions.newScores, undefined],
  ] as const) {
    const model = await loadOnnxModel(new Uint8Array(await readFile(join(dir, file))), columns === undefined ? {} : { featureColumns: columns });
    try {
      model.checkInputs(dataset.table);
      classes = model.classes;
      const proba = await model.predictProba(dataset.table);
      let worst = 0;
      let worstRow = -1;
      let flipped = 0;
      let firstFlip = -1;
      for (let i = 0; i < n; i++) {
        const score = proba[i * 2 + 1] as number;
        const claimed = recorded[i] as number;
        const diff = Math.abs(score - claimed);
        if (diff > worst) {
          worst = diff;
          worstRow = i;
        }
        if (score >= predictions.threshold !== claimed >= predictions.threshold) {
          flipped++;
          if (firstFlip < 0) firstFlip = i;
        }
      }
      if (worst > SCORE_TOLERANCE || flipped > 0) {
        problems.push(`${file}: ${flipped} row(s) with another label than predictions.json${firstFlip >= 0 ? ` (first: row ${firstFlip + 1})` : ''}, largest score difference ${worst.toExponential(2)} at row ${worstRow + 1}`);
      }
    } finally {
      await model.close();
    }
  }
  if (classes !== undefined) {
    const labels = encodeLabels(dataset.table, target, classes);
    const wrong = labels.findIndex((v, i) => v !== predictions.labels[i]);
    if (wrong >= 0) problems.push(`label of row ${wrong + 1} in ${benchmarkPath} differs from predictions.json`);
  }
  checks.push({
    name,
    ok: problems.length === 0,
    detail: problems.length === 0 ? `both models re-run on ${n} rows with onnxruntime: scores within ${SCORE_TOLERANCE} of predictions.json, labels equal` : problems.join('; '),
  });
  return checks;
}
