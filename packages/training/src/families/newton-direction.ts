/**
 * A Cholesky factor L (row-major n x n, lower triangle) with L L^T = H + mu * I for the symmetric
 * matrix H: mu = 0 when H is positive definite; otherwise mu grows from 1e-12 of H's largest
 * diagonal entry until the factorization succeeds (collinear features with l2 = 0 make H
 * singular). False when no mu works (H not finite).
 */
export function factorHessian(H: Float64Array, n: number, lower: Float64Array): boolean {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + i] as number));
  if (!Number.isFinite(scale)) return false;
  if (scale === 0) scale = 1;
  for (let attempt = 0, mu = 0; attempt < 12; attempt++, mu = mu === 0 ? scale * 1e-12 : mu * 100) {
    if (cholesky(H, n, mu, scale * 1e-15, lower)) return true;
  }
  return false;
}

/** dir = -(L L^T)^-1 g: forward then back substitution (L u = -g, L^T dir = u). */
export function newtonDirection(lower: Float64Array, g: Float64Array, n: number, dir: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = -(g[i] as number);
    for (let k = 0; k < i; k++) s -= (lower[i * n + k] as number) * (dir[k] as number);
    dir[i] = s / (lower[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = dir[i] as number;
    for (let k = i + 1; k < n; k++) s -= (lower[k * n + i] as number) * (dir[k] as number);
    dir[i] = s / (lower[i * n + i] as number);
  }
}

/** L with L L^T = H + mu * I, or false when a pivot is not above `floor`. */
function cholesky(H: Float64Array, n: number, mu: number, floor: number, lower: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (H[i * n + j] as number) + (i === j ? mu : 0);
      for (let k = 0; k < j; k++) s -= (lower[i * n + k] as number) * (lower[j * n + k] as number);
      if (i === j) {
        if (!(s > floor)) return false;
        lower[i * n + i] = Math.sqrt(s);
      } else {
        lower[i * n + j] = s / (lower[j * n + j] as number);
      }
    }
  }
  return true;
}
