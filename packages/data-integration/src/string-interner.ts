/** FNV-1a of `buf[s..e)`: StringInterner's hash (the CSV scanner computes the same as it reads a field). */
export function bytesHash(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let k = s; k < e; k++) h = Math.imul(h ^ (buf[k] as number), 0x01000193);
  return h;
}

/** Slots of a StringInterner's table, and the bytes each keeps at most. */
export const INTERNER_SLOTS = 1 << 12;
export const INTERNER_SLOT_BYTES = 64;

/**
 * A StringInterner's table: the bytes of the string in each slot (INTERNER_SLOT_BYTES a slot)
 * and its length (-1: empty). The CSV reader's WebAssembly scanner offers one in its memory, so
 * it can look fields up itself (wasm/csv-rows.c reads the same layout and slot function).
 */
export interface InternerTable {
  bytes: Uint8Array;
  lengths: Int32Array;
}

/**
 * Hands back one shared string for field bytes it has seen before, so a column of a few distinct
 * values (a region, a plan) holds a few strings instead of one per row: less decoding, less
 * memory and far less for the garbage collector. It gives up on columns that rarely repeat.
 */
export class StringInterner {
  private static readonly SLOTS = INTERNER_SLOTS;
  private static readonly MAX_BYTES = INTERNER_SLOT_BYTES;
  // Made at the first string kept: every column of a CSV file starts with an interner, and at
  // 272 KB each a file of 20,000 numeric columns held 3.7 GB of them.
  private strings: (string | undefined)[] = [];
  /** The bytes of each kept string, MAX_BYTES per slot, to confirm a hash match. */
  private bytes: Uint8Array = new Uint8Array(0);
  private lengths: Int32Array | null = null;
  /** Where the table comes from when first needed, if not from this thread's heap. */
  private tableSource: (() => InternerTable | null) | null = null;
  private lookups = 0;
  private hits = 0;
  active = true;

  private static slotOf(hash: number, length: number): number {
    let h = hash ^ length;
    h ^= h >>> 15;
    return h & (StringInterner.SLOTS - 1);
  }

  /** The kept string for `buf[s..e)`, or undefined (then the caller decodes and may `keep` it). */
  find(buf: Uint8Array, s: number, e: number): string | undefined {
    return this.findHashed(buf, s, e, bytesHash(buf, s, e));
  }

  /** `find`, given `bytesHash` of the bytes (the CSV scanner computes it as it reads them). */
  findHashed(buf: Uint8Array, s: number, e: number, hash: number): string | undefined {
    // After enough lookups, a column whose values mostly differ is not worth the probing.
    if (++this.lookups === 20_000 && this.hits < this.lookups / 2) this.active = false;
    if (e - s > StringInterner.MAX_BYTES || this.lengths === null) return undefined;
    const slot = StringInterner.slotOf(hash, e - s);
    const len = this.lengths[slot] as number;
    if (len === e - s) {
      const at = slot * StringInterner.MAX_BYTES;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (this.bytes[at + k] !== buf[s + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.hits++;
        return this.strings[slot];
      }
    }
    return undefined;
  }

  /** Takes the table from `source` (an empty one) when it first keeps a string. */
  offerTable(source: () => InternerTable | null): void {
    if (this.lengths === null) this.tableSource = source;
  }

  /**
   * Lets go of a table taken from a source, whose owner is about to reuse it: the strings kept
   * are forgotten (a later lookup misses and keeps them again in a table of its own).
   */
  detachTable(): void {
    if (this.tableSource === null) return;
    this.tableSource = null;
    this.lengths = null;
    this.bytes = new Uint8Array(0);
    this.strings = [];
  }

  /**
   * The string in `slot`, which a scan of the shared table found holding the field's bytes: what
   * findHashed answers for them, counted as its lookup and hit.
   */
  hitAt(slot: number): string {
    if (++this.lookups === 20_000 && this.hits < this.lookups / 2) this.active = false;
    this.hits++;
    return this.strings[slot] as string;
  }

  keep(buf: Uint8Array, s: number, e: number, text: string): void {
    if (e - s > StringInterner.MAX_BYTES) return;
    if (this.lengths === null) {
      const table = this.tableSource?.() ?? { bytes: new Uint8Array(StringInterner.SLOTS * StringInterner.MAX_BYTES), lengths: new Int32Array(StringInterner.SLOTS).fill(-1) };
      this.strings = new Array<string | undefined>(StringInterner.SLOTS);
      this.bytes = table.bytes;
      this.lengths = table.lengths;
    }
    const slot = StringInterner.slotOf(bytesHash(buf, s, e), e - s);
    this.bytes.set(buf.subarray(s, e), slot * StringInterner.MAX_BYTES);
    this.lengths[slot] = e - s;
    this.strings[slot] = text;
  }
}
