#!/usr/bin/env node
// npm run bench -- --size 1k|100k|1m|5m|20m|wide1m [--runs 3] [--proof] [--peer]
// Runs the real `hokusai run` at a size, reads each step's wall time, CPU time and peak RSS from
// the run store, prints the medians as a table and appends a JSON record to results/results.jsonl.
// With --peer it also runs the pandas + scikit-learn peer (peer.py) on the same files in each run
// and prints its table and the ratio per stage (hokusai / peer).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, appendFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchData, cli, columnArgs, requireBuilt, root, runArgs } from './dataset.mjs';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '1k' }, runs: { type: 'string', default: '3' }, proof: { type: 'boolean', default: false }, peer: { type: 'boolean', default: false } },
});
const size = values.size;
const runs = Number(values.runs);
requireBuilt();
// Versions that exist on PyPI for Python 3.11+; installed only when the modules are missing.
const PEER_PINS = ['pandas==3.1.1', 'scikit-learn==1.9.1'];
if (values.peer) ensurePeerDeps();
if (values.peer && values.proof) console.error('Note: the peer has no proof; compare totals without --proof.');
const data = benchData(size);

const STAGES = [
  ['load', ['load_base', 'load_contributed', 'load_benchmark']],
  ['integrate', ['integrate']],
  // The search steps run one after another (plan, trials, join); without a search configured
  // they only read the integrated tables back.
  ['search', ['search_plan', 'search_trial', 'search'], 'sum'],
  ['train', ['train_baseline', 'train_new']],
  ['evaluate', ['evaluate']],
  ['delta', ['delta']],
  ['attest', ['attest']],
  ['report', ['report']],
];
// The peer's stages with a counterpart in the pipeline; `start` is its interpreter and imports.
const PEER_STAGES = ['start', 'load', 'integrate', 'train', 'evaluate', 'total'];
const RATIO_STAGES = ['load', 'integrate', 'train', 'evaluate', 'total'];
const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auroc'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = existsSync('/usr/bin/time');

/** Runs a command, under /usr/bin/time -v when installed for the whole process's CPU time and peak RSS. */
function measure(cmd, args) {
  const start = loadavg();
  const started = performance.now();
  const child = timed ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - started) / 1000;
  const stderr = child.stderr ?? '';
  const num = (re) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : null;
  };
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  const rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  return { child, wall, cpu: user !== null && sys !== null ? user + sys : null, rssMb: rssKb === null ? null : Math.round(rssKb / 1024), loadavg: { start, end: loadavg() } };
}

function runHokusai(r) {
  const work = join(tmpdir(), 'hokusai-bench', `run-${size}-${process.pid}-${r}`);
  rmSync(work, { recursive: true, force: true });
  const { child, wall, cpu, rssMb, loadavg: load } = measure(process.execPath, [cli, ...runArgs(data, work, values.proof, size)]);
  if (child.status !== 0 && child.status !== 1) {
    console.error(child.stderr.slice(-3000));
    process.exit(3);
  }
  // `hokusai --json` prints one envelope: { schemaVersion, command, exitCode, result }.
  const { result } = JSON.parse(child.stdout.trim().split('\n').pop());
  const metric = (name) => result.metrics?.find((m) => m.name === name);
  const stepsDir = join(work, 'store', 'runs', result.runId, 'steps');
  const steps = Object.fromEntries(readdirSync(stepsDir).map((f) => {
    const rec = JSON.parse(readFileSync(join(stepsDir, f), 'utf8'));
    return [rec.step, rec];
  }));
  const stage = {};
  for (const [name, members, mode] of STAGES) {
    const recs = members.map((m) => steps[m]).filter(Boolean);
    // Parallel steps overlap: a stage's wall time is its longest member, and the process CPU
    // time recorded for each overlapping step is the same interval's, so it is counted once.
    // Sequential members add up.
    const combine = mode === 'sum' ? (xs) => xs.reduce((a, b) => a + b, 0) : (xs) => Math.max(0, ...xs);
    stage[name] = { wall: combine(recs.map((x) => x.durationMs / 1000)), cpu: combine(recs.map((x) => (x.cpuMs ?? 0) / 1000)), rssMb: Math.max(0, ...recs.map((x) => x.peakRssMb ?? 0)) };
  }
  const stepsWall = Object.values(stage).reduce((a, s) => a + s.wall, 0);
  // The inputs' manifests are finished on the loader threads beside integrate: shown, not added.
  const manifests = steps.manifests === undefined ? null : { wall: steps.manifests.durationMs / 1000, cpu: (steps.manifests.cpuMs ?? 0) / 1000 };
  stage['start+write+tracking'] = { wall: wall - stepsWall, cpu: null, rssMb: null };
  stage.total = { wall, cpu, rssMb };
  // What the pipeline did, to check the peer did the same job.
  const dr = JSON.parse(readFileSync(join(work, 'out', 'data_report.json'), 'utf8'));
  const rows = dr.rows;
  const job = {
    rows: { contamination_removed: dr.contamination.removed, within_contributed: dr.dedup.within_contributed, already_in_base: dr.dedup.already_in_base, contributed_kept: rows.contributed_kept, merged: rows.merged },
    // Rows only normalized matching finds (re-rounded or re-cased copies): the peer, matching
    // exactly, keeps them.
    normalized: { contamination: dr.contamination.normalized ?? 0, already_in_base: dr.dedup.already_in_base_normalized ?? 0 },
    baseline_metrics: Object.fromEntries(METRICS.map((m) => [m, metric(m)?.baseline ?? null])),
    new_metrics: Object.fromEntries(METRICS.map((m) => [m, metric(m)?.new ?? null])),
  };
  rmSync(work, { recursive: true, force: true });
  return { stage, manifests, accepted: result.accepted, deltaOne: result.deltaOne, loadavg: load, job };
}

function runPeer() {
  const args = [join(import.meta.dirname, 'peer.py'), '--base', join(data, 'base.csv'), '--contributed', join(data, 'contributed.csv'), '--benchmark', join(data, 'benchmark.csv'), ...columnArgs(size)];
  const { child, wall, cpu, rssMb, loadavg: load } = measure('python3', args);
  if (child.status !== 0) {
    console.error(`The peer failed (python3 ${args.join(' ')}):\n${(child.stderr ?? '').slice(-3000)}`);
    process.exit(4);
  }
  const out = JSON.parse(child.stdout.trim().split('\n').pop());
  const stage = Object.fromEntries(PEER_STAGES.map((n) => [n, { wall: out.seconds[n], cpu: null, rssMb: null }]));
  // The total is measured from outside, as for the pipeline: interpreter start to exit.
  stage.total = { wall, cpu, rssMb: rssMb ?? out.peakRssMb };
  return { stage, deltaOne: out.delta_one, loadavg: load, versions: out.versions, job: { rows: out.rows, baseline_metrics: out.baseline_metrics, new_metrics: out.new_metrics } };
}

function ensurePeerDeps() {
  const probe = spawnSync('python3', ['-c', 'import pandas, sklearn'], { encoding: 'utf8' });
  if (probe.error) {
    console.error('--peer needs python3 on PATH (3.11 or later).');
    process.exit(4);
  }
  if (probe.status === 0) return;
  console.error(`Installing the peer's dependencies: python3 -m pip install --quiet ${PEER_PINS.join(' ')}`);
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', ...PEER_PINS], { stdio: 'inherit' });
  if (pip.status !== 0) {
    console.error('pip could not install pandas and scikit-learn; install them into the python3 on PATH and retry.');
    process.exit(4);
  }
}

/** The same cleaning counts, and the largest metric difference between the two implementations. */
function compareJobs(ours, peer) {
  // Counted as the peer counts: without the rows only normalized matching removes.
  const extra = (ours.normalized?.contamination ?? 0) + (ours.normalized?.already_in_base ?? 0);
  const exact = {
    ...ours.rows,
    contamination_removed: ours.rows.contamination_removed - (ours.normalized?.contamination ?? 0),
    already_in_base: ours.rows.already_in_base - (ours.normalized?.already_in_base ?? 0),
    contributed_kept: ours.rows.contributed_kept + extra,
    merged: ours.rows.merged + extra,
  };
  const countsDiffer = Object.keys(exact).filter((k) => exact[k] !== peer.rows[k]);
  let maxMetricDiff = 0;
  for (const side of ['baseline_metrics', 'new_metrics']) {
    for (const m of METRICS) {
      const a = ours[side][m];
      const b = peer[side][m];
      maxMetricDiff = a === null || b === null ? Infinity : Math.max(maxMetricDiff, Math.abs(a - b));
    }
  }
  return { countsDiffer, maxMetricDiff, normalizedOnly: extra };
}

function medians(all) {
  const names = Object.keys(all[0].stage);
  return Object.fromEntries(names.map((n) => [n, {
    wall: median(all.map((a) => a.stage[n].wall)),
    cpu: all[0].stage[n].cpu === null ? null : median(all.map((a) => a.stage[n].cpu)),
    rssMb: all[0].stage[n].rssMb === null ? null : median(all.map((a) => a.stage[n].rssMb)),
  }]));
}

function printTable(med) {
  console.log(`${'stage'.padEnd(22)}${'wall s'.padStart(9)}${'cpu s'.padStart(9)}${'peak RSS MB'.padStart(13)}`);
  for (const [n, s] of Object.entries(med)) console.log(`${n.padEnd(22)}${s.wall.toFixed(2).padStart(9)}${(s.cpu === null ? '-' : s.cpu.toFixed(2)).padStart(9)}${String(s.rssMb ?? '-').padStart(13)}`);
}

const all = [];
for (let r = 0; r < runs; r++) {
  // Alternate which side goes first so neither always meets a warmer page cache or a busier machine.
  const peerFirst = values.peer && r % 2 === 1 ? runPeer() : null;
  const run = runHokusai(r);
  if (values.peer) {
    run.peer = peerFirst ?? runPeer();
    run.peerFirst = peerFirst !== null;
    run.sameJob = compareJobs(run.job, run.peer.job);
  }
  all.push(run);
}

const med = medians(all);
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/) ?? [])[1] ?? 'unknown';
console.log(`hokusai run, size ${size}, ${runs} run(s), median; ${cpuModel}, ${cpus().length} cores; proof ${values.proof ? 'on' : 'off'}`);
printTable(med);
const manifestWalls = all.map((a) => a.manifests?.wall).filter((x) => x !== undefined);
if (manifestWalls.length > 0) console.log(`(manifests, beside integrate and not in the sum: ${median(manifestWalls).toFixed(2)} s wall)`);
console.log(`load average (1 min) at the start and end of each run: ${all.map((a) => `${a.loadavg.start[0].toFixed(1)} → ${a.loadavg.end[0].toFixed(1)}`).join(', ')}`);
let peerMed = null;
let ratio = null;
if (values.peer) {
  const v = all[0].peer.versions;
  peerMed = medians(all.map((a) => a.peer));
  console.log(`\npeer (pandas ${v.pandas}, scikit-learn ${v.sklearn}, Python ${v.python}), same files, ${runs} run(s), median`);
  printTable(peerMed);
  ratio = Object.fromEntries(RATIO_STAGES.map((n) => [n, med[n].wall / peerMed[n].wall]));
  ratio.peakRss = med.total.rssMb !== null && peerMed.total.rssMb !== null ? med.total.rssMb / peerMed.total.rssMb : null;
  console.log(`\nratio hokusai / peer (<= 1.00: hokusai as fast or faster)`);
  console.log(`${'stage'.padEnd(22)}${'hokusai s'.padStart(11)}${'peer s'.padStart(9)}${'ratio'.padStart(8)}`);
  for (const n of RATIO_STAGES) console.log(`${n.padEnd(22)}${med[n].wall.toFixed(2).padStart(11)}${peerMed[n].wall.toFixed(2).padStart(9)}${ratio[n].toFixed(2).padStart(8)}`);
  if (ratio.peakRss !== null) console.log(`${'peak RSS (MB)'.padEnd(22)}${String(med.total.rssMb).padStart(11)}${String(peerMed.total.rssMb).padStart(9)}${ratio.peakRss.toFixed(2).padStart(8)}`);
  console.log('(hokusai evaluate is ONNX scoring + metrics; its delta stage (significance tests, bootstrap), attest and report have no peer counterpart but count in its total)');
  const differ = all.flatMap((a) => a.sameJob.countsDiffer);
  const maxDiff = Math.max(...all.map((a) => a.sameJob.maxMetricDiff));
  const normalizedOnly = Math.max(...all.map((a) => a.sameJob.normalizedOnly ?? 0));
  const more = normalizedOnly > 0 ? ` (hokusai also removed ${normalizedOnly} rows that only normalized matching finds)` : '';
  console.log(differ.length === 0 ? `same job: equal exact cleaning counts${more}; largest metric difference ${maxDiff.toExponential(1)}` : `NOT THE SAME JOB: counts differ in ${[...new Set(differ)].join(', ')}${more}`);
}
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  // Code changed since that commit (the packages' sources or the tools): the figures are not that commit's.
  if (execFileSync('git', ['status', '--porcelain', '--', 'packages', 'tools/bench/bench.mjs', 'tools/bench/dataset.mjs', 'tools/bench/peer.py'], { cwd: root, encoding: 'utf8' }).trim() !== '') commit += '+changes';
} catch {
  /* not a checkout */
}
const record = { date: new Date().toISOString(), commit, cpu: cpuModel, cores: cpus().length, size, runs, proof: values.proof, median: med, ...(values.peer ? { peer: { median: peerMed, ratio, versions: all[0].peer.versions } } : {}), all };
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
appendFileSync(join(import.meta.dirname, 'results', 'results.jsonl'), `${JSON.stringify(record)}\n`);
