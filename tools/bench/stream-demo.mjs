#!/usr/bin/env node
// Logistic regression trained by passes over batches and scored batch by batch, at the 20m
// benchmark's shape (10M base, 6M contributed, 4M benchmark rows), under a memory budget:
// rows are drawn in batches by tools/datagen's customer model and never held whole.
// Prints one JSON object: rows, seconds and peak RSS per stage, iterations, metrics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tableFromArrays } from 'apache-arrow';
import { SeededRandom, drawCustomer, REGIONS } from '@hokusai/datagen';
import { loadOnnxModel, scoreOverBatches, trainModelOverBatches } from '@hokusai/training';
import { binaryMetrics } from '@hokusai/evaluation';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '10000000' },
    contributed: { type: 'string', default: '6000000' },
    benchmark: { type: 'string', default: '4000000' },
    batch: { type: 'string', default: '262144' },
    seed: { type: 'string', default: '42' },
  },
});
const rows = { base: Number(values.base), contributed: Number(values.contributed), benchmark: Number(values.benchmark) };
const batchRows = Number(values.batch);
const seed = Number(values.seed);

/** One part of the data, drawn in batches from its own seed: the same rows on every pass. */
function source(part, count, partSeed) {
  return async function* () {
    const rng = new SeededRandom(partSeed);
    for (let at = 0; at < count; at += batchRows) {
      const n = Math.min(batchRows, count - at);
      const cols = { age: new Int32Array(n), income: new Array(n), tenure_months: new Int32Array(n), region: new Array(n), plan: new Array(n), monthly_spend: new Float64Array(n), support_calls: new Int32Array(n), churned: new Int32Array(n) };
      for (let i = 0; i < n; i++) {
        const r = drawCustomer(rng, at + i, part, REGIONS);
        cols.age[i] = r.age;
        cols.income[i] = r.income;
        cols.tenure_months[i] = r.tenure_months;
        cols.region[i] = r.region;
        cols.plan[i] = r.plan;
        cols.monthly_spend[i] = r.monthly_spend;
        cols.support_calls[i] = r.support_calls;
        cols.churned[i] = r.churned;
      }
      yield tableFromArrays(cols);
    }
  };
}

const base = source('B', rows.base, seed);
const contributed = source('C', rows.contributed, seed + 1);
const merged = async function* () {
  yield* base();
  yield* contributed();
};
const benchmark = source('K', rows.benchmark, seed + 2);

const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const stages = {};
async function stage(name, run) {
  const t0 = performance.now();
  const out = await run();
  stages[name] = { seconds: Math.round(performance.now() - t0) / 1000, peak_rss_mb: peakMb() };
  process.stderr.write(`${name}: ${JSON.stringify(stages[name])}\n`);
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'hokusai-stream-demo-'));
try {
  const options = { target: 'churned', seed };
  const baseline = await stage('train_baseline', () => trainModelOverBatches(base, options, { workDir: join(work, 'baseline') }));
  const candidate = await stage('train_new', () => trainModelOverBatches(merged, options, { workDir: join(work, 'new') }));
  const score = async (model) => {
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const s = await scoreOverBatches(onnx, benchmark(), { target: 'churned' });
      const positive = Float64Array.from({ length: s.rows }, (_, i) => s.proba[i * 2 + 1]);
      return binaryMetrics(s.labels, positive);
    } finally {
      await onnx.close();
    }
  };
  const baselineMetrics = await stage('evaluate_baseline', () => score(baseline));
  const newMetrics = await stage('evaluate_new', () => score(candidate));
  const pick = (m) => ({ accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1, auroc: m.auroc });
  console.log(JSON.stringify({ rows, batch_rows: batchRows, stages, peak_rss_mb: peakMb(), rows_trained: { baseline: baseline.metadata.rows, new: candidate.metadata.rows }, metrics: { baseline: pick(baselineMetrics), new: pick(newMetrics) } }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
