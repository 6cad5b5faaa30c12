import { dot, maxAbs } from './dense-vectors.js';
import type { LbfgsOptions, LbfgsResult, Objective } from './lbfgs.js';
import { factorHessian, newtonDirection } from './newton-direction.js';
import type { RowSample } from './row-sample.js';
import { sampleObjective } from './sample-objective.js';

/** The sample fit stops when its largest gradient component is below this (its optimum is ~1e-3 from the full one anyway). */
const SAMPLE_GTOL = 1e-4;
const SAMPLE_MAX_ITER = 50;
/** Armijo constant and halvings of the step, as in lbfgs.ts. */
const ARMIJO = 1e-4;
const MAX_HALVINGS = 40;

/**
 * The binary logistic fit by Newton steps whose Hessian comes from a row sample, for tables so
 * large that each pass over them is what costs:
 * 1. Newton's method on the sample alone, from zero, to near the sample's optimum (exact Hessian,
 *    a few passes over the sample).
 * 2. From there, steps -H_s^-1 g: g the gradient over every row (`full`, one pass per step), H_s
 *    the sample's Hessian at the sample's optimum, factored once. H_s is within about
 *    1/sqrt(sample rows) of the whole table's Hessian at its optimum, so each step shrinks the
 *    gradient about a hundredfold: 3-5 passes over the rows where L-BFGS from zero takes 30-45.
 *    A step the line search had to shorten says H_s no longer fits: it is computed again at the
 *    new point before the next step.
 * Stops as lbfgs does: largest gradient component below gtol, or an improvement below ftol
 * (relative), or maxIter steps of phase 2; `onIteration` hears phase 2, starting at 0 with the
 * full objective at the sample's optimum. Pure arithmetic in a fixed order: same bits every time.
 */
export function sampledNewton(full: Objective, sample: RowSample, d: number, l2: number, options: LbfgsOptions): LbfgsResult {
  const n = d + 1;
  const x = new Float64Array(n);
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const H = new Float64Array(n * n);
  const HNew = new Float64Array(n * n);
  const dir = new Float64Array(n);
  const lower = new Float64Array(n * n);

  // Phase 1: the sample alone.
  let f = sampleObjective(sample, x, d, l2, g, H);
  for (let it = 0; it < SAMPLE_MAX_ITER && maxAbs(g) >= SAMPLE_GTOL; it++) {
    const slope = descent(factorHessian(H, n, lower), lower, g, n, dir);
    let accepted = false;
    for (let tries = 0, step = 1; tries < MAX_HALVINGS; tries++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (dir[i] as number);
      // The full step is almost always taken: its Hessian is computed with it.
      const fNew = sampleObjective(sample, xNew, d, l2, gNew, HNew);
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO * step * slope) {
        f = fNew;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    x.set(xNew);
    g.set(gNew);
    H.set(HNew);
  }

  // Phase 2: every row's gradient, the sample's Hessian.
  let factored = factorHessian(H, n, lower);
  f = full(x, g);
  options.onIteration?.(0, f);
  let iterations = 0;
  let converged = maxAbs(g) < options.gtol;
  while (!converged && iterations < options.maxIter) {
    iterations++;
    const slope = descent(factored, lower, g, n, dir);
    let fNew = Infinity;
    let step = 1;
    let accepted = false;
    for (let tries = 0; tries < MAX_HALVINGS; tries++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (dir[i] as number);
      fNew = full(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    options.onIteration?.(iterations, f);
    if (maxAbs(g) < options.gtol || fOld - f <= options.ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) converged = true;
    else if (step < 1) {
      sampleObjective(sample, x, d, l2, gNew, H);
      factored = factorHessian(H, n, lower);
    }
  }
  return { x, f, iterations, converged };
}

/** The Newton direction from the factor (steepest descent without one, or if it does not descend); returns g . dir. */
function descent(factored: boolean, lower: Float64Array, g: Float64Array, n: number, dir: Float64Array): number {
  if (factored) {
    newtonDirection(lower, g, n, dir);
    const slope = dot(g, dir);
    if (slope < 0) return slope;
  }
  for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
  return dot(g, dir);
}
