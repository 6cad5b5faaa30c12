import type { Data, Vector } from 'apache-arrow';
import { utf8BytesHash } from '@hokusai/core';
import { readCodedStrings } from './arrow-columns.js';
import { plainUtf8Chunks, startsWithBom, validUtf8Chunk } from './utf8-bytes.js';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * The distinct values of a text column read in batches, kept as UTF-8 in one growing buffer: a
 * few dozen bytes per distinct value, where a Set of strings took 65 (16M identifiers: 1.07 GB, the
 * difference between a 20M-row run under a 2 GB budget and over it). Each value is kept as its
 * decoded string encodes, so the count is that of the strings: bytes that are valid UTF-8 and do
 * not start with a byte order mark are that already; others are decoded and encoded again
 * (invalid sequences as U+FFFD, a leading mark dropped, as Arrow's own reading does).
 */
export class Utf8ValueSet {
  private bytes: Uint8Array = new Uint8Array(1 << 16);
  private used = 0;
  /** Value v is bytes[ends[v - 1] (0 for v = 0) .. ends[v]). */
  private ends: Int32Array = new Int32Array(1 << 10);
  private hashes: Int32Array = new Int32Array(1 << 10);
  /** Open addressing, at most half full: value index + 1, 0 empty. */
  private slots: Int32Array = new Int32Array(1 << 11);
  size = 0;
  nonNull = 0;
  hasNull = false;

  /** Adds a column's (a batch's) non-null values and counts its nulls. */
  addColumn(col: Vector): void {
    const chunks = col.data as Data[];
    if (!plainUtf8Chunks(chunks)) {
      const coded = readCodedStrings(col);
      for (let i = 0; i < coded.codes.length; i++) {
        if (coded.codes[i] === -1) this.hasNull = true;
        else this.nonNull++;
      }
      for (const v of coded.values) this.addText(v);
      return;
    }
    for (const d of chunks) {
      const offsets = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const valid = validUtf8Chunk(d);
      const bitmap = d.nullCount > 0 ? d.nullBitmap : undefined;
      for (let i = 0; i < d.length; i++) {
        const p = d.offset + i;
        if (bitmap !== undefined && bitmap.length > 0 && (((bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0) {
          this.hasNull = true;
          continue;
        }
        this.nonNull++;
        const s = offsets[i] as number;
        const e = offsets[i + 1] as number;
        if (valid && !startsWithBom(bytes, s, e)) this.addBytes(bytes, s, e);
        else this.addText(decoder.decode(bytes.subarray(s, e)));
      }
    }
  }

  /** The values as strings, in the order first seen. */
  values(): string[] {
    const out: string[] = [];
    const buf = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.used);
    for (let v = 0, start = 0; v < this.size; v++) {
      const end = this.ends[v] as number;
      out.push(buf.toString('utf8', start, end));
      start = end;
    }
    return out;
  }

  private addText(text: string): void {
    const b = encoder.encode(text);
    this.addBytes(b, 0, b.length);
  }

  private addBytes(src: Uint8Array, s: number, e: number): void {
    const h = utf8BytesHash(src, s, e);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const ref = this.slots[slot] as number;
      if (ref === 0) break;
      if (this.hashes[ref - 1] === h && this.same(ref - 1, src, s, e)) return;
      slot = (slot + 1) & mask;
    }
    const v = this.size;
    if (v === this.ends.length) {
      this.ends = grown(this.ends, v * 2);
      this.hashes = grown(this.hashes, v * 2);
    }
    if (this.used + (e - s) > this.bytes.length) {
      const more = new Uint8Array(Math.max(this.bytes.length * 2, this.used + (e - s)));
      more.set(this.bytes.subarray(0, this.used));
      this.bytes = more;
    }
    this.bytes.set(src.subarray(s, e), this.used);
    this.used += e - s;
    this.ends[v] = this.used;
    this.hashes[v] = h;
    this.slots[slot] = v + 1;
    this.size = v + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private same(v: number, src: Uint8Array, s: number, e: number): boolean {
    const start = v === 0 ? 0 : (this.ends[v - 1] as number);
    const end = this.ends[v] as number;
    if (end - start !== e - s) return false;
    for (let k = 0; k < e - s; k++) if (this.bytes[start + k] !== src[s + k]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let v = 0; v < this.size; v++) {
      let slot = (this.hashes[v] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = v + 1;
    }
    this.slots = slots;
  }
}

function grown(a: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  out.set(a);
  return out;
}
