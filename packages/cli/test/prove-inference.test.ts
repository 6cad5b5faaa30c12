import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../src/exit-codes.js';
import { hokusai, type CliResult } from './run-cli.js';

const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

// 30 benchmark rows (5 inference chunks), so the inference proof takes seconds. No flag: the
// inference of linear models is proven by default.
describe('hokusai run proves inference by default; verify expects it', () => {
  let work: string;
  let out: string;
  let run: CliResult;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-cli-inference-'));
    const benchmark = join(work, 'benchmark.csv');
    const lines = (await readFile(join(example, 'benchmark.csv'), 'utf8')).trim().split('\n');
    await writeFile(benchmark, `${lines.slice(0, 31).join('\n')}\n`);
    out = join(work, 'out');
    run = await hokusai(['run', '--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', benchmark, '--target', 'churned', '--exclude', 'customer_id', '--out', out, '--store', join(work, 'store')]);
  }, 600_000);

  it('shows --prove-inference and --no-prove-inference in run --help, and --allow-unproven-inference in verify --help', async () => {
    const help = (await hokusai(['run', '--help'])).stdout;
    expect(help).toMatch(/--prove-inference +require the inference proof/);
    expect(help).toMatch(/--no-prove-inference +do not prove the models' inference/);
    expect((await hokusai(['verify', '--help'])).stdout.replace(/\s+/g, ' ')).toMatch(/--allow-unproven-inference accept a folder with proven counts and two linear models but no inference proof/);
  });

  it('proves both models\' labels on every benchmark row, and verify accepts the folder without any flag', async () => {
    // 30 rows are too few for the contribution to be accepted: the run completes with a rejection.
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(EXIT.rejected);
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { status: string; counts: { rows: number } };
    expect(file).toMatchObject({ status: 'proven', counts: { rows: 30 } });
    const verified = await hokusai(['verify', out]);
    expect(verified.stdout).toMatch(/ok +inference proof expected — both models' labels proven on all 30 benchmark rows/);
    expect(verified.code).toBe(0);
    const required = await hokusai(['verify', out, '--require-inference']);
    expect(required.stdout).toMatch(/ok +inference proof required — both models' labels proven on all 30 benchmark rows/);
    expect(required.code).toBe(0);
  });
});
