#!/usr/bin/env node
// node tools/bench/load-compare.mjs --size 1m [--runs 5] [--files base,contributed,benchmark] [--no-parquet] [--threads 1|2] [--known-hash] [--fresh]
// Per file, hokusai's load into an Arrow table (`loadDataset`, the file's SHA-256 included) and,
// separately, its manifest (content hash, distinct counts), against pandas' `pd.read_csv` (C
// parser) on the same file; then a Parquet copy of base.csv (written once next to the CSVs with
// pyarrow) loaded by hokusai against `pyarrow.parquet.read_table`. Each side is one process that
// stays up and loads a file when asked; the two take turns, run by run (which goes first
// alternates), so both see the same minutes of this machine, whose speed drifts. Medians of
// `--runs`, wall and CPU seconds (CPU: all of the process's threads), and the median of the
// runs' ratios. `--threads` sets `parseThreads` (default: loadDataset's). `--known-hash` passes the
// file's SHA-256 and stat, taken before the timed load, as `knownSha256`, as a run does (it hashes its
// inputs first, for the run id): the load then does not hash. `--fresh` starts both sides anew for
// every load (modules imported and a 3-row CSV and Parquet file loaded before the clock starts): each
// large load is its process's first, as a run's is, with no memory an earlier one freed to reuse.
// Prints one table, or JSON with --json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchData, requireBuilt, root } from './dataset.mjs';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1m' },
    runs: { type: 'string', default: '5' },
    files: { type: 'string', default: 'base,contributed,benchmark' },
    'no-parquet': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    threads: { type: 'string' },
    'known-hash': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    // Internal: small files each side loads once before it says it is ready (--fresh).
    warm: { type: 'string', multiple: true },
    // Internal: the hokusai side, run in a child process of its own.
    child: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (values.child) {
  // One load per line of input (a path), one line of JSON back.
  const { loadDataset, fileSha256 } = await import(pathToFileURL(join(root, 'packages', 'data-integration', 'dist', 'index.js')).href);
  // Before the first timed load: one load of each small warm-up file (--fresh), so that what is
  // timed is the large file's load, not the first call's one-time work.
  for (const warm of values.warm ?? []) await loadDataset(warm);
  process.stdout.write('{"ready":true}\n');
  for await (const path of createInterface({ input: process.stdin })) {
    const options = values.threads !== undefined ? { parseThreads: Number(values.threads) } : {};
    if (values['known-hash']) {
      const st = statSync(path);
      options.knownSha256 = { sha256: await fileSha256(path), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    }
    // The last run's table collected and its memory returned (finalizers run on a later turn)
    // before this run is timed, as CPython frees a DataFrame once its last reference goes.
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    const ds = await loadDataset(path, options);
    const load = { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0), rows: ds.table.numRows };
    c0 = process.cpuUsage();
    t0 = performance.now();
    const m = ds.manifest;
    const manifest = { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0), content_hash: m.content_hash };
    process.stdout.write(`${JSON.stringify({ load, manifest })}\n`);
  }
  process.exit(0);
}

function cpuSince(c0) {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const PYTHON = String.raw`
import json, sys, time
import pandas as pd
import pyarrow.parquet as pq
for warm in sys.argv[1:]:
    pq.read_table(warm) if warm.endswith(".parquet") else pd.read_csv(warm)
print('{"ready":true}', flush=True)
for line in sys.stdin:
    path = line.rstrip("\n")
    c0, t0 = time.process_time(), time.perf_counter()
    if path.endswith(".parquet"):
        rows = pq.read_table(path).num_rows
    else:
        rows = len(pd.read_csv(path))
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rows": rows}), flush=True)
`;

const WRITE_PARQUET = String.raw`
import sys
import pyarrow.csv as pc
import pyarrow.parquet as pq
pq.write_table(pc.read_csv(sys.argv[1]), sys.argv[2] + ".tmp")
import os
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
`;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.slice(0, 2).join(' ')} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
    process.exit(3);
  }
  return r.stdout;
}

/** A process that answers each line written to it with one line of JSON. */
function server(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`${cmd} exited with ${code}`);
      process.exit(3);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Each side says it is ready once its modules are imported (and, with --fresh, its warm-up loads done).
  const ready = lines.next();
  return {
    ready,
    async ask(line) {
      await ready;
      child.stdin.write(`${line}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`${cmd} closed its output`);
      return JSON.parse(next.value);
    },
    /** Ends the process and waits for it to be gone. */
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/** A 3-row CSV file and its Parquet copy, in a folder of their own. */
function warmUpFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'hokusai-load-compare-'));
  const csv = join(dir, 'warm.csv');
  writeFileSync(csv, 'id,x,name\n1,0.5,a\n2,1.5,b\n3,2.5,c\n');
  run('python3', ['-c', WRITE_PARQUET, csv, join(dir, 'warm.parquet')]);
  return [csv, join(dir, 'warm.parquet')];
}

requireBuilt();
const data = benchData(values.size);
const csvs = values.files.split(',').map((f) => join(data, `${f}.csv`));
const files = [...csvs];
let parquet;
if (!values['no-parquet']) {
  parquet = join(data, 'base.parquet');
  if (!existsSync(parquet)) run('python3', ['-c', WRITE_PARQUET, join(data, 'base.csv'), parquet]);
  files.push(parquet);
}

// With --fresh, both sides first load a small CSV and Parquet file (their first call's one-time
// work: lazy imports, a JIT's first pass, a thread pool), untimed.
const warm = values.fresh ? warmUpFiles() : [];
const startHokusai = () => server(process.execPath, ['--expose-gc', import.meta.filename, '--child', ...(values.threads !== undefined ? ['--threads', values.threads] : []), ...(values['known-hash'] ? ['--known-hash'] : []), ...warm.flatMap((w) => ['--warm', w])]);
const startPeer = () => server('python3', ['-c', PYTHON, ...warm]);
const start = { h: startHokusai, p: startPeer };
const sides = { h: start.h(), p: start.p() };
await sides.h.ready;
await sides.p.ready;
/** One load by a side ('h' or 'p'): with --fresh, the process then ends and the next is started, and ready, before anything else is timed. */
async function ask(side, path) {
  const x = await sides[side].ask(path);
  if (values.fresh) {
    await sides[side].close();
    sides[side] = start[side]();
    await sides[side].ready;
  }
  return x;
}
const hokusai = {};
const peer = {};
for (const path of files) {
  hokusai[path] = { load: [], manifest: [] };
  peer[path] = [];
  for (let r = 0; r < runs; r++) {
    // Which side goes first alternates, so neither always follows the other's memory traffic.
    const order = r % 2 === 0 ? ['h', 'p'] : ['p', 'h'];
    for (const side of order) {
      if (side === 'h') {
        const x = await ask('h', path);
        hokusai[path].load.push(x.load);
        hokusai[path].manifest.push(x.manifest);
      } else {
        peer[path].push(await ask('p', path));
      }
    }
  }
}
await sides.h.close();
await sides.p.close();
if (warm.length > 0) rmSync(dirname(warm[0]), { recursive: true, force: true });

const rows = files.map((path) => {
  const h = hokusai[path];
  const p = peer[path];
  if (h.load[0].rows !== p[0].rows) throw new Error(`${path}: hokusai read ${h.load[0].rows} rows, the peer ${p[0].rows}`);
  const loadWall = median(h.load.map((x) => x.wall));
  const peerWall = median(p.map((x) => x.wall));
  return {
    file: path.slice(data.length + 1),
    rows: h.load[0].rows,
    hokusai_load_wall: loadWall,
    hokusai_load_cpu: median(h.load.map((x) => x.cpu)),
    hokusai_manifest_wall: median(h.manifest.map((x) => x.wall)),
    hokusai_manifest_cpu: median(h.manifest.map((x) => x.cpu)),
    peer: path.endsWith('.parquet') ? 'pyarrow.parquet.read_table' : 'pandas.read_csv',
    peer_wall: peerWall,
    peer_cpu: median(p.map((x) => x.cpu)),
    hokusai_walls: h.load.map((x) => x.wall),
    peer_walls: p.map((x) => x.wall),
    ratio: loadWall / peerWall,
    // Each run's pair, one after the other: less moved by the machine's drift than the medians'.
    ratio_of_pairs: median(h.load.map((x, r) => x.wall / p[r].wall)),
    content_hash: h.manifest[0].content_hash,
  };
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ size: values.size, runs, threads: values.threads ?? 'default', knownHash: values['known-hash'], fresh: values.fresh, rows }, null, 2)}\n`);
} else {
  const f = (x) => x.toFixed(2);
  console.log(`load comparison, ${values.size}, median of ${runs} runs taken in turns${values.fresh ? ', each the first load of a process of its own' : ''}, parse threads ${values.threads ?? 'default'}, ${values['known-hash'] ? "the file's SHA-256 known (as in a run)" : "our load hashing the file"} (wall s / CPU s; CPU counts every thread)`);
  console.log('| file | rows | hokusai load | manifest | peer | peer load | ratio (wall) | ratio of pairs |');
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.file} | ${r.rows.toLocaleString('en-US')} | ${f(r.hokusai_load_wall)} / ${f(r.hokusai_load_cpu)} | ${f(r.hokusai_manifest_wall)} / ${f(r.hokusai_manifest_cpu)} | ${r.peer} | ${f(r.peer_wall)} / ${f(r.peer_cpu)} | ${r.ratio.toFixed(2)} | ${r.ratio_of_pairs.toFixed(2)} |`);
  }
}
