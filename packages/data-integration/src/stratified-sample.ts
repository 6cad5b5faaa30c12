import type { Column } from './column.js';
import { cellValue } from './column.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Seeded stratified sample of row indices (ascending). Each class keeps its share of `size`,
 * remainders going to the largest fractional parts (ties by class order, which is first
 * appearance), so the same inputs and seed always pick the same rows.
 */
export function stratifiedSample(target: Column | undefined, n: number, size: number, seed: number): Uint32Array {
  if (size >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = target ? String(cellValue(target, i)) : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const entries = [...groups.entries()];
  const quotas = entries.map(([, g]) => (g.length * size) / n);
  const take = quotas.map((q) => Math.floor(q));
  let left = size - take.reduce((a, b) => a + b, 0);
  const byFrac = quotas.map((q, k) => ({ k, f: q - Math.floor(q) })).sort((a, b) => b.f - a.f || a.k - b.k);
  for (const { k } of byFrac) {
    if (left === 0) break;
    take[k] = (take[k] as number) + 1;
    left--;
  }
  const rng = new SeededRandom(seed);
  const chosen: number[] = [];
  entries.forEach(([, g], k) => {
    const m = take[k] as number;
    const arr = g.slice();
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(arr.length - i);
      const t = arr[i] as number;
      arr[i] = arr[j] as number;
      arr[j] = t;
    }
    for (let i = 0; i < m; i++) chosen.push(arr[i] as number);
  });
  return Uint32Array.from(chosen).sort();
}
