import type { Column, ColumnTable } from './column.js';
import { columnLength, nullCount } from './column.js';
import type { Data } from 'apache-arrow';
import { countEmails } from './email-bytes.js';
import { knownUtf8, textAt } from './utf8-column.js';
import { BUILTIN_DETECTORS, compileCustom, findSpans, numericPiiType, piiTypeFromName, summarize, wholeValueType } from './pii-detectors.js';
import type { CustomPiiPattern, PiiDetector } from './pii-detectors.js';
import { isOneWord, personNameShape, writtenLikeName } from './person-names.js';

export interface PiiColumnDecision {
  column: string;
  type: string;
  /** Why the whole column counts as PII: its name, or most sampled values matching a detector. */
  reason: 'name' | 'content';
  /** Share of sampled non-null values that are one PII item (0 when decided by name only). */
  content_share: number;
}

export interface PiiFinding {
  dataset: string;
  column: string;
  type: string;
  count: number;
}

export interface PiiScanResult {
  /** Columns treated as a whole. */
  columns: PiiColumnDecision[];
  /** Columns that are not PII as a whole but hold PII inside some values (free text). */
  spanColumns: string[];
  findings: PiiFinding[];
  detectors: PiiDetector[];
}

const SAMPLE_PER_DATASET = 1000;
const CONTENT_SHARE = 0.5;
const MIN_DISTINCT_NAMES = 10;
/** A column written like names throughout needs this share of values the name lists confirm. */
const WRITTEN_LIKE_NAMES = 0.8;
const CONFIRMED_NAMES = 0.1;

/** What the sample says about names: confirmed multi-word names, confirmed lone first names, and values written like names. */
export interface NameStats {
  multi: number;
  single: number;
  singleDistinct: Set<string>;
  written: number;
}

const nameStats = (): NameStats => ({ multi: 0, single: 0, singleDistinct: new Set(), written: 0 });

/**
 * The PII type of one sampled text value (undefined: none), or null for a null. Digits-only
 * text gets the numeric shapes (phone, SSN, card); other text that is not one PII item may be a
 * person's name, counted in `names`.
 */
function textType(v: string | null, detectors: readonly PiiDetector[], names: NameStats): string | undefined | null {
  if (v === null) return null;
  const t = wholeValueType(v, detectors);
  if (t !== undefined) return t;
  const trimmed = v.trim();
  if (/^\d+$/.test(trimmed)) return numericPiiType(trimmed);
  if (writtenLikeName(trimmed)) names.written++;
  if (!personNameShape(trimmed)) return undefined;
  if (isOneWord(trimmed)) {
    names.single++;
    names.singleDistinct.add(trimmed.toLowerCase());
  } else names.multi++;
  return 'person_name';
}

/**
 * The share of sampled values that make a column one of person names, or 0. Most values named
 * by the lists; or a column written like names throughout with a fair share confirmed (the lists
 * cannot know every name). A few category labels that happen to be first names (May, June; Rose,
 * Ruby) are not a column of people: lone first names must be many, or rarely repeat.
 */
function nameShare(names: NameStats, sampled: number): number {
  if (sampled === 0) return 0;
  const d = names.singleDistinct.size;
  const confirmed = (names.multi + (d >= MIN_DISTINCT_NAMES || d * 2 >= names.single ? names.single : 0)) / sampled;
  if (confirmed >= CONTENT_SHARE) return confirmed;
  return names.written / sampled >= WRITTEN_LIKE_NAMES && confirmed >= CONFIRMED_NAMES ? confirmed : 0;
}

/** A number read from a digits-only field: a whole, non-negative number may be a phone, SSN or card number. */
function numberType(x: number): string | undefined {
  return Number.isSafeInteger(x) && x >= 0 ? numericPiiType(String(x)) : undefined;
}

export interface PiiScanOptions {
  exclude?: readonly string[];
  /** Columns no output will hold: still judged as whole columns, but not searched for spans in free text. */
  noSpans?: readonly string[];
  custom?: readonly CustomPiiPattern[];
}

/** What a column's stride sample says so far: PII types counted, name statistics, values sampled. */
export interface ColumnSample {
  counts: Map<string, number>;
  names: NameStats;
  sampled: number;
}

export const newColumnSample = (): ColumnSample => ({ counts: new Map(), names: nameStats(), sampled: 0 });

/** The stride of the sample over a dataset of n rows. */
export const sampleStride = (n: number): number => Math.max(1, Math.floor(n / SAMPLE_PER_DATASET));

/** Adds row i of a column to its sample. */
export function sampleCell(s: ColumnSample, c: Column, i: number, detectors: readonly PiiDetector[]): void {
  const t = c.type === 'string' ? textType(textAt(c, i), detectors, s.names) : c.valid[i] === 1 ? numberType(c.values[i] as number) : null;
  if (t === null) return;
  s.sampled++;
  if (t !== undefined) s.counts.set(t, (s.counts.get(t) ?? 0) + 1);
}

/** The column's decision from its sample (string or numeric columns) or its name alone. */
export function decideColumn(name: string, s: ColumnSample | null, byName: string | undefined): PiiColumnDecision | undefined {
  if (s === null) return byName === undefined ? undefined : { column: name, type: byName, reason: 'name', content_share: 0 };
  s.counts.delete('person_name');
  let best: string | undefined;
  let bestCount = 0;
  for (const [t, c] of s.counts) if (c > bestCount) [best, bestCount] = [t, c];
  const share = s.sampled === 0 ? 0 : bestCount / s.sampled;
  const nameLike = nameShare(s.names, s.sampled);
  if (best !== undefined && share >= CONTENT_SHARE) return { column: name, type: best, reason: 'content', content_share: share };
  if (nameLike > 0) return { column: name, type: 'person_name', reason: 'content', content_share: nameLike };
  if (byName !== undefined) return { column: name, type: byName, reason: 'name', content_share: share };
  return undefined;
}

const EMAIL = BUILTIN_DETECTORS.find((d) => d.type === 'email');

/** Values of a column (or of one batch of it) that are the decided PII: sums over batches. */
export function countDecided(c: Column, decision: PiiColumnDecision, single: readonly PiiDetector[]): number {
  let count = 0;
  // Decided by name: every value counts; by content: values the detector confirms.
  if (c.type === 'string' && decision.reason === 'name') count = columnLength(c) - nullCount(c);
  else if (c.type === 'string' && decision.type === 'email' && single.length === 1 && single[0] === EMAIL && knownUtf8(c) !== undefined) {
    // The built-in e-mail detector alone (no custom one of that type): read on the UTF-8 bytes.
    count = countEmails(knownUtf8(c) as Data);
  } else if (c.type === 'string') {
    const seen = nameStats();
    for (const v of c.values) {
      if (v === null) continue;
      if ((single.length > 0 && findSpans(v, single).length > 0) || textType(v, [], seen) === decision.type || (decision.type === 'person_name' && writtenLikeName(v))) count++;
    }
  } else if (decision.reason === 'content' && c.type !== 'bool' && c.type !== 'timestamp') {
    for (let i = 0; i < c.valid.length; i++) if (c.valid[i] === 1 && numberType(c.values[i] as number) === decision.type) count++;
  } else {
    for (let i = 0; i < c.valid.length; i++) if (c.valid[i] === 1) count++;
  }
  return count;
}

/** Adds the PII spans inside a text column's values (or one batch of them) to `per`, by type. */
export function countSpans(c: Column, detectors: readonly PiiDetector[], per: Map<string, number>): void {
  if (c.type !== 'string') return;
  for (const v of c.values) {
    if (v === null || v.length < 6) continue;
    const spans = findSpans(v, detectors, summarize(v));
    for (const sp of spans) per.set(sp.type, (per.get(sp.type) ?? 0) + 1);
  }
}

/**
 * Decides PII columns on the union of the datasets (so every output treats the same columns)
 * and counts findings per dataset, column and type. Values are inspected, never recorded.
 */
export function scanPii(datasets: readonly { label: string; ct: ColumnTable }[], names: readonly string[], options: PiiScanOptions = {}): PiiScanResult {
  const custom = options.custom ?? [];
  const detectors = [...compileCustom(custom), ...BUILTIN_DETECTORS];
  const exclude = new Set(options.exclude ?? []);
  const decisions: PiiColumnDecision[] = [];
  const spanColumns: string[] = [];
  const findings: PiiFinding[] = [];
  names.forEach((name, k) => {
    if (exclude.has(name)) return;
    const cols = datasets.map((d) => d.ct.columns[k] as Column);
    const isString = cols.every((c) => c.type === 'string');
    const isNumeric = cols.every((c) => c.type === 'int' || c.type === 'float');
    let sample: ColumnSample | null = null;
    if (isString || isNumeric) {
      sample = newColumnSample();
      for (const c of cols) {
        // A sample decides; its values are read one by one, so a column held as UTF-8 is not
        // decoded whole for it.
        const n = columnLength(c);
        const step = sampleStride(n);
        for (let i = 0; i < n; i += step) sampleCell(sample, c, i, detectors);
      }
    }
    const decision = decideColumn(name, sample, piiTypeFromName(name, custom));
    if (decision) {
      decisions.push(decision);
      const single = detectors.filter((d) => d.type === decision.type);
      datasets.forEach((d, j) => {
        const count = countDecided(cols[j] as Column, decision, single);
        if (count > 0) findings.push({ dataset: d.label, column: name, type: decision.type, count });
      });
      return;
    }
    if (!isString || options.noSpans?.includes(name) === true) return;
    let any = false;
    datasets.forEach((d, j) => {
      const per = new Map<string, number>();
      countSpans(cols[j] as Column, detectors, per);
      for (const [type, count] of per) {
        findings.push({ dataset: d.label, column: name, type, count });
        any = true;
      }
    });
    if (any) spanColumns.push(name);
  });
  return { columns: decisions, spanColumns, findings, detectors };
}
