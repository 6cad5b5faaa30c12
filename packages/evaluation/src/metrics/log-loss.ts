/** scikit-learn clips probabilities to [eps, 1 - eps] with the float64 machine epsilon. */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

function clip(p: number): number {
  return p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
}

/** Mirrors scikit-learn: the probability of the true class is clipped, then logged. */
export function binaryLogLossTerm(y: number, p: number): number {
  return y === 1 ? -Math.log(clip(p)) : -Math.log(clip(1 - p));
}

export function multiclassLogLossTerm(pTrue: number): number {
  return -Math.log(clip(pTrue));
}

export function binaryLogLoss(y: Int32Array, s: Float64Array): number {
  let sum = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) sum += binaryLogLossTerm(y[i] as number, s[i] as number);
  return sum / n;
}
