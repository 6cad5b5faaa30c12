/** Binary Brier score: mean squared difference between the 0/1 label and P(class 1). */
export function binaryBrier(y: Int32Array, s: Float64Array): number {
  let sum = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const d = (y[i] as number) - (s[i] as number);
    sum += d * d;
  }
  return sum / n;
}
