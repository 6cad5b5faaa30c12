import type { Table } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAndKillWhen } from './fixtures/kill-child.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';
import { hokusaiHooks, ReportDocumentSchema, RunStore, hokusaiFlow, runState, resumePipeline, runPipeline, verifyRun, type PipelineConfigInput, type RunEvent } from '../src/index.js';

const config = (out: string, extra: Partial<PipelineConfigInput> = {}): PipelineConfigInput => quickstartConfig(out, { delta: { bootstrapResamples: 200 }, ...extra });

const body = async (dir: string): Promise<string> => JSON.stringify((JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as { body: unknown }).body);

describe('the Hokusai flow', () => {
  let work: string;
  let reference: string;
  let referenceRunId: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-flow-'));
    reference = join(work, 'reference');
    referenceRunId = (await runPipeline(config(reference), { store: join(work, 'store-ref') })).runId;
  }, 300_000);

  it('verifies its own output', async () => {
    const verification = await verifyRun(reference);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('attests the feature plan and keeps it in report.json, as the verifier rebuilds it', async () => {
    type Plan = { columns: { name: string; role: string; reason: string | null; treatment: { kind: string } | null }[]; positive_class: { value: unknown; chosen_by: string } };
    const attested = (JSON.parse(await readFile(join(reference, 'attestation.json'), 'utf8')) as { body: { results: { feature_plan: Plan } } }).body.results.feature_plan;
    const report = JSON.parse(await readFile(join(reference, 'report.json'), 'utf8')) as { feature_plan: Plan };
    expect(report.feature_plan).toEqual(attested);
    const byName = Object.fromEntries(attested.columns.map((c) => [c.name, c]));
    expect(byName['customer_id']).toMatchObject({ role: 'excluded', reason: 'config' });
    expect(byName['email']).toMatchObject({ role: 'excluded', reason: 'pii' });
    expect(byName['plan']).toMatchObject({ role: 'feature', treatment: { kind: 'one-hot' } });
    expect(byName['churned']).toMatchObject({ role: 'target' });
    expect(attested.positive_class).toMatchObject({ value: 1, chosen_by: 'sort order' });
  });

  it('puts the run context in report.json, from the attestation', async () => {
    const report = ReportDocumentSchema.parse(JSON.parse(await readFile(join(reference, 'report.json'), 'utf8')));
    const c = report.context;
    if (c === null) throw new Error('report.json has no context');
    expect(c).toMatchObject({ target: 'churned', seed: 42, models: { new: { family: 'logistic_regression' } }, proof: { system: 'none', covers: [] }, mlflow: null });
    for (const role of ['base', 'contributed', 'benchmark']) {
      const manifest = JSON.parse(await readFile(join(reference, 'manifests', `${role}.json`), 'utf8')) as { source_path: string; file_sha256: string; row_count: number };
      expect(c.inputs.find((i) => i.role === role), role).toEqual({ role, file_name: manifest.source_path, file_sha256: manifest.file_sha256, rows: manifest.row_count });
    }
    expect(c.acceptance_rule).toMatch(/^Accepted when DeltaOne ≥ 1 pp on accuracy, p < 0.05 .* n ≥ 100 benchmark rows/);
  });

  it('profiles every feature column and the new model\'s permutation importance in data_profile.json, without PII', async () => {
    const text = await readFile(join(reference, 'data_profile.json'), 'utf8');
    const profile = JSON.parse(text) as { drift: { statistic: string }; columns: { column: string; kind: string; psi: { contributed: number | null } }[]; importance: { repeats: number; rows: number; sampled: boolean; columns: { column: string; auroc_drop_pp: number }[] } };
    expect(profile.drift.statistic).toBe('psi');
    // email is PII and customer_id excluded: neither is profiled, and no address appears
    expect(profile.columns.map((c) => c.column).sort()).toEqual(['age', 'income', 'monthly_spend', 'plan', 'region', 'support_calls', 'tenure_months']);
    expect(text).not.toMatch(/@example\.(com|org)/);
    for (const c of profile.columns) expect(c.psi.contributed, c.column).toBeGreaterThanOrEqual(0);
    expect(profile.importance).toMatchObject({ repeats: 5, rows: 1000, sampled: false });
    expect(profile.importance.columns.map((c) => c.column).sort()).toEqual(['age', 'income', 'monthly_spend', 'plan', 'region', 'support_calls', 'tenure_months']);
    // report.json carries the same profile
    const report = JSON.parse(await readFile(join(reference, 'report.json'), 'utf8')) as { data_profile: unknown };
    expect(report.data_profile).toEqual(profile);
  });

  it('leaves an identifier it finds out of the model and of data_profile.json, with the metrics of excluding it by name', async () => {
    const out = join(work, 'no-exclude');
    await runPipeline(config(out, { exclude: [] }), { store: join(work, 'store-no-exclude') });
    type Report = { feature_plan: { rows: number; columns: { name: string; role: string; reason: string | null; distinct: number | null }[] }; baseline_metrics: unknown; new_metrics: unknown };
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const reference_ = JSON.parse(await readFile(join(reference, 'report.json'), 'utf8')) as Report;
    // Every customer_id is distinct in the merged rows: counted exactly, and told apart without coding its strings.
    expect(report.feature_plan.columns.find((c) => c.name === 'customer_id')).toMatchObject({ role: 'excluded', reason: 'identifier', distinct: report.feature_plan.rows });
    const profile = JSON.parse(await readFile(join(out, 'data_profile.json'), 'utf8')) as { columns: { column: string }[] };
    expect(profile.columns.map((c) => c.column).sort()).toEqual(['age', 'income', 'monthly_spend', 'plan', 'region', 'support_calls', 'tenure_months']);
    expect(report.new_metrics).toEqual(reference_.new_metrics);
    expect(report.baseline_metrics).toEqual(reference_.baseline_metrics);
  }, 120_000);

  it('gives the same attestation body on a fresh run without a PII key, as its data report says', async () => {
    expect(process.env.HOKUSAI_PII_KEY).toBeUndefined();
    const again = join(work, 'again');
    await runPipeline(config(again), { store: join(work, 'store-again') });
    expect(await body(again)).toBe(await body(reference));
    const report = JSON.parse(await readFile(join(again, 'data_report.json'), 'utf8')) as { pii: { key_source: string; key_note: string } };
    expect(report.pii.key_source).toBe('ephemeral');
    expect(report.pii.key_note).toMatch(/the outputs are the same on every run/);
  }, 120_000);

  it('keeps no PII or excluded column, raw or hashed, in the run store', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(join(work, 'store-ref'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const stored = Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
    const inputs = await Promise.all(['base.csv', 'contributed.csv', 'benchmark.csv'].map((f) => readFile(join(QUICKSTART, f), 'utf8')));
    const cells = inputs.flatMap((text) => text.trim().split('\n').slice(1).map((line) => line.split(',')));
    expect(cells.length).toBeGreaterThan(1000);
    for (const [id, email] of cells.slice(0, 200)) {
      expect(stored.includes(Buffer.from(email as string))).toBe(false);
      expect(stored.includes(Buffer.from(id as string))).toBe(false);
    }
    // The tables later steps read carry neither column, so not even a keyed hash of an e-mail is kept.
    const store = new RunStore(join(work, 'store-ref'));
    const integrate = (await store.readSteps(referenceRunId)).get('integrate');
    const output = store.readValue(integrate?.output as string) as Record<string, Table>;
    for (const name of ['base', 'merged', 'benchmark']) {
      const columns = output[name]?.schema.fields.map((f) => f.name);
      expect(columns).toContain('age');
      expect(columns).not.toContain('email');
      expect(columns).not.toContain('customer_id');
    }
  });

  it('resumes after a kill at every step boundary and ends with the same attestation body', async () => {
    const steps = hokusaiFlow({ config: {} as never, hooks: hokusaiHooks(), datasets: {} as never, pipelineVersion: '0' }).steps.map((s) => s.name);
    // The last step's boundary is the end of the flow: the output folder may not be written yet.
    for (const step of steps) {
      const store = join(work, `store-kill-${step}`);
      const out = join(work, `out-kill-${step}`);
      const { killed, runId } = await runAndKillWhen(config(out), store, (e) => e.type === 'step_finished' && e.step === step);
      expect(runId).toBe(referenceRunId);
      if (killed) {
        const records = await new RunStore(store).readSteps(referenceRunId);
        expect(records.get(step)?.status, `${step} was recorded before the kill`).toBe('finished');
        // Its record still says running; the process it names is gone.
        const record = await new RunStore(store).readRun(referenceRunId);
        expect([record.status, runState(record)]).toEqual(['running', 'interrupted']);
      }
      const events: RunEvent[] = [];
      await resumePipeline(referenceRunId, { store, overwrite: true, onEvent: (e) => events.push(e) });
      const ended = await new RunStore(store).readRun(referenceRunId);
      expect([runState(ended), ended.owner]).toEqual(['finished', undefined]);
      const reused = events.filter((e) => e.type === 'step_reused').map((e) => e.step);
      if (killed) expect(reused, `resume after ${step} reuses it`).toContain(step);
      expect(await body(out), `attestation after a kill at ${step}`).toBe(await body(reference));
    }
  }, 600_000);

  it('records hook identities in the run and lets a hook change what passes', async () => {
    const hooks = hokusaiHooks();
    const seen: string[] = [];
    hooks.register('pre_training', (options) => {
      seen.push(options.role);
      return { ...options, params: { ...options.params, l2: 10 } };
    }, 'strong-l2');
    const store = join(work, 'store-hooks');
    const out = join(work, 'out-hooks');
    const result = await runPipeline(config(out), { store, hooks });
    expect(seen.sort()).toEqual(['baseline', 'new']);
    const record = await new RunStore(store).readRun(result.runId);
    expect(record.hooks.map((h) => [h.event, h.name])).toEqual([['pre_training', 'strong-l2']]);
    // Heavier regularisation gives other models, hence another attestation body.
    expect(await body(out)).not.toBe(await body(reference));
  }, 300_000);

  it('searches hyperparameters on the base data and trains both models with the best ones', async () => {
    const out = join(work, 'out-search');
    const search = { strategy: 'grid' as const, space: { l2: { values: [0.0001, 1, 100] } }, metric: 'log_loss' as const };
    await runPipeline(config(out, { search }), { store: join(work, 'store-search') });
    const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { results: { training: { params: { l2: number }; search: { searched: boolean; trials: number; best: { params: { l2: number } } } } } } };
    const training = attestation.body.results.training;
    expect(training.search.searched).toBe(true);
    expect(training.search.trials).toBe(3);
    expect([0.0001, 1, 100]).toContain(training.params.l2);
    expect(training.params.l2).toBe(training.search.best.params.l2);
    // Both ONNX models record the same hyperparameters in their metadata.
    for (const file of ['model.onnx', 'baseline.onnx']) {
      const { loadOnnxModel } = await import('@hokusai/training');
      const model = await loadOnnxModel(new Uint8Array(await readFile(join(out, file))));
      expect(JSON.parse(model.metadata['hokusai.metadata'] as string).params.l2, file).toBe(training.params.l2);
      await model.close();
    }
  }, 300_000);

  it('leaves no output folder when a step fails', async () => {
    const out = join(work, 'out-bad');
    await expect(runPipeline(config(out, { target: 'no_such_column' }), { store: join(work, 'store-bad') })).rejects.toMatchObject({ code: expect.stringMatching(/^HOKUSAI_TARGET/) });
    expect(existsSync(out)).toBe(false);
  });
});
