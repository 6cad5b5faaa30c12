import { readFile } from 'node:fs/promises';
import type { Table } from 'apache-arrow';
import { familyTrainsInWorker, loadOnnxModel, readModelRecipe, trainModel, trainModelInWorker, type ModelMetadata, type ModelRecipe, type TrainOptions } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import { excludedColumns, type SearchOutput } from './search-step.js';
import type { PipelineConfig } from '../config.js';

/** The progress message of a train step that took over the training integrate started. */
export const EARLY_TRAINING_MESSAGE = 'trained while integrate ran (started as soon as its table was final, with these options)';

/** Tables of at least this many rows train on a worker thread. */
const THREAD_MIN_ROWS = 50_000;

export function trainsOnThread(rows: number): boolean {
  return rows >= THREAD_MIN_ROWS;
}

/** How to read a supplied baseline whose ONNX file takes one [N,F] float matrix. */
export function baselineLoadOptions(config: PipelineConfig): { featureColumns?: string[] } {
  return config.baselineFeatureColumns === undefined ? {} : { featureColumns: config.baselineFeatureColumns };
}

export interface TrainOutput {
  role: 'baseline' | 'new';
  onnx: Uint8Array;
  /** Null for a baseline supplied as an ONNX file: its training is not ours to describe. */
  metadata: ModelMetadata | null;
  source: 'trained' | 'supplied';
  /**
   * How the model was trained (family, params, seed, input columns); null for a supplied model
   * that does not record it. For the new model, `followed` says it repeated a supplied baseline's recipe.
   */
  recipe: ModelRecipe | null;
  followed?: { recipe: true } | { recipe: false; why: string };
}

/** The recipe of a model this run trained, from its metadata. */
export function recipeOf(metadata: ModelMetadata): ModelRecipe {
  return { family: metadata.family, params: metadata.params, seed: metadata.seed, target: metadata.target, features: metadata.inputs.map((i) => i.name) };
}

/**
 * Why a supplied baseline's recipe cannot be followed on this run's data, or null when it can:
 * it must predict this target and read only columns that are present and not excluded.
 */
function recipeProblem(recipe: ModelRecipe, config: PipelineConfig, columns: string[], exclude: string[]): string | null {
  if (recipe.target !== config.target) return `the supplied baseline predicts "${recipe.target}", this run "${config.target}".`;
  const missing = recipe.features.filter((f) => !columns.includes(f));
  if (missing.length > 0) return `the supplied baseline reads ${missing.length} column(s) the merged data lacks.`;
  const excluded = recipe.features.filter((f) => exclude.includes(f));
  if (excluded.length > 0) return `the supplied baseline reads ${excluded.length} column(s) this run excludes (PII or --exclude): ${excluded.length === 1 ? 'it' : 'they'} cannot train the new model.`;
  return null;
}

/** The options a model trains with when no recipe is followed: the run's family, params, seed and exclusions. */
export function trainOptionsOf(role: 'baseline' | 'new', config: PipelineConfig, params: Record<string, unknown>, exclude: string[]): TrainOptions & { role: 'baseline' | 'new' } {
  return { role, target: config.target, seed: config.seed, family: config.model.family, params, exclude, ...(config.positiveClass === undefined ? {} : { positiveClass: config.positiveClass }) };
}

/**
 * Whether integrate may start the models' training as soon as their tables are final (see
 * EarlyTrainings): only when nothing between then and the train steps can change what they train
 * on or with (no supplied baseline, no search, no hook on the integration result or the training
 * options), only for tables large enough to train on their own threads, and only when steps may
 * run side by side (`concurrency` 2 or more).
 */
export function trainsEarly(flow: FlowContext, rows: number): boolean {
  const { config } = flow;
  // With `concurrency: 1` steps run one at a time, and so do the trainings.
  if (flow.earlyTrainings === undefined || config.concurrency < 2 || config.baselineModel !== undefined || config.search !== undefined) return false;
  if (!trainsOnThread(rows) || !familyTrainsInWorker(config.model.family)) return false;
  return !flow.hooks.identities().some((h) => h.event === 'post_integration' || h.event === 'pre_training');
}

/**
 * Trains the baseline on the base data and the new model on base + contributed data with the
 * same family, hyperparameters, seed and feature exclusions, so only the data differs. With a
 * supplied baseline the new model follows the recipe recorded in its file, when there is one.
 */
export function trainStep(role: 'baseline' | 'new', flow: FlowContext, reads: { integrate: Step<IntegrateOutput>; search: Step<SearchOutput> }): Step<TrainOutput> {
  return defineStep({
    name: `train_${role}`,
    reads,
    memoryMb: 600,
    run: async (ctx): Promise<TrainOutput> => {
      const { config } = flow;
      const data = ctx.inputs.integrate;
      if (role === 'baseline' && config.baselineModel !== undefined) {
        const onnx = new Uint8Array(await readFile(config.baselineModel));
        const model = await loadOnnxModel(onnx, baselineLoadOptions(config));
        try {
          model.checkInputs(data.benchmark);
        } finally {
          await model.close();
        }
        return { role, onnx, metadata: null, source: 'supplied', recipe: readModelRecipe(onnx) };
      }
      // Read on first use: a step that takes over an early training never reads its table back.
      const tableOf = (): Table => (role === 'baseline' ? data.base : data.merged);
      // A training started early had rows (see trainsEarly).
      if (flow.earlyTrainings?.started(role) !== true && tableOf().numRows === 0) {
        throw new OrchestratorError('HOKUSAI_NO_TRAINING_ROWS', `No ${role === 'baseline' ? 'base' : 'merged'} rows are left to train the ${role} model on.`, { step: ctx.step });
      }
      const exclude = excludedColumns(data, flow);
      // The new model repeats a supplied baseline's recipe when the file records one, so
      // DeltaOne measures the data and not a change of family, params or features.
      let followed: TrainOutput['followed'];
      let recipe: ModelRecipe | null = null;
      if (role === 'new' && config.baselineModel !== undefined) {
        recipe = readModelRecipe(new Uint8Array(await readFile(config.baselineModel)));
        const problem = recipe === null ? 'the supplied baseline records no recipe (it was not exported by this project).' : recipeProblem(recipe, config, tableOf().schema.fields.map((f) => f.name), exclude);
        followed = problem === null ? { recipe: true } : { recipe: false, why: problem };
        if (problem !== null) recipe = null;
      }
      const options = await flow.hooks.apply(
        'pre_training',
        recipe === null
          ? trainOptionsOf(role, config, ctx.inputs.search.params, exclude)
          : { ...trainOptionsOf(role, config, recipe.params, exclude), seed: recipe.seed, family: recipe.family, features: recipe.features },
      );
      // Epochs, trees or iterations as the family counts them; the training package bounds the rate.
      const onProgress = (p: { unit: string; done: number; total: number; loss?: number }): void =>
        ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total, ...(p.loss === undefined ? {} : { loss: p.loss }) });
      // A training integrate started with these very options is taken over. Otherwise a large
      // table trains on its own thread, so the baseline and the new model use two cores; a small
      // one is not worth the thread's start-up. Either way the ONNX bytes are the same.
      const early = flow.earlyTrainings?.take(role, options, onProgress);
      if (early !== undefined) ctx.emit({ type: 'progress', message: EARLY_TRAINING_MESSAGE });
      const model = early !== undefined ? await early : trainsOnThread(tableOf().numRows) ? await trainModelInWorker(tableOf(), options, { onProgress }) : await trainModel(tableOf(), options, { onProgress });
      const out: TrainOutput = { role, onnx: model.onnx, metadata: model.metadata, source: 'trained', recipe: recipeOf(model.metadata), ...(followed === undefined ? {} : { followed }) };
      return flow.hooks.apply('post_training', out);
    },
  });
}
