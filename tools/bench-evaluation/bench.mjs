// Speed benchmark for @hokusai/evaluation: all binary metrics for two models, DeLong,
// McNemar and a 1000-resample paired bootstrap on N benchmark rows (default 1,000,000).
// Build the package first:  (cd packages/evaluation && npx tsc -p tsconfig.lib.json)
// Run:                       node tools/bench-evaluation/bench.mjs [--rows 1000000] [--resamples 1000] [--repeat 3] [--row-bootstrap-max 20000000]
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import {
  binaryMetrics,
  calibrationCurve,
  computeDelta,
  delong,
  mcnemar,
  pairedBootstrap,
  prCurve,
  rocCurve,
} from '../../packages/evaluation/dist/index.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}
const rows = arg('rows', 1_000_000);
const resamples = arg('resamples', 1000);
const repeat = arg('repeat', 3);
// rows x resamples above which average precision gets no bootstrap interval (computeDelta's default: 2e7).
const rowBootstrapMaxCells = arg('row-bootstrap-max', 20_000_000);

// Seeded synthetic benchmark (Park-Miller): 40% positives, the new model slightly sharper.
function synthetic(n, seed) {
  let s = seed;
  const r = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const y = new Int32Array(n);
  const base = new Float64Array(n);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r() < 0.4 ? 1 : 0;
    const sign = y[i] === 1 ? 1 : -1;
    // Three decimals: realistic ties, as from a quantized model.
    base[i] = Math.round(Math.min(1, Math.max(0, 0.5 + sign * 0.1 + (r() - 0.5) * 0.9)) * 1000) / 1000;
    next[i] = Math.round(Math.min(1, Math.max(0, 0.5 + sign * 0.12 + (r() - 0.5) * 0.9)) * 1000) / 1000;
  }
  return { y, base, next };
}

function time(label, fn) {
  const times = [];
  let out;
  for (let k = 0; k < repeat; k++) {
    const t0 = performance.now();
    out = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(58)} median ${(median / 1000).toFixed(3)} s  (min ${(times[0] / 1000).toFixed(3)} s, ${repeat} runs)`);
  return out;
}

const { y, base, next } = synthetic(rows, 12345);
console.log(`@hokusai/evaluation bench: ${rows.toLocaleString('en')} rows, ${resamples} resamples, node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? 'unknown'})`);
time('binaryMetrics (all 9 metrics + confusion), one model', () => binaryMetrics(y, base));
time('McNemar', () => mcnemar(y, base, next));
time('DeLong (O(n log n))', () => delong(y, base, next));
time(`pairedBootstrap accuracy, ${resamples} resamples`, () => pairedBootstrap(y, base, next, { metric: 'accuracy', seed: 1, resamples }));
time('rocCurve + prCurve (thinned to 200) + calibrationCurve', () => [rocCurve(y, base, { maxPoints: 200 }), prCurve(y, base, { maxPoints: 200 }), calibrationCurve(y, base)]);
const report = time(`computeDelta: everything (target < 10 s)`, () => computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 7, bootstrapResamples: resamples, rowBootstrapMaxCells }));
console.log(`DeltaOne ${report.delta_one?.toFixed(3)} pp, accepted ${report.decision.accepted}, McNemar p ${report.tests.mcnemar.p_value.toExponential(3)}, DeLong p ${report.tests.delong?.p_value.toExponential(3)}`);
for (const [name, m] of Object.entries(report.metrics)) console.log(`  ${name.padEnd(18)} ${m.test}`);
