import { join } from 'node:path';
import { readBatchFiles } from '@hokusai/data-integration';
import { trainModelOverBatches } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import { excludedColumns } from '../steps/search-step.js';
import { recipeOf, type TrainOutput } from '../steps/train-step.js';
import type { StreamIntegrateOutput } from './stream-integrate-step.js';
import { streamFolder } from './stream-folder.js';

/**
 * Trains the baseline on the base batches and the new model on the merged batches by passes over
 * them (training's trainModelOverBatches: the ONNX bytes trainModel gives on the whole table),
 * with the configured family, parameters, seed and exclusions, so only the data differs.
 */
export function streamTrainStep(role: 'baseline' | 'new', flow: FlowContext, reads: { integrate: Step<StreamIntegrateOutput> }): Step<TrainOutput> {
  return defineStep({
    name: `train_${role}`,
    reads,
    // One spilled part of featurized rows and one batch (about 280 MB measured at 10M and 16M rows).
    memoryMb: 250,
    run: async (ctx): Promise<TrainOutput> => {
      const { config } = flow;
      const data = ctx.inputs.integrate;
      const rows = role === 'baseline' ? data.rows.base : data.rows.merged;
      if (rows === 0) {
        throw new OrchestratorError('HOKUSAI_NO_TRAINING_ROWS', `No ${role === 'baseline' ? 'base' : 'merged'} rows are left to train the ${role} model on.`, { step: ctx.step });
      }
      const options = await flow.hooks.apply('pre_training', {
        role,
        target: config.target,
        seed: config.seed,
        family: config.model.family,
        params: config.model.params,
        exclude: excludedColumns(data, flow),
        ...(config.positiveClass === undefined ? {} : { positiveClass: config.positiveClass }),
      });
      ctx.emit({ type: 'progress', unit: 'rows', done: 0, total: rows, message: `streaming: training the ${role} model by passes over ${rows} rows on disk` });
      const onProgress = (p: { unit: string; done: number; total: number; loss?: number }): void =>
        ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total, ...(p.loss === undefined ? {} : { loss: p.loss }) });
      const batches = role === 'baseline' ? data.batches.base : data.batches.merged;
      const model = await trainModelOverBatches(readBatchFiles(batches), options, { workDir: join(streamFolder(flow), `train-${role}`), onProgress });
      const out: TrainOutput = { role, onnx: model.onnx, metadata: model.metadata, source: 'trained', recipe: recipeOf(model.metadata) };
      return flow.hooks.apply('post_training', out);
    },
  });
}
