import type { Column } from './column.js';
import { findMatches } from './dedup.js';
import type { RowHashes } from './row-hash.js';
import { hashRows, rowsEqual } from './row-hash.js';

/**
 * Finds rows of one table that copy rows of another, as a model would see them: first exactly
 * (same values), then after normalization, so that re-printing or rounding numbers and changing
 * the case or spacing of text does not hide a copy.
 *
 * Normalization, per cell (columns aligned by position, same types on both sides):
 * - text: Unicode NFKC, lower case, runs of whitespace as one space, trimmed; text that reads as
 *   a number is compared as that number's shortest form ("0.50", " 5e-1" and "0.5" agree);
 * - numbers: a contributed value printed with d decimals (its shortest form: 0.50 and 5e-1 have
 *   one) agrees with a reference value that rounds to it at min(d, D) decimals, where D is the
 *   most decimals any reference value of that column has (at most 12). So 0.12 matches 0.1234
 *   (a rounded copy), while 0.13 does not match 0.1234 and 1.5 does not match 1.6: values that
 *   differ by more than the contributor's own rounding are never merged. Integers compare exactly.
 * - booleans, timestamps and nulls compare exactly.
 */
export interface RowMatchResult {
  /** Per row of `a`: 0 no match, 1 exact match, 2 match after normalization only. */
  hit: Uint8Array;
  exact: number;
  normalized: number;
}

const MAX_DECIMALS = 12;

/** Decimals in the shortest printed form of v (0.5 → 1, 1e-7 → 7, 120 → 0). */
export function decimalsOf(v: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v)) return 0;
  const s = String(Math.abs(v));
  const e = s.indexOf('e');
  const mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const frac = dot < 0 ? 0 : mant.length - dot - 1;
  return Math.min(MAX_DECIMALS, Math.max(0, frac - exp));
}

const SPACE = /\s+/g;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/;

/** The normalized form of a text value (see the module comment). */
export function normalizeCellText(s: string): string {
  const t = s.normalize('NFKC').toLowerCase().replace(SPACE, ' ').trim();
  if (t.length > 0 && t.length < 40 && NUMERIC.test(t)) {
    const v = Number(t);
    if (Number.isFinite(v)) return String(v === 0 ? 0 : v);
  }
  return t;
}

type TextCol = Extract<Column, { type: 'string' }>;
type NumCol = Extract<Column, { type: 'int' | 'float' }>;

function normalizedText(col: TextCol, n: number): (string | null)[] {
  const cache = new Map<string, string>();
  const vals = col.values;
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const s = vals[i] ?? null;
    if (s === null) {
      out[i] = null;
      continue;
    }
    let t = cache.get(s);
    if (t === undefined) {
      t = normalizeCellText(s);
      if (cache.size < 1_000_000) cache.set(s, t);
    }
    out[i] = t;
  }
  return out;
}

/** Reference rows sorted by one numeric column (nulls left out), for range look-ups. */
interface SortedColumn {
  values: Float64Array;
  rows: Int32Array;
}

function sortColumn(col: NumCol, n: number): SortedColumn {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (col.valid[i] === 1) idx.push(i);
  idx.sort((x, y) => (col.values[x] as number) - (col.values[y] as number) || x - y);
  const values = new Float64Array(idx.length);
  idx.forEach((r, k) => (values[k] = col.values[r] as number));
  return { values, rows: Int32Array.from(idx) };
}

/** First position in `v` whose value is >= x. */
function lowerBound(v: Float64Array, x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((v[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in `v` whose value is > x. */
function upperBound(v: Float64Array, x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((v[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Anchors for the range look-up: the numeric columns with the most distinct reference values. */
const MAX_ANCHORS = 3;

/**
 * For each row of `a`, whether some row of `b` holds the same values: exactly, or after the
 * normalization described above. `hashes` reuses exact fingerprints computed by the caller.
 */
export function matchRows(a: readonly Column[], na: number, b: readonly Column[], nb: number, hashes?: { a?: RowHashes; b?: RowHashes }): RowMatchResult {
  const hit = findMatches(a, na, b, nb, 'exact', hashes);
  let exact = 0;
  for (let i = 0; i < na; i++) exact += hit[i] as number;
  let normalized = 0;
  if (na === 0 || nb === 0 || exact === na) return { hit, exact, normalized };

  const rest: number[] = [];
  for (let i = 0; i < na; i++) if (hit[i] === 0) rest.push(i);
  const ncol = a.length;
  const isNum = (c: number): boolean => {
    const t = (a[c] as Column).type;
    return (t === 'int' || t === 'float') && (b[c] as Column).type === t;
  };
  // Text columns in normalized form (plain arrays, built once); the other columns as they are.
  const textA: ((string | null)[] | null)[] = a.map((col, c) => (col.type === 'string' && (b[c] as Column).type === 'string' ? normalizedText(col, na) : null));
  const textB: ((string | null)[] | null)[] = b.map((col, c) => (col.type === 'string' && (a[c] as Column).type === 'string' ? normalizedText(col, nb) : null));
  const refDecimals = new Int32Array(ncol);
  const numCols: number[] = [];
  for (let c = 0; c < ncol; c++) {
    if (!isNum(c)) continue;
    numCols.push(c);
    const col = b[c] as NumCol;
    let d = 0;
    if (col.type === 'float') for (let i = 0; i < nb && d < MAX_DECIMALS; i++) if (col.valid[i] === 1) d = Math.max(d, decimalsOf(col.values[i] as number));
    refDecimals[c] = d;
  }

  const cellsAgree = (i: number, j: number): boolean => {
    for (let c = 0; c < ncol; c++) {
      const ta = textA[c];
      if (ta !== null && ta !== undefined) {
        if (ta[i] !== (textB[c] as (string | null)[])[j]) return false;
        continue;
      }
      if (isNum(c)) {
        const x = a[c] as NumCol;
        const y = b[c] as NumCol;
        const vx = x.valid[i] === 1;
        if (vx !== (y.valid[j] === 1)) return false;
        if (!vx) continue;
        const u = x.values[i] as number;
        const w = y.values[j] as number;
        if (u === w) continue;
        if (x.type === 'int') return false;
        const d = Math.min(decimalsOf(u), refDecimals[c] as number);
        const tol = 0.5 * 10 ** -d;
        if (Math.abs(u - w) > tol * (1 + 1e-9) + Math.abs(w) * 1e-15) return false;
        continue;
      }
      if (!rowsEqual([a[c] as Column], i, [b[c] as Column], j, 'exact')) return false;
    }
    return true;
  };

  // Rows whose numbers are all null (or tables without numeric columns): fingerprints of the
  // normalized text and the other columns find candidates.
  const keyCols = (cols: readonly Column[], text: ((string | null)[] | null)[]): Column[] =>
    cols.map((col, c) => {
      const t = text[c];
      if (t !== null && t !== undefined) return { type: 'string', values: t };
      if (isNum(c)) return { type: 'bool', values: (col as NumCol).valid, valid: new Uint8Array((col as NumCol).valid.length).fill(1) };
      return col;
    });
  let keyed: { hb: RowHashes; groups: Map<string, number[]>; ha: RowHashes } | null = null;
  const keyedLookup = (): NonNullable<typeof keyed> => {
    if (keyed !== null) return keyed;
    const hb = hashRows(keyCols(b, textB), nb, 'exact');
    const ha = hashRows(keyCols(a, textA), na, 'exact');
    const groups = new Map<string, number[]>();
    for (let j = 0; j < nb; j++) {
      const k = `${hb.h1[j]}:${hb.h2[j]}`;
      const g = groups.get(k);
      if (g === undefined) groups.set(k, [j]);
      else g.push(j);
    }
    keyed = { hb, ha, groups };
    return keyed;
  };

  // Anchors: numeric columns sorted once; each row looks up the anchor with the fewest candidates.
  const anchors = numCols
    .map((c) => ({ c, distinct: new Set((b[c] as NumCol).values.subarray(0, Math.min(nb, 50_000))).size }))
    .sort((p, q) => q.distinct - p.distinct || p.c - q.c)
    .slice(0, MAX_ANCHORS)
    .map(({ c }) => ({ c, sorted: sortColumn(b[c] as NumCol, nb) }));

  for (const i of rest) {
    let best: { lo: number; hi: number; sorted: SortedColumn } | null = null;
    for (const { c, sorted } of anchors) {
      const col = a[c] as NumCol;
      if (col.valid[i] === 0) continue;
      const u = col.values[i] as number;
      const d = col.type === 'int' ? 0 : Math.min(decimalsOf(u), refDecimals[c] as number);
      const tol = col.type === 'int' ? 0 : 0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(u) * 1e-15;
      const lo = lowerBound(sorted.values, u - tol);
      const hi = upperBound(sorted.values, u + tol);
      if (best === null || hi - lo < best.hi - best.lo) best = { lo, hi, sorted };
      if (hi - lo <= 1) break;
    }
    let found = false;
    if (best !== null) {
      for (let p = best.lo; p < best.hi && !found; p++) found = cellsAgree(i, best.sorted.rows[p] as number);
    } else {
      const k = keyedLookup();
      for (const j of k.groups.get(`${k.ha.h1[i]}:${k.ha.h2[i]}`) ?? []) {
        if (cellsAgree(i, j)) {
          found = true;
          break;
        }
      }
    }
    if (found) {
      hit[i] = 2;
      normalized++;
    }
  }
  return { hit, exact, normalized };
}
