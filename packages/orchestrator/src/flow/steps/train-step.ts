import { readFile } from 'node:fs/promises';
import { loadOnnxModel, trainModel, trainModelInWorker, type ModelMetadata } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import { excludedColumns, type SearchOutput } from './search-step.js';
import type { PipelineConfig } from '../config.js';

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
}

/**
 * Trains the baseline on the base data and the new model on base + contributed data with the
 * same family, hyperparameters, seed and feature exclusions, so only the data differs.
 */
export function trainStep(role: 'baseline' | 'new', flow: FlowContext): StepDefinition {
  return {
    name: `train_${role}`,
    inputs: ['integrate', 'search'],
    memoryMb: 600,
    run: async (ctx): Promise<TrainOutput> => {
      const { config } = flow;
      const data = ctx.inputs.integrate as IntegrateOutput;
      if (role === 'baseline' && config.baselineModel !== undefined) {
        const onnx = new Uint8Array(await readFile(config.baselineModel));
        const model = await loadOnnxModel(onnx, baselineLoadOptions(config));
        try {
          model.checkInputs(data.benchmark);
        } finally {
          await model.close();
        }
        return { role, onnx, metadata: null, source: 'supplied' };
      }
      const table = role === 'baseline' ? data.base : data.merged;
      if (table.numRows === 0) {
        throw new OrchestratorError('HOKUSAI_NO_TRAINING_ROWS', `No ${role === 'baseline' ? 'base' : 'merged'} rows are left to train the ${role} model on.`, { step: ctx.step });
      }
      const options = await flow.hooks.apply('pre_training', {
        role,
        target: config.target,
        seed: config.seed,
        family: config.model.family,
        params: (ctx.inputs.search as SearchOutput).params,
        exclude: excludedColumns(data, flow),
      });
      // Epochs, trees or iterations as the family counts them; the training package bounds the rate.
      const onProgress = (p: { unit: string; done: number; total: number }): void => ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total });
      // A large table trains on its own thread, so the baseline and the new model use two cores;
      // a small one is not worth the thread's start-up. Either way the ONNX bytes are the same.
      const model = trainsOnThread(table.numRows) ? await trainModelInWorker(table, options, { onProgress }) : await trainModel(table, options, { onProgress });
      const out: TrainOutput = { role, onnx: model.onnx, metadata: model.metadata, source: 'trained' };
      return flow.hooks.apply('post_training', out);
    },
  };
}
