import { HokusaiError, errorCode, type ErrorKind } from '@hokusai/core';

/**
 * Every code this package raises, with its kind (see @hokusai/core). The engine retries a step
 * only for a transient failure (or an untyped crash); the CLI's exit code follows the kind.
 */
export const ORCHESTRATOR_ERROR_KINDS = {
  HOKUSAI_CONFIG_INVALID: 'input',
  HOKUSAI_EXECUTOR_OPTIONS_INVALID: 'input',
  HOKUSAI_WORKER_OPTIONS_INVALID: 'input',
  HOKUSAI_REDIS_URL_INVALID: 'input',
  HOKUSAI_RUN_ID_INVALID: 'input',
  HOKUSAI_RUN_NOT_FOUND: 'input',
  HOKUSAI_INPUT_NOT_FOUND: 'input',
  HOKUSAI_VERIFY_FOLDER_NOT_FOUND: 'input',
  HOKUSAI_OUTPUT_EXISTS: 'input',
  HOKUSAI_OUTPUT_NOT_REPLACEABLE: 'input',
  HOKUSAI_OUTPUT_NOT_WRITABLE: 'input',
  HOKUSAI_OUTPUT_LOCKED: 'input',
  HOKUSAI_STORE_NOT_WRITABLE: 'input',
  HOKUSAI_ZK_CACHE_NOT_WRITABLE: 'input',
  HOKUSAI_RESUME_MISMATCH: 'input',
  HOKUSAI_NO_TRAINING_ROWS: 'input',
  HOKUSAI_TASK_MISMATCH: 'input',
  HOKUSAI_MODEL_CLASSES_DIFFER: 'input',
  HOKUSAI_PREDICTIONS_INVALID: 'input',
  HOKUSAI_BENCHMARK_COMMITMENT_MISMATCH: 'input',
  HOKUSAI_INFERENCE_NOT_PROVABLE: 'input',
  HOKUSAI_FLOW_MODULE_FAILED: 'input',
  HOKUSAI_FLOW_UNKNOWN: 'input',
  HOKUSAI_HOOK_UNKNOWN: 'input',
  HOKUSAI_WORKER_HOOKS_MISMATCH: 'input',
  HOKUSAI_RUN_PARAMS_INVALID: 'input',
  HOKUSAI_RUN_CANCELLED: 'input',
  HOKUSAI_STEP_CANCELLED: 'input',
  // The inputs exceed resources.memory and a stage the run needs does not stream.
  HOKUSAI_STREAMING_UNAVAILABLE: 'input',
  // Faults that pass: a worker, a job or Redis went away, or a step ran out of time.
  HOKUSAI_REDIS_UNREACHABLE: 'transient',
  HOKUSAI_WORKER_LOST: 'transient',
  HOKUSAI_JOB_LOST: 'transient',
  HOKUSAI_STEP_TIMEOUT: 'transient',
  HOKUSAI_WORKER_SHUTDOWN_FORCED: 'transient',
  // Faults of the pipeline itself or of its stored state.
  HOKUSAI_EXECUTOR_CLOSED: 'internal',
  HOKUSAI_FLOW_INVALID: 'internal',
  HOKUSAI_JOB_INVALID: 'internal',
  HOKUSAI_RUN_STORE_CORRUPT: 'internal',
  HOKUSAI_STEP_OUTPUT_UNSTORABLE: 'internal',
  // The report the flow built does not match its own schema: a fault in Hokusai, not the input.
  HOKUSAI_REPORT_DOCUMENT_INVALID: 'internal',
} as const satisfies Record<string, ErrorKind>;
export type OrchestratorErrorCode = keyof typeof ORCHESTRATOR_ERROR_KINDS;

/** Errors raised by the orchestrator; `step` names the step that failed, when one did. */
export class OrchestratorError extends HokusaiError<OrchestratorErrorCode> {
  declare readonly step?: string;

  constructor(code: OrchestratorErrorCode, message: string, options?: { step?: string; cause?: unknown }) {
    super(code, message, {
      kind: ORCHESTRATOR_ERROR_KINDS[code],
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
      ...(options?.step === undefined ? {} : { details: { step: options.step } }),
    });
    this.name = 'OrchestratorError';
    if (options?.step !== undefined) this.step = options.step;
  }
}

/** The `code` of any Hokusai error or Node system error, else undefined. */
export { errorCode };
