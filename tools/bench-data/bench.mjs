#!/usr/bin/env node
// Benchmark of @hokusai/data-integration against the pandas peer on the same seeded files.
// Usage: node tools/bench-data/bench.mjs [--rows 1000000] [--dir /tmp/x] [--keep] [--no-peer]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const rows = Number(opt('--rows', '1000000'));
const dir = opt('--dir', join(tmpdir(), `hokusai-bench-data-${rows}`));
const keep = args.includes('--keep');
const peer = !args.includes('--no-peer');

// Files kept from an earlier run are reused only if the same generator wrote them.
const stamp = join(dir, 'generator.json');
const current = JSON.stringify({ version: GENERATOR_VERSION, rows, seed: 42 });
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== current) {
  const t = performance.now();
  const n = generate(dir, rows, 42);
  writeFileSync(stamp, current);
  console.log(`generated ${JSON.stringify(n)} rows in ${((performance.now() - t) / 1000).toFixed(1)} s into ${dir}`);
}
const size = (ext) => ['base', 'contributed', 'benchmark'].reduce((s, p) => s + statSync(join(dir, `${p}.${ext}`)).size, 0);
console.log(`files: CSV ${(size('csv') / 1e6).toFixed(0)} MB, Parquet ${(size('parquet') / 1e6).toFixed(0)} MB; node ${process.version}`);

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

let python = null;
if (peer) {
  try {
    execFileSync('python3', ['-c', 'import pandas, pyarrow'], { stdio: 'ignore' });
    python = 'python3';
  } catch {
    console.log('installing the pandas peer: python3 -m pip install pandas pyarrow');
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', 'pandas', 'pyarrow'], { stdio: 'inherit' });
    python = 'python3';
  }
}

// The load targets are for loading; the threaded stages add the manifests, as the pipeline's
// load step does, and are reported without a target of their own.
const targets = { csv: 3000, 'csv-threads': Infinity, parquet: 1000, 'parquet-threads': Infinity, steps: 4000, integrate: Infinity };
const label = {
  csv: 'load CSV (3 files)',
  'csv-threads': 'load CSV + manifests, 3 threads (pipeline)',
  parquet: 'load Parquet (3 files)',
  'parquet-threads': 'load Parquet + manifests, 3 threads (pipeline)',
  steps: 'PII scan+HMAC+quality+dedup+contamination',
  integrate: 'integrateContribution (all, incl. merge; output manifests are built on first read)',
};
// The threaded loads (as the pipeline loads) are compared with the same pandas stage.
const peerStage = { csv: 'csv', 'csv-threads': 'csv', parquet: 'parquet', 'parquet-threads': 'parquet', steps: 'steps' };
const peerRuns = {};
const rowsOut = [];
for (const stage of ['csv', 'csv-threads', 'parquet', 'parquet-threads', 'steps', 'integrate']) {
  const ours = run(process.execPath, [join(here, 'stage.mjs'), stage, dir]);
  const ps = peerStage[stage];
  const theirs = python && ps !== undefined ? (peerRuns[ps] ??= run(python, [join(here, 'peer_pandas.py'), ps, dir])) : null;
  rowsOut.push({ stage, ours, theirs });
  const ratio = theirs ? (theirs.ms / ours.ms).toFixed(2) : 'n/a';
  console.log(
    `${label[stage].padEnd(46)} hokusai ${(ours.ms / 1000).toFixed(2)} s ${Number.isFinite(targets[stage]) ? `(target < ${targets[stage] / 1000} s, ${ours.ms < targets[stage] ? 'met' : 'MISSED'})` : ''}, peak RSS ${(ours.maxRssBytes / 2 ** 20).toFixed(0)} MiB` +
      (theirs ? ` | pandas ${(theirs.ms / 1000).toFixed(2)} s, peak RSS ${(theirs.maxRssBytes / 2 ** 20).toFixed(0)} MiB | pandas/hokusai time ${ratio}x` : ''),
  );
  if (ours.manifest_ms !== undefined) console.log(`  + manifests of the 3 files (content hash, distinct counts): ${(ours.manifest_ms / 1000).toFixed(2)} s; content hashes ${ours.content_hashes.join(' ')}`);
  if (stage === 'steps') console.log(`  hokusai steps: ${JSON.stringify(ours.steps_ms, (k, v) => (typeof v === 'number' ? Math.round(v) : v))} found ${JSON.stringify(ours.found)}${theirs ? `\n  pandas: contamination ${theirs.contamination}, kept ${theirs.kept}, merged ${theirs.merged}` : ''}`);
  if (stage === 'integrate') console.log(`  hokusai report: ${JSON.stringify(ours.report)}`);
}
const peak = Math.max(...rowsOut.map((r) => r.ours.maxRssBytes));
console.log(`peak RSS over all stages: ${(peak / 2 ** 20).toFixed(0)} MiB (target < 1536 MiB, ${peak < 1536 * 2 ** 20 ? 'met' : 'MISSED'})`);
if (!keep && !args.includes('--dir')) rmSync(dir, { recursive: true, force: true });
