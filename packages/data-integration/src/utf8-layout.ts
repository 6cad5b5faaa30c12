/** A string column's UTF-8 text as Arrow lays it out: value i is bytes[offsets[i]..offsets[i+1]). */
export interface Utf8Layout {
  offsets: Int32Array;
  bytes: Uint8Array;
}

const layouts = new WeakMap<readonly (string | null)[], Utf8Layout>();

/**
 * Remembers the UTF-8 bytes of a string column's values once they exist (built for Arrow, or
 * read from it), so hashing the column reads bytes instead of encoding every string again.
 * Columns are never changed in place, so the bytes stay true to the values.
 */
export function rememberUtf8(values: readonly (string | null)[], layout: Utf8Layout): void {
  layouts.set(values, layout);
}

export function utf8Of(values: readonly (string | null)[]): Utf8Layout | undefined {
  return layouts.get(values);
}

/**
 * Copies `src[start..end)` to `dst[at..]` and returns the end. Short values (most cells) copy
 * faster in a loop than through a native call.
 */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  if (end - start <= 32) {
    for (let k = start; k < end; k++) dst[at++] = src[k] as number;
    return at;
  }
  dst.set(src.subarray(start, end), at);
  return at + end - start;
}

/** Grows a Utf8Layout value by value, from bytes a reader already holds or from strings. */
export class Utf8Builder {
  private bytes = new Uint8Array(1 << 16);
  private size = 0;
  private offsets = new Int32Array(1 << 12);
  /** Values so far. */
  count = 0;

  private room(bytes: number): void {
    if (this.count + 2 > this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (this.size + bytes > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + bytes));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
  }

  /** A value whose UTF-8 is `buf[s..e)`. */
  pushBytes(buf: Uint8Array, s: number, e: number): void {
    if (this.size + e - s > this.bytes.length || this.count + 2 > this.offsets.length) this.room(e - s);
    this.size = copyBytes(buf, s, e, this.bytes, this.size);
    this.offsets[++this.count] = this.size;
  }

  /**
   * `n` values laid end to end in `src` from `from`, value r ending at ends[at + r] (nulls being
   * empty): one copy for them all.
   */
  pushBlock(src: Uint8Array, from: number, ends: Int32Array, at: number, n: number): void {
    const to = ends[at + n - 1] as number;
    if (this.count + n + 1 >= this.offsets.length) {
      const grown = new Int32Array(Math.max(this.offsets.length * 2, this.count + n + 2));
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.room(to - from);
    this.bytes.set(src.subarray(from, to), this.size);
    const shift = this.size - from;
    const offsets = this.offsets;
    let c = this.count;
    for (let r = at, last = at + n; r < last; r++) offsets[++c] = (ends[r] as number) + shift;
    this.count = c;
    this.size += to - from;
  }

  /**
   * A value that is `src[s..)` up to the first `stop` byte or `limit`, copied while it is looked
   * for (one pass over the bytes); returns where it ended.
   */
  pushUntil(src: Uint8Array, s: number, limit: number, stop: number): number {
    if (this.size + limit - s > this.bytes.length || this.count + 2 > this.offsets.length) this.room(limit - s);
    const dst = this.bytes;
    let at = this.size;
    let k = s;
    while (k < limit) {
      const c = src[k] as number;
      if (c === stop) break;
      dst[at++] = c;
      k++;
    }
    this.size = at;
    this.offsets[++this.count] = at;
    return k;
  }

  /** Takes back the last value pushed. */
  dropLast(): void {
    this.size = this.offsets[--this.count] as number;
  }

  pushText(text: string): void {
    const len = Buffer.byteLength(text, 'utf8');
    this.room(len);
    this.size += Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).write(text, this.size, 'utf8');
    this.offsets[++this.count] = this.size;
  }

  pushNull(): void {
    this.room(0);
    this.offsets[++this.count] = this.size;
  }

  /**
   * Room for `values` values in all, from the bytes per value so far (and a tenth more), so that
   * a column of a million values is not copied a dozen times as it doubles. layout() gives back
   * room that stayed unused.
   */
  reserveFor(values: number): void {
    if (this.count === 0 || values <= this.count) return;
    const bytes = Math.ceil((this.size / this.count) * values * 1.1);
    if (values + 1 > this.offsets.length) {
      const grown = new Int32Array(values + 1);
      grown.set(this.offsets.subarray(0, this.count + 1));
      this.offsets = grown;
    }
    if (bytes > this.bytes.length) {
      const grown = new Uint8Array(bytes);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
  }

  layout(): Utf8Layout {
    // A quarter or more of the bytes unused (room reserved or doubled): keep only what is used.
    if (this.bytes.length - this.size > (this.size >> 2) + (1 << 16)) this.bytes = this.bytes.slice(0, this.size);
    return { offsets: this.offsets.subarray(0, this.count + 1), bytes: this.bytes.subarray(0, this.size) };
  }
}
