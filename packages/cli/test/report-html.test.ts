import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixed, integer, pValue, signed } from '../src/report/number-format.js';
import { ReportRenderError } from '../src/report/report-error.js';
import { renderReportHtml } from '../src/report/render-html.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The report.json of a real pipeline run (churn data with an email column, 1,000 benchmark rows). */
interface Sample {
  run_id: string;
  verdict: {
    accepted: boolean;
    reasons: { code: string; message: string }[];
    rule?: string;
    comparison?: 'same recipe' | 'different recipe' | null;
    recipe?: { same: boolean; baseline: string; new: string; allow_different: boolean; detail: string } | null;
  };
  delta_one: number | null;
  primary_metric: string;
  metrics: Record<string, { baseline: number | null; new: number | null; delta_pp: number | null; ci: [number, number] | null; p_value: number | null; test: string }>;
  curves: Record<'baseline' | 'new', { roc: { fpr: number[]; tpr: number[] } | null; pr: { precision: number[]; recall: number[] } | null; calibration: unknown[] }>;
  strata: { column: string; min_stratum_size: number; strata: { key: string | null; n: number; small: boolean; metrics: Record<string, unknown> }[] }[];
  data: {
    columns: string[];
    pii: { columns: { column: string }[]; findings: { dataset: string; column: string; type: string; count: number }[]; findings_by_type: Record<string, number>; total_findings: number; [extra: string]: unknown };
    quality: { breakdown: Record<string, number> };
    [extra: string]: unknown;
  } | null;
  attestation: { merkle_root: string; body_sha256: string; verify_command: string };
  context: {
    target: string;
    seed: number;
    acceptance_rule: string;
    models: Record<'baseline' | 'new', { family: string; onnx_sha256: string }>;
    inputs: { role: string; file_name: string; file_sha256: string; rows: number }[];
    proof: { system: string; circuit: { name: string; rows_per_chunk: number; hash: string } | null; covers: string[]; does_not_cover: string[]; insecure_setup: boolean; setup_note: string | null };
    mlflow: { run_id: string; url: string } | null;
  } | null;
  data_profile: {
    drift: { moderate: number; major: number };
    columns: ({ column: string; kind: 'number'; rows?: Record<string, number>; psi: Record<'contributed' | 'benchmark', number | null>; missing_share: Record<string, number | null>; histogram: { edges: number[]; shares: Record<string, number[]> } | null } | {
      column: string;
      kind: 'category';
      rows?: Record<string, number>;
      psi: Record<'contributed' | 'benchmark', number | null>;
      missing_share: Record<string, number | null>;
      distinct: Record<string, number>;
      categories: { values: string[]; shares: Record<string, number[]> } | null;
      new_categories: Record<'contributed' | 'benchmark', { count: number; values: string[] | null }>;
    })[];
    importance: { repeats: number; rows: number; columns: { column: string; auroc_drop_pp: number | null; accuracy_drop_pp: number }[] } | null;
  } | null;
}

const SAMPLE_PATH = join(here, 'fixtures/report/sample-report.json');
const sample = (): Sample => JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as Sample;

/** The feature plan of a real `hokusai run` on fixtures/messy (id column, date column, category typos, e-mail column). */
interface PlanFixture {
  columns: { name: string; role: string; reason: string | null; warnings: { code: string; message: string; groups?: string[][] }[]; [extra: string]: unknown }[];
  positive_class: { value: string; classes: string[]; chosen_by: string; how_to_change: string } | null;
  [extra: string]: unknown;
}
const messyPlan = (): PlanFixture => JSON.parse(readFileSync(join(here, 'fixtures/report/messy-feature-plan.json'), 'utf8')) as PlanFixture;
const withPlan = (plan: PlanFixture = messyPlan()): Sample & { feature_plan: PlanFixture } => ({ ...sample(), feature_plan: plan });
/** The text of one table row of the feature plan, tags removed and entities kept. */
function planRow(html: string, column: string): string {
  const match = new RegExp(`<tr data-column="${column}"[^>]*>(.*?)</tr>`).exec(html);
  if (match === null) throw new Error(`no plan row for ${column}`);
  return (match[1] as string).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** Coordinate pairs in an SVG path of the form "Mx,y Lx,y ...". */
function pathPoints(d: string): number {
  return d.match(/-?\d+(\.\d+)?,-?\d+(\.\d+)?/g)?.length ?? 0;
}

function pathFor(html: string, series: string): string {
  const match = new RegExp(`data-series="${series}" data-points="(\\d+)" d="([^"]*)"`).exec(html);
  if (match === null) throw new Error(`no path for ${series}`);
  expect(Number(match[1])).toBe(pathPoints(match[2] as string));
  return match[2] as string;
}

describe('renderReportHtml', () => {
  it('shows every section with the figures of report.json', () => {
    const r = sample();
    const html = renderReportHtml(r);
    for (const id of ['verdict', 'delta-one', 'metrics', 'curves', 'chart-roc', 'chart-pr', 'chart-calibration', 'strata', 'quality', 'pii', 'rows', 'attestation']) {
      expect(html, id).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/id="verdict-text">.*Accepted<\/p>/);
    expect(html).toContain('+16.40');
    // every metric row, with its delta and its test
    for (const [name, m] of Object.entries(r.metrics)) {
      const row = new RegExp(`<tr class="[^"]*" data-metric="${name}">([\\s\\S]*?)</tr>`).exec(html);
      expect(row, name).not.toBeNull();
      expect(row?.[1]).toContain(signed(m.delta_pp, 2));
      expect(row?.[1]).toContain(fixed(m.baseline, 4));
      expect(row?.[1]).toContain(fixed(m.new, 4));
      expect(row?.[1]).toContain(pValue(m.p_value));
      if (m.ci !== null) expect(row?.[1]).toContain(`${signed(m.ci[0] * 100, 2)} to ${signed(m.ci[1] * 100, 2)}`);
    }
    expect(html).toContain('DeLong');
    expect(html).toContain('McNemar χ² (continuity-corrected) + bootstrap CI');
    // every stratum column and every stratum, with its size
    for (const col of r.strata) {
      expect(html).toContain(`data-column="${col.column}"`);
      for (const s of col.strata) expect(html).toMatch(new RegExp(`<th scope="row" class="stratum-key">${s.key ?? ''}[^<]*</th><td class="num">${integer(s.n)}</td>`));
    }
    for (const [component, score] of Object.entries(r.data?.quality.breakdown ?? {})) {
      expect(html, component).toMatch(new RegExp(`<td class="num">${fixed(score, 3)}</td>`));
    }
    expect(html).toContain('Completeness');
    expect(html).toContain('Label balance');
    // dedup and contamination ledger: 600 received, 12 + 6 duplicates and 5 contaminated rows removed, 577 kept
    expect(html).toMatch(/Received<\/th><td class="num">600</);
    expect(html).toMatch(/Duplicates within the contribution<\/th><td class="num">−12</);
    expect(html).toMatch(/Already in the base data<\/th><td class="num">−6</);
    expect(html).toMatch(/contamination\)<\/th><td class="num">−5</);
    expect(html).toMatch(/Kept<\/th><td class="num">577</);
    expect(html).toContain(r.attestation.merkle_root);
    expect(html).toContain(r.attestation.body_sha256);
    expect(html).toContain('hokusai verify &#60;this folder&#62;');
  });

  it('states the run context: target, model family, seed, input files with hashes, the rule and what the proof covers', () => {
    const r = sample();
    const c = r.context;
    if (c === null) throw new Error('sample lost its context');
    const html = renderReportHtml(r);
    expect(html).toContain(`<code id="context-target">churned</code>`);
    expect(html).toContain('<dd id="context-family">logistic_regression</dd>');
    expect(html).toContain('<dd id="context-seed">42</dd>');
    expect(html).toContain(`<dd id="acceptance-rule">${c.acceptance_rule.replace('<', '&#60;')}`);
    expect(c.acceptance_rule).toMatch(/^Accepted when DeltaOne ≥ 1 pp on accuracy, p < 0.05/);
    for (const i of c.inputs) expect(html).toMatch(new RegExp(`<tr data-role="${i.role}">.*<code>${i.file_name}</code></td><td class="num">${integer(i.rows)}</td><td><code class="hash">${i.file_sha256}</code>`));
    expect(html).toContain('What the proof covers: none');
    expect(html).toContain('Nothing is proved in zero knowledge for this run.');
    expect(html).toContain('and <code>hokusai verify</code> recomputes the figures');
    expect(html).not.toContain('id="insecure-setup"');
    expect(html).toContain('not logged to an MLflow server');
    // a report written before the context was recorded still renders and says so
    expect(renderReportHtml({ ...r, context: undefined })).toContain('report.json holds no run context');
  });

  it('warns of a development proving setup under the verdict, and lists what the proof does not cover', () => {
    const r = sample();
    if (r.context === null) throw new Error('sample lost its context');
    r.context.proof = {
      system: 'groth16',
      circuit: { name: 'hokusai_accuracy', rows_per_chunk: 1024, hash: 'f'.repeat(64) },
      covers: ["Both models' correct-prediction counts on the 1000 benchmark rows follow from the committed labels."],
      does_not_cover: ['That the committed predictions are what the ONNX models compute: `hokusai verify --benchmark <file>` re-runs both models.'],
      insecure_setup: true,
      setup_note: 'Local insecure powers of tau <made here>.',
    };
    const html = renderReportHtml(r);
    const verdict = /<section class="verdict[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(verdict).toContain('<p class="callout callout-warn" id="insecure-setup"><strong>Development proving setup:</strong>');
    expect(verdict).toContain('Local insecure powers of tau &#60;made here&#62;.');
    expect(html).toContain('What the proof covers: Groth16 (circuit <code>hokusai_accuracy</code>, 1,024 rows per chunk)');
    expect(html).toContain('<code>hokusai verify --benchmark &#60;file&#62;</code> re-runs both models.');
    r.context.proof.insecure_setup = false;
    expect(renderReportHtml(r)).not.toContain('id="insecure-setup"');
  });

  it('links the MLflow run, and only to a web address', () => {
    const r = sample();
    if (r.context === null) throw new Error('sample lost its context');
    r.context.mlflow = { run_id: 'abc123', url: 'http://127.0.0.1:5000/#/runs/abc123' };
    expect(renderReportHtml(r)).toContain('<a href="http://127.0.0.1:5000/#/runs/abc123" id="mlflow-link">');
    r.context.mlflow = { run_id: 'abc123', url: 'javascript:alert(1)//#/runs/abc123' };
    expect(() => renderReportHtml(r)).toThrow(/context.mlflow.url: must be an http\(s\) address/);
  });

  it('shows one card per metric when AUROC is the primary metric', () => {
    const r = sample();
    expect(renderReportHtml(r).match(/<span class="figure-label">AUROC<\/span>/g)).toHaveLength(1);
    r.primary_metric = 'auroc';
    const html = renderReportHtml(r);
    expect(html.match(/<span class="figure-label">AUROC<\/span>/g)).toHaveLength(1);
    expect(html).not.toContain('<span class="figure-label">Accuracy</span>');
  });

  it('profiles every column: PSI with its reading, distributions of all three tables, missing shares, new categories and importance', () => {
    const r = sample();
    const d = r.data_profile;
    if (d === null) throw new Error('sample lost its data profile');
    const html = renderReportHtml(r);
    expect(html).toContain('id="data-profile"');
    for (const c of d.columns) {
      const card = new RegExp(`<article class="profile" data-column="${c.column}" data-kind="${c.kind}">([\\s\\S]*?)</article>`).exec(html)?.[1];
      expect(card, c.column).toBeDefined();
      for (const role of ['contributed', 'benchmark'] as const) {
        const v = c.psi[role] as number;
        const reading = v > d.drift.major ? 'major shift' : v >= d.drift.moderate ? 'moderate shift' : 'no notable shift';
        expect(card, `${c.column} ${role}`).toContain(`PSI ${fixed(v, 3)} · ${reading}`);
      }
      expect(card).toContain(`base ${fixed((c.missing_share.base as number) * 100, 1)}%`);
      if (c.kind === 'number' && c.histogram !== null) {
        // one bar per non-empty bin and table
        const bars = (card?.match(/<rect class="ds-(base|contributed|benchmark)"/g) ?? []).length;
        const nonEmpty = ['base', 'contributed', 'benchmark'].flatMap((role) => c.histogram?.shares[role] ?? []).filter((x) => x > 0).length;
        expect(bars, c.column).toBe(nonEmpty);
      }
      if (c.kind === 'category' && c.categories !== null) {
        for (const value of c.categories.values) expect(card).toContain(`data-category="${value}"`);
      }
    }
    // the quickstart base has no east or west region: a major shift, and both named as new
    expect(html).toMatch(/data-column="region"[\s\S]*?Contributed PSI 4\.482 · major shift/);
    expect(html).toContain('<dt>New categories</dt><dd class="warn">Contributed: 2 (<code>east</code>, <code>west</code>); Benchmark: 2 (<code>east</code>, <code>west</code>)</dd>');
    // importance rows in the order of the profile (most important first)
    const order = [...html.matchAll(/<tr data-column="([^"]+)"><th scope="row"><code>/g)].map((m) => m[1]);
    expect(order).toEqual(d.importance?.columns.map((c) => c.column));
    expect(html).toContain(`shuffled ${d.importance?.repeats} times`);
    const top = d.importance?.columns[0];
    expect(html).toContain(`<td class="num">${fixed(top?.auroc_drop_pp ?? null, 2)} <small>`);
  });

  it('withholds category values it was not given, shows user values as text, and renders without a profile', () => {
    const r = sample();
    const d = r.data_profile;
    if (d === null) throw new Error('sample lost its data profile');
    d.columns.push({
      column: 'notes<i>',
      kind: 'category',
      rows: { base: 400, contributed: 577, benchmark: 1000 },
      psi: { contributed: 0.2, benchmark: null },
      missing_share: { base: 0.5, contributed: null, benchmark: 0 },
      distinct: { base: 40, contributed: 12, benchmark: 9 },
      categories: null,
      new_categories: { contributed: { count: 5, values: null }, benchmark: { count: 0, values: null } },
    });
    const plan = d.columns.find((c) => c.column === 'plan');
    if (plan?.kind !== 'category' || plan.categories === null) throw new Error('sample lost plan');
    plan.categories.values[0] = '<script>x</script>';
    const html = renderReportHtml(r);
    expect(html).not.toMatch(/<script>|<i>/);
    expect(html).toContain('data-column="notes&#60;i&#62;"');
    expect(html).toContain('Values withheld (free text or more than 30 distinct values): base 40, contributed 12, benchmark 9 distinct.');
    expect(html).toContain('Contributed PSI 0.200 · moderate shift');
    expect(html).toContain('Contributed: 5; Benchmark: none');
    expect(html).toContain('data-category="&#60;script&#62;x&#60;/script&#62;"');
    expect(renderReportHtml({ ...r, data_profile: null })).toContain('report.json holds no data profile for this run.');
  });

  it('draws both models on the ROC, precision-recall and calibration charts, one point per curve point', () => {
    const r = sample();
    const html = renderReportHtml(r);
    for (const model of ['baseline', 'new'] as const) {
      const c = r.curves[model];
      expect(pathPoints(pathFor(html, `chart-roc-${model}`))).toBe(c.roc?.fpr.length);
      expect(pathPoints(pathFor(html, `chart-pr-${model}`))).toBe(c.pr?.recall.length);
      expect(pathPoints(pathFor(html, `chart-calibration-${model}`))).toBe(c.calibration.length);
    }
    // ROC of the new model starts at the origin (bottom-left of the plot) and ends at (1, 1) (top-right)
    const d = pathFor(html, 'chart-roc-new');
    const first = /^M([\d.]+),([\d.]+)/.exec(d);
    const last = /L([\d.]+),([\d.]+)$/.exec(d);
    expect(Number(first?.[1])).toBeLessThan(Number(last?.[1]));
    expect(Number(first?.[2])).toBeGreaterThan(Number(last?.[2]));
    expect(html).toContain('New · AUROC 0.881');
    expect(html).toContain('Baseline · AUROC 0.699');
  });

  it('is a pure function of report.json: same bytes every time, whatever the clock, time zone or locale', () => {
    const r = sample();
    const first = renderReportHtml(r);
    expect(renderReportHtml(structuredClone(r))).toBe(first);
    // the built renderer in a process with another time zone and locale gives the same bytes
    const dist = pathToFileURL(join(packageDir, 'dist/report/render-html.js')).href;
    const script = `import { renderReportHtml } from ${JSON.stringify(dist)}; import { readFileSync } from 'node:fs'; process.stdout.write(renderReportHtml(JSON.parse(readFileSync(${JSON.stringify(SAMPLE_PATH)}, 'utf8'))));`;
    const elsewhere = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(elsewhere).toBe(first);
    expect(first).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it('changes when a figure changes', () => {
    const r = sample();
    const before = renderReportHtml(r);
    const m = r.metrics.auroc;
    if (m === undefined) throw new Error('sample lost auroc');
    m.delta_pp = 18.2;
    expect(renderReportHtml(r)).not.toBe(before);
  });

  it('shows names and values from user data as text, never as markup', () => {
    const r = sample();
    const evil = '<script>alert(1)</script>';
    const col = r.strata[0];
    if (col === undefined || col.strata[0] === undefined || r.data === null) throw new Error('sample lost its strata');
    col.column = evil;
    col.strata[0].key = '"><img src=x onerror=alert(2)>';
    r.data.pii.findings.push({ dataset: 'contributed', column: '<iframe src=//x>', type: 'email', count: 3 });
    r.run_id = 'run & <b>bold</b>';
    r.verdict = { accepted: false, reasons: [{ code: 'BELOW_THRESHOLD', message: 'DeltaOne < 1 pp & "quoted" <i>' }] };
    const custom = r.metrics.accuracy;
    if (custom === undefined) throw new Error('sample lost accuracy');
    r.metrics['<svg onload=alert(3)>'] = { ...custom, test: 'none: <u>no test</u>' };
    const html = renderReportHtml(r);
    expect(html).not.toMatch(/<script|<img|<iframe|<svg onload|<b>bold|<i>|<u>/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(2)&#62;');
    expect(html).toContain('&#60;iframe src=//x&#62;');
    expect(html).toContain('run &#38; &#60;b&#62;bold&#60;/b&#62;');
    expect(html).toContain('DeltaOne &#60; 1 pp &#38; &#34;quoted&#34; &#60;i&#62;');
    expect(html).toContain('&#60;svg onload=alert(3)&#62;');
    expect(html).toContain('&#60;u&#62;no test&#60;/u&#62;');
    // the page holds no script at all and forbids loading one
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('shows PII as counts per type and column, never a value', () => {
    const r = sample();
    if (r.data === null) throw new Error('sample lost its data report');
    const emails = ['ada.lovelace@example.org', 'grace.hopper@example.com', 'alan@turing.example'];
    // a report that carried values anywhere outside the counted fields must not leak them
    r.data.pii.samples = emails;
    r.data.pii.findings.push({ dataset: 'contributed', column: 'notes', type: 'phone', count: 7 });
    r.data.pii.findings_by_type.phone = 7;
    r.data.pii.total_findings = 2007;
    r.data.pii.free_text_columns = ['notes'];
    r.data.examples = emails;
    // a stratum column configured on a PII column: its values are withheld
    r.strata.push({ column: 'email', min_stratum_size: 30, strata: emails.map((key) => ({ key, n: 5, positives: 2, small: true, metrics: {} })) });
    const html = renderReportHtml(r);
    for (const e of emails) expect(html).not.toContain(e);
    expect(html).not.toContain('@example');
    expect(html).toContain('<span class="masked">value 1 (PII, withheld)</span>');
    expect(html).toContain('<span class="chip-type">email</span><span class="chip-count">2,000</span>');
    expect(html).toContain('<span class="chip-type">phone</span><span class="chip-count">7</span>');
    expect(html).toContain('2,007');
    // per-dataset counts of the email column: base 400, contributed 600, benchmark 1,000
    expect(html).toMatch(/<code>email<\/code><\/th><td>email<\/td><td class="num">400<\/td><td class="num">600<\/td><td class="num">1,000<\/td>/);
    expect(html).toContain('an ephemeral random key was used');
  });

  it('flags small strata and greys changes whose interval includes zero', () => {
    const r = sample();
    const brier = r.metrics.brier;
    const col = r.strata[1];
    if (brier === undefined || col === undefined || col.strata[0] === undefined) throw new Error('sample lost brier or region strata');
    const before = renderReportHtml(r);
    expect(before).toMatch(/data-metric="brier">[\s\S]*?<td class="num delta good"[^>]*>−8\.50<\/td>/);
    brier.ci = [-0.02, 0.004];
    col.strata[0].small = true;
    const html = renderReportHtml(r);
    expect(html).toMatch(/data-metric="brier">[\s\S]*?<td class="num delta flat"[^>]*>−8\.50<\/td>/);
    expect(html).toMatch(/<tr class="small"><th scope="row" class="stratum-key">east <span class="badge badge-warn" title="fewer than 30 rows: noisy, not tested">small<\/span><\/th>/);
    // a worse stratum is red: AUROC of region=west fell by 0.45 pp
    expect(html).toMatch(/west<\/th>(<td[^>]*>[^<]*<\/td>){7}<td class="num delta bad"[^>]*>−0\.45<\/td>/);
  });

  it('explains a rejection with every reason in a red banner', () => {
    const r = sample();
    r.verdict = {
      accepted: false,
      reasons: [
        { code: 'BELOW_THRESHOLD', message: 'DeltaOne 0.40 is below the required 1.00 pp' },
        { code: 'NOT_SIGNIFICANT', message: 'p = 0.21 is above alpha 0.05' },
      ],
    };
    r.delta_one = 0.4;
    const html = renderReportHtml(r);
    expect(html).toContain('class="verdict verdict-rejected"');
    expect(html).toMatch(/id="verdict-text">.*Rejected<\/p>/);
    expect(html).toContain('<span class="reason-code">BELOW_THRESHOLD</span> DeltaOne 0.40 is below the required 1.00 pp');
    expect(html).toContain('<span class="reason-code">NOT_SIGNIFICANT</span> p = 0.21 is above alpha 0.05');
    expect(html).toContain('+0.40');
  });

  it('marks a different-recipe verdict on the verdict line and states the acceptance rule', () => {
    const r = sample();
    r.verdict = {
      accepted: false,
      reasons: [{ code: 'DIFFERENT_RECIPE', message: 'The baseline (unknown) and the new model (logistic_regression) were not trained with the same recipe.' }],
      rule: 'Accepted when DeltaOne is at least 1 & <b>significant</b>.',
      comparison: 'different recipe',
      recipe: { same: false, baseline: 'unknown', new: 'logistic_regression', allow_different: false, detail: 'the supplied baseline records no recipe.' },
    };
    const html = renderReportHtml(r);
    expect(html).toMatch(/id="verdict-text">.*Rejected <span class="verdict-recipe">· different recipe<\/span><\/p>/);
    expect(html).toContain('<p class="verdict-comparison" id="verdict-comparison"><strong>Different recipe</strong> (baseline unknown, new logistic_regression): the supplied baseline records no recipe.</p>');
    // the verdict states the rule in one line; the context section keeps the full wording
    expect(html).toContain(`<p class="verdict-rule" id="verdict-rule">Rule: ${r.context?.acceptance_rule.replace('<', '&#60;')}</p>`);
    expect(html).toContain('<span class="rule-full">In full: Accepted when DeltaOne is at least 1 &#38; &#60;b&#62;significant&#60;/b&#62;.</span>');
    expect(renderReportHtml({ ...r, context: null })).toContain('<p class="verdict-rule" id="verdict-rule">Rule: Accepted when DeltaOne is at least 1 &#38; &#60;b&#62;significant&#60;/b&#62;.</p>');
    r.verdict = { ...r.verdict, accepted: true, reasons: [], comparison: 'same recipe', recipe: { same: true, baseline: 'gbdt', new: 'gbdt', allow_different: false, detail: 'followed.' } };
    const same = renderReportHtml(r);
    expect(same).toMatch(/id="verdict-text">.*Accepted<\/p>/);
    expect(same).toContain('<strong>Same recipe</strong> (baseline gbdt, new gbdt)');
  });

  it('renders a one-class benchmark and a run without a data report, saying what is missing', () => {
    const r = sample();
    r.curves.baseline.roc = null;
    r.curves.new.roc = null;
    r.curves.baseline.pr = null;
    r.curves.new.pr = null;
    r.data = null;
    r.delta_one = null;
    const html = renderReportHtml(r);
    expect(html).not.toContain('data-series="chart-roc');
    expect(html).toContain('Not defined: the benchmark holds only one class.');
    expect(html).toContain('report.json holds no data report for this run.');
    expect(html).toContain('could not be computed');
    // report.json drops a missing data report altogether (canonical JSON has no undefined)
    const withoutKey: Record<string, unknown> = { ...r };
    delete withoutKey.data;
    expect(renderReportHtml(withoutKey)).toBe(html);
  });

  it('refuses a document that is not a report, naming the field', () => {
    const r = sample() as unknown as Record<string, unknown>;
    delete (r.verdict as Record<string, unknown>).accepted;
    expect(() => renderReportHtml(r)).toThrow(ReportRenderError);
    try {
      renderReportHtml(r);
    } catch (error) {
      expect((error as ReportRenderError).code).toBe('HOKUSAI_REPORT_INVALID');
      expect((error as Error).message).toContain('verdict.accepted');
    }
    expect(() => renderReportHtml({ ...sample(), format: 'hokusai.report/v2' })).toThrow(/format/);
    expect(() => renderReportHtml(null)).toThrow(ReportRenderError);
  });

  it('shows the feature plan: per column its type, role and why it is excluded, treatment, warnings, and the positive class with how to change it', () => {
    const html = renderReportHtml(withPlan());
    const section = html.slice(html.indexOf('<section id="feature-plan"'), html.indexOf('</section>', html.indexOf('<section id="feature-plan"')));
    expect(section).toContain('target <code>churned</code>, 600 rows, 4 feature columns making 12 model inputs, 3 columns with warnings');
    expect(planRow(section, 'customer_id')).toMatch(/^ customer_id text 600 distinct · 0 missing excluded looks like an identifier not used id-like 600 distinct values in 600 rows: looks like an identifier/);
    expect(planRow(section, 'signup_date')).toContain('date 527 distinct · 0 missing feature date → year, month, day of week, days since epoch; missing → mean date the model reads its year, month, day of week');
    expect(planRow(section, 'plan')).toContain('text 6 distinct · 0 missing feature one-hot, 6 levels near-duplicate values values that look like one value written differently become separate levels: &#34;Pro&#34; / &#34;Pro &#34; (whitespace), &#34;Premium&#34; / &#34;PREMIUM&#34; (case), &#34;Basic&#34; / &#34;Basci&#34; (typo)');
    expect(planRow(section, 'monthly_spend')).toContain('number 558 distinct · 23 missing feature standardized; missing → mean none');
    expect(planRow(section, 'churned')).toContain('target the label none');
    expect(planRow(section, 'email')).toContain('unknown PII · excluded personal data (PII) not used none');
    // Every column of the plan has its row, in the plan's order.
    expect([...section.matchAll(/<tr data-column="([^"]+)"/g)].map((m) => m[1])).toEqual(messyPlan().columns.map((c) => c.name));
    expect(section).toContain('<p class="callout callout-warn" id="positive-class"><strong>Positive class:</strong> <code>&#34;Yes&#34;</code> of <code>&#34;No&#34;</code>, <code>&#34;Yes&#34;</code> (not chosen by anyone: the later of the two labels in sort order).');
    expect(section).toContain('positiveClass in the config or --positive-class &#34;No&#34; makes the other label positive.');
    // Chosen in the config: said so, without the warning colour.
    const chosen = messyPlan();
    chosen.positive_class = { value: 'No', classes: ['Yes', 'No'], chosen_by: 'config', how_to_change: 'positiveClass in the config or --positive-class "Yes" makes the other label positive.' };
    expect(renderReportHtml(withPlan(chosen))).toContain('<p class="callout" id="positive-class"><strong>Positive class:</strong> <code>&#34;No&#34;</code> of <code>&#34;Yes&#34;</code>, <code>&#34;No&#34;</code> (chosen in the config).');
  });

  it('shows feature plan names, values and messages as text, and renders reports written before the plan was kept', () => {
    const plan = messyPlan();
    const hostile = '<img src=x onerror=alert(1)>';
    (plan.columns[0] as PlanFixture['columns'][number]).name = hostile;
    (plan.columns[2] as PlanFixture['columns'][number]).warnings[0] = { code: '<b>new-code</b>', message: `"${hostile}" / "Pro" (case)` };
    plan.positive_class = { value: '<script>x</script>', classes: ['a&b', '<script>x</script>'], chosen_by: 'sort order', how_to_change: '--positive-class "a&b"' };
    const html = renderReportHtml(withPlan(plan));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>new-code');
    expect(html).toContain('<tr data-column="&#60;img src=x onerror=alert(1)&#62;"');
    expect(html).toContain('<code>&#60;img src=x onerror=alert(1)&#62;</code>');
    expect(html).toContain('<li data-code="&#60;b&#62;new-code&#60;/b&#62;"><span class="plan-warning-code">&#60;b&#62;new-code&#60;/b&#62;</span> &#34;&#60;img src=x onerror=alert(1)&#62;&#34; / &#34;Pro&#34; (case)</li>');
    expect(html).toContain('<code>&#34;&#60;script&#62;x&#60;/script&#62;&#34;</code> of <code>&#34;a&#38;b&#34;</code>');
    // Older report.json: no plan, and the section says so instead of failing.
    const older = renderReportHtml(sample());
    expect(older).toContain('<section id="feature-plan" class="card"><h2>Feature plan</h2><p class="empty">report.json holds no feature plan (written before it was recorded).</p></section>');
    expect(renderReportHtml({ ...sample(), feature_plan: null })).toBe(older);
    // A plan that is not one is refused by name, like every other part of report.json.
    expect(() => renderReportHtml({ ...sample(), feature_plan: { target: 'churned' } })).toThrow(/feature_plan\.rows/);
  });

  it('formats numbers the same way on every machine', () => {
    expect(signed(-0.0001, 2)).toBe('0.00');
    expect(signed(0.004, 2)).toBe('0.00');
    expect(signed(-8.496, 2)).toBe('−8.50');
    expect(signed(16.400000000000002, 2)).toBe('+16.40');
    expect(fixed(-0.00004, 4)).toBe('0.0000');
    expect(integer(1234567)).toBe('1,234,567');
    expect(integer(999)).toBe('999');
    expect(pValue(0.001998001998001998)).toBe('0.002');
    expect(pValue(0.05)).toBe('0.050');
    expect(pValue(7.625623347441096e-22)).toBe('7.6&thinsp;×&thinsp;10<sup>−22</sup>');
    expect(pValue(null)).toContain('n/a');
  });
});

describe('report.html in Chromium', () => {
  let context: BrowserContext | undefined;
  let work = '';
  let userData = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser test`);
    work = mkdtempSync(join(tmpdir(), 'hokusai-report-'));
    userData = mkdtempSync(join(tmpdir(), 'hokusai-chromium-'));
    context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    if (work !== '') rmSync(work, { recursive: true, force: true });
    if (userData !== '') rmSync(userData, { recursive: true, force: true });
  });

  async function open(html: string, name: string, width: number) {
    if (context === undefined) throw new Error('browser did not start');
    const file = join(work, name);
    writeFileSync(file, html);
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (req) => requests.push(req.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, url };
  }

  it('renders without console errors, shows the verdict and draws both curves on both charts', async () => {
    const r = sample();
    const { page, problems, requests, url } = await open(renderReportHtml(r), 'report.html', 1280);
    expect(problems).toEqual([]);
    // self-contained: the page itself is the only thing loaded
    expect(requests).toEqual([url]);
    const verdict = page.locator('#verdict-text');
    await expect.poll(() => verdict.isVisible()).toBe(true);
    expect((await verdict.innerText()).trim()).toMatch(/Accepted$/);
    expect(await page.locator('#delta-one .deltaone-value').innerText()).toBe('+16.40');
    for (const chart of ['roc', 'pr'] as const) {
      for (const model of ['baseline', 'new'] as const) {
        const path = page.locator(`path[data-series="chart-${chart}-${model}"]`);
        expect(await path.isVisible()).toBe(true);
        const drawn = await path.evaluate((el) => {
          const p = el as SVGPathElement;
          const box = p.getBBox();
          return { length: p.getTotalLength(), width: box.width, height: box.height, d: p.getAttribute('d') ?? '', stroke: getComputedStyle(p).stroke };
        });
        const curve = r.curves[model][chart];
        const expected = curve === null ? 0 : 'fpr' in curve ? curve.fpr.length : curve.recall.length;
        expect(pathPoints(drawn.d), `${chart} ${model}`).toBe(expected);
        expect(drawn.length).toBeGreaterThan(100);
        expect(drawn.width).toBeGreaterThan(100);
        expect(drawn.height).toBeGreaterThan(30);
        expect(drawn.stroke).not.toBe('none');
      }
      // the two models are told apart: different stroke colours
      const strokes = await page.locator(`#chart-${chart} path.series`).evaluateAll((els) => els.map((el) => getComputedStyle(el).stroke));
      expect(new Set(strokes).size).toBe(2);
    }
    // nothing spills sideways on a desktop screen
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    const artifacts = join(packageDir, '.artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    await page.close();
  });

  it('shows every metric row with its Δ, CI and p-value in view at 1280 and 390 px, with no sideways scrolling on a phone', async () => {
    const html = renderReportHtml(sample());
    const metricCount = Object.keys(sample().metrics).length;
    for (const width of [1280, 390]) {
      const { page, problems } = await open(html, `report-${width}.html`, width);
      expect(problems).toEqual([]);
      const layout = await page.evaluate(() => {
        const scroller = document.scrollingElement as Element;
        const cells = Array.from(document.querySelectorAll('table.metrics tbody tr')).map((row) => {
          const box = (selector: string) => {
            const cell = row.querySelector(selector) as HTMLElement;
            const r = cell.getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width, height: r.height, label: getComputedStyle(cell, '::before').content };
          };
          return { delta: box('td.delta'), ci: box('td.ci-text'), p: box('td.p-value') };
        });
        const wrap = document.querySelector('#metrics .table-wrap') as HTMLElement;
        return { scrollWidth: scroller.scrollWidth, viewport: window.innerWidth, wrapOverflow: wrap.scrollWidth - wrap.clientWidth, cells };
      });
      expect(layout.viewport).toBe(width);
      expect(layout.scrollWidth, `page width at ${width} px`).toBeLessThanOrEqual(width);
      // the table itself does not scroll sideways either: nothing is hidden in its wrapper
      expect(layout.wrapOverflow, `table overflow at ${width} px`).toBeLessThanOrEqual(0);
      expect(layout.cells).toHaveLength(metricCount);
      for (const row of layout.cells) {
        for (const [name, cell] of Object.entries(row)) {
          expect(cell.width, name).toBeGreaterThan(0);
          expect(cell.height, name).toBeGreaterThan(0);
          expect(cell.left, `${name} at ${width} px`).toBeGreaterThanOrEqual(0);
          expect(cell.right, `${name} at ${width} px`).toBeLessThanOrEqual(width);
        }
      }
      if (width === 390) {
        // stacked: each value is labelled by its column's name
        expect(layout.cells[0]?.ci.label).toBe('"95% CI (pp)"');
        expect(layout.cells[0]?.p.label).toBe('"p-value"');
        expect(layout.cells[0]?.delta.label).toBe('"Δ (pp)"');
      }
      await page.screenshot({ path: join(packageDir, '.artifacts', `report-${width}.png`), fullPage: true });
      await page.close();
    }
  });

  it('fits the feature plan on a phone: each column stacks with labelled cells, warnings and the positive class in view', async () => {
    const html = renderReportHtml(withPlan());
    for (const width of [1280, 390]) {
      const { page, problems } = await open(html, `plan-${width}.html`, width);
      expect(problems).toEqual([]);
      const layout = await page.evaluate(() => {
        const section = document.querySelector('#feature-plan') as HTMLElement;
        const wrap = section.querySelector('.table-wrap') as HTMLElement;
        const rows = Array.from(section.querySelectorAll('table.plan tbody tr')).map((row) => ({
          name: (row.querySelector('th') as HTMLElement).innerText,
          cells: Array.from(row.querySelectorAll('th, td')).map((cell) => {
            const r = cell.getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width, height: r.height, label: getComputedStyle(cell, '::before').content, text: (cell as HTMLElement).innerText };
          }),
        }));
        const positive = (section.querySelector('#positive-class') as HTMLElement).getBoundingClientRect();
        return { scrollWidth: document.documentElement.scrollWidth, wrapOverflow: wrap.scrollWidth - wrap.clientWidth, sectionOverflow: section.scrollWidth - section.clientWidth, rows, positive: { left: positive.left, right: positive.right } };
      });
      expect(layout.scrollWidth, `page width at ${width} px`).toBeLessThanOrEqual(width);
      expect(layout.wrapOverflow, `plan table overflow at ${width} px`).toBeLessThanOrEqual(0);
      expect(layout.sectionOverflow, `plan section overflow at ${width} px`).toBeLessThanOrEqual(0);
      expect(layout.rows.map((r) => r.name)).toEqual(messyPlan().columns.map((c) => c.name));
      for (const row of layout.rows) {
        for (const cell of row.cells) {
          expect(cell.width, row.name).toBeGreaterThan(0);
          expect(cell.height, row.name).toBeGreaterThan(0);
          expect(cell.left, `${row.name} at ${width} px`).toBeGreaterThanOrEqual(0);
          expect(cell.right, `${row.name} at ${width} px`).toBeLessThanOrEqual(width);
        }
      }
      expect(layout.positive.right).toBeLessThanOrEqual(width);
      const planRowCells = layout.rows.find((r) => r.name === 'plan')?.cells ?? [];
      expect(planRowCells[4]?.text).toContain('"Basic" / "Basci" (typo)');
      if (width === 390) {
        // stacked: each value is labelled by its column's name, as in the metric table
        expect(planRowCells.slice(1).map((c) => c.label)).toEqual(['"Type"', '"Role"', '"Treatment"', '"Warnings"']);
        // the warnings take the full width of the card, not a narrow column
        expect(planRowCells[4]?.width).toBeGreaterThan(300);
      } else {
        expect(planRowCells[1]?.label).toBe('none');
      }
      await page.locator('#feature-plan').screenshot({ path: join(packageDir, '.artifacts', `report-plan-${width}.png`) });
      await page.close();
    }
  });

  it('fits a phone screen and shows a rejection', async () => {
    const r = sample();
    r.verdict = {
      accepted: false,
      reasons: [
        { code: 'NOT_SIGNIFICANT', message: 'the improvement is not significant at alpha 0.05' },
        // A real reason of a run on fixtures/messy: the test's name is one long word.
        { code: 'NOT_SIGNIFICANT', message: 'p = 1.000 for accuracy (mcnemar_exact_binomial+newcombe_score_ci) is not below alpha = 0.05.' },
      ],
    };
    const { page, problems } = await open(renderReportHtml(r), 'rejected.html', 390);
    expect(problems).toEqual([]);
    expect((await page.locator('#verdict-text').innerText()).trim()).toMatch(/Rejected$/);
    expect(await page.locator('.reasons li').first().innerText()).toContain('not significant');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: join(packageDir, '.artifacts', 'report-phone-rejected.png'), fullPage: true });
    await page.close();
  });
});
