import { isDeepStrictEqual } from 'node:util';
import type { Table } from 'apache-arrow';
import { trainModelInWorker, type ModelMetadata, type TrainOptions, type TrainProgress } from '@hokusai/training';

type Trained = { onnx: Uint8Array; metadata: ModelMetadata };

interface Started {
  options: TrainOptions;
  result: Promise<Trained>;
  /** Progress heard before the baseline step took the training over, replayed to it then. */
  heard: TrainProgress[];
  listener: ((p: TrainProgress) => void) | null;
  abort: AbortController;
}

export type TrainRole = 'baseline' | 'new';

/**
 * The models' trainings, started by the integrate step as soon as their tables are final: the
 * baseline's once the base table is treated, so it runs on another core while the contribution
 * is still being cleaned (on two cores that step otherwise leaves one idle for seconds), the new
 * model's once the merged table is built, while the step plans features and profiles columns.
 * A train step takes its model's training over when the options it would train with are the
 * same, and otherwise gives it up and trains itself: either way the model is the one trained on
 * those rows with those options.
 *
 * Only a run in one process starts them: the tables never leave the process, so a step on
 * another worker, or a resumed run, trains in its own step as before.
 */
export class EarlyTrainings {
  private readonly trainings = new Map<TrainRole, Started>();

  start(role: TrainRole, table: Table, options: TrainOptions): void {
    this.give(role, 'started again');
    const abort = new AbortController();
    const started: Started = {
      options,
      heard: [],
      listener: null,
      abort,
      result: trainModelInWorker(table, options, {
        signal: abort.signal,
        onProgress: (p) => (started.listener === null ? started.heard.push(p) : started.listener(p)),
      }),
    };
    // Nobody may ever await it (a later failure of the run): its rejection is not unhandled.
    started.result.catch(() => undefined);
    this.trainings.set(role, started);
  }

  /** Whether a training of `role` was started and not yet taken over or given up. */
  started(role: TrainRole): boolean {
    return this.trainings.has(role);
  }

  /**
   * The training started with `options` (compared by value), its progress so far replayed to
   * `onProgress` and later progress passed on; undefined when none was started with them, in
   * which case a training started with other options is given up.
   */
  take(role: TrainRole, options: TrainOptions, onProgress: (p: TrainProgress) => void): Promise<Trained> | undefined {
    const started = this.trainings.get(role);
    this.trainings.delete(role);
    if (started === undefined) return undefined;
    if (!isDeepStrictEqual(started.options, options)) {
      started.abort.abort(new Error(`the ${role} model's options changed`));
      return undefined;
    }
    for (const p of started.heard) onProgress(p);
    started.listener = onProgress;
    return started.result;
  }

  /** Gives up every training no step has taken over (the run failed before their steps). */
  cancel(): void {
    for (const role of [...this.trainings.keys()]) this.give(role, 'no longer needed');
  }

  private give(role: TrainRole, why: string): void {
    this.trainings.get(role)?.abort.abort(new Error(`the early ${role} model training was ${why}`));
    this.trainings.delete(role);
  }
}
