import type { TrialResult, TrialSpec } from './run-trial.js';
import { TrialThreads } from './trial-threads.js';

/**
 * Runs trials on up to `workers` worker threads (0 = in this thread) and returns results in spec
 * order, so scheduling never changes the outcome. The first failure fails the call; trials not
 * yet started then do not start.
 */
export async function runTrials(specs: readonly TrialSpec[], workers: number): Promise<TrialResult[]> {
  const threads = new TrialThreads(Math.min(workers, specs.length));
  try {
    return await Promise.all(
      specs.map((spec) =>
        threads.run(spec).catch((error: unknown) => {
          // Trials still waiting for a thread do not start; Promise.all reports this first error.
          void threads.close();
          throw error;
        }),
      ),
    );
  } finally {
    await threads.close();
  }
}
