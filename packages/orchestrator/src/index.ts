export { OrchestratorError, errorCode } from './errors.js';
export type { StepDefinition, StepContext, FlowDefinition } from './engine/step.js';
export type { RunEvent, RunEventType, RunEventListener } from './engine/events.js';
export { topologicalOrder } from './engine/dag.js';
export { RunStore, type RunRecord, type StepRecord } from './engine/run-store.js';
export { LocalExecutor, type Executor, type StepTask } from './engine/executor.js';
export { HookRegistry, HOOK_EVENTS, type HookEvent, type HookFunction, type HookIdentity } from './engine/hooks.js';
export { runFlow, type RunFlowOptions, type FlowResult } from './engine/run-flow.js';
