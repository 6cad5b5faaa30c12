import type { Table } from 'apache-arrow';
import { DEFAULT_CIRCUIT_N } from '@hokusai/attestation';
import { binaryMetrics, type BinaryMetrics } from '@hokusai/evaluation';
import { encodeLabels, loadOnnxModel, type ClassLabel } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import { baselineLoadOptions, type TrainOutput } from './train-step.js';
import { strataValues } from '../strata-columns.js';
import { predictionBitsOf } from '../predictions-file.js';
import { excludedColumns } from './search-step.js';
import { permutationImportance, type PermutationImportance } from '../data-profile/permutation-importance.js';

export interface EvaluateOutput {
  classes: ClassLabel[];
  positiveClass: ClassLabel;
  /** 0/1 per benchmark row (1 = positive class). */
  labels: Int32Array;
  baselineScores: Float64Array;
  newScores: Float64Array;
  baselineMetrics: BinaryMetrics;
  newMetrics: BinaryMetrics;
  strata: Record<string, (string | null)[]>;
  /** Permutation importance of the new model on the benchmark (absent in runs stored before it). */
  importance?: PermutationImportance;
}

/** Both models must predict the same classes: their scores are compared row by row. */
export function assertSameClasses(baseline: readonly ClassLabel[], next: readonly ClassLabel[], step: string): void {
  if (JSON.stringify(baseline) === JSON.stringify(next)) return;
  throw new OrchestratorError(
    'HOKUSAI_MODEL_CLASSES_DIFFER',
    `The baseline model predicts classes ${JSON.stringify(baseline)} but the new model ${JSON.stringify(next)}; both must share the benchmark's label set.`,
    { step },
  );
}

/** Scores both models on the same benchmark through onnxruntime, from their ONNX bytes. */
export function evaluateStep(flow: FlowContext, reads: { integrate: Step<IntegrateOutput>; baseline: Step<TrainOutput>; candidate: Step<TrainOutput> }): Step<EvaluateOutput> {
  return defineStep({
    name: 'evaluate',
    reads,
    memoryMb: 400,
    run: async (ctx): Promise<EvaluateOutput> => {
      const { integrate: data, baseline, candidate } = ctx.inputs;
      const request = await flow.hooks.apply('pre_evaluation', { benchmark: data.benchmark, target: flow.config.target });
      // Both at once: one model's inputs are prepared here while onnxruntime runs the other's.
      // Settled in order, so when both fail the baseline's error is the one reported, as before.
      const scored = await Promise.allSettled([
        scoreOnnx(baseline.onnx, request.benchmark, 'baseline', baseline.source === 'supplied' ? baselineLoadOptions(flow.config) : {}),
        scoreOnnx(candidate.onnx, request.benchmark, 'new', {}),
      ]);
      const [b, n] = scored.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      }) as [Awaited<ReturnType<typeof scoreOnnx>>, Awaited<ReturnType<typeof scoreOnnx>>];
      assertSameClasses(b.classes, n.classes, ctx.step);
      const labels = encodeLabels(request.benchmark, request.target, n.classes);
      const baselineMetrics = binaryMetrics(labels, b.scores);
      const newMetrics = binaryMetrics(labels, n.scores);
      // The attestation's commitments to these predictions start now on a thread of their own,
      // beside the rest of this step and the delta, which keep one core busy (see EarlyCommitments).
      flow.earlyCommitments?.start(predictionBitsOf({ labels, baselineScores: b.scores, newScores: n.scores }, baselineMetrics.threshold), flow.config.proof.circuitN ?? DEFAULT_CIRCUIT_N);
      const importance = await newModelImportance(candidate.onnx, request.benchmark, labels, flow.config.seed);
      const result: EvaluateOutput = {
        classes: n.classes,
        positiveClass: n.classes[1] as ClassLabel,
        labels,
        baselineScores: b.scores,
        newScores: n.scores,
        baselineMetrics,
        newMetrics,
        strata: strataValues(request.benchmark, {
          target: request.target,
          exclude: excludedColumns(data, flow),
          ...(flow.config.strata === undefined ? {} : { columns: flow.config.strata }),
        }),
        importance,
      };
      return flow.hooks.apply('post_evaluation', result);
    },
  });
}

/** Probability of the positive class (classes[1]) for every row. */
async function scoreOnnx(onnx: Uint8Array, benchmark: Table, role: string, options: { featureColumns?: string[] }): Promise<{ classes: ClassLabel[]; scores: Float64Array }> {
  const model = await loadOnnxModel(onnx, options);
  try {
    model.checkInputs(benchmark);
    if (model.classes.length !== 2) {
      throw new OrchestratorError('HOKUSAI_TASK_MISMATCH', `The ${role} model predicts ${model.classes.length} classes; this run is a binary task.`);
    }
    const proba = await model.predictProba(benchmark);
    const scores = new Float64Array(benchmark.numRows);
    for (let i = 0; i < scores.length; i++) scores[i] = proba[i * 2 + 1] as number;
    return { classes: model.classes, scores };
  } finally {
    await model.close();
  }
}

/** Permutation importance of the new model's input columns, scored through onnxruntime. */
async function newModelImportance(onnx: Uint8Array, benchmark: Table, labels: Int32Array, seed: number): Promise<PermutationImportance> {
  const model = await loadOnnxModel(onnx, {});
  try {
    return await permutationImportance({
      table: benchmark,
      labels,
      columns: model.inputs.flatMap((i) => i.columns ?? [i.name]),
      threshold: 0.5,
      seed,
      predict: async (table) => {
        const proba = await model.predictProba(table);
        return Float64Array.from({ length: table.numRows }, (_, i) => proba[i * 2 + 1] as number);
      },
    });
  } finally {
    await model.close();
  }
}
