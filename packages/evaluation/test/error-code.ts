import { EvaluationError } from '../src/index.js';

/** The code of the EvaluationError `f` throws, or 'none'; any other error propagates. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationError) return e.code;
    throw e;
  }
  return 'none';
}
