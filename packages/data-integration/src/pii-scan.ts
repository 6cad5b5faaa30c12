import type { Column, ColumnTable } from './column.js';
import { columnLength, nullCount } from './column.js';
import { textAt } from './utf8-column.js';
import { BUILTIN_DETECTORS, compileCustom, findSpans, piiTypeFromName, summarize, wholeValueType } from './pii-detectors.js';
import type { CustomPiiPattern, PiiDetector } from './pii-detectors.js';

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

export interface PiiScanOptions {
  exclude?: readonly string[];
  /** Columns no output will hold: still judged as whole columns, but not searched for spans in free text. */
  noSpans?: readonly string[];
  custom?: readonly CustomPiiPattern[];
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
    const byName = piiTypeFromName(name, custom);
    const isString = cols.every((c) => c.type === 'string');
    let decision: PiiColumnDecision | undefined;
    if (isString) {
      const counts = new Map<string, number>();
      let sampled = 0;
      for (const c of cols) {
        if (c.type !== 'string') continue;
        // A sample decides; its values are read one by one, so a column held as UTF-8 is not
        // decoded whole for it.
        const n = columnLength(c);
        const step = Math.max(1, Math.floor(n / SAMPLE_PER_DATASET));
        for (let i = 0; i < n; i += step) {
          const v = textAt(c, i);
          if (v === null) continue;
          sampled++;
          const t = wholeValueType(v, detectors);
          if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
        }
      }
      let best: string | undefined;
      let bestCount = 0;
      for (const [t, c] of counts) if (c > bestCount) [best, bestCount] = [t, c];
      const share = sampled === 0 ? 0 : bestCount / sampled;
      if (best !== undefined && share >= CONTENT_SHARE) decision = { column: name, type: best, reason: 'content', content_share: share };
      else if (byName !== undefined) decision = { column: name, type: byName, reason: 'name', content_share: share };
    } else if (byName !== undefined) {
      decision = { column: name, type: byName, reason: 'name', content_share: 0 };
    }
    if (decision) {
      decisions.push(decision);
      const single = detectors.filter((d) => d.type === decision.type);
      datasets.forEach((d, j) => {
        const c = cols[j] as Column;
        let count = 0;
        // Decided by name: every value counts; by content: values the detector confirms.
        if (c.type === 'string' && decision.reason === 'name') count = columnLength(c) - nullCount(c);
        else if (c.type === 'string') {
          for (const v of c.values) {
            if (v === null) continue;
            if (single.length === 0 || findSpans(v, single).length > 0) count++;
          }
        } else {
          for (let i = 0; i < c.valid.length; i++) if (c.valid[i] === 1) count++;
        }
        if (count > 0) findings.push({ dataset: d.label, column: name, type: decision.type, count });
      });
      return;
    }
    if (!isString || options.noSpans?.includes(name) === true) return;
    let any = false;
    datasets.forEach((d, j) => {
      const c = cols[j] as Column;
      if (c.type !== 'string') return;
      const per = new Map<string, number>();
      for (const v of c.values) {
        if (v === null || v.length < 6) continue;
        const spans = findSpans(v, detectors, summarize(v));
        for (const sp of spans) per.set(sp.type, (per.get(sp.type) ?? 0) + 1);
      }
      for (const [type, count] of per) {
        findings.push({ dataset: d.label, column: name, type, count });
        any = true;
      }
    });
    if (any) spanColumns.push(name);
  });
  return { columns: decisions, spanColumns, findings, detectors };
}
