// Throughput of the tracking client. Usage (after `npx tsc -p tsconfig.lib.json`):
//   node bench/bench.mjs                      splitter and journal only
//   node bench/bench.mjs http://127.0.0.1:5000   also log-batch, journal sync and artifact upload
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, MlflowClient, splitBatch, syncJournal } from '../dist/index.js';

const uri = process.argv[2];
const results = [];
const time = async (label, count, unit, fn) => {
  const t0 = process.hrtime.bigint();
  const extra = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  results.push({ label, seconds: s.toFixed(3), rate: `${Math.round(count / s).toLocaleString('en-US')} ${unit}/s`, ...(extra ?? {}) });
};

const N = 1_000_000;
const metrics = Array.from({ length: N }, (_, i) => ({ key: `m${i % 50}`, value: i / 3, timestamp: 1_700_000_000_000 + i, step: i }));
await time('splitBatch 1M metrics', N, 'metrics', () => ({ requests: splitBatch('f'.repeat(32), { metrics, params: [], tags: [] }).length }));

const dir = await mkdtemp(join(tmpdir(), 'hokusai-bench-'));
const journalPath = join(dir, 'journal.jsonl');
const J = 20_000;
await time(`journal ${J} logMetrics calls (no server)`, J, 'calls', async () => {
  const tracker = await createTracker({ journalPath, experimentName: 'bench' });
  const run = await tracker.startRun({ name: 'bench' });
  for (let i = 0; i < J; i++) await run.logMetrics({ loss: 1 / (i + 1) }, { step: i, timestamp: 1_700_000_000_000 + i });
  await run.end('FINISHED');
  await tracker.close();
});

if (uri !== undefined) {
  const client = new MlflowClient(uri);
  const exp = await client.getOrCreateExperiment(`bench-${randomUUID()}`);
  const { runId } = await client.createRun({ experimentId: exp, runName: 'bench' });
  const M = 20_000;
  await time(`logBatch ${M} metrics to MLflow`, M, 'metrics', async () => ({ requests: await client.logBatch(runId, { metrics: metrics.slice(0, M) }) }));
  const file = join(dir, 'model.bin');
  const bytes = 64 * 1024 * 1024;
  await writeFile(file, Buffer.alloc(bytes, 3));
  await time('upload 64 MiB artifact', bytes / 1024 / 1024, 'MiB', () => client.logArtifact(runId, file, 'model').then(() => undefined));
  const small = join(dir, 'small.jsonl');
  await time('syncJournal 2000 calls', 2000, 'calls', async () => {
    const tracker = await createTracker({ journalPath: small, experimentName: `bench-sync-${randomUUID()}` }, { env: {} });
    const run = await tracker.startRun({ name: 'offline' });
    for (let i = 0; i < 2000; i++) await run.logMetrics({ loss: 1 / (i + 1) }, { step: i, timestamp: 1_700_000_000_000 + i });
    await run.end('FINISHED');
    await tracker.close();
    const t0 = Date.now();
    const r = await syncJournal(small, uri);
    return { delivered: r.delivered, syncSeconds: ((Date.now() - t0) / 1000).toFixed(2) };
  });
  await client.close();
}
console.table(results);
