export { ORCHESTRATOR_ERROR_KINDS, OrchestratorError, errorCode, type OrchestratorErrorCode } from './errors.js';
export type { StepDefinition, StepContext, FlowDefinition } from './engine/step.js';
export { defineStep, defineForeachStep, type Step, type StepRef, type StepReads, type StepSpec, type ForeachStepSpec, type InputsOf, type TypedStepContext } from './engine/step-ref.js';
export type {
  RunEvent,
  RunEventType,
  RunEventListener,
  RunStartedEvent,
  RunFinishedEvent,
  RunFailedEvent,
  StepStartedEvent,
  StepFinishedEvent,
  StepFailedEvent,
  StepRetryEvent,
  StepReusedEvent,
  StepEvent,
  ProgressEvent,
  ProgressUpdate,
} from './engine/events.js';
export { RunStore, type RunOwner, type RunRecord, type StepRecord } from './engine/run-store.js';
export { runState, type RunState } from './engine/run-state.js';
export { pruneFailedRuns, pruneTemporaries, type PruneRunsOptions, type PrunedRun, type PrunedTemporary } from './engine/prune-runs.js';
export { LocalExecutor, type Executor, type StepTask } from './engine/executor.js';
export { HookRegistry, type HookPayloads, type HookFunction, type HookIdentity } from './engine/hooks.js';
export { hokusaiHooks, HOKUSAI_HOOK_EVENTS, type HokusaiHooks, type HokusaiHookPayloads, type HokusaiHookPoint } from './flow/hokusai-hooks.js';
export { runFlow, type RunFlowOptions, type FlowResult } from './engine/run-flow.js';
export { PipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from './flow/config.js';
export { displayConfig } from './flow/attested-config.js';
export { hokusaiFlow, HOKUSAI_FLOW_NAME, type HokusaiFlow } from './flow/hokusai-flow.js';
export { runPipeline, resumePipeline, parseConfig, defaultStore, type PipelineRunOptions, type PipelineResult } from './flow/run-pipeline.js';
export { verifyRun, type RunVerification } from './flow/verify-run.js';
export type { ReportDocument } from './flow/report-document.js';
export { ReportDocumentSchema, type ReportView } from './flow/report-schema.js';
export { FEATURE_PLAN_EVENT_UNIT } from './flow/steps/integrate-step.js';
export type { TrackingStarted, TrackingSummary } from './flow/pipeline-tracking.js';
export { BullMqExecutor, type BullMqExecutorOptions, type StepJobReport } from './distributed/bullmq-executor.js';
export { startWorker, type StepWorker, type StepWorkerOptions, type WorkerJobReport } from './distributed/step-worker.js';
export { runWorker, type RunWorkerOptions } from './distributed/run-worker.js';
export { registerFlow, type FlowFactory, type FlowResolver, type ResolvedFlow, type FlowDefinitionOrResolved } from './distributed/flow-registry.js';
export { LocalStoreExecutor } from './distributed/local-store-executor.js';
export { QueueMonitor, type QueueStats } from './distributed/queue-monitor.js';
// The feature plan's schema and planner, for commands that show or check a plan (the CLI's validate).
export { FeaturePlanSchema, planFeatures, type FeaturePlan, type ColumnPlan, type FeatureWarning } from '@hokusai/training';
export { benchmarkColumns, inferenceCommitment } from './flow/inference-benchmark.js';
export { planMemory, memoryPlanText, type MemoryPlan } from './flow/memory-plan.js';
