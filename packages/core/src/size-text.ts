/**
 * A byte count as people read it ("1.4 GB"): decimal units, three significant figures above a
 * kilobyte. The progress output, the memory plan and the HTML report all say sizes this way.
 */
export function sizeText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u] as string}`;
}
