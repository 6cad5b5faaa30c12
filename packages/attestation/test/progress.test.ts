import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAttestation, canonicalJson, prepareZkSetup, verifyAttestation, writeAttestation, type ProofProgress } from '../src/index.js';
import { fixtureRun } from './run-fixture.js';

// The small test circuit, as in proof.test.ts.
const N = 32;

const phasesOf = (events: ProofProgress[]): string[] => events.filter((e) => e.state !== 'update').map((e) => `${e.phase}:${e.state}${e.chunk === undefined ? '' : `#${e.chunk}`}`);

describe('proving progress', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('reports circuit, setup, then witness, prove and verify per chunk, in order, without changing the attestation', async () => {
    const run = await fixtureRun({ rows: 40, seed: 61 });
    dirs.push(run.dir);
    const events: ProofProgress[] = [];
    const built = await buildAttestation(run.input, { circuitN: N, createdAt: '2026-01-01T00:00:00Z', onProgress: (e) => events.push({ ...e }) });

    expect(phasesOf(events)).toEqual([
      'circuit:start', 'circuit:end', 'setup:start', 'setup:end',
      'witness:start#0', 'witness:end#0', 'prove:start#0', 'prove:end#0', 'verify:start#0', 'verify:end#0',
      'witness:start#1', 'witness:end#1', 'prove:start#1', 'prove:end#1', 'verify:start#1', 'verify:end#1',
    ]);
    // 2 + 3 per chunk; done counts finished phases and never goes back.
    expect(events.every((e) => e.total === 8)).toBe(true);
    for (let i = 1; i < events.length; i++) expect((events[i] as ProofProgress).done).toBeGreaterThanOrEqual((events[i - 1] as ProofProgress).done);
    const ends = events.filter((e) => e.state === 'end');
    expect(ends.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.filter((e) => e.chunk !== undefined).every((e) => e.chunks === 2)).toBe(true);
    expect(events.find((e) => e.phase === 'witness' && e.chunk === 1)?.message).toMatch(/chunk 2 of 2 \(rows 32\.\.39\)/);

    const quiet = await buildAttestation(run.input, { circuitN: N, createdAt: '2026-01-01T00:00:00Z' });
    expect(canonicalJson(built.attestation.body)).toBe(canonicalJson(quiet.attestation.body));
    expect(built.attestation.merkle_root).toBe(quiet.attestation.merkle_root);
    await writeAttestation(run.dir, built);
    expect((await verifyAttestation(run.dir, { predictions: run.input.predictions! })).checks.filter((c) => !c.ok)).toEqual([]);
  }, 120_000);

  it('passes what snarkjs says while it makes new keys as updates of the setup phase', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'hokusai-progress-cache-'));
    dirs.push(cacheDir);
    const events: ProofProgress[] = [];
    // With a ptau of one's own, the key is made here (without one, the shipped key is used).
    const ptauPath = fileURLToPath(new URL('../dev-ptau/insecure-bn128-p13.ptau', import.meta.url));
    await prepareZkSetup({ circuitN: N, cacheDir, ptauPath, onProgress: (e) => events.push({ ...e }) });
    expect(phasesOf(events)).toEqual(['circuit:start', 'circuit:end', 'setup:start', 'setup:end']);
    const updates = events.filter((e) => e.state === 'update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((e) => e.phase === 'setup' && e.done === 1 && e.total === 2)).toBe(true);
    expect(updates[0]?.message).toMatch(/making the proving key for N=32/);
    const setupStart = events.findIndex((e) => e.phase === 'setup' && e.state === 'start');
    const setupEnd = events.findIndex((e) => e.phase === 'setup' && e.state === 'end');
    expect(events.indexOf(updates[0] as ProofProgress)).toBeGreaterThan(setupStart);
    expect(events.indexOf(updates[updates.length - 1] as ProofProgress)).toBeLessThan(setupEnd);

    // Keys now cached: the same phases, and nothing to say inside them.
    const again: ProofProgress[] = [];
    await prepareZkSetup({ circuitN: N, cacheDir, ptauPath, onProgress: (e) => again.push({ ...e }) });
    expect(phasesOf(again)).toEqual(['circuit:start', 'circuit:end', 'setup:start', 'setup:end']);
    expect(again.some((e) => e.state === 'update')).toBe(false);
  }, 120_000);

  it('reports nothing when no proof is made', async () => {
    const run = await fixtureRun({ rows: 10, seed: 62 });
    dirs.push(run.dir);
    const events: ProofProgress[] = [];
    await buildAttestation(run.input, { prove: false, onProgress: (e) => events.push(e) });
    expect(events).toEqual([]);
  });
});
