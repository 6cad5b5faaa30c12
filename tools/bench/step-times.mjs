#!/usr/bin/env node
// Where a run's time went, from the run store's step records: each step's wall and CPU seconds,
// the process's peak RSS when it ended and when it started (seconds after the first step).
// CPU is the process's (all threads) over the step's interval, so steps that overlap (the loads;
// integrate beside manifests) each show the same interval's CPU.
// Usage: node tools/bench/step-times.mjs <store> [run id]   (default: every run in the store)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [store, only] = process.argv.slice(2);
if (store === undefined) {
  console.error('usage: node tools/bench/step-times.mjs <store> [run id]');
  process.exit(2);
}
for (const runId of only === undefined ? readdirSync(join(store, 'runs')).sort() : [only]) {
  const dir = join(store, 'runs', runId, 'steps');
  const steps = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .filter((s) => typeof s.startedAt === 'number')
    .sort((a, b) => a.startedAt - b.startedAt);
  if (steps.length === 0) continue;
  const t0 = steps[0].startedAt;
  console.log(`run ${runId}`);
  console.log(`${'step'.padEnd(18)}${'start s'.padStart(9)}${'wall s'.padStart(9)}${'cpu s'.padStart(9)}${'peak RSS MB'.padStart(13)}`);
  for (const s of steps) {
    console.log(`${s.step.padEnd(18)}${((s.startedAt - t0) / 1000).toFixed(0).padStart(9)}${(s.durationMs / 1000).toFixed(1).padStart(9)}${((s.cpuMs ?? 0) / 1000).toFixed(1).padStart(9)}${String(s.peakRssMb ?? '-').padStart(13)}`);
  }
}
