import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { OrchestratorError } from '@hokusai/orchestrator';
import { CliError } from '../cli-error.js';

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * Where `validate --fix` may write: never over one of the files it reads (not even with
 * --overwrite, which would replace raw data with hashed data for good), and over any other
 * existing file only when --overwrite says so.
 */
export function assertFixTargets(targets: string[], inputs: string[], overwrite: boolean, flag = '--out'): void {
  const inputPaths = new Set(inputs.map(real));
  for (const target of targets) {
    if (inputPaths.has(real(target))) {
      throw new CliError('HOKUSAI_OUTPUT_IS_INPUT', `${flag} ${target} is one of the files being validated; write ${flag === '--out' ? 'the fixed data' : 'it'} to a new file.`);
    }
    if (existsSync(target) && !overwrite) {
      // The same refusal, and code, as for an existing output folder of a run.
      throw new OrchestratorError('HOKUSAI_OUTPUT_EXISTS', `${target} already exists. Choose another ${flag} or pass --overwrite.`);
    }
  }
}
