/**
 * Progress events: the CLI turns them into progress bars, the tracking package into run metrics.
 * One member per `type`, so a consumer that switches on `type` sees exactly that event's fields.
 */
interface EventStamp {
  runId: string;
  time: number;
}

export interface RunStartedEvent extends EventStamp {
  type: 'run_started';
  /** 'started' or 'resumed'. */
  message: string;
}

export interface RunFinishedEvent extends EventStamp {
  type: 'run_finished';
}

export interface RunFailedEvent extends EventStamp {
  type: 'run_failed';
  message: string;
}

export interface StepStartedEvent extends EventStamp {
  type: 'step_started';
  step: string;
  attempt: number;
}

export interface StepFinishedEvent extends EventStamp {
  type: 'step_finished';
  step: string;
  attempt: number;
  durationMs: number;
  /** Process-wide CPU time while the step ran, and the peak resident set so far. */
  cpuMs: number;
  peakRssMb: number;
}

export interface StepFailedEvent extends EventStamp {
  type: 'step_failed';
  step: string;
  attempt: number;
  message: string;
}

export interface StepRetryEvent extends EventStamp {
  type: 'step_retry';
  step: string;
  /** The attempt that failed; the next one follows after the retry delay. */
  attempt: number;
  message: string;
}

export interface StepReusedEvent extends EventStamp {
  type: 'step_reused';
  step: string;
}

export interface ProgressEvent extends EventStamp {
  type: 'progress';
  step: string;
  /** What is counted (rows, epochs, trials, constraints) and how far along. */
  unit?: string;
  done?: number;
  total?: number;
  /** For training progress: the training loss after `done` (the tracker logs it per step). */
  loss?: number;
  message?: string;
  /** The worker that ran the step (distributed runs). */
  worker?: string;
}

export type RunEvent =
  | RunStartedEvent
  | RunFinishedEvent
  | RunFailedEvent
  | StepStartedEvent
  | StepFinishedEvent
  | StepFailedEvent
  | StepRetryEvent
  | StepReusedEvent
  | ProgressEvent;

export type RunEventType = RunEvent['type'];

/** The events that belong to one step. */
export type StepEvent = Extract<RunEvent, { step: string }>;

/** What a step body reports: a progress event before the engine stamps it with run, step and time. */
export type ProgressUpdate = Omit<ProgressEvent, 'runId' | 'step' | 'time'>;

export type RunEventListener = (event: RunEvent) => void;
