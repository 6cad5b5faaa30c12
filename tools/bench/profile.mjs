#!/usr/bin/env node
// node tools/bench/profile.mjs --size 100k [--top 25] [--dir DIR] [--proof]
// Runs `hokusai run` once under `node --cpu-prof` on the benchmark dataset of that size and prints
// the functions with the most self time (file:line), the share of garbage collection and the
// self time per source file. Every thread's profile (main and workers) is summarized.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchData, cli, requireBuilt, root, runArgs } from './dataset.mjs';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '100k' }, top: { type: 'string', default: '25' }, dir: { type: 'string' }, proof: { type: 'boolean', default: false } },
});
requireBuilt();
const data = benchData(values.size);
const work = join(tmpdir(), 'hokusai-bench', `profile-${values.size}-${process.pid}`);
const dir = values.dir ?? join(work, 'cpuprofile');
rmSync(work, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const started = performance.now();
const child = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, cli, ...runArgs(data, work, values.proof, values.size)], { encoding: 'utf8', maxBuffer: 256 << 20 });
const wall = (performance.now() - started) / 1000;
if (child.status !== 0 && child.status !== 1) {
  console.error(child.stderr.slice(-3000));
  process.exit(3);
}

/** Self time in ms per profile node: sample i lasts until sample i + 1 (the last until endTime). */
function selfTimes(profile) {
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? timeDeltas[i + 1] : Math.max(0, profile.endTime - (profile.startTime + timeDeltas.reduce((a, b) => a + b, 0)));
    self.set(samples[i], (self.get(samples[i]) ?? 0) + next / 1000);
  }
  return self;
}

const maps = new Map();
/** The source map next to a built file (dist/x.js.map), or null. */
function sourceMapOf(path) {
  if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : null);
  return maps.get(path);
}

/** file:line of a frame, relative to the repository, through the source map to the TypeScript when there is one. */
function where(frame) {
  if (!frame.url) return '';
  if (!frame.url.startsWith('file://')) return `${frame.url}:${frame.lineNumber + 1}`;
  const path = fileURLToPath(frame.url);
  const entry = sourceMapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry?.originalSource) {
    const original = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(path), entry.originalSource);
    return `${relative(root, original)}:${entry.originalLine + 1}`;
  }
  return `${relative(root, path)}:${frame.lineNumber + 1}`;
}

const byFunction = new Map();
const byFile = new Map();
const byArea = new Map();
const inclusive = new Map();
/** A package of the repository, a dependency, Node's own code, or the engine (GC, native). */
function areaOf(file) {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file);
  if (dep) return `dependency ${dep[1]}`;
  const pkg = /^(packages|tools)\/([^/]+)\//.exec(file);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  if (file.startsWith('node:')) return 'node built-ins';
  return file.startsWith('(') ? file : 'native';
}
let total = 0;
let gc = 0;
let idle = 0;
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
for (const f of files) {
  const profile = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map(profile.nodes.map((n) => [n.id, `${n.callFrame.functionName || '(anonymous)'}\t${where(n.callFrame)}`]));
  for (const [id, ms] of selfTimes(profile)) {
    // Inclusive time of this repository's functions: each sample counts once per function on its stack.
    const onStack = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) if (keyOf.get(at).includes('\tpackages/')) onStack.add(keyOf.get(at));
    if (frames.get(id).functionName !== '(idle)') for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    const frame = frames.get(id);
    const name = frame.functionName || '(anonymous)';
    total += ms;
    if (name === '(garbage collector)') gc += ms;
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    const key = `${name}\t${where(frame)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const file = frame.url ? where(frame).replace(/:\d+$/, '') : name;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    byArea.set(areaOf(file), (byArea.get(areaOf(file)) ?? 0) + ms);
  }
}

const busy = total - idle;
const pct = (ms) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
console.log(`hokusai run, size ${values.size}, proof ${values.proof ? 'on' : 'off'}: ${wall.toFixed(2)} s wall under --cpu-prof; ${files.length} thread profile(s) in ${dir}`);
console.log(`sampled ${(busy / 1000).toFixed(2)} s busy (idle ${(idle / 1000).toFixed(2)} s excluded); garbage collection ${(gc / 1000).toFixed(2)} s = ${pct(gc).trim()} of busy time\n`);
const top = Number(values.top);
console.log(`top ${top} functions by self time`);
for (const [key, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [name, at] = key.split('\t');
  console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${pct(ms)}  ${name}  ${at}`);
}
console.log(`\ntop ${top} functions of this repository by inclusive time (self + callees)`);
for (const [key, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [name, at] = key.split('\t');
  console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${pct(ms)}  ${name}  ${at}`);
}
console.log('\nself time by area');
for (const [area, ms] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${pct(ms)}  ${area}`);
console.log(`\ntop ${Math.min(top, 15)} files by self time`);
for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 15))) console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${pct(ms)}  ${file}`);
// The run's output goes; the profiles stay only when --dir put them elsewhere.
rmSync(work, { recursive: true, force: true });
