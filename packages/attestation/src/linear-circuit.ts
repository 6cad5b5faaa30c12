import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { canonicalJson } from './canonical-json.js';
import { PACKAGE_ROOT } from './circuit-source.js';
import { sha256Hex } from './sha256.js';
import { compileSourcesInto } from './circuit-compile.js';
import { withLock } from './file-lock.js';
import { shippedKeyIn, type ShippedKey } from './shipped-keys.js';

export const LINEAR_CIRCUIT_NAME = 'hokusai_linear';
/**
 * Rows per chunk, features per row and bits of the logit decomposition of the one shipped linear
 * circuit. Seven rows of 20 features with a 62-bit logit is 8,129 constraints, the most that fits
 * the 2^13 powers of tau the package ships (8,129 + 48 public inputs + 1 <= 8,192); the chunk
 * count, not the rows, sets most of the proving time, so the rows per chunk are as many as fit.
 * 62 bits hold a logit of magnitude below 2^61 / 2^48 = 8,192 (the score is 0 or 1 in float64
 * long before: beyond 37 or so); a larger logit gets HOKUSAI_QUANTIZATION, not a proof.
 */
export const LINEAR_ROWS = 7;
export const LINEAR_FEATURES = 20;
export const LINEAR_LOGIT_BITS = 62;
/** Public signals in circuit order (the weight arrays expand to F entries each). */
export const LINEAR_PUBLIC_SIGNAL_NAMES = ['chunk_index', 'previous_benchmark', 'benchmark', 'rows', 'baseline_correct', 'new_correct', 'w0', 'b0', 'w1', 'b1'] as const;
/** Number of public signals: six scalars and two models of F weights and a bias. */
export const LINEAR_PUBLIC_SIGNALS = 6 + 2 * (LINEAR_FEATURES + 1);

const CIRCOMLIB_FILES = ['poseidon.circom', 'poseidon_constants.circom', 'bitify.circom', 'comparators.circom', 'aliascheck.circom', 'compconstant.circom', 'binsum.circom'];

/** Every source file of the linear circuit, flattened into one folder, with a main fixing R, F, K. */
export function linearCircuitSources(): Record<string, string> {
  const lib = join(dirname(createRequire(import.meta.url).resolve('circomlib/package.json')), 'circuits');
  const files: Record<string, string> = {
    [`${LINEAR_CIRCUIT_NAME}.circom`]: readFileSync(join(PACKAGE_ROOT, 'circuits', `${LINEAR_CIRCUIT_NAME}.circom`), 'utf8'),
  };
  for (const name of CIRCOMLIB_FILES) files[name] = readFileSync(join(lib, name), 'utf8');
  files['main.circom'] = [
    'pragma circom 2.1.0;',
    `include "${LINEAR_CIRCUIT_NAME}.circom";`,
    `component main {public [${LINEAR_PUBLIC_SIGNAL_NAMES.join(', ')}]} = HokusaiLinear(${LINEAR_ROWS}, ${LINEAR_FEATURES}, ${LINEAR_LOGIT_BITS});`,
    '',
  ].join('\n');
  return files;
}

/** Content hash of the linear circuit: its sources, parameters and compiler flags. */
export function linearCircuitHash(): string {
  const files = Object.fromEntries(Object.entries(linearCircuitSources()).map(([name, text]) => [name, sha256Hex(text)]));
  return sha256Hex(canonicalJson({ name: LINEAR_CIRCUIT_NAME, rows: LINEAR_ROWS, features: LINEAR_FEATURES, logit_bits: LINEAR_LOGIT_BITS, compiler: 'circom2@0.2.23 --O2', files }));
}

export interface CompiledLinearCircuit {
  hash: string;
  r1csPath: string;
  wasmPath: string;
}

/**
 * The compiled linear circuit: the copy the package build made under dist/circuits, else the
 * one in the cache, else compiled now with circom2 into the cache (a maintainer step; runs use
 * the build's copy).
 */
export async function compiledLinearCircuit(cacheDir: string): Promise<CompiledLinearCircuit> {
  const hash = linearCircuitHash();
  for (const dir of [join(PACKAGE_ROOT, 'dist', 'circuits', hash), join(cacheDir, 'circuits', hash)]) {
    const r1csPath = join(dir, 'main.r1cs');
    const wasmPath = join(dir, 'main.wasm');
    if (existsSync(r1csPath) && existsSync(wasmPath)) return { hash, r1csPath, wasmPath };
  }
  const target = join(cacheDir, 'circuits', hash);
  return withLock(target, async () => ({ hash, ...(await compileSourcesInto(linearCircuitSources(), LINEAR_CIRCUIT_NAME, target)) }));
}

/** The linear circuit's shipped key (keys/<circuit hash>/), or undefined when the package has none. */
export function shippedLinearKey(): ShippedKey | undefined {
  return shippedKeyIn(linearCircuitHash());
}
