import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchmarkRegistry, computeDelta, hashBenchmarkContent, hashBenchmarkFile } from '../src/index.js';
import { syntheticBenchmark } from './data.js';
import { codeOf } from './error-code.js';

const dir = mkdtempSync(join(tmpdir(), 'hokusai-bench-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BenchmarkRegistry', () => {
  const data = join(dir, 'bench.csv');
  writeFileSync(data, 'x,churned\n1,0\n2,1\n');
  const store = join(dir, 'benchmarks.json');

  it('hashes the benchmark bytes with SHA-256', () => {
    expect(hashBenchmarkFile(data)).toBe(createHash('sha256').update(readFileSync(data)).digest('hex'));
    expect(hashBenchmarkContent('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('registers, persists, verifies and refuses changed content', () => {
    const reg = new BenchmarkRegistry(store);
    const rec = reg.register({ id: 'churn', version: '1', content_hash: hashBenchmarkFile(data), target: 'churned', task: 'binary', rows: 2 });
    expect(reg.register({ ...rec })).toEqual(rec);
    const reopened = new BenchmarkRegistry(store);
    expect(reopened.get('churn', '1')).toEqual(rec);
    expect(reopened.verify('churn', '1', hashBenchmarkFile(data))).toEqual(rec);
    writeFileSync(data, 'x,churned\n1,0\n2,0\n');
    expect(codeOf(() => reopened.verify('churn', '1', hashBenchmarkFile(data)))).toBe('HOKUSAI_BENCHMARK_HASH_MISMATCH');
    expect(codeOf(() => reopened.register({ ...rec, content_hash: hashBenchmarkFile(data) }))).toBe('HOKUSAI_BENCHMARK_ALREADY_REGISTERED');
    reopened.register({ ...rec, version: '2', content_hash: hashBenchmarkFile(data) });
    expect(new BenchmarkRegistry(store).list().map((r) => r.version)).toEqual(['1', '2']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('makes computeDelta name the benchmark and refuse a changed one', () => {
    const reg = new BenchmarkRegistry(join(dir, 'delta-store.json'));
    const file = join(dir, 'rows.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    reg.register({ id: 'rows', version: '1', content_hash: hashBenchmarkFile(file), target: 'b', task: 'binary' });
    const { y, base, next } = syntheticBenchmark(2000, 3, 0.1);
    const ok = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, bootstrapResamples: 50, benchmark: reg.check('rows', '1', hashBenchmarkFile(file)) });
    expect(ok.benchmark).toEqual({ id: 'rows', version: '1', registered_hash: hashBenchmarkFile(file), actual_hash: hashBenchmarkFile(file), matches: true });
    expect(ok.decision.accepted).toBe(true);
    writeFileSync(file, 'a,b\n1,3\n');
    const bad = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, bootstrapResamples: 50, benchmark: reg.check('rows', '1', hashBenchmarkFile(file)) });
    expect(bad.benchmark?.matches).toBe(false);
    expect(bad.decision).toMatchObject({ accepted: false, reasons: [{ code: 'BENCHMARK_HASH_MISMATCH' }] });
  });

  it('reports unknown benchmarks, bad records and a corrupt store with typed errors', () => {
    const reg = new BenchmarkRegistry(store);
    expect(codeOf(() => reg.get('churn', '9'))).toBe('HOKUSAI_BENCHMARK_NOT_FOUND');
    expect(codeOf(() => reg.register({ id: 'x', version: '1', content_hash: 'ABC', target: 't', task: 'binary' }))).toBe('HOKUSAI_EVAL_INVALID_OPTION');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"hokusai-benchmark-registry/1","benchmarks":[{"id":1}]}');
    expect(codeOf(() => new BenchmarkRegistry(bad))).toBe('HOKUSAI_BENCHMARK_STORE_CORRUPT');
    writeFileSync(bad, '{not json');
    expect(codeOf(() => new BenchmarkRegistry(bad))).toBe('HOKUSAI_BENCHMARK_STORE_CORRUPT');
    expect(existsSync(join(dir, 'missing.json'))).toBe(false);
    expect(new BenchmarkRegistry(join(dir, 'missing.json')).list()).toEqual([]);
  });
});
