/** Progress events: the CLI turns them into progress bars, the tracking package into run metrics. */
export type RunEventType =
  | 'run_started'
  | 'run_finished'
  | 'run_failed'
  | 'step_started'
  | 'step_finished'
  | 'step_failed'
  | 'step_retry'
  | 'step_reused'
  | 'progress';

export interface RunEvent {
  type: RunEventType;
  runId: string;
  step?: string;
  time: number;
  /** For progress: what is counted (rows, epochs, trials, constraints) and how far along. */
  unit?: string;
  done?: number;
  total?: number;
  /** For training progress: the training loss after `done` (the tracker logs it per step). */
  loss?: number;
  message?: string;
  attempt?: number;
  durationMs?: number;
  cpuMs?: number;
  peakRssMb?: number;
  /** The worker that ran the step (distributed runs). */
  worker?: string;
}

export type RunEventListener = (event: RunEvent) => void;
