#!/usr/bin/env node
// npm run bench -- --size 1k|100k|1m [--runs 3] [--proof]
// Runs the real `hokusai run` at a size, reads each step's wall time, CPU time and peak RSS from
// the run store, prints the medians as a table and appends a JSON record to results/results.jsonl.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, appendFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { size: { type: 'string', default: '1k' }, runs: { type: 'string', default: '3' }, proof: { type: 'boolean', default: false } } });
const size = values.size;
const runs = Number(values.runs);
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const datagen = join(root, 'tools', 'datagen', 'dist', 'bin.js');
if (!existsSync(cli) || !existsSync(datagen)) {
  console.error('Build first: npx nx run-many -t build');
  process.exit(2);
}

const data = join(tmpdir(), 'hokusai-bench', size);
if (!existsSync(join(data, 'benchmark.csv'))) {
  mkdirSync(data, { recursive: true });
  execFileSync(process.execPath, [datagen, '--preset', size, '--formats', 'csv', '--out', data], { stdio: 'inherit' });
}

const STAGES = [
  ['load', ['load_base', 'load_contributed', 'load_benchmark']],
  ['integrate', ['integrate']],
  ['train', ['search', 'train_baseline', 'train_new']],
  ['evaluate', ['evaluate']],
  ['delta', ['delta']],
  ['attest', ['attest']],
  ['report', ['report']],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const all = [];
for (let r = 0; r < runs; r++) {
  const work = join(tmpdir(), 'hokusai-bench', `run-${size}-${process.pid}-${r}`);
  rmSync(work, { recursive: true, force: true });
  const args = [cli, '--json', 'run', '--base', join(data, 'base.csv'), '--contributed', join(data, 'contributed.csv'), '--benchmark', join(data, 'benchmark.csv'),
    '--target', 'churned', '--exclude', 'customer_id', '--out', join(work, 'out'), '--store', join(work, 'store'), ...(values.proof ? [] : ['--no-proof'])];
  const started = performance.now();
  // /usr/bin/time -v gives the whole process's CPU time and peak RSS when it is installed.
  const timed = existsSync('/usr/bin/time');
  const child = timed ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 }) : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - started) / 1000;
  if (child.status !== 0 && child.status !== 1) {
    console.error(child.stderr.slice(-3000));
    process.exit(3);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  const steps = Object.fromEntries(readdirSync(join(work, 'store', 'runs', result.runId, 'steps')).map((f) => {
    const rec = JSON.parse(readFileSync(join(work, 'store', 'runs', result.runId, 'steps', f), 'utf8'));
    return [rec.step, rec];
  }));
  const stage = {};
  for (const [name, members] of STAGES) {
    const recs = members.map((m) => steps[m]).filter(Boolean);
    // Parallel steps overlap: a stage's wall time is its longest member, CPU is counted once.
    stage[name] = { wall: Math.max(0, ...recs.map((x) => x.durationMs / 1000)), cpu: Math.max(0, ...recs.map((x) => (x.cpuMs ?? 0) / 1000)), rssMb: Math.max(0, ...recs.map((x) => x.peakRssMb ?? 0)) };
  }
  const stepsWall = Object.values(stage).reduce((a, s) => a + s.wall, 0);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  stage['start+write+tracking'] = { wall: wall - stepsWall, cpu: null, rssMb: null };
  stage.total = { wall, cpu: user && sys ? Number(user[1]) + Number(sys[1]) : null, rssMb: m ? Math.round(Number(m[1]) / 1024) : null };
  all.push({ stage, accepted: result.accepted, deltaOne: result.deltaOne, loadavg: loadavg()[0] });
  rmSync(work, { recursive: true, force: true });
}

const names = Object.keys(all[0].stage);
const med = Object.fromEntries(names.map((n) => [n, {
  wall: median(all.map((a) => a.stage[n].wall)),
  cpu: all[0].stage[n].cpu === null ? null : median(all.map((a) => a.stage[n].cpu)),
  rssMb: all[0].stage[n].rssMb === null ? null : median(all.map((a) => a.stage[n].rssMb)),
}]));
const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/) ?? [])[1] ?? 'unknown';
console.log(`hokusai run, size ${size}, ${runs} run(s), median; ${cpuModel}, ${cpus().length} cores; proof ${values.proof ? 'on' : 'off'}`);
console.log(`${'stage'.padEnd(22)}${'wall s'.padStart(9)}${'cpu s'.padStart(9)}${'peak RSS MB'.padStart(13)}`);
for (const n of names) console.log(`${n.padEnd(22)}${med[n].wall.toFixed(2).padStart(9)}${(med[n].cpu === null ? '-' : med[n].cpu.toFixed(2)).padStart(9)}${String(med[n].rssMb ?? '-').padStart(13)}`);
let commit = 'unknown';
try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
const record = { date: new Date().toISOString(), commit, cpu: cpuModel, cores: cpus().length, size, runs, proof: values.proof, median: med, all };
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
appendFileSync(join(import.meta.dirname, 'results', 'results.jsonl'), `${JSON.stringify(record)}\n`);
