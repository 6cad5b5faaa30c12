import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ReportDocumentSchema } from '@hokusai/orchestrator/report-schema';
import { camelCaseKeys } from '../src/json-result.js';
import { jsonResult } from './run-cli.js';
import type { Command } from 'commander';
import { buildProgram } from '../src/program.js';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

async function hokusai(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const EMAIL = /[a-z]+\.[a-z]+\d+@example\.com/;

describe('hokusai commands', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-cmd-'));
  });

  it('validate --fix writes hashed, deduplicated, decontaminated data and its manifest, with no raw PII anywhere', async () => {
    const out = join(work, 'clean.csv');
    const result = await hokusai(['--json', 'validate', join(example, 'contributed.csv'), '--target', 'churned', '--base', join(example, 'base.csv'), '--benchmark', join(example, 'benchmark.csv'), '--fix', '--out', out], { HOKUSAI_PII_KEY: 'test-key-0123456789abcdef' });
    expect(result.code).toBe(0);
    const doc = jsonResult<{ valid: boolean; rows: number; kept: number; report: { dedup: { withinContributed: number; alreadyInBase: number }; contamination: { removed: number } } }>(result.stdout);
    expect(doc.valid).toBe(true);
    expect(doc.rows).toBe(600);
    expect(doc.kept).toBe(600 - doc.report.dedup.withinContributed - doc.report.dedup.alreadyInBase - doc.report.contamination.removed);
    expect(doc.report.contamination.removed).toBeGreaterThan(0);
    const text = await readFile(out, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(doc.kept + 1);
    expect(text).not.toMatch(EMAIL);
    expect(result.stdout + result.stderr).not.toMatch(EMAIL);
    const manifest = JSON.parse(await readFile(`${out}.manifest.json`, 'utf8')) as { row_count: number };
    expect(manifest.row_count).toBe(doc.kept);
  });

  it('validate --base --benchmark reports the same duplicate and contamination counts as a run, on a contribution with planted, reformatted benchmark copies', async () => {
    // 40 benchmark rows copied with the contributor's own id and e-mail, numbers re-printed or rounded, text in upper case.
    const bench = (await readFile(join(example, 'benchmark.csv'), 'utf8')).trimEnd().split('\n');
    const header = (bench[0] as string).split(',');
    const at = (name: string): number => header.indexOf(name);
    const planted = bench.slice(1, 41).map((line, k) => {
      const f = line.split(',');
      f[at('customer_id')] = `X${900_000 + k}`;
      f[at('email')] = `someone${k}@mail.test`;
      if (k % 2 === 0) f[at('monthly_spend')] = Number(f[at('monthly_spend')]).toFixed(1);
      else f[at('income')] = Number(f[at('income')]).toExponential();
      if (k % 3 === 0) f[at('region')] = (f[at('region')] as string).toUpperCase();
      return f.join(',');
    });
    const contributed = join(work, 'planted.csv');
    await writeFile(contributed, `${(await readFile(join(example, 'contributed.csv'), 'utf8')).trimEnd()}\n${planted.join('\n')}\n`);
    const inputs = ['--base', join(example, 'base.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id'];
    const validated = await hokusai(['--json', 'validate', contributed, ...inputs]);
    expect(validated.code).toBe(0);
    const out = join(work, 'planted-out');
    const run = await hokusai(['--json', 'run', '--contributed', contributed, ...inputs, '--out', out, '--store', join(work, 'planted-store'), '--no-proof']);
    expect(run.code).toBe(0);
    type Counts = { dedup: Record<string, unknown>; contamination: { removed: number; exact: number; normalized: number } };
    const fromValidate = jsonResult<{ report: Counts }>(validated.stdout).report;
    // --json names fields in camelCase; data_report.json keeps the file format's snake_case.
    const fromRun = camelCaseKeys(JSON.parse(await readFile(join(out, 'data_report.json'), 'utf8'))) as Counts;
    const counts = (r: Counts): unknown => ({ dedup: r.dedup, removed: r.contamination.removed, exact: r.contamination.exact, normalized: r.contamination.normalized });
    expect(counts(fromValidate)).toEqual(counts(fromRun));
    // The 5 copies the example already holds, and all 40 planted ones.
    expect(fromRun.contamination.removed).toBe(45);
    expect(fromRun.contamination.normalized).toBeGreaterThanOrEqual(20);
    expect(validated.stdout).not.toMatch(/someone\d+@mail\.test/);
    // Given only the benchmark, validate finds the same copies (the benchmark tells ids apart).
    const benchOnly = await hokusai(['validate', contributed, '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned']);
    expect(benchOnly.stdout).toMatch(/contamination: {2}45 rows also in the benchmark \(\d+ exact, \d+ after normalization; always removed\)/);
  });

  it('odd contributed cells do not change the baseline: same baseline model with and without them, the cells reported as invalid', async () => {
    const lines = (await readFile(join(example, 'contributed.csv'), 'utf8')).trimEnd().split('\n');
    const header = (lines[0] as string).split(',');
    const bad = lines.map((line, k) => {
      if (k !== 3 && k !== 10) return line;
      const f = line.split(',');
      f[header.indexOf(k === 3 ? 'income' : 'age')] = k === 3 ? 'abc' : '1e400';
      return f.join(',');
    });
    const contributed = join(work, 'odd-cells.csv');
    await writeFile(contributed, `${bad.join('\n')}\n`);
    const args = ['--base', join(example, 'base.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id', '--no-proof'];
    const clean = await hokusai(['--json', 'run', '--contributed', join(example, 'contributed.csv'), ...args, '--out', join(work, 'odd-clean'), '--store', join(work, 'odd-store-1')]);
    const odd = await hokusai(['--json', 'run', '--contributed', contributed, ...args, '--out', join(work, 'odd-bad'), '--store', join(work, 'odd-store-2')]);
    expect([clean.code, odd.code]).toEqual([0, 0]);
    const bytes = async (dir: string): Promise<Buffer> => readFile(join(work, dir, 'baseline.onnx'));
    expect((await bytes('odd-bad')).equals(await bytes('odd-clean'))).toBe(true);
    const report = JSON.parse(await readFile(join(work, 'odd-bad', 'data_report.json'), 'utf8')) as { dtypes: Record<string, string>; invalid_values: { column: string; count: number; rows: number[] }[]; warnings: string[] };
    expect(report.dtypes).toMatchObject({ income: 'float', age: 'int' });
    expect(report.invalid_values).toEqual([
      { column: 'age', count: 1, rows: [10] },
      { column: 'income', count: 1, rows: [3] },
    ]);
    expect(report.warnings.join(' ')).toMatch(/'income'.*treated as missing/);
  });

  it('run refuses a benchmark inside the base (exit 2, typed error) unless the config allows it, and then flags the verdict', async () => {
    const args = ['--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', join(example, 'base.csv'), '--target', 'churned', '--exclude', 'customer_id', '--no-proof'];
    const refused = await hokusai(['run', ...args, '--out', join(work, 'bench-in-base'), '--store', join(work, 'bench-store')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/HOKUSAI_BENCHMARK_IN_BASE/);
    expect(refused.stderr).toMatch(/all 400 benchmark rows are also in the base/);
    const config = join(work, 'allow-in-base.json');
    await writeFile(config, JSON.stringify({ benchmarkChecks: { allowInBase: true } }));
    const allowed = await hokusai(['--json', 'run', '--config', config, ...args, '--out', join(work, 'bench-in-base-allowed'), '--store', join(work, 'bench-store')]);
    expect([0, 1]).toContain(allowed.code);
    const result = jsonResult<{ benchmarkCaveats: string[] }>(allowed.stdout);
    expect(result.benchmarkCaveats).toEqual([expect.stringMatching(/every benchmark row is also in the base data/)]);
    const reportJson = ReportDocumentSchema.parse(JSON.parse(await readFile(join(work, 'bench-in-base-allowed', 'report.json'), 'utf8')));
    expect(reportJson.data?.benchmark_caveats).toEqual(result.benchmarkCaveats);
    const attestation = await readFile(join(work, 'bench-in-base-allowed', 'attestation.json'), 'utf8');
    expect(attestation).toMatch(/"allow_in_base":\s*true/);
    expect(await readFile(join(work, 'bench-in-base-allowed', 'report.html'), 'utf8')).toMatch(/Benchmark caveat:<\/strong> every benchmark row is also in the base data/);
    const text = await hokusai(['run', '--config', config, ...args, '--out', join(work, 'bench-in-base-text'), '--store', join(work, 'bench-store')]);
    expect(text.stdout).toMatch(/CAVEAT: every benchmark row is also in the base data/);
  });

  it('validate exits 1 when the quality is below the threshold', async () => {
    const result = await hokusai(['validate', join(example, 'contributed.csv'), '--target', 'churned', '--quality-threshold', '0.999']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOT ready/);
  });

  it('registers a benchmark, lists it, and a run refuses it once its content changed', async () => {
    const registry = join(work, 'benchmarks.json');
    const reg = await hokusai(['--json', 'benchmark', 'register', join(example, 'benchmark.csv'), '--id', 'churn', '--bench-version', '1', '--target', 'churned', '--registry', registry]);
    expect(reg.code).toBe(0);
    const record = jsonResult<{ contentHash: string; rows: number }>(reg.stdout);
    expect(record.rows).toBe(1000);
    const list = await hokusai(['--json', 'benchmark', 'list', '--registry', registry]);
    expect(jsonResult<{ id: string }[]>(list.stdout).map((r) => r.id)).toEqual(['churn']);

    // The same rows with one label flipped: another content hash than the registered one.
    const original = await readFile(join(example, 'benchmark.csv'), 'utf8');
    const lines = original.split('\n');
    lines[1] = (lines[1] as string).replace(/,(\d)$/, (_, d: string) => `,${d === '1' ? '0' : '1'}`);
    const changed = join(work, 'benchmark.csv');
    await writeFile(changed, lines.join('\n'));
    const config = join(work, 'run.json');
    await writeFile(config, JSON.stringify({ benchmarkId: 'churn@1', benchmarkRegistry: registry }));
    const run = await hokusai(['--json', 'run', '--config', config, '--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', changed, '--target', 'churned', '--out', join(work, 'out'), '--store', join(work, 'store'), '--no-proof']);
    expect(run.code).toBe(1);
    const doc = jsonResult<{ accepted: boolean; reasons: { code: string }[] }>(run.stdout);
    expect(doc.accepted).toBe(false);
    expect(doc.reasons.map((r) => r.code)).toContain('BENCHMARK_HASH_MISMATCH');
  }, 120_000);

  it('config show prints the resolved config with the secret masked', async () => {
    const config = join(work, 'show.yaml');
    await writeFile(config, 'base: b.csv\ncontributed: c.csv\nbenchmark: t.csv\ntarget: churned\nout: o\n');
    const shown = await hokusai(['--json', 'config', 'show', '--config', config], { HOKUSAI_PII_KEY: 'super-secret-key-value-42' });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain('super-secret-key-value-42');
    const doc = jsonResult<{ config: { pii: { key: string }; target: string; base: string } }>(shown.stdout).config;
    expect(doc.pii.key).toBe('********');
    expect(doc.base).toBe(join(work, 'b.csv'));
    const invalid = await hokusai(['config', 'validate', config.replace('show.yaml', 'missing.yaml')]);
    expect(invalid.code).toBe(2);
  });

  it('every command and group has help with an example, and completion knows the commands', async () => {
    const { program } = buildProgram();
    const paths: string[] = [];
    const walk = (cmd: Command, path: string[]): void => {
      for (const sub of cmd.commands) {
        paths.push([...path, sub.name()].join(' '));
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(program, []);
    expect(paths).toEqual(expect.arrayContaining(['run', 'runs list', 'config keys', 'zk setup', 'serve keys create']));
    for (const path of ['', ...paths]) {
      let text = '';
      let cmd: Command = program;
      for (const word of path.split(' ').filter(Boolean)) cmd = cmd.commands.find((c) => c.name() === word) as Command;
      cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      cmd.outputHelp();
      expect(text, path || 'hokusai').toMatch(/\nExamples?:\n {2}(hokusai|source) /);
    }
    const completion = await hokusai(['completion', 'bash']);
    expect(completion.stdout).toContain('complete -F _hokusai hokusai');
    expect(completion.stdout).toMatch(/"run"\) words="[^"]*--contributed/);
  }, 120_000);
});
