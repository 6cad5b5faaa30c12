import { parentPort } from 'node:worker_threads';
import { TrainingError } from '../errors.js';
import { runTrial, type TrialSpec } from './run-trial.js';

// One trial per message; errors travel back as data so the pool can rethrow them typed.
parentPort?.on('message', (spec: TrialSpec) => {
  runTrial(spec).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (err: unknown) =>
      parentPort?.postMessage({
        ok: false,
        ...(err instanceof TrainingError ? { error: err.toJSON() } : {}),
        message: err instanceof Error ? err.message : String(err),
      }),
  );
});
