/**
 * Speed of @hokusai/training on 1,000,000 x 20 rows (by default) against scikit-learn on the same
 * rows. Usage: node dist/bench.js [--rows N] [--only lr,onnx,gbdt,mlp] [--no-sklearn]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromArrays, type Table } from 'apache-arrow';
import { loadOnnxModel, SeededRandom, trainModel } from '@hokusai/training';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(arg('--rows') ?? 1_000_000);
const only = (arg('--only') ?? 'lr,onnx,gbdt,mlp').split(',');
const withSklearn = !args.includes('--no-sklearn');
const D = 20;

/** 20 numeric features with a logistic signal plus one interaction, so trees and networks have something extra to find. */
function makeData(n: number, seed: number): { table: Table; x: Float32Array; y: Int32Array } {
  const rng = new SeededRandom(seed);
  const w = Array.from({ length: D }, () => rng.normal());
  const x = new Float32Array(n * D);
  const cols: Record<string, Float64Array | Int32Array> = {};
  const z = new Float64Array(n);
  for (let j = 0; j < D; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = Math.fround(rng.normal() * (j + 1) + j);
      c[i] = v;
      x[i * D + j] = v;
      z[i] = (z[i] as number) + (((w[j] as number) * (v - j)) / (j + 1)) * 0.5;
    }
    cols[`f${j}`] = c;
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const inter = ((cols['f0'] as Float64Array)[i] as number) * ((cols['f1'] as Float64Array)[i] as number) * 0.3;
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-((z[i] as number) + inter))) ? 1 : 0;
  }
  cols['y'] = y;
  return { table: tableFromArrays(cols), x, y };
}

// CPU seconds are printed beside wall seconds: on a shared machine the wall clock measures the
// neighbours as much as the code.
async function time<T>(f: () => Promise<T>, key?: string): Promise<[T, number]> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await f();
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - t) / 1000;
  if (key !== undefined) cpuResults[key] = (used.user + used.system) / 1e6;
  console.log(`  (wall ${wall.toFixed(2)} s, cpu ${((used.user + used.system) / 1e6).toFixed(2)} s, load average ${loadavg()[0]?.toFixed(1)})`);
  return [out, wall];
}

const { table, x, y } = makeData(rows, 20261127);
const results: Record<string, number> = {};
const cpuResults: Record<string, number> = {};
console.log(`rows ${rows} x ${D} features; node ${process.version}`);

let lrOnnx: Uint8Array | undefined;
if (only.includes('lr') || only.includes('onnx')) {
  const [model, s] = await time(() => trainModel(table, { target: 'y', seed: 1 }), 'lr_s');
  lrOnnx = model.onnx;
  results['lr_s'] = s;
  console.log(`logistic regression (L-BFGS, typed arrays): ${s.toFixed(2)} s  (target < 2 s)`);
}
if (only.includes('onnx') && lrOnnx !== undefined) {
  const model = await loadOnnxModel(lrOnnx);
  await model.predictProba(table.slice(0, 1000));
  const [, s] = await time(() => model.predictProba(table), 'onnx_score_s');
  await model.close();
  results['onnx_score_s'] = s;
  console.log(`ONNX scoring of ${rows} rows (onnxruntime-node, featurization included): ${s.toFixed(2)} s  (target < 0.5 s)`);
}
if (only.includes('gbdt')) {
  const [, s] = await time(() => trainModel(table, { target: 'y', seed: 1, family: 'gbdt', params: { nTrees: 100, maxDepth: 6 } }), 'gbdt_s');
  results['gbdt_s'] = s;
  console.log(`GBDT 100 trees depth 6: ${s.toFixed(1)} s  (target < 60 s)`);
}
if (only.includes('mlp')) {
  const [model, s] = await time(() => trainModel(table, { target: 'y', seed: 1, family: 'mlp', params: { hidden: [64, 64], epochs: 5 } }), 'mlp_s');
  results['mlp_s'] = s;
  console.log(`MLP (64, 64) 5 epochs on ${model.metadata.backend}: ${s.toFixed(1)} s  (target < 30 s)`);
}

if (withSklearn) {
  const dir = mkdtempSync(join(tmpdir(), 'hokusai-bench-'));
  try {
    writeFileSync(join(dir, 'x.f32'), new Uint8Array(x.buffer));
    writeFileSync(join(dir, 'y.i32'), new Uint8Array(y.buffer));
    const peer = fileURLToPath(new URL('../src/sklearn_peer.py', import.meta.url));
    const fits = only.filter((f) => f === 'lr' || f === 'gbdt' || f === 'mlp');
    const out = JSON.parse(execFileSync('python3', [peer, dir, String(rows), String(D), ...fits], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Record<string, number>;
    const ratio = (ours: number | undefined, theirs: number | undefined): string => (ours === undefined || theirs === undefined ? 'n/a' : `${(ours / theirs).toFixed(2)}x`);
    const line = (label: string, key: string): void => {
      const wall = out[key];
      const cpu = out[`${key}_cpu`];
      if (wall === undefined) return;
      console.log(`${label}: wall ${wall.toFixed(2)} s, cpu ${cpu?.toFixed(2) ?? 'n/a'} s; ours / sklearn wall ${ratio(results[key], wall)}, cpu ${ratio(cpuResults[key], cpu)}`);
    };
    line('scikit-learn LogisticRegression(lbfgs) incl. scaling', 'lr_s');
    line('scikit-learn HistGradientBoostingClassifier(100 iterations, depth 6)', 'gbdt_s');
    line('scikit-learn MLPClassifier(64, 64) 5 epochs', 'mlp_s');
    if (out['lr_500k_800k_s'] !== undefined) console.log(`scikit-learn 500k + 800k LR fits (the issue's reference, 1.8 s on a quiet machine): wall ${out['lr_500k_800k_s'].toFixed(2)} s, cpu ${out['lr_500k_800k_s_cpu']?.toFixed(2)} s`);
  } catch (err) {
    console.log(`scikit-learn peer skipped: ${(err as Error).message.split('\n')[0]} (pip install scikit-learn)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
