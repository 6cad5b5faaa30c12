import { BUILTIN_DETECTORS, findSpans, numericPiiType, piiTypeFromName, summarize, wholeValueType } from './pii-detectors.js';
import { personNameShape } from './person-names.js';
import type { Column } from './column.js';
import { cellValue, columnLength } from './column.js';

/**
 * What a single value looks like as PII, or undefined: a detector match anywhere in it, a
 * digits-only phone / SSN / card shape, or a person's name.
 */
export function valuePiiType(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return numericPiiType(String(value));
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (t.length === 0) return undefined;
  const whole = wholeValueType(t, BUILTIN_DETECTORS);
  if (whole !== undefined) return whole;
  if (/^\d+$/.test(t)) return numericPiiType(t);
  const spans = findSpans(t, BUILTIN_DETECTORS, summarize(t));
  if (spans.length > 0) return (spans[0] as { type: string }).type;
  return personNameShape(t) ? 'person_name' : undefined;
}

function textShape(s: string): string {
  const kinds: string[] = [];
  if (/\p{L}/u.test(s)) kinds.push('letters');
  if (/\d/.test(s)) kinds.push('digits');
  if (/\s/.test(s)) kinds.push('spaces');
  if (/[^\p{L}\d\s]/u.test(s)) kinds.push('symbols');
  return kinds.length === 0 ? 'nothing printable' : kinds.join(', ');
}

/**
 * A value as an error message may show it: what kind of value it is and its size, never its
 * content (a cell can hold anything, and messages end up in run records, logs and queues).
 * `columnPii` names the type when the column is already known to hold PII.
 */
export function describeValue(value: unknown, columnPii?: string): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'boolean') return String(value);
  const looks = columnPii ?? valuePiiType(value);
  const note = looks === undefined ? '' : `; value redacted: looks like ${looks.replace(/_/g, ' ')}`;
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    const digits = String(value).replace(/\D/g, '').length;
    return `a number of ${digits} digit${digits === 1 ? '' : 's'}${note}`;
  }
  const s = String(value);
  const n = [...s].length;
  return `a ${n}-character text (${textShape(s)})${note}`;
}

const COLUMN_SAMPLE = 1000;

/**
 * Whether a column's values may be named in a message: undefined when neither its name nor any
 * of about a thousand values spread over it looks like PII, else the PII type it looks like.
 */
export function columnPiiLook(name: string, col: Column): string | undefined {
  const byName = piiTypeFromName(name);
  if (byName !== undefined) return byName;
  const n = columnLength(col);
  const step = Math.max(1, Math.floor(n / COLUMN_SAMPLE));
  for (let i = 0; i < n; i += step) {
    const t = valuePiiType(cellValue(col, i));
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * A label of a column checked not to look like PII: short labels are shown as they are; long
 * text and long digit runs (identifiers, account numbers) are described.
 */
export function showLabel(value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string' && typeof value !== 'number') return describeValue(value);
  const s = String(value);
  if ([...s].length > 40 || /[\r\n]/.test(s) || /\d{8}/.test(s.replace(/[\s.,-]/g, ''))) return describeValue(value);
  return s;
}
