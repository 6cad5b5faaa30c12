/** Seeded synthetic benchmark rows for tests (Park-Miller LCG; independent of the package's generator). */
export function syntheticBenchmark(n: number, seed: number, shift = 0.05, ties = false): { y: Int32Array; base: Float64Array; next: Float64Array } {
  let s = seed % 2147483647 || 1;
  const r = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const y = new Int32Array(n);
  const base = new Float64Array(n);
  const next = new Float64Array(n);
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  for (let i = 0; i < n; i++) {
    y[i] = r() < 0.4 ? 1 : 0;
    const sign = y[i] === 1 ? 1 : -1;
    let a = clamp(0.5 + sign * 0.1 + (r() - 0.5) * 0.9);
    let b = clamp(0.5 + sign * (0.1 + shift) + (r() - 0.5) * 0.9);
    if (ties) {
      a = Math.round(a * 10) / 10;
      b = Math.round(b * 10) / 10;
    }
    base[i] = a;
    next[i] = b;
  }
  return { y, base, next };
}
