import { columnData } from './arrow-convert.js';
import { stringColumnFromUtf8 } from './utf8-column.js';
import type { Column, ColumnTable } from './column.js';
import { cellText } from './column.js';
import { findSpans, summarize } from './pii-detectors.js';
import type { PiiKey } from './keyed-hash.js';
import type { PiiScanResult } from './pii-scan.js';

export type PiiMode = 'hash' | 'redact' | 'drop' | 'fail';

export const REDACTED = '[REDACTED]';

/**
 * Applies the scan's decisions to one table. Whole PII columns are replaced by the keyed HMAC
 * hex of each value (hash), by a marker (redact) or removed (drop). Free-text columns keep
 * their text with each PII span replaced by "<type:hmac prefix>" or "[TYPE]"; a column cannot
 * be dropped for a few spans, so drop redacts those spans.
 */
export function treatPii(ct: ColumnTable, scan: PiiScanResult, mode: Exclude<PiiMode, 'fail'>, key: PiiKey): ColumnTable {
  const whole = new Set(scan.columns.map((c) => c.column));
  const spans = new Set(scan.spanColumns);
  const names: string[] = [];
  const columns: Column[] = [];
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    if (whole.has(name)) {
      if (mode === 'drop') return;
      names.push(name);
      if (mode === 'hash' && col.type === 'string') {
        columns.push(hashedText(col, ct.rowCount, key));
        return;
      }
      const out = new Array<string | null>(ct.rowCount);
      if (mode === 'redact') {
        for (let i = 0; i < ct.rowCount; i++) out[i] = cellText(col, i) === null ? null : REDACTED;
      } else {
        for (let i = 0; i < ct.rowCount; i++) {
          const t = cellText(col, i);
          out[i] = t === null ? null : key.hmacHex(t);
        }
      }
      columns.push({ type: 'string', values: out });
      return;
    }
    if (spans.has(name) && col.type === 'string') {
      const out = col.values.map((v) => {
        if (v === null || v.length < 6) return v;
        const found = findSpans(v, scan.detectors, summarize(v));
        if (found.length === 0) return v;
        let res = '';
        let at = 0;
        for (const sp of found) {
          res += v.slice(at, sp.start);
          res += mode === 'hash' ? `<${sp.type}:${key.hmacHex(v.slice(sp.start, sp.end)).slice(0, 16)}>` : `[${sp.type.toUpperCase()}]`;
          at = sp.end;
        }
        return res + v.slice(at);
      });
      names.push(name);
      columns.push({ type: 'string', values: out });
      return;
    }
    names.push(name);
    columns.push(col);
  });
  return { names, columns, rowCount: ct.rowCount };
}

/**
 * A text column's keyed hashes, computed from its UTF-8 as Arrow holds it and written straight
 * into the output's UTF-8: the same hex as `hmacHex` of each value, without a JS string per row
 * on either side.
 */
function hashedText(col: Column, n: number, key: PiiKey): Column {
  const data = columnData(col);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const valid = new Uint8Array(n);
  const outOffsets = new Int32Array(n + 1);
  const out = new Uint8Array(n * 64);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (data.getValid(i)) {
      key.hmacHexOfBytes(bytes, offsets[i] as number, offsets[i + 1] as number, out, at);
      at += 64;
      valid[i] = 1;
    }
    outOffsets[i + 1] = at;
  }
  return stringColumnFromUtf8({ offsets: outOffsets, bytes: out.subarray(0, at) }, valid);
}
