import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TrainingError, type TrainingErrorCode } from '../errors.js';
import { registeredBuiltins } from '../families/builtin-families.js';
import { runTrial, type TrialResult, type TrialSpec } from './run-trial.js';

type WorkerReply = { ok: true; result: TrialResult } | { ok: false; code: TrainingErrorCode; message: string };

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  const candidates = [new URL('./trial-worker.js', import.meta.url), new URL('../../dist/search/trial-worker.js', import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Runs trials on up to `workers` worker threads (0 = in this thread) and returns results in spec
 * order, so scheduling never changes the outcome. Custom families exist only in this thread's
 * registry, so their trials stay in this thread.
 */
export async function runTrials(specs: readonly TrialSpec[], workers: number): Promise<TrialResult[]> {
  const builtins = registeredBuiltins();
  const movable = specs.every((s) => builtins.includes(s.family));
  const script = workers > 0 && movable ? workerScript() : null;
  if (script === null) {
    const out: TrialResult[] = [];
    for (const s of specs) out.push(await runTrial(s));
    return out;
  }
  const results = new Array<TrialResult>(specs.length);
  let next = 0;
  let failure: TrainingError | null = null;
  const lane = async (): Promise<void> => {
    const worker = new Worker(script);
    try {
      while (next < specs.length && failure === null) {
        const index = next++;
        const reply = await new Promise<WorkerReply>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.postMessage(specs[index]);
        });
        worker.removeAllListeners('error');
        if (!reply.ok) {
          failure = new TrainingError(reply.code, `Trial ${specs[index]?.id ?? index} failed: ${reply.message}`);
          break;
        }
        results[index] = reply.result;
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, specs.length) }, lane));
  if (failure !== null) throw failure;
  return results;
}
