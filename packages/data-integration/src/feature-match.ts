import type { Column } from './column.js';
import { FingerprintTable, findMatches } from './dedup.js';
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
  /** Reference rows looked at for the rows not matched exactly (the work of the normalized match). */
  candidates: number;
}

export const MAX_DECIMALS = 12;

const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * Decimals in the shortest printed form of v (0.5 → 1, 1e-7 → 7, 120 → 0), at most 12: the
 * fewest d for which v·10^d is a whole number, up to the rounding of that product.
 */
export function decimalsOf(v: number): number {
  if (!Number.isFinite(v)) return 0;
  for (let d = 0; d < MAX_DECIMALS; d++) if (wholeAt(v, d)) return d;
  return MAX_DECIMALS;
}

/**
 * min(decimalsOf(v), most): decimalsOf's loop stopped at `most`, which is all a tolerance bounded
 * by the reference's precision needs (one test fewer for a value of `most` decimals or more).
 */
export function decimalsUpTo(v: number, most: number): number {
  if (!Number.isFinite(v)) return 0;
  const last = Math.min(most, MAX_DECIMALS);
  for (let d = 0; d < last; d++) if (wholeAt(v, d)) return d;
  return last;
}

/** decimalsOf's test at d decimals: v·10^d is a whole number, up to the rounding of that product. */
function wholeAt(v: number, d: number): boolean {
  const x = v * (POW10[d] as number);
  return Math.abs(x - Math.round(x)) <= Math.abs(x) * 4e-16;
}

/**
 * max(d, decimalsOf(v)). decimalsOf returns the first d that passes its test, so a v that passes
 * at d has at most d decimals and its loop is skipped: a column's sample past its first values
 * costs one test a value instead of d + 1 (20 samples of 20,000 values of six decimals: 18 → 4 ms).
 */
export function moreDecimals(d: number, v: number): number {
  if (d >= MAX_DECIMALS || (Number.isFinite(v) && wholeAt(v, d))) return d;
  return Math.max(d, decimalsOf(v));
}

/** Reference values read to find a column's precision (the most decimals among them). */
const PRECISION_SAMPLE = 20_000;

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
export type NumCol = Extract<Column, { type: 'int' | 'float' }>;

/** `normalizeCellText` with its results kept (up to a million values), shared by both tables. */
function cachedNormalizer(): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let t = cache.get(s);
    if (t === undefined) {
      t = normalizeCellText(s);
      if (cache.size < 1_000_000) cache.set(s, t);
    }
    return t;
  };
}

function normalizedText(col: TextCol, n: number, normalize: (s: string) => string): (string | null)[] {
  const vals = col.values;
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const s = vals[i] ?? null;
    out[i] = s === null ? null : normalize(s);
  }
  return out;
}

/**
 * Reference rows of one numeric column bucketed by value (a counting sort over about one bucket
 * per row), for range look-ups in one or two memory reads: no comparison sort, no binary search.
 */
class BucketIndex {
  private readonly min: number;
  private readonly scale: number;
  private readonly last: number;
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
  /** The value of each entry of `rows`, in the same order (read in sequence, not by row). */
  readonly values: Float64Array;

  /**
   * Another numeric column of the reference, in the same order as `rows` (its values and
   * validity): a candidate that disagrees on it is rejected from these sequential reads, before
   * its row is looked up in every column (a cache miss per column); null when there is none.
   */
  readonly check: { c: number; values: Float64Array; valid: Uint8Array } | null;

  /**
   * `among`: only the reference rows whose validity pattern over the anchors (see
   * AnchorSet.patternOf) is `pattern` are indexed; null indexes every row valid in `col`.
   */
  constructor(col: NumCol, n: number, check: { c: number; col: NumCol } | null = null, among: { patterns: Uint8Array; pattern: number } | null = null) {
    let min = Infinity;
    let max = -Infinity;
    let m = 0;
    const patterns = among?.patterns;
    const pattern = among?.pattern ?? 0;
    for (let i = 0; i < n; i++) {
      if (col.valid[i] === 0 || (patterns !== undefined && patterns[i] !== pattern)) continue;
      const v = col.values[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
      m++;
    }
    const buckets = Math.max(1, m);
    this.min = m === 0 ? 0 : min;
    this.scale = m === 0 || max === min ? 0 : buckets / (max - min);
    this.last = buckets - 1;
    const offsets = new Int32Array(buckets + 1);
    const of = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (col.valid[i] === 0 || (patterns !== undefined && patterns[i] !== pattern)) continue;
      const b = this.bucket(col.values[i] as number);
      of[i] = b;
      offsets[b + 1] = (offsets[b + 1] as number) + 1;
    }
    for (let b = 0; b < buckets; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
    const fill = offsets.slice(0, buckets);
    const rows = new Int32Array(m);
    const values = new Float64Array(m);
    // Written in the same pass as rows and values: reading the check column in row order.
    const checkValues = new Float64Array(check === null ? 0 : m);
    const checkValid = new Uint8Array(check === null ? 0 : m);
    const checkCol = check?.col;
    for (let i = 0; i < n; i++) {
      const b = of[i] as number;
      if (b < 0) continue;
      const at = fill[b] as number;
      rows[at] = i;
      values[at] = col.values[i] as number;
      if (checkCol !== undefined) {
        checkValues[at] = checkCol.values[i] as number;
        checkValid[at] = checkCol.valid[i] as number;
      }
      fill[b] = at + 1;
    }
    this.offsets = offsets;
    this.rows = rows;
    this.values = values;
    this.check = check === null ? null : { c: check.c, values: checkValues, valid: checkValid };
  }

  bucket(x: number): number {
    const b = Math.floor((x - this.min) * this.scale);
    return b < 0 ? 0 : b > this.last ? this.last : b;
  }

  /** First position in `rows` of the buckets that may hold values in [lo, hi] (see `to`). */
  from(lo: number): number {
    return this.offsets[this.bucket(lo)] as number;
  }

  /** End position in `rows` of the buckets that may hold values in [lo, hi]. */
  to(hi: number): number {
    return this.offsets[this.bucket(hi) + 1] as number;
  }
}

/**
 * The most decimals among a stride sample of a reference column's values (every
 * nb / PRECISION_SAMPLE-th row from the first), at most 12; 0 for an integer column.
 */
export function referenceDecimals(col: NumCol, nb: number): number {
  let d = 0;
  const step = Math.max(1, Math.floor(nb / PRECISION_SAMPLE));
  if (col.type === 'float') for (let i = 0; i < nb && d < MAX_DECIMALS; i += step) if (col.valid[i] === 1) d = moreDecimals(d, col.values[i] as number);
  return d;
}

/** The stride of referenceDecimals' sample over a reference of nb rows. */
export function precisionStride(nb: number): number {
  return Math.max(1, Math.floor(nb / PRECISION_SAMPLE));
}

/** Anchors for the range look-up: the numeric columns with the most distinct reference values. */
const MAX_ANCHORS = 3;
/**
 * Few enough candidates to check at once, without looking up the other anchors. Candidates are
 * rejected from sequential reads (value, then check column) for a few ns each, where another
 * anchor's index costs a pass over the reference (about 60 ms at 2.5M rows): at 5M rows, the
 * 1% of values printed as whole numbers (about 60 candidates each) built two more indexes at 8.
 */
const FEW_CANDIDATES = 64;

/**
 * Whether a contributed number (valid vx, value u) and a reference number (vy, w) agree after
 * normalization (see the module comment): both null, or equal, or for floats within the
 * contributed value's own rounding at most `refDecimals` decimals.
 */
function numbersAgree(vx: boolean, u: number, vy: boolean, w: number, whole: boolean, refDecimals: number): boolean {
  if (vx !== vy) return false;
  if (!vx || u === w) return true;
  if (whole) return false;
  return withinRounding(u, w, roundingOf(u, refDecimals));
}

/** The contributed value's rounding allowance, (1 + 1e-9) times half a unit of its last decimal. */
function roundingOf(u: number, refDecimals: number): number {
  const tol = 0.5 * (NEG_POW10[decimalsUpTo(u, refDecimals)] as number);
  return tol * (1 + 1e-9);
}

/** 10 ** -d for d = 0 … 12, as roundingOf computed it value by value. */
const NEG_POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** -d);

function withinRounding(u: number, w: number, rounding: number): boolean {
  return !(Math.abs(u - w) > rounding + Math.abs(w) * 1e-15);
}

/** The normalized views of two aligned tables, built once, and the per-cell comparison they serve. */
interface NormalizedPair {
  /** Whether column c is numeric with one type on both sides. */
  isNum: (c: number) => boolean;
  /**
   * The text columns of both tables in normalized form (null for the other columns), made on
   * first use: cellsAgree normalizes only the values of the candidates it compares.
   */
  texts: () => { textA: ((string | null)[] | null)[]; textB: ((string | null)[] | null)[] };
  /** Per numeric column, the most decimals of its reference values. */
  refDecimals: Int32Array;
  numCols: number[];
  /** Whether row i of `a` and row j of `b` agree on every column after normalization. */
  cellsAgree: (i: number, j: number) => boolean;
}

function normalizedPair(a: readonly Column[], na: number, b: readonly Column[], nb: number, given?: ArrayLike<number>): NormalizedPair {
  const ncol = a.length;
  const isNum = (c: number): boolean => {
    const t = (a[c] as Column).type;
    return (t === 'int' || t === 'float') && (b[c] as Column).type === t;
  };
  const isText = (c: number): boolean => (a[c] as Column).type === 'string' && (b[c] as Column).type === 'string';
  const textCol = Array.from({ length: ncol }, (_, c) => isText(c));
  const normalize = cachedNormalizer();
  let normalized: ReturnType<NormalizedPair['texts']> | null = null;
  const texts = (): ReturnType<NormalizedPair['texts']> =>
    (normalized ??= {
      textA: a.map((col, c) => (textCol[c] ? normalizedText(col as TextCol, na, normalize) : null)),
      textB: b.map((col, c) => (textCol[c] ? normalizedText(col as TextCol, nb, normalize) : null)),
    });
  const refDecimals = new Int32Array(ncol);
  const numCols: number[] = [];
  for (let c = 0; c < ncol; c++) {
    if (!isNum(c)) continue;
    numCols.push(c);
    // A part of the reference (a disk partition) is given the whole reference's precision.
    refDecimals[c] = given?.[c] ?? referenceDecimals(b[c] as NumCol, nb);
  }

  const cellsAgree = (i: number, j: number): boolean => {
    for (let c = 0; c < ncol; c++) {
      if (textCol[c] === true) {
        const s = (a[c] as TextCol).values[i] ?? null;
        const t = (b[c] as TextCol).values[j] ?? null;
        if (s === t) continue;
        if (s === null || t === null || normalize(s) !== normalize(t)) return false;
        continue;
      }
      if (isNum(c)) {
        const x = a[c] as NumCol;
        const y = b[c] as NumCol;
        if (!numbersAgree(x.valid[i] === 1, x.values[i] as number, y.valid[j] === 1, y.values[j] as number, x.type === 'int', refDecimals[c] as number)) return false;
        continue;
      }
      if (!rowsEqual([a[c] as Column], i, [b[c] as Column], j, 'exact')) return false;
    }
    return true;
  };
  return { isNum, texts, refDecimals, numCols, cellsAgree };
}

/**
 * The reference rows that may agree with a row, grouped by what agreement compares exactly: the
 * normalized text, the integers (and any other column that is not a float on both sides) and
 * which floats are null. Only the floats' values, compared within rounding, are left to
 * cellsAgree. Rows whose numbers are all null are looked up here, and so is any row whose anchor
 * ranges are long (few distinct numbers, as in tables of categories and counts): there the
 * anchors alone made a normalized match of n rows against n cost n² / 4 comparisons.
 */
class KeyedGroups {
  private readonly table: FingerprintTable;
  private readonly ha: RowHashes;
  /** Per group's first reference row, the rows of its group. */
  private readonly sizes: Int32Array;

  constructor(a: readonly Column[], na: number, b: readonly Column[], nb: number, p: NormalizedPair) {
    const { textA, textB } = p.texts();
    const keyCols = (cols: readonly Column[], text: ((string | null)[] | null)[]): Column[] =>
      cols.map((col, c) => {
        const t = text[c];
        if (t !== null && t !== undefined) return { type: 'string', values: t };
        if (p.isNum(c) && col.type === 'float') return { type: 'bool', values: col.valid, valid: new Uint8Array(col.valid.length).fill(1) };
        return col;
      });
    const hb = hashRows(keyCols(b, textB), nb, 'exact');
    this.ha = hashRows(keyCols(a, textA), na, 'exact');
    this.table = new FingerprintTable(hb, nb);
    for (let j = 0; j < nb; j++) this.table.add(j);
    this.sizes = new Int32Array(nb);
    for (let j = 0; j < nb; j++) {
      const first = this.table.find(hb.h1[j] as number, hb.h2[j] as number);
      this.sizes[first] = (this.sizes[first] as number) + 1;
    }
  }

  /** The first reference row of row i's group (-1: none); the rest follow through `next`. */
  first(i: number): number {
    return this.table.find(this.ha.h1[i] as number, this.ha.h2[i] as number);
  }

  sizeOf(first: number): number {
    return first < 0 ? 0 : (this.sizes[first] as number);
  }

  next(j: number): number {
    return this.table.next[j] as number;
  }
}

/**
 * A numeric column that candidates are looked up by: the reference's values indexed, the
 * contributed side as doubles. Both are made on first use: when the first anchor narrows every
 * row to a few candidates (continuous values), the others are never built.
 *
 * A row can only match reference rows that are null on the same numeric columns, so each index
 * holds the reference rows of one validity pattern over the anchors (see AnchorSet.patternOf):
 * a row without the most varied column looks among the reference rows without it too (at 5M
 * rows with 5% of one column missing, 14 candidates a row instead of 680).
 */
class Anchor {
  private doubles: Float64Array | null = null;
  readonly valid: Uint8Array;
  readonly whole: boolean;

  constructor(
    readonly c: number,
    private readonly own: NumCol,
    readonly ref: NumCol,
    readonly refDecimals: number,
  ) {
    this.valid = own.valid;
    this.whole = own.type === 'int';
  }

  /** The contributed side as doubles, so the look-up loop reads one array type. */
  get values(): Float64Array {
    const v = this.own.values;
    return (this.doubles ??= v instanceof Float64Array ? v : Float64Array.from(v));
  }
}

/** The anchors (the numeric columns with the most distinct reference values first) and the reference rows' validity patterns over them. */
class AnchorSet {
  readonly anchors: Anchor[];
  private readonly ranked: { c: number }[];
  private patterns: Uint8Array | null = null;
  /** The indexes made so far, by anchor and validity pattern (q * 8 + pattern: at most 3 anchors). */
  private readonly indexes = new Map<number, BucketIndex>();

  constructor(a: readonly Column[], private readonly b: readonly Column[], private readonly nb: number, p: NormalizedPair) {
    this.ranked = p.numCols
      .map((c) => ({ c, distinct: new Set((b[c] as NumCol).values.subarray(0, Math.min(nb, 5_000))).size }))
      .sort((x, y) => y.distinct - x.distinct || x.c - y.c);
    this.anchors = this.ranked.slice(0, MAX_ANCHORS).map(({ c }) => new Anchor(c, a[c] as NumCol, b[c] as NumCol, p.refDecimals[c] as number));
  }

  /**
   * Anchor q's index of the reference rows of validity pattern `pattern`, made on first use, its
   * candidates checked first on the most varied other numeric column that the pattern does not
   * leave null.
   */
  index(q: number, pattern: number): BucketIndex {
    const key = q * 8 + pattern;
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = new BucketIndex((this.anchors[q] as Anchor).ref, this.nb, this.checkColumn(q, pattern), { patterns: this.referencePatterns(), pattern });
      this.indexes.set(key, index);
    }
    return index;
  }

  /** Bit q set when row i of the contributed side has a value in anchor q. */
  patternOf(i: number): number {
    let bits = 0;
    for (let q = 0; q < this.anchors.length; q++) if ((this.anchors[q] as Anchor).valid[i] === 1) bits |= 1 << q;
    return bits;
  }

  /** The same bits for every reference row, made on first use. */
  private referencePatterns(): Uint8Array {
    if (this.patterns !== null) return this.patterns;
    const out = new Uint8Array(this.nb);
    this.anchors.forEach((anchor, q) => {
      const valid = anchor.ref.valid;
      for (let j = 0; j < this.nb; j++) if (valid[j] === 1) out[j] = (out[j] as number) | (1 << q);
    });
    return (this.patterns = out);
  }

  private checkColumn(q: number, pattern: number): { c: number; col: NumCol } | null {
    const c = (this.anchors[q] as Anchor).c;
    const nullAnchors = new Set(this.anchors.filter((_, k) => (pattern & (1 << k)) === 0).map((x) => x.c));
    const other = this.ranked.find((r) => r.c !== c && !nullAnchors.has(r.c));
    return other === undefined ? null : { c: other.c, col: this.b[other.c] as NumCol };
  }
}

/**
 * For each row of `a`, whether some row of `b` holds the same values: exactly, or after the
 * normalization described above. `hashes` reuses exact fingerprints computed by the caller.
 */
export function matchRows(a: readonly Column[], na: number, b: readonly Column[], nb: number, hashes?: { a?: RowHashes; b?: RowHashes }, options?: { refDecimals?: ArrayLike<number> }): RowMatchResult {
  const hit = findMatches(a, na, b, nb, 'exact', hashes);
  let exact = 0;
  for (let i = 0; i < na; i++) exact += hit[i] as number;
  let normalized = 0;
  if (na === 0 || nb === 0 || exact === na) return { hit, exact, normalized, candidates: 0 };

  const pair = normalizedPair(a, na, b, nb, options?.refDecimals);
  const { cellsAgree } = pair;
  let groups: KeyedGroups | null = null;
  let candidates = 0;
  // Each row looks up the anchor with the fewest candidates, or its group when that is smaller.
  const anchorSet = new AnchorSet(a, b, nb, pair);
  const anchors = anchorSet.anchors;
  for (let i = 0; i < na; i++) {
    if (hit[i] !== 0) continue;
    const pattern = anchorSet.patternOf(i);
    let index: BucketIndex | null = null;
    let from = 0;
    let to = 0;
    let lo = 0;
    let hi = 0;
    for (let q = 0; q < anchors.length; q++) {
      const anchor = anchors[q] as Anchor;
      if (anchor.valid[i] === 0) continue;
      const u = anchor.values[i] as number;
      const tol = anchor.whole ? 0 : (0.5 / (POW10[decimalsUpTo(u, anchor.refDecimals)] as number)) * (1 + 1e-9) + Math.abs(u) * 1e-15;
      const anchorIndex = anchorSet.index(q, pattern);
      const f = anchorIndex.from(u - tol);
      const t = anchorIndex.to(u + tol);
      if (index === null || t - f < to - from) {
        index = anchorIndex;
        from = f;
        to = t;
        lo = u - tol;
        hi = u + tol;
      }
      if (t - f <= FEW_CANDIDATES) break;
    }
    let found = false;
    let first = -1;
    let byGroup = false;
    if (index === null || to - from > FEW_CANDIDATES) {
      groups ??= new KeyedGroups(a, na, b, nb, pair);
      first = groups.first(i);
      byGroup = index === null || groups.sizeOf(first) < to - from;
    }
    if (!byGroup && index !== null) {
      // A necessary condition of cellsAgree on the index's check column, read in sequence (see
      // BucketIndex.check): numbersAgree with this row's side worked out once.
      const check = index.check;
      const checkCol = check === null ? null : (a[check.c] as NumCol);
      const cv = checkCol !== null && checkCol.valid[i] === 1 ? 1 : 0;
      const cu = checkCol === null ? 0 : (checkCol.values[i] as number);
      const cWhole = checkCol !== null && checkCol.type === 'int';
      const cRounding = check === null || cv === 0 || cWhole ? 0 : roundingOf(cu, pair.refDecimals[check.c] as number);
      for (let p = from; p < to && !found; p++) {
        candidates++;
        const w = index.values[p] as number;
        if (w < lo || w > hi) continue;
        if (check !== null) {
          if (check.valid[p] !== cv) continue;
          const cw = check.values[p] as number;
          if (cv === 1 && cu !== cw && (cWhole || !withinRounding(cu, cw, cRounding))) continue;
        }
        found = cellsAgree(i, index.rows[p] as number);
      }
    } else if (byGroup && groups !== null) {
      for (let j = first; j >= 0 && !found; j = groups.next(j)) {
        candidates++;
        found = cellsAgree(i, j);
      }
    }
    if (found) {
      hit[i] = 2;
      normalized++;
    }
  }
  return { hit, exact, normalized, candidates };
}
