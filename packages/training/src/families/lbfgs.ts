/**
 * Limited-memory BFGS for smooth convex objectives, with a backtracking Armijo line search.
 * Pure arithmetic on Float64Arrays in a fixed order, so the same start gives the same result bit for bit.
 */
import { axpy, dot, maxAbs } from './dense-vectors.js';

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when the largest gradient component falls below this. */
  gtol: number;
  /** Stop when the objective improves by less than this fraction. */
  ftol: number;
  memory: number;
  /**
   * Told the iteration count and the objective at the start (0) and after each accepted step;
   * reads nothing back, so the result is unchanged.
   */
  onIteration?: ((iterations: number, f: number) => void) | undefined;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

/** `fg` writes the gradient at x into g and returns the objective. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const dir = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) < options.gtol;
  options.onIteration?.(0, f);
  while (!converged && iterations < options.maxIter) {
    iterations++;
    for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
    const k = s.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(s[j] as Float64Array, dir);
      alpha[j] = a;
      axpy(-a, y[j] as Float64Array, dir);
    }
    if (k > 0) {
      const yl = y[k - 1] as Float64Array;
      const gamma = dot(s[k - 1] as Float64Array, yl) / dot(yl, yl);
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = (rho[j] as number) * dot(y[j] as Float64Array, dir);
      axpy((alpha[j] as number) - b, s[j] as Float64Array, dir);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
      slope = dot(g, dir);
    }
    let step = k === 0 ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(-slope))) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (dir[i] as number);
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = (xNew[i] as number) - (x[i] as number);
      yk[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    options.onIteration?.(iterations, f);
    if (maxAbs(g) < options.gtol || (fOld - f) <= options.ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) converged = true;
  }
  return { x, f, iterations, converged };
}
