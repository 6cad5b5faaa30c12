import { binaryMetrics } from '@hokusai/evaluation';
import { readBatchFiles } from '@hokusai/data-integration';
import { loadOnnxModel, scoreOverBatches, type ClassLabel } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import { assertSameClasses, type EvaluateOutput } from '../steps/evaluate-step.js';
import { excludedColumns } from '../steps/search-step.js';
import type { TrainOutput } from '../steps/train-step.js';
import { strataOverBatches } from '../strata-over-batches.js';
import type { StreamIntegrateOutput } from './stream-integrate-step.js';

/** Probability of the positive class (classes[1]) per benchmark row, and the labels, scored batch by batch. */
async function scoreModel(onnx: Uint8Array, files: readonly string[], target: string, role: string): Promise<{ classes: ClassLabel[]; scores: Float64Array; labels: Int32Array }> {
  const model = await loadOnnxModel(onnx, {});
  try {
    if (model.classes.length !== 2) throw new OrchestratorError('HOKUSAI_TASK_MISMATCH', `The ${role} model predicts ${model.classes.length} classes; this run is a binary task.`);
    const scored = await scoreOverBatches(model, readBatchFiles(files)(), { target });
    const scores = new Float64Array(scored.rows);
    for (let i = 0; i < scores.length; i++) scores[i] = scored.proba[i * 2 + 1] as number;
    return { classes: model.classes, scores, labels: scored.labels };
  } finally {
    await model.close();
  }
}

/**
 * Scores both models on the benchmark batch by batch through onnxruntime and computes the exact
 * metrics from the kept scores (8 bytes a row per model). Permutation importance, which rescores
 * the whole benchmark once per column, is left out of a streaming run.
 */
export function streamEvaluateStep(flow: FlowContext, reads: { integrate: Step<StreamIntegrateOutput>; baseline: Step<TrainOutput>; candidate: Step<TrainOutput> }): Step<EvaluateOutput> {
  return defineStep({
    name: 'evaluate',
    reads,
    // One batch, and 20 bytes a benchmark row for the labels and both models' scores.
    memoryMb: 400,
    run: async (ctx): Promise<EvaluateOutput> => {
      const { integrate: data, baseline, candidate } = ctx.inputs;
      const target = flow.config.target;
      const files = data.batches.benchmark;
      ctx.emit({ type: 'progress', unit: 'models', done: 0, total: 2, message: `streaming: scoring ${data.rows.benchmark} benchmark rows batch by batch` });
      const b = await scoreModel(baseline.onnx, files, target, 'baseline');
      const n = await scoreModel(candidate.onnx, files, target, 'new');
      assertSameClasses(b.classes, n.classes, ctx.step);
      const strata = await strataOverBatches(readBatchFiles(files)(), {
        target,
        exclude: excludedColumns(data, flow),
        ...(flow.config.strata === undefined ? {} : { columns: flow.config.strata }),
      });
      const result: EvaluateOutput = {
        classes: n.classes,
        positiveClass: n.classes[1] as ClassLabel,
        labels: n.labels,
        baselineScores: b.scores,
        newScores: n.scores,
        baselineMetrics: binaryMetrics(n.labels, b.scores),
        newMetrics: binaryMetrics(n.labels, n.scores),
        strata,
      };
      return flow.hooks.apply('post_evaluation', result);
    },
  });
}
