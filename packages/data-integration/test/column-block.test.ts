import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../src/column-builder.js';
import { finishColumn } from '../src/column-finish.js';
import { cellValue } from '../src/column.js';
import type { ColumnType } from '../src/column.js';
import { mulberry32 } from './mulberry32.js';

// The CSV reader hands each column its fields a block of rows at a time (pushBlock), with numbers
// and byte-only text handled inline; field by field (pushBytes) must give the same column.
const FIELDS = ['1', '-2', '3.5', '007', '', 'NA', 'null', 'x', 'true', '2024-01-02', 'NaN', 'inf', '1e3', ' 4 ', '99999999999', 'zoë', 'N/A', 'NULL'];

function fieldsOf(seed: number, rows: number): { buf: Buffer; s: Int32Array; e: Int32Array; q: Uint8Array } {
  const random = mulberry32(seed);
  // A column that starts as one kind and may drift: numbers, text, mixed.
  // Every other seed keeps to tokens a numeric column takes (nulls, NaN, a value past int32).
  const pool = seed % 2 === 0 ? ['1', '-2', '3.5', '', 'NA', 'NaN', '1e3', ' 4 ', '99999999999'] : FIELDS.slice(0, 2 + Math.floor(random() * FIELDS.length));
  const parts: Buffer[] = [];
  const s = new Int32Array(rows);
  const e = new Int32Array(rows);
  const q = new Uint8Array(rows);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    // By seed: mostly numbers (ints, then decimals too), mostly distinct text, or the pool only.
    const kind = seed % 3;
    const usual = kind === 0 ? String(r < rows / 2 || seed % 4 === 0 ? Math.floor(random() * 1e6) : Math.round(random() * 1e5) / 100) : kind === 1 ? `u${r}@example.com` : (pool[Math.floor(random() * pool.length)] as string);
    const text = random() < 0.999 ? usual : (pool[Math.floor(random() * pool.length)] as string);
    const bytes = Buffer.from(text, 'utf8');
    parts.push(bytes);
    s[r] = at;
    e[r] = at + bytes.length;
    q[r] = random() < 0.03 ? 1 : 0;
    at += bytes.length;
  }
  return { buf: Buffer.concat(parts), s, e, q };
}

function observed(b: ColumnBuilder): unknown {
  const col = finishColumn(b);
  return { type: b.inferredType(), state: b.state, cells: Array.from({ length: b.length }, (_, i) => cellValue(col, i)), nonFinite: [b.nonFiniteCount, b.firstNonFinite], failures: [b.typeFailureCount, b.typeFailures] };
}

describe('ColumnBuilder.pushBlock', () => {
  it('builds the column pushBytes builds, for drifting types, byte-only text, nulls and declared types', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rows = 24_000;
      const { buf, s, e, q } = fieldsOf(seed, rows);
      const declared = ([undefined, undefined, 'int', 'float', 'string'] as (ColumnType | undefined)[])[seed % 5];
      const one = new ColumnBuilder(declared, 64);
      for (let r = 0; r < rows; r++) one.pushBytes(buf, s[r] as number, e[r] as number, q[r] as number);
      const block = new ColumnBuilder(declared, 64);
      // Uneven blocks, as the reader's buffers end where they end.
      for (let r = 0; r < rows; ) {
        const n = Math.min(rows - r, 1 + ((seed * 7919 + r) % 3000));
        block.pushBlock(buf, s, e, q, r, 1, n);
        r += n;
      }
      expect(observed(block), `seed ${seed}`).toEqual(observed(one));
    }
  });
});
