import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { verifyRun } from '@hokusai/orchestrator';
import { renderReportHtml } from '../src/index.js';
import { hokusai, jsonResult, type CliResult } from './run-cli.js';

const run = promisify(execFile);
const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));



const inputs = (dir = example): string[] => ['--base', join(dir, 'base.csv'), '--contributed', join(dir, 'contributed.csv'), '--benchmark', join(dir, 'benchmark.csv'), '--target', 'churned'];

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await listFiles(path, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

describe('hokusai run and verify on the bundled example', () => {
  let work: string;
  let out: string;
  let first: CliResult;
  let home: string;
  let temp: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-cli-'));
    out = join(work, 'out');
    // Fresh home and temporary folders, to see whether the run writes anything there.
    home = join(work, 'home');
    temp = join(work, 'tmp');
    await Promise.all([mkdir(home), mkdir(temp)]);
    // The counting proof on all 1,000 rows; the inference proof, on by default, is left out here
    // (prove-inference.test.ts proves it on a small benchmark).
    first = await hokusai(['--json', 'run', ...inputs(), '--out', out, '--store', join(work, 'store'), '--exclude', 'customer_id', '--contributor', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', '--no-prove-inference'], { env: { HOME: home, TMPDIR: temp, ORT_DISABLE_TELEMETRY: undefined } });
  }, 600_000);

  it('writes nothing outside --out, the run store and the proving-key cache (no runtime telemetry)', async () => {
    expect(first.code).toBe(0);
    expect(await listFiles(home)).toEqual([]);
    expect(await listFiles(temp)).toEqual([]);
  });

  it('accepts the contribution and reports both models and the delta', () => {
    expect(first.stderr).not.toMatch(/HOKUSAI_[A-Z_]+:/);
    expect(first.code).toBe(0);
    const result = jsonResult<{ accepted: boolean; deltaOne: number; metrics: { name: string; baseline: number; new: number }[] }>(first.stdout);
    expect(result.accepted).toBe(true);
    const accuracy = result.metrics.find((m) => m.name === 'accuracy');
    expect(accuracy?.new).toBeGreaterThan(accuracy?.baseline ?? 1);
    expect(result.deltaOne).toBeCloseTo(((accuracy?.new ?? 0) - (accuracy?.baseline ?? 0)) * 100, 9);
  });

  it('reports metrics that agree with values computed by hand from predictions.json', async () => {
    const predictions = JSON.parse(await readFile(join(out, 'predictions.json'), 'utf8')) as { labels: number[]; new_scores: number[]; baseline_scores: number[]; threshold: number };
    const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { results: { new_metrics: Record<string, number>; baseline_metrics: Record<string, number> } } };
    for (const [role, scores] of [['new', predictions.new_scores], ['baseline', predictions.baseline_scores]] as const) {
      let tp = 0;
      let fp = 0;
      let tn = 0;
      let fn = 0;
      predictions.labels.forEach((y, i) => {
        const p = (scores[i] as number) >= predictions.threshold ? 1 : 0;
        if (p === 1 && y === 1) tp++;
        else if (p === 1) fp++;
        else if (y === 1) fn++;
        else tn++;
      });
      const precision = tp / (tp + fp);
      const recall = tp / (tp + fn);
      // AUROC by its definition: the share of (positive, negative) pairs ranked correctly, ties half.
      const pos = scores.filter((_, i) => predictions.labels[i] === 1);
      const neg = scores.filter((_, i) => predictions.labels[i] === 0);
      let wins = 0;
      for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
      const metrics = attestation.body.results[`${role}_metrics`];
      expect(metrics.accuracy).toBeCloseTo((tp + tn) / predictions.labels.length, 12);
      expect(metrics.precision).toBeCloseTo(precision, 12);
      expect(metrics.recall).toBeCloseTo(recall, 12);
      expect(metrics.f1).toBeCloseTo((2 * precision * recall) / (precision + recall), 12);
      expect(metrics.auroc).toBeCloseTo(wins / (pos.length * neg.length), 12);
    }
  });

  it('writes zk_output_v1.json with a Groth16 proof and the contributor address checksummed', async () => {
    const zk = JSON.parse(await readFile(join(out, 'zk_output_v1.json'), 'utf8')) as { contributor_info: { wallet_address: string }; attestation: { proof_system: string; hash_tree_root: string } };
    const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { merkle_root: string };
    expect(zk.contributor_info.wallet_address).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    expect(zk.attestation.proof_system).toBe('groth16');
    expect(zk.attestation.hash_tree_root).toBe(attestation.merkle_root);
  });

  it('verifies the untouched folder, which without an inference proof of its linear models needs --allow-unproven-inference', async () => {
    const expected = await hokusai(['verify', out]);
    expect(expected.stdout).toMatch(/FAIL +inference proof expected — no inference_proof\.json: the models' predictions are not proven; both models are linear and the counts are proven, so the inference proof is expected \(--allow-unproven-inference accepts the folder without it\)/);
    expect(expected.stdout).toMatch(/NOT verified: 1 check\(s\) failed/);
    expect(expected.code).toBe(1);
    const verified = await hokusai(['verify', out, '--allow-unproven-inference']);
    expect(verified.stdout).toMatch(/ok +inference proof — inference not proven/);
    expect(verified.stdout).toMatch(/Verified: every check passed for .* \(proven: the correct counts; not proven: that the models give the committed predictions\)\./);
    expect(verified.code).toBe(0);
  });

  it('re-runs both models on the benchmark with --benchmark, and --strict refuses the development setup', async () => {
    const rerun = await hokusai(['verify', out, '--benchmark', join(example, 'benchmark.csv'), '--require-proof', '--allow-unproven-inference']);
    expect(rerun.stdout).toMatch(/ok +benchmark re-run — both models re-run on 1000 rows/);
    expect(rerun.code).toBe(0);
    const strict = await hokusai(['verify', out, '--strict', '--allow-unproven-inference']);
    expect(strict.stdout).toMatch(/FAIL +trusted setup — --strict: WARNING INSECURE development key/);
    expect(strict.code).toBe(1);
  });

  it('checks the proof against a verification key the verifier trusts, when given one', async () => {
    const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { predictions: { setup: { key: { verification_key_sha256: string } } } } };
    const trusted = await hokusai(['verify', out, '--trusted-vkey', attestation.body.predictions.setup.key.verification_key_sha256, '--allow-unproven-inference']);
    expect(trusted.code).toBe(0);
    const other = await hokusai(['verify', out, '--trusted-vkey', 'f'.repeat(64), '--allow-unproven-inference']);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/FAIL +verification key hash/);
  });

  it('fails verification when any byte of any attested output changes', async () => {
    // Logs (the run's events, the tracking journal) hold times and are not attested; nor is the
    // .hokusai-output marker, which only tells --overwrite that the folder is Hokusai's.
    const files = (await listFiles(out)).filter((f) => !f.startsWith('tracking/') && !f.startsWith('logs/') && f !== '.hokusai-output');
    expect(files).toEqual(expect.arrayContaining(['attestation.json', 'model.onnx', 'baseline.onnx', 'predictions.json', 'report.json', 'report.html']));
    for (const file of files) {
      const path = join(out, file);
      const original = await readFile(path);
      const tampered = Buffer.from(original);
      const at = Math.floor(tampered.length / 2);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      await writeFile(path, tampered);
      try {
        // In-process: the same checks as `hokusai verify`, without paying start-up per file.
        const verified = await verifyRun(out, { renderReport: renderReportHtml, allowUnprovenInference: true });
        expect(verified.ok, `changing a byte of ${file} must fail verification`).toBe(false);
      } finally {
        await writeFile(path, original);
      }
    }
    expect((await hokusai(['verify', out, '--allow-unproven-inference'])).code).toBe(0);
  }, 300_000);

  it('gives a byte-identical attestation body for the same inputs', async () => {
    const again = join(work, 'again');
    const second = await hokusai(['run', ...inputs(), '--out', again, '--store', join(work, 'store2'), '--exclude', 'customer_id', '--no-proof']);
    expect(second.code).toBe(0);
    const third = join(work, 'third');
    expect((await hokusai(['run', ...inputs(), '--out', third, '--store', join(work, 'store3'), '--exclude', 'customer_id', '--no-proof'])).code).toBe(0);
    const body = async (dir: string): Promise<string> => JSON.stringify((JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as { body: unknown }).body);
    expect(await body(again)).toBe(await body(third));
    expect(await readFile(join(again, 'model.onnx'))).toEqual(await readFile(join(third, 'model.onnx')));
    // A folder without a proof passes every check and proves nothing: verify says so in its last line.
    const unproven = await hokusai(['verify', again]);
    expect(unproven.code).toBe(0);
    expect(unproven.stdout).toMatch(/ok +inference proof — inference not proven \(no inference_proof\.json\): nor are the counts/);
    expect(unproven.stdout).toMatch(/Verified WITHOUT A PROOF: every check passed for .*, but no Groth16 proof covers it/);
    expect((await hokusai(['verify', again, '--require-proof'])).code).toBe(1);
  }, 300_000);
});

describe('hokusai run rejects bad input with a clear error and writes nothing', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-bad-'));
  });

  const expectRejected = async (args: string[], pattern: RegExp): Promise<void> => {
    const out = join(work, `out-${Math.abs(hash(args.join(' ')))}`);
    const result = await hokusai(['run', ...args, '--out', out, '--store', join(work, 'store'), '--no-proof']);
    expect(result.stderr).toMatch(pattern);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(work)).filter((f) => f.startsWith('out-'))).toEqual([]);
  };

  it('a missing target column', async () => {
    await expectRejected([...inputs().slice(0, 6), '--target', 'no_such_column'], /no_such_column/);
  });

  it('an empty file', async () => {
    const empty = join(work, 'empty.csv');
    await writeFile(empty, '');
    await expectRejected(['--base', empty, ...inputs().slice(2)], /empty\.csv/);
  });

  it('a file that is not CSV', async () => {
    const binary = join(work, 'binary.csv');
    await writeFile(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02, 0x00, 0x00]));
    await expectRejected([...inputs().slice(0, 2), '--contributed', binary, ...inputs().slice(4)], /binary\.csv/);
  });

  it('a target that is not binary', async () => {
    const dir = join(work, 'multi');
    await run('mkdir', ['-p', dir]);
    for (const f of ['base.csv', 'contributed.csv', 'benchmark.csv']) await copyFile(join(example, f), join(dir, f));
    await expectRejected([...inputs(dir).slice(0, 6), '--target', 'region'], /region/);
  });

  it('with --json, the error is one JSON document on stdout', async () => {
    const out = join(work, 'out-json');
    const result = await hokusai(['--json', 'run', ...inputs().slice(0, 6), '--target', 'nope', '--out', out, '--store', join(work, 'store'), '--no-proof']);
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout) as { error: { code: string; message: string }; exitCode: number };
    expect(doc.error.code).toMatch(/^HOKUSAI_TARGET/);
    expect(doc.exitCode).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a contribution below the DeltaOne threshold runs, is rejected with the reason, and exits 1', async () => {
    const config = join(work, 'strict.json');
    await writeFile(config, JSON.stringify({ delta: { thresholdPp: 50 } }));
    const out = join(work, 'rejected');
    const result = await hokusai(['--json', 'run', '--config', config, ...inputs(), '--out', out, '--store', join(work, 'store'), '--no-proof']);
    expect(result.code).toBe(1);
    const doc = jsonResult<{ accepted: boolean; reasons: { code: string }[] }>(result.stdout);
    expect(doc.accepted).toBe(false);
    expect(doc.reasons.map((r) => r.code)).toContain('BELOW_THRESHOLD');
    expect(existsSync(join(out, 'attestation.json'))).toBe(true);
    await rm(out, { recursive: true });
  });

  it('an unknown key in a config file, naming the key and the file', async () => {
    const config = join(work, 'bad.json');
    await writeFile(config, JSON.stringify({ target: 'churned', sed: 3 }));
    await expectRejected(['--config', config, ...inputs().slice(0, 6)], /bad\.json.*sed|sed.*bad\.json/);
  });
});

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
