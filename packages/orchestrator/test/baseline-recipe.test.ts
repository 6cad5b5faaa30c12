import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickstartConfig } from './fixtures/quickstart.js';
import { runPipeline, verifyRun, type PipelineConfigInput, type PipelineResult } from '../src/index.js';

/** A quick GBDT: a different family from the configured logistic regression. */
const GBDT = { family: 'gbdt', params: { nTrees: 8, maxDepth: 3 } };

interface Attested {
  body: { models: { baseline: { family: string }; new: { family: string } }; results: { delta: { recipe: { same: boolean } | null } } };
}
const attested = async (dir: string): Promise<Attested> => JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as Attested;
const report = async (dir: string): Promise<{ verdict: { comparison: string | null; rule: string; reasons: { code: string }[] } }> =>
  JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as never;

describe('a supplied baseline model and the recipe of the new model', () => {
  let work: string;
  let bothHere: PipelineResult;
  const config = (name: string, extra: Partial<PipelineConfigInput>): PipelineConfigInput => quickstartConfig(join(work, name), { delta: { bootstrapResamples: 50 }, ...extra });
  const run = (name: string, extra: Partial<PipelineConfigInput>): Promise<PipelineResult> => runPipeline(config(name, extra), { store: join(work, `store-${name}`) });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-recipe-'));
    // Both models trained here as GBDT: its baseline.onnx is a model this project exported.
    bothHere = await run('both-here', { model: GBDT });
  }, 300_000);

  it('trains the new model with an exported baseline\'s recipe, not the configured family, and gets the same DeltaOne as training both here', async () => {
    const result = await run('exported', { baselineModel: join(work, 'both-here', 'baseline.onnx') });
    expect(result.comparison).toBe('same recipe');
    expect(result.delta.recipe).toMatchObject({ same: true, baseline: 'gbdt', new: 'gbdt' });
    // Same base data, same recipe: the same two models as the run that trained both, so the same comparison.
    expect(result.deltaOne).toBe(bothHere.deltaOne);
    expect(result.delta.decision.reasons.map((r) => r.code)).not.toContain('DIFFERENT_RECIPE');
    const a = await attested(result.out);
    expect(a.body.models.new.family).toBe('gbdt');
    expect(a.body.results.delta.recipe?.same).toBe(true);
    expect((await report(result.out)).verdict.comparison).toBe('same recipe');
    expect((await verifyRun(result.out)).checks.filter((c) => !c.ok)).toEqual([]);
  }, 300_000);

  it('marks a baseline that records no recipe "different recipe" and refuses it unless the config allows it', async () => {
    // The same GBDT with its recipe entry renamed: a model exported elsewhere, as far as the pipeline can tell.
    const bytes = Buffer.from(await readFile(join(work, 'both-here', 'baseline.onnx')));
    const at = bytes.indexOf('hokusai.metadata');
    expect(at).toBeGreaterThan(0);
    bytes.write('hokusai.metadatX', at);
    const foreign = join(work, 'foreign.onnx');
    await writeFile(foreign, bytes);

    const refused = await run('foreign', { baselineModel: foreign });
    expect(refused.comparison).toBe('different recipe');
    expect(refused.accepted).toBe(false);
    expect(refused.delta.decision.reasons.map((r) => r.code)).toContain('DIFFERENT_RECIPE');
    expect(refused.delta.recipe).toMatchObject({ same: false, baseline: 'unknown', new: 'logistic_regression', allow_different: false });
    // The new model is the configured logistic regression: the delta is not the one of a same-recipe comparison.
    expect(refused.deltaOne).not.toBe(bothHere.deltaOne);
    const doc = await report(refused.out);
    expect(doc.verdict.comparison).toBe('different recipe');
    expect(doc.verdict.reasons.map((r) => r.code)).toContain('DIFFERENT_RECIPE');
    expect((await attested(refused.out)).body.results.delta.recipe?.same).toBe(false);
    expect((await verifyRun(refused.out)).checks.filter((c) => !c.ok)).toEqual([]);

    const allowed = await run('foreign-allowed', { baselineModel: foreign, acceptance: { allowDifferentRecipe: true } });
    expect(allowed.comparison).toBe('different recipe');
    expect(allowed.delta.decision.reasons.map((r) => r.code)).not.toContain('DIFFERENT_RECIPE');
    expect(allowed.delta.recipe).toMatchObject({ same: false, allow_different: true });
    expect(allowed.deltaOne).toBe(refused.deltaOne);
    expect((await verifyRun(allowed.out)).checks.filter((c) => !c.ok)).toEqual([]);
  }, 300_000);
});
