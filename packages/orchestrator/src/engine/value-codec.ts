import { createHash } from 'node:crypto';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
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
  | { $hokusai: 'arrow'; sha256: string };

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A binary part of a value: its tag in the document (its sha256 filled in once stored) and its bytes, made on demand. */
export interface ValuePart {
  ref: Tagged;
  bytes: () => Uint8Array;
}

/**
 * The document of a value, with its binary parts left to make: `putValue` makes, hashes and
 * writes them one at a time, so a step output of several large tables never has all of their
 * encoded bytes in memory at once. The document is complete once every part's sha256 is set.
 */
export function planValue(value: unknown): { doc: unknown; parts: ValuePart[] } {
  const parts: ValuePart[] = [];
  const part = (tag: Tagged['$hokusai'], bytes: () => Uint8Array): Tagged => {
    const ref = { $hokusai: tag, sha256: '' } as Tagged;
    parts.push({ ref, bytes });
    return ref;
  };
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { $hokusai: 'number', value: String(v) };
      return v;
    }
    if (v === undefined) return undefined;
    if (v instanceof Table) return part('arrow', () => tableToIPC(v, 'file'));
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
