import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrchestratorError } from '../errors.js';
import { startWorker, type StepWorker, type StepWorkerOptions } from './step-worker.js';

export interface RunWorkerOptions extends Omit<StepWorkerOptions, 'resolveFlow'> {
  /** Modules imported before the worker starts, for the flows they register with `registerFlow`
   * (paths are resolved against the current folder; package names are imported as such). */
  flowModules?: readonly string[];
}

/**
 * The worker behind `hokusai worker --redis <url>`: resolves flows from the `registerFlow`
 * registry, so every flow the producer may queue must be registered in this process.
 */
export async function runWorker(options: RunWorkerOptions): Promise<StepWorker> {
  for (const spec of options.flowModules ?? []) {
    const target = spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(spec)).href : spec;
    try {
      await import(target);
    } catch (error) {
      throw new OrchestratorError('HOKUSAI_FLOW_MODULE_FAILED', `Could not load the flow module ${spec}: ${(error as Error).message}. Check the path and that it imports registerFlow from @hokusai/orchestrator.`, { cause: error });
    }
  }
  const { flowModules: _modules, ...workerOptions } = options;
  return startWorker(workerOptions);
}
