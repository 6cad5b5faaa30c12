import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readModelRecipe, trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

describe('readModelRecipe', () => {
  const table = syntheticTable({ rows: 600, seed: 3 });

  it('reads back the family, params, seed, target and input columns of a model this package exported', async () => {
    const model = await trainModel(table, { target: 'churned', seed: 5, family: 'gbdt', params: { nTrees: 4, maxDepth: 2 }, exclude: ['region'] });
    const recipe = readModelRecipe(model.onnx);
    expect(recipe).toEqual({
      family: 'gbdt',
      params: model.metadata.params,
      seed: 5,
      target: 'churned',
      features: model.metadata.inputs.map((i) => i.name),
    });
    expect(recipe?.params).toMatchObject({ nTrees: 4, maxDepth: 2 });
    expect(recipe?.features).not.toContain('region');
  });

  it('retraining with the recipe on the same rows gives the same model', async () => {
    const first = await trainModel(table, { target: 'churned', seed: 2, family: 'gbdt', params: { nTrees: 3, maxDepth: 2 } });
    const recipe = readModelRecipe(first.onnx)!;
    const again = await trainModel(table, { target: recipe.target, seed: recipe.seed, family: recipe.family, params: recipe.params, features: recipe.features });
    expect(again.predictProba(table)).toEqual(first.predictProba(table));
    // Only the record of columns left out differs: with explicit features nothing is left out.
    expect({ ...again.metadata, excluded: [] }).toEqual({ ...first.metadata, excluded: [] });
    expect(readModelRecipe(again.onnx)).toEqual(recipe);
  });

  it('is null for a model exported elsewhere (scikit-learn through skl2onnx)', () => {
    expect(readModelRecipe(new Uint8Array(readFileSync(new URL('./fixtures/sklearn-gbdt3.onnx', import.meta.url))))).toBeNull();
  });
});
