/** Below this many values a sort is as quick as partitioning further. */
const SORT_BELOW = 64;

/**
 * Rearranges `a` in place so that a[p] holds the value of sorted position p for every p in
 * `wanted` (positions within `a`, ascending), without sorting the rest: a quickselect that
 * follows every wanted position at once, partitioning three ways around the median of three (so
 * runs of equal values cost nothing). For values without NaN; where -0 and 0 both occur, which of
 * them lands at a position is not the sort's choice (no comparison tells them apart).
 */
export function selectPositions(a: Float64Array, wanted: readonly number[]): void {
  select(a, 0, a.length - 1, wanted, 0, wanted.length);
}

/** selectPositions over a[lo..hi] for wanted[from..to) (all within lo..hi). */
function select(a: Float64Array, lo: number, hi: number, wanted: readonly number[], from: number, to: number): void {
  while (from < to) {
    if (hi - lo < SORT_BELOW) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    // Three-way partition around the median of three: < pivot | = pivot | > pivot.
    const x = a[lo] as number;
    const y = a[(lo + hi) >>> 1] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo;
    let i = lo;
    let gt = hi;
    while (i <= gt) {
      const v = a[i] as number;
      if (v < pivot) {
        a[i] = a[lt] as number;
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt] as number;
        a[gt] = v;
        gt--;
      } else i++;
    }
    // wanted positions below lt go left, those in [lt, gt] are the pivot already, the rest right.
    let mid = from;
    while (mid < to && (wanted[mid] as number) < lt) mid++;
    let right = mid;
    while (right < to && (wanted[right] as number) <= gt) right++;
    if (mid > from) select(a, lo, lt - 1, wanted, from, mid);
    lo = gt + 1;
    from = right;
  }
}
