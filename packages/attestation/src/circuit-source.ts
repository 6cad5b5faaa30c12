import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from './canonical-json.js';
import { MAX_CIRCUIT_N } from './commitments.js';
import { AttestationError } from './errors.js';
import { sha256Hex } from './sha256.js';

export const CIRCUIT_NAME = 'hokusai_accuracy';
export const DEFAULT_CIRCUIT_N = 1024;
/** Public signals in circuit order. */
export const PUBLIC_SIGNAL_NAMES = ['chunk_index', 'previous_accumulator', 'accumulator', 'rows', 'labels_commitment', 'baseline_commitment', 'candidate_commitment', 'baseline_correct', 'candidate_correct'] as const;

/** The package root, from src/ under vitest and from dist/ when built. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function checkCircuitN(n: number): void {
  if (!Number.isInteger(n) || n < 2 || n > MAX_CIRCUIT_N) {
    throw new AttestationError('HOKUSAI_INVALID_INPUT', `circuit size ${n} is not supported; choose an integer from 2 to ${MAX_CIRCUIT_N} (longer benchmarks are split into chunks of that size)`);
  }
}

function circomlibDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('circomlib/package.json')), 'circuits');
}

/**
 * Every source file of the circuit of size n, flattened into one folder: the template, the
 * circomlib files it includes, and a generated main that fixes N and the public signals.
 */
export function circuitSources(n: number): Record<string, string> {
  checkCircuitN(n);
  const lib = circomlibDir();
  return {
    [`${CIRCUIT_NAME}.circom`]: readFileSync(join(PACKAGE_ROOT, 'circuits', `${CIRCUIT_NAME}.circom`), 'utf8'),
    'poseidon.circom': readFileSync(join(lib, 'poseidon.circom'), 'utf8'),
    'poseidon_constants.circom': readFileSync(join(lib, 'poseidon_constants.circom'), 'utf8'),
    'main.circom': [
      'pragma circom 2.1.0;',
      `include "${CIRCUIT_NAME}.circom";`,
      `component main {public [${PUBLIC_SIGNAL_NAMES.join(', ')}]} = HokusaiAccuracy(${n});`,
      '',
    ].join('\n'),
  };
}

/** Content hash of the circuit: the sources, N and the compiler flags that shape the R1CS. */
export function circuitHash(n: number): string {
  const files = Object.fromEntries(Object.entries(circuitSources(n)).map(([name, text]) => [name, sha256Hex(text)]));
  return sha256Hex(canonicalJson({ name: CIRCUIT_NAME, n, compiler: 'circom2@0.2.23 --O2', files }));
}
