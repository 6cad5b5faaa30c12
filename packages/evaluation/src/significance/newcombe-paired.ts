import { normalQuantile } from './normal.js';

/**
 * Paired 2x2 table of two classifiers' correctness on the same rows: both right, only the new
 * model right, only the baseline right, both wrong.
 */
export interface PairedCorrectness {
  both: number;
  newOnly: number;
  baselineOnly: number;
  neither: number;
}

function wilson(x: number, n: number, z: number): [number, number] {
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [centre - half, centre + half];
}

/**
 * Newcombe's hybrid score interval (method 10 of Newcombe 1998, Stat Med 17:2635) for
 * p_new - p_baseline on paired data: Wilson score limits for each accuracy, combined with the
 * estimated correlation of the two (phi, with Newcombe's n/2 correction). Unlike a percentile
 * bootstrap it does not collapse when there are few discordant pairs (0 vs 5 of 60 rows).
 * Null for an empty table.
 */
export function newcombePairedInterval(t: PairedCorrectness, alpha: number): [number, number] | null {
  // Newcombe's notation: a both, b first only, c second only, d neither; first = new model.
  const a = t.both;
  const b = t.newOnly;
  const c = t.baselineOnly;
  const d = t.neither;
  const n = a + b + c + d;
  if (n === 0) return null;
  const z = normalQuantile(1 - alpha / 2);
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const [l1, u1] = wilson(a + b, n, z);
  const [l2, u2] = wilson(a + c, n, z);
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  let phi = 0;
  if (margins > 0) {
    const cross = a * d - b * c;
    if (cross > n / 2) phi = (cross - n / 2) / Math.sqrt(margins);
    else if (cross < 0) phi = cross / Math.sqrt(margins);
  }
  const diff = (b - c) / n;
  const lowerHalf = Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const upperHalf = Math.sqrt(Math.max(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2));
  return [Math.max(-1, diff - lowerHalf), Math.min(1, diff + upperHalf)];
}

/** The paired correctness table of two models' 0/1 predictions (score >= threshold) against the truth. */
export function pairedCorrectness(y: Int32Array, base: Float64Array, next: Float64Array, threshold: number): PairedCorrectness {
  const t: PairedCorrectness = { both: 0, newOnly: 0, baselineOnly: 0, neither: 0 };
  for (let i = 0; i < y.length; i++) {
    const truth = y[i] === 1;
    const okBase = (base[i] as number) >= threshold === truth;
    const okNew = (next[i] as number) >= threshold === truth;
    if (okBase && okNew) t.both++;
    else if (okNew) t.newOnly++;
    else if (okBase) t.baselineOnly++;
    else t.neither++;
  }
  return t;
}
