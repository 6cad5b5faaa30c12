import { readFileSync } from 'node:fs';

/** Values written by test/fixtures/gen_sklearn.py from scikit-learn, scipy and statsmodels. */
export interface BinaryFixture {
  name: string;
  y: number[];
  scores: number[];
  expected: Record<string, unknown>;
}
export interface MulticlassFixture {
  name: string;
  classes: number;
  y: number[];
  probabilities: number[];
  expected: Record<string, unknown>;
}
export interface Fixtures {
  versions: Record<string, string>;
  binary: BinaryFixture[];
  multiclass: MulticlassFixture[];
  mcnemar: { b: number; c: number; method: string; statistic: number; p_value: number }[];
  delong: { name: string; y: number[]; baseline: number[]; new: number[]; alpha: number; expected: Record<string, number | number[]> }[];
  paired_z: { diffs: number[]; alpha: number; mean: number; p_value: number; se: number; ci: [number, number] };
  normal: { erfc: [number, number][]; ppf: [number, number][]; chi2_sf: [number, number][] };
}

export const fixtures = JSON.parse(readFileSync(new URL('./fixtures/sklearn-expected.json', import.meta.url), 'utf8')) as Fixtures;

/** |a - b| <= tol, with matching nulls. */
export function close(actual: number | null | undefined, expected: unknown, tol = 1e-9): boolean {
  if (expected === null) return actual === null;
  if (typeof expected !== 'number' || typeof actual !== 'number') return false;
  return Math.abs(actual - expected) <= tol;
}

export function closeArray(actual: readonly (number | null)[], expected: readonly (number | null)[], tol = 1e-9): boolean {
  return actual.length === expected.length && actual.every((v, i) => close(v, expected[i], tol));
}
