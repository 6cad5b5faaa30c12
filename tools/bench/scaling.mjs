#!/usr/bin/env node
// node tools/bench/scaling.mjs [--sizes 1m,5m,20m,wide1m] [--commit abc1234]
// One table of how the whole pipeline's cost grows with the data: for each size, the latest
// record of `npm run bench` in results/results.jsonl (of that commit, when given): rows, wall,
// CPU and peak RSS (medians), microseconds of wall and CPU per input row, and the peer's figures
// and ratios when that record ran with --peer. Linear cost means flat per-row columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './dataset.mjs';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1m,5m,20m,wide1m' }, commit: { type: 'string' } } });
const { PRESETS } = await import(join(root, 'tools', 'datagen', 'dist', 'index.js'));
const records = readFileSync(join(import.meta.dirname, 'results', 'results.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l))
  .filter((r) => !r.proof && (values.commit === undefined || r.commit === values.commit));

const f = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const header = ['size', 'rows', 'commit', 'wall s', 'CPU s', 'RSS MB', 'µs/row wall', 'µs/row CPU', 'peer wall s', 'peer RSS MB', 'wall ratio', 'RSS ratio', 'load avg'];
const rows = [];
for (const size of values.sizes.split(',')) {
  const r = records.filter((x) => x.size === size).at(-1);
  const p = PRESETS[size];
  // wide1m is written by wide-data.py, not by a datagen preset: 500k + 300k + 200k rows.
  const n = p === undefined ? (size === 'wide1m' ? 1_000_000 : undefined) : p.baseRows + p.contributedRows + p.benchmarkRows;
  if (r === undefined || n === undefined) {
    rows.push([size, '-', 'no record']);
    continue;
  }
  const t = r.median.total;
  const peer = r.peer?.median?.total;
  const load = r.all.map((a) => (Array.isArray(a.loadavg?.start) ? a.loadavg.start[0] : a.loadavg)).filter((x) => typeof x === 'number');
  rows.push([
    size, n.toLocaleString('en'), r.commit, f(t.wall), f(t.cpu), String(t.rssMb ?? '-'), f((t.wall / n) * 1e6), f((t.cpu / n) * 1e6),
    f(peer?.wall), String(peer?.rssMb ?? '-'), f(r.peer?.ratio?.total), f(r.peer?.ratio?.peakRss), load.length === 0 ? '-' : `${f(Math.min(...load), 1)}–${f(Math.max(...load), 1)}`,
  ]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
for (const r of rows) console.log(r.map((c, i) => String(c ?? '').padStart(widths[i])).join('  '));
