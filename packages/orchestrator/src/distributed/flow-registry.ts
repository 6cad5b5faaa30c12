import { OrchestratorError } from '../errors.js';
import type { HookIdentity } from '../engine/hooks.js';
import type { RunRecord } from '../engine/run-store.js';
import type { FlowDefinition } from '../engine/step.js';

/**
 * What a worker needs to run a step of a run it did not start: the flow rebuilt from the run's
 * stored params, and the identities of the hooks that flow applies (a run recorded with hooks
 * only runs on a worker that has the very same hooks, so a remote step never silently differs).
 */
export interface ResolvedFlow {
  flow: FlowDefinition;
  hooks?: readonly HookIdentity[];
}

export type FlowDefinitionOrResolved = FlowDefinition | ResolvedFlow;

export type FlowFactory = (params: unknown, run: RunRecord) => FlowDefinitionOrResolved | Promise<FlowDefinitionOrResolved>;

export type FlowResolver = (flowName: string, run: RunRecord) => Promise<ResolvedFlow>;

const registry = new Map<string, FlowFactory>();

/** Makes a flow known to workers in this process under `name` (the flow's own `name`). */
export function registerFlow(name: string, factory: FlowFactory): void {
  if (name.length === 0) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'A flow is registered under an empty name; pass the flow\'s name.');
  registry.set(name, factory);
}

export function registeredFlows(): string[] {
  return [...registry.keys()].sort();
}

/** The default resolver of workers: the registry filled by `registerFlow`. */
export async function resolveRegisteredFlow(flowName: string, run: RunRecord): Promise<ResolvedFlow> {
  const factory = registry.get(flowName);
  if (factory === undefined) {
    const known = registeredFlows();
    throw new OrchestratorError(
      'HOKUSAI_FLOW_UNKNOWN',
      `This worker does not know the flow "${flowName}" of run ${run.runId} (known: ${known.length === 0 ? 'none' : known.join(', ')}). Register it with registerFlow() in the worker process, or start the worker with --flows <module>.`,
    );
  }
  return asResolved(await factory(run.params, run));
}

export function asResolved(value: FlowDefinitionOrResolved): ResolvedFlow {
  return 'flow' in value && typeof value.flow === 'object' ? value : { flow: value as FlowDefinition };
}
