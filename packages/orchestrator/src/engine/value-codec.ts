import { createHash } from 'node:crypto';
import { RecordBatchFileWriter, Table, tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';
import { OrchestratorError } from '../errors.js';

/**
 * Step outputs are plain values that may hold bytes, typed arrays and Arrow tables. To store
 * them content-addressed, large binary parts become separate blobs referenced by SHA-256 from a
 * JSON document; equal content is therefore stored once.
 */
export type Blobs = Map<string, Uint8Array>;

type Tagged =
  | { $hokusai: 'bytes'; sha256: string }
  | { $hokusai: 'f64' | 'f32' | 'i32' | 'u8'; sha256: string }
  | { $hokusai: 'arrow'; sha256: string }
  /** A table of several record batches: one Arrow IPC file per batch, in order. */
  | { $hokusai: 'arrow'; batches: { sha256: string }[] };

/** A stored object's reference in the document: its hash is filled in once stored. */
type ObjectRef = { sha256: string };

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A binary part of a value: its reference in the document (its sha256 filled in once stored) and
 * its bytes, made on demand: `bytes()` as one array, `pieces()` as the pieces of that array in
 * order, which for a table are views of its column buffers (nothing copied). `batch` names the
 * record batch a table's part holds, so a store can know it again when another table shares it.
 */
export interface ValuePart {
  ref: ObjectRef;
  bytes: () => Uint8Array;
  pieces: () => readonly Uint8Array[];
  batch?: RecordBatch;
}

/**
 * A table as the Arrow IPC file's pieces as the writer queued them (views of the column buffers),
 * not joined: read from the writer's queue, which apache-arrow keeps as an array; should a
 * version keep it otherwise, the joined bytes (one copy) are the one piece.
 */
function tablePieces(table: Table): readonly Uint8Array[] {
  const writer = RecordBatchFileWriter.writeAll(table);
  const queued = (writer as unknown as { _sink?: { _values?: unknown } })._sink?._values;
  if (Array.isArray(queued) && queued.every((p) => p instanceof Uint8Array)) return queued as Uint8Array[];
  return [tableToIPC(table, 'file')];
}

/**
 * The document of a value, with its binary parts left to make: a table's part is made of views
 * of its buffers, so storing a step output of several large tables copies none of them. The
 * document is complete once every part's sha256 is set.
 * A table of one record batch (or none) is one Arrow IPC file; a table of several is one file
 * per batch: the integrate step's merged table is the base table's batch followed by the
 * contribution's, and its first file is then the base table's own, stored once.
 */
export function planValue(value: unknown): { doc: unknown; parts: ValuePart[] } {
  const parts: ValuePart[] = [];
  const part = (tag: Exclude<Tagged['$hokusai'], 'arrow'>, bytes: () => Uint8Array): Tagged => {
    const ref = { $hokusai: tag, sha256: '' } as Tagged & ObjectRef;
    parts.push({ ref, bytes, pieces: () => [bytes()] });
    return ref;
  };
  const table = (t: Table): Tagged => {
    if (t.batches.length === 0) {
      const ref = { $hokusai: 'arrow' as const, sha256: '' };
      parts.push({ ref, bytes: () => tableToIPC(t, 'file'), pieces: () => tablePieces(t) });
      return ref;
    }
    // A batch is always stored as the IPC file of a table of it alone, so that the same batch
    // in two tables is the same object.
    const batchPart = (batch: RecordBatch, ref: ObjectRef): void => {
      const alone = new Table([batch]);
      parts.push({ ref, bytes: () => tableToIPC(alone, 'file'), pieces: () => tablePieces(alone), batch });
    };
    if (t.batches.length === 1) {
      const ref = { $hokusai: 'arrow' as const, sha256: '' };
      batchPart(t.batches[0] as RecordBatch, ref);
      return ref;
    }
    const batches = t.batches.map((batch) => {
      const ref = { sha256: '' };
      batchPart(batch, ref);
      return ref;
    });
    return { $hokusai: 'arrow', batches };
  };
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { $hokusai: 'number', value: String(v) };
      return v;
    }
    if (v === undefined) return undefined;
    if (v instanceof Table) return table(v);
    if (v instanceof Float64Array) return part('f64', () => bytesOf(v));
    if (v instanceof Float32Array) return part('f32', () => bytesOf(v));
    if (v instanceof Int32Array) return part('i32', () => bytesOf(v));
    if (v instanceof Uint8Array) return part('bytes', () => new Uint8Array(v));
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`) ?? null);
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new OrchestratorError('HOKUSAI_STEP_OUTPUT_UNSTORABLE', `A step output holds a ${(v as object).constructor.name} at ${path}; outputs must be plain data, bytes, typed arrays or Arrow tables.`);
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = walk((v as Record<string, unknown>)[key], `${path}.${key}`);
        if (x !== undefined) out[key] = x;
      }
      return out;
    }
    throw new OrchestratorError('HOKUSAI_STEP_OUTPUT_UNSTORABLE', `A step output holds a ${typeof v} at ${path}.`);
  };
  return { doc: walk(value, '$'), parts };
}

/** The document of a value and every binary part, in memory (for small values and tests). */
export function encodeValue(value: unknown): { json: string; blobs: Blobs } {
  const blobs: Blobs = new Map();
  const { doc, parts } = planValue(value);
  for (const p of parts) {
    const bytes = p.bytes();
    p.ref.sha256 = sha256Of(bytes);
    blobs.set(p.ref.sha256, bytes);
  }
  return { json: JSON.stringify(doc), blobs };
}

export function decodeValue(json: string, readBlob: (sha256: string) => Uint8Array): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const tag = (v as { $hokusai?: unknown }).$hokusai;
    if (typeof tag === 'string') {
      if (tag === 'number') return Number((v as { value: string }).value);
      const batches = (v as { batches?: unknown }).batches;
      if (tag === 'arrow' && Array.isArray(batches)) return new Table(batches.flatMap((b: { sha256: string }) => tableFromIPC(readBlob(b.sha256)).batches));
      const bytes = readBlob((v as { sha256: string }).sha256);
      switch (tag) {
        case 'bytes':
          return bytes;
        case 'arrow':
          return tableFromIPC(bytes);
        case 'f64':
          return new Float64Array(aligned(bytes).buffer);
        case 'f32':
          return new Float32Array(aligned(bytes).buffer);
        case 'i32':
          return new Int32Array(aligned(bytes).buffer);
        case 'u8':
          return bytes;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A table read on first use: a step that reads one table of an output of several (scoring
      // reads integrate's benchmark, not its base and merged tables) reads and decodes that one only.
      if (isTableRef(x)) lazyProperty(out, k, () => walk(x));
      else out[k] = walk(x);
    }
    return out;
  };
  return walk(JSON.parse(json));
}

function isTableRef(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { $hokusai?: unknown }).$hokusai === 'arrow';
}

/** An enumerable property computed on first read and then kept (and writable like any other). */
function lazyProperty(target: Record<string, unknown>, key: string, make: () => unknown): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = make();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set: (value: unknown) => Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true }),
  });
}

function bytesOf(a: Float64Array | Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** A fresh copy whose buffer starts at offset 0, so typed-array views are aligned. */
function aligned(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
