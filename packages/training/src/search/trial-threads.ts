import { Worker } from 'node:worker_threads';
import type { HokusaiErrorJson } from '@hokusai/core';
import { TrainingError } from '../errors.js';
import { registeredBuiltins } from '../families/builtin-families.js';
import { runTrial, type TrialResult, type TrialSpec } from './run-trial.js';
import { workerScript } from '../worker-script.js';

type WorkerReply = { ok: true; result: TrialResult } | { ok: false; error?: HokusaiErrorJson; message: string };

interface Lane {
  worker: Worker;
  idle?: NodeJS.Timeout;
}

/**
 * Up to `size` worker threads that run trials one at a time each (size 0: one trial at a time in
 * the calling thread); more trials wait their turn.
 * A thread is kept for the next trial (starting one costs a few hundred ms of module loading)
 * and ended after `idleMs` without work; idle threads never keep the process alive. Trials of
 * custom families run in the calling thread, where their family is registered.
 */
export class TrialThreads {
  private readonly free: Lane[] = [];
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private busy = 0;
  private closed = false;
  private readonly script: string | null;
  private readonly idleMs: number;

  constructor(
    readonly size: number,
    options: { idleMs?: number } = {},
  ) {
    if (!Number.isInteger(size) || size < 0) throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Trial threads need a whole, non-negative count, not ${size}.`);
    this.script = size > 0 ? workerScript('search/trial-worker.js') : null;
    this.idleMs = options.idleMs ?? 2000;
  }

  async run(spec: TrialSpec): Promise<TrialResult> {
    if (this.closed) throw closedError(spec);
    // In-thread trials take a slot too, so at most `size` (at least one) run at once either way.
    if (this.busy >= Math.max(1, this.size)) await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    else this.busy++;
    try {
      if (this.script === null || !registeredBuiltins().includes(spec.family)) return await runTrial(spec);
      return await this.onThread(this.script, spec);
    } finally {
      // A finishing trial hands its slot straight to the next waiting one.
      const next = this.waiting.shift();
      if (next === undefined) this.busy--;
      else next.resolve();
    }
  }

  private async onThread(script: string, spec: TrialSpec): Promise<TrialResult> {
    const lane = this.take(script);
    let healthy = false;
    try {
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        lane.worker.once('message', resolve);
        lane.worker.once('error', reject);
        lane.worker.postMessage(spec);
      });
      lane.worker.removeAllListeners('error');
      healthy = true;
      if (!reply.ok) {
        // A typed failure keeps its code and details; any other is a trial the search could not run.
        const typed = TrainingError.fromJSON(reply.error);
        throw new TrainingError(typed?.code ?? 'HOKUSAI_SEARCH_INVALID', `Trial ${spec.id} failed: ${reply.message}`, { ...typed?.details });
      }
      return reply.result;
    } finally {
      if (healthy) this.release(lane);
      else void lane.worker.terminate();
    }
  }

  /** Ends every idle thread now and refuses the trials still waiting; running trials finish first. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new TrainingError('HOKUSAI_SEARCH_INVALID', 'The trial threads were closed before this trial started.'));
    const lanes = this.free.splice(0);
    await Promise.all(lanes.map((l) => (clearTimeout(l.idle), l.worker.terminate())));
  }

  private take(script: string): Lane {
    const lane = this.free.pop();
    if (lane === undefined) return { worker: new Worker(script) };
    clearTimeout(lane.idle);
    lane.worker.ref();
    return lane;
  }

  private release(lane: Lane): void {
    if (this.closed) {
      void lane.worker.terminate();
      return;
    }
    lane.worker.unref();
    lane.idle = setTimeout(() => {
      const i = this.free.indexOf(lane);
      if (i >= 0) this.free.splice(i, 1);
      void lane.worker.terminate();
    }, this.idleMs);
    lane.idle.unref();
    this.free.push(lane);
  }
}

function closedError(spec: TrialSpec): TrainingError {
  return new TrainingError('HOKUSAI_SEARCH_INVALID', `Trial ${spec.id} was given to trial threads that were already closed.`);
}
