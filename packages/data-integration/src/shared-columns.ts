import { Type, Utf8, makeData } from 'apache-arrow';
import type { Data, DataType, Dictionary, Table } from 'apache-arrow';
import { fromArrowTable, rememberColumns, toArrowTable } from './arrow-convert.js';
import type { Column, ColumnTable } from './column.js';
import { dictionaryEncoded } from './dictionary-encode.js';
import type { ColumnBuffers, ColumnMessage, TableMessage } from './table-message.js';
import { decodeUtf8Chunks, lazyStringColumn, rememberArrowData } from './utf8-column.js';
import { ownSharedBuffer } from './shared-array.js';

/**
 * A loaded table split for handing on from a loader thread: `message` for the thread that uses
 * the table, `columns` for the manifest the loader builds meanwhile. The numbers and the text
 * the table sends as it is are copied once into one SharedArrayBuffer, which both sides read, so
 * the file is held once instead of twice (the loader's columns and an Arrow IPC copy) while the
 * manifest is built; numbers read into shared memory in the first place (loadDatasetSharing) are
 * sent as they are. Low-cardinality text goes as a dictionary (codes and distinct values,
 * copied: small), and the loader keeps its own columns for it, as it keeps the validity bytes.
 */
export function sharedHandOff(table: Table, file: string): { message: TableMessage; columns: ColumnTable } {
  const ct = fromArrowTable(table, file);
  // In the types our columns convert to (a loaded table already is; other Arrow input, such as
  // int64 or large_string, is not), so that each column has one Arrow form to send.
  const plain = toArrowTable(ct);
  rememberColumns(plain, ct);
  const encoded = dictionaryEncoded(plain, file);
  const n = ct.rowCount;
  const plans = ct.columns.map((col, k) => planColumn(col, encoded.getChildAt(k)?.data[0] as Data, n));
  const sab = ownSharedBuffer(plans.reduce((sum, p) => sum + p.bytes, 0));
  let at = 0;
  const columns: Column[] = [];
  const messages: ColumnMessage[] = [];
  plans.forEach((plan, k) => {
    const placed = plan.place(sab, at);
    at += plan.bytes;
    columns.push(placed.column);
    messages.push({ name: ct.names[k] as string, ...placed.message });
  });
  return { message: { rowCount: n, columns: messages }, columns: { names: [...ct.names], columns, rowCount: n } };
}

/** Bytes rounded up to 8, so the next array in the same buffer starts aligned for a Float64Array. */
const aligned = (bytes: number): number => (bytes + 7) & ~7;

type Placed = { column: Column; message: ColumnBuffers };
type Plan = { bytes: number; place: (sab: SharedArrayBuffer, at: number) => Placed };

/** The view alone: a view of part of a plain buffer would otherwise clone the whole buffer. */
function own<T extends Int32Array | Float64Array | Uint8Array | BigInt64Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

function nullsOf(d: Data): { nullCount: number; nullBitmap: Uint8Array | null } {
  if (d.nullCount === 0) return { nullCount: 0, nullBitmap: null };
  if (d.offset !== 0) throw new Error('internal: a sliced column cannot be handed on');
  return { nullCount: d.nullCount, nullBitmap: own((d.nullBitmap as Uint8Array).subarray(0, (d.length + 7) >> 3)) };
}

/** What goes where for column `col`, whose Arrow form in the table handed on is `d`. */
function planColumn(col: Column, d: Data, n: number): Plan {
  const t = d.type as DataType;
  const kept = (message: ColumnBuffers): Plan => ({ bytes: 0, place: () => ({ column: col, message }) });
  if (t.typeId === Type.Dictionary) {
    const dict = d.dictionary?.data[0] as Data;
    const offsets = (dict.valueOffsets as Int32Array).subarray(0, dict.length + 1);
    const dictionary = { offsets: own(offsets), bytes: own((dict.values as Uint8Array).subarray(0, offsets[dict.length] as number)) };
    return kept({ kind: 'dictionary', id: (t as Dictionary).id, ...nullsOf(d), codes: own((d.values as Int32Array).subarray(0, n)), dictionary });
  }
  if (t.typeId === Type.Utf8) return planUtf8(d);
  if (t.typeId === Type.Bool) return kept({ kind: 'bool', ...nullsOf(d), values: own((d.values as Uint8Array).subarray(0, (n + 7) >> 3)) });
  if (t.typeId === Type.Timestamp) return kept({ kind: 'timestamp', ...nullsOf(d), values: own((d.values as BigInt64Array).subarray(0, n)) });
  if (col.type !== 'int' && col.type !== 'float') throw new Error(`internal: a loaded table does not hold ${String(t)}`);
  // Read into shared memory already (see ColumnBuilder's room): sent as it is.
  if (col.values.buffer instanceof SharedArrayBuffer) return kept({ kind: col.type, ...nullsOf(d), values: col.values });
  const width = col.values.BYTES_PER_ELEMENT;
  return {
    bytes: aligned(n * width),
    place: (sab, at) => {
      const values = col.type === 'int' ? new Int32Array(sab, at, n) : new Float64Array(sab, at, n);
      values.set(col.values);
      const column = { type: col.type, values, valid: col.valid } as Column;
      return { column, message: { kind: col.type, ...nullsOf(d), values } };
    },
  };
}

/** Text sent as it is: offsets (from 0), null bitmap and UTF-8 in shared memory; its strings made on first access. */
function planUtf8(d: Data): Plan {
  const n = d.length;
  const srcOffsets = d.valueOffsets as Int32Array;
  const first = srcOffsets[0] as number;
  const size = (srcOffsets[n] as number) - first;
  const offsetBytes = aligned((n + 1) * 4);
  const bitmapBytes = d.nullCount > 0 ? (n + 7) >> 3 : 0;
  if (d.offset !== 0) throw new Error('internal: a sliced column cannot be handed on');
  return {
    bytes: offsetBytes + aligned(bitmapBytes) + aligned(size),
    place: (sab, at) => {
      const offsets = new Int32Array(sab, at, n + 1);
      if (first === 0) offsets.set(srcOffsets.subarray(0, n + 1));
      else for (let i = 0; i <= n; i++) offsets[i] = (srcOffsets[i] as number) - first;
      const nullBitmap = bitmapBytes > 0 ? new Uint8Array(sab, at + offsetBytes, bitmapBytes) : null;
      if (nullBitmap !== null) nullBitmap.set((d.nullBitmap as Uint8Array).subarray(0, bitmapBytes));
      const bytes = new Uint8Array(sab, at + offsetBytes + aligned(bitmapBytes), size);
      bytes.set((d.values as Uint8Array).subarray(first, first + size));
      const data = makeData({ type: new Utf8(), length: n, nullCount: d.nullCount, nullBitmap, valueOffsets: offsets, data: bytes }) as Data;
      const column = lazyStringColumn(() => decodeUtf8Chunks([data], n), { offsets, bytes });
      rememberArrowData(column, data);
      return { column, message: { kind: 'utf8', nullCount: d.nullCount, nullBitmap, offsets, bytes } };
    },
  };
}
