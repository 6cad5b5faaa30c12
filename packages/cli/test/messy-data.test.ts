import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReportDocumentSchema } from '@hokusai/orchestrator/report-schema';
import { hokusai } from './run-cli.js';

// An id column, a date column, category typos (Basic/Basci, Premium/PREMIUM, Pro/"Pro "), N/A
// cells, an e-mail column, and a contribution with its labels in lower case (make_messy.py).
const messy = (name: string): string => fileURLToPath(new URL(`./fixtures/messy/${name}`, import.meta.url));
const EMAIL = /user[bct]\d+@example\.com/;

describe('hokusai on messy data', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-messy-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });
  const inputs = (contributed = 'contributed.csv'): string[] => ['--base', messy('base.csv'), '--contributed', messy(contributed), '--benchmark', messy('benchmark.csv'), '--target', 'churned', '--no-proof', '--store', join(work, 'store')];

  it('run shows the feature plan before training and keeps it in report.json; --positive-class picks the positive label', async () => {
    const out = join(work, 'run');
    const result = await hokusai(['run', ...inputs(), '--out', out]);
    expect(result.code, result.stderr).toBeLessThan(2);
    const plan = result.stderr.slice(result.stderr.indexOf('Feature plan'));
    expect(result.stderr.indexOf('Feature plan')).toBeGreaterThan(-1);
    // Shown before any model is trained.
    expect(result.stderr.indexOf('Feature plan')).toBeLessThan(result.stderr.indexOf('train_baseline'));
    expect(plan).toMatch(/customer_id\s+text\s+excluded \(identifier\)\n\s+! id-like: 600 distinct values in 600 rows: looks like an identifier/);
    expect(plan).toMatch(/signup_date\s+date\s+date → year, month, day of week, days since epoch\n\s+! date:/);
    expect(plan).toMatch(/plan\s+text\s+one-hot, 6 levels\n\s+! near-duplicate-values: .*"Pro" \/ "Pro " \(whitespace\).*"Premium" \/ "PREMIUM" \(case\).*"Basic" \/ "Basci" \(typo\)/);
    expect(plan).toMatch(/monthly_spend\s+number\s+standardized \(missing → mean\)/);
    expect(plan).toMatch(/email\s+unknown\s+excluded \(PII\)/);
    expect(plan).toMatch(/positive class: "Yes" of "No", "Yes" \(the later label in sort order\); .*--positive-class "No"/);
    expect(result.stdout + result.stderr).not.toMatch(EMAIL);
    const report = ReportDocumentSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(report.feature_plan?.columns.find((c) => c.name === 'signup_date')?.treatment).toEqual({ kind: 'date-parts', parts: ['year', 'month', 'day_of_week', 'days_since_epoch'], imputation: 'mean' });
    expect(report.feature_plan?.positive_class?.value).toBe('Yes');
    // report.html shows the same plan: roles, reasons, warnings and the positive class, values escaped.
    const html = await readFile(join(out, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<section id="feature-plan"'), html.indexOf('</section>', html.indexOf('<section id="feature-plan"')));
    expect(section).toMatch(/<tr data-column="customer_id" data-role="excluded"[^>]*>.*looks like an identifier.*<li data-code="id-like">/);
    expect(section).toMatch(/<tr data-column="signup_date" data-role="feature"[^>]*>.*date → year, month, day of week, days since epoch.*<li data-code="date">/);
    expect(section).toContain('&#34;Basic&#34; / &#34;Basci&#34; (typo)');
    expect(section).toMatch(/<tr data-column="email" data-role="excluded"[^>]*>.*PII · excluded/);
    expect(section).toMatch(/Positive class:.*<code>&#34;Yes&#34;<\/code> of <code>&#34;No&#34;<\/code>, <code>&#34;Yes&#34;<\/code> \(not chosen by anyone.*--positive-class &#34;No&#34;/);
    expect(html).not.toMatch(EMAIL);
    // The benchmark re-run scores both ONNX models with onnxruntime, dates fed as days since 1970-01-01.
    const verified = await hokusai(['verify', out, '--benchmark', messy('benchmark.csv')]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/benchmark re-run/);

    const flipped = await hokusai(['--json', 'run', ...inputs(), '--out', join(work, 'run-no'), '--positive-class', 'No']);
    expect(flipped.stderr).toMatch(/positive class: "No" of "Yes", "No" \(chosen in the config\)/);
    const predictions = JSON.parse(await readFile(join(work, 'run-no', 'predictions.json'), 'utf8')) as { positive_class: string };
    expect(predictions.positive_class).toBe('No');
  }, 120_000);

  it('run stops before training when a file writes the labels in another case, naming both label sets (exit 2)', async () => {
    const out = join(work, 'lowercase');
    const result = await hokusai(['run', ...inputs('contributed-lowercase.csv'), '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HOKUSAI_LABEL_SET_MISMATCH: .*contributed-lowercase\.csv.*base\.csv \(base\) has No, Yes; contributed-lowercase\.csv \(contributed\) has no, yes — the same labels in another case or spacing/);
    expect(result.stderr).not.toMatch(/train_baseline/);
    expect(existsSync(out)).toBe(false);
    const validate = await hokusai(['validate', messy('contributed-lowercase.csv'), '--target', 'churned', '--base', messy('base.csv')]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/HOKUSAI_LABEL_SET_MISMATCH: .*has No, Yes; .* has no, yes/);
  }, 60_000);

  it('validate reports near-duplicates, missing values, overlap and PII per file, and writes the same as an HTML page', async () => {
    const page = join(work, 'validate.html');
    const result = await hokusai(['validate', messy('contributed.csv'), '--target', 'churned', '--base', messy('base.csv'), '--benchmark', messy('benchmark.csv'), '--report', page]);
    expect(result.code, result.stderr).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/near-duplicates: plan: .*"Pro" \/ "Pro " \(whitespace\), "Premium" \/ "PREMIUM" \(case\), "Basic" \/ "Basci" \(typo\)/);
    expect(text).toMatch(/id-like: customer_id: 600 distinct values in 600 rows/);
    expect(text).toMatch(/missing values in contributed\.csv: monthly_spend 4 \(read as missing: .*N\/A/);
    expect(text).toMatch(/missing values in base\.csv: monthly_spend 19/);
    expect(text).toMatch(/overlap: +\d+ base rows also in the benchmark, \d+ benchmark rows also in the base/);
    expect(text).toMatch(/PII in contributed\.csv: 200 findings in email \(200 email\)/);
    expect(text).toMatch(/PII in base\.csv: 400 findings in email \(400 email\)/);
    expect(text).toMatch(/PII in benchmark\.csv: 206 findings/);
    expect(text).not.toMatch(EMAIL);
    const html = await readFile(page, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Ready to submit');
    expect(html).toContain('&#34;Basic&#34; / &#34;Basci&#34; (typo)');
    expect(html).toMatch(/<code>monthly_spend<\/code><\/td><td>4</);
    expect(html).not.toMatch(EMAIL);
    expect(html).not.toMatch(/<script|https?:\/\//);
  }, 60_000);

  it('validate --pii-mode fail exits 1 when PII is present and writes no --fix output', async () => {
    const fixed = join(work, 'fixed.csv');
    const result = await hokusai(['validate', messy('contributed.csv'), '--target', 'churned', '--pii-mode', 'fail', '--fix', '--out', fixed]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOT ready/);
    expect(result.stdout).toMatch(/email \(email, pii-mode fail: NOT ready\)/);
    expect(existsSync(fixed)).toBe(false);
  }, 60_000);
});
