import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrchestratorError } from '../errors.js';
import { registerFlow, registeredFlows } from './flow-registry.js';
import type { HokusaiWorkerOptions } from './hokusai-worker-flow.js';
import { startWorker, type StepWorker, type StepWorkerOptions } from './step-worker.js';

/** HOKUSAI_FLOW_NAME, written out so that a worker loads the Hokusai packages only when a
 * Hokusai job arrives (a test checks the two agree). */
const HOKUSAI_FLOW = 'hokusai';

export interface RunWorkerOptions extends Omit<StepWorkerOptions, 'resolveFlow'>, HokusaiWorkerOptions {
  /** Modules imported before the worker starts, for the flows they register with `registerFlow`
   * (paths are resolved against the current folder; package names are imported as such). */
  flowModules?: readonly string[];
}

/**
 * The worker behind `hokusai worker --redis <url>`: resolves flows from the `registerFlow`
 * registry, where the Hokusai flow is registered unless a flow module registered its own.
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
  if (!registeredFlows().includes(HOKUSAI_FLOW)) {
    const hokusai: HokusaiWorkerOptions = {
      ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
      ...(options.renderReport === undefined ? {} : { renderReport: options.renderReport }),
    };
    registerFlow(HOKUSAI_FLOW, async (params, run) => (await import('./hokusai-worker-flow.js')).hokusaiWorkerFlow(params, run, hokusai));
  }
  const { flowModules: _modules, hooks: _hooks, renderReport: _render, ...workerOptions } = options;
  return startWorker(workerOptions);
}
