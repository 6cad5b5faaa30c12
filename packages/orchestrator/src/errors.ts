/** Errors raised by the orchestrator carry a stable code, like every Hokusai error. */
export class OrchestratorError extends Error {
  readonly code: string;
  readonly step?: string;

  constructor(code: string, message: string, options?: { step?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OrchestratorError';
    this.code = code;
    if (options?.step !== undefined) this.step = options.step;
  }
}

/** The `code` of any Hokusai error (every package's errors carry one), else undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
