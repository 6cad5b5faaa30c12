import type { Column, ColumnType } from './column.js';
import { StringInterner } from './string-interner.js';
import type { InternerTable } from './string-interner.js';
import { Utf8Builder } from './utf8-layout.js';
import type { Utf8Layout } from './utf8-layout.js';
import { decodeField, isNullToken, isNullTokenBytes, NON_FINITE_TOKENS, parseBool, parseNumberBytes, parseIsoDateBytes, parseNumberText, parseTimestamp, parsedNumber } from './text-values.js';

type State = 'unknown' | 'number' | 'bool' | 'timestamp' | 'string' | 'demoted';

/**
 * Rows after which a text column still keeping its strings (they repeat: the string interner
 * decides after 20,000 lookups) gets room for all the rows expected.
 */
const STRS_ROOM_AT = 1 << 15;

/** ColumnBuilder.fastKind's answers. */
export const FAST_ANY = 0;
export const FAST_NUMBER = 1;
export const FAST_TEXT = 2;
export const FAST_INTERNED = 3;

export interface TypeFailure {
  row: number;
  value: string;
}

/** What a reader learns about a column besides its values (checked by loadDataset). */
export interface ColumnReadStats {
  readonly nonFiniteCount: number;
  /** Row (1-based) of the first NaN or Infinity, 0 when none. */
  readonly firstNonFinite: number;
  readonly typeFailureCount: number;
  readonly typeFailures: readonly TypeFailure[];
  inferredType(): ColumnType | 'null';
}

/**
 * A builder's rows as plain typed arrays (transferable between threads), so that the parts of one
 * file read in parallel can be joined (see csv-split).
 */
export interface BuilderPart {
  state: State;
  length: number;
  allInt: boolean;
  firstNonFinite: number;
  nonFiniteCount: number;
  typeFailures: TypeFailure[];
  typeFailureCount: number;
  /** A quoted empty field was read as null before the column had a type. */
  quotedEmptyUntyped: boolean;
  /** Numbers, bools and timestamps (as numbers) with their validity. */
  num: Float64Array | null;
  valid: Uint8Array | null;
  /** A text column's UTF-8 and which rows are not null. */
  text: { offsets: Int32Array; bytes: Uint8Array; valid: Uint8Array } | null;
}

export type BuilderState = State;

/**
 * Grows one column while rows stream in. Without a declared type it infers one: the first
 * non-null value picks number, bool, timestamp or string, and a later value that does not fit
 * demotes the column to string. Demoted columns are re-read in a second pass (see csv-reader)
 * rather than keeping every cell's text just in case.
 */
export class ColumnBuilder {
  state: State;
  readonly declared: ColumnType | undefined;
  private num: Float64Array;
  private valid: Uint8Array;
  private strs: (string | null)[] = [];
  private interner: StringInterner | null = new StringInterner();
  /** The UTF-8 of a CSV text column, kept as it is read so the Arrow output need not encode it. */
  private utf8: Utf8Builder | null = null;
  /**
   * Set once a text column turns out to rarely repeat (ids, e-mail addresses): from then on only
   * its bytes and this validity are kept, and its strings are made when first read.
   */
  private textValid: Uint8Array | null = null;
  /** JSON text of a column inferred as timestamp, kept so a later non-date value can turn it into text exactly. */
  private rawText: (string | null)[] | null = null;
  length = 0;
  allInt = true;
  firstNonFinite = 0;
  nonFiniteCount = 0;
  readonly typeFailures: TypeFailure[] = [];
  typeFailureCount = 0;
  /** See BuilderPart.quotedEmptyUntyped. */
  quotedEmptyUntyped = false;

  /** Rows expected (the CSV reader estimates them from the file size). */
  private readonly capacity: number;

  /**
   * Storage for the first `capacity` numbers, given by a caller that places the columns (a loader
   * thread: in shared memory, so the table is handed on without a copy); used at the first growth.
   */
  private room: Float64Array | undefined;

  constructor(declared: ColumnType | undefined, capacity = 1 << 14, room?: Float64Array) {
    this.declared = declared;
    this.capacity = capacity;
    this.room = room !== undefined && room.length === capacity ? room : undefined;
    // Made at the first value or null that needs them: a text column never does.
    this.num = new Float64Array(0);
    this.valid = new Uint8Array(0);
    if (declared === undefined) this.state = 'unknown';
    else if (declared === 'int' || declared === 'float') this.state = 'number';
    else this.state = declared;
  }

  private grow(): void {
    const cap = Math.max(this.capacity, this.num.length * 2);
    const room = this.num.length === 0 ? this.room : undefined;
    this.room = undefined;
    const num = room ?? new Float64Array(cap);
    num.set(this.num);
    this.num = num;
    const valid = new Uint8Array(cap);
    valid.set(this.valid);
    this.valid = valid;
  }

  private failType(text: string): void {
    this.typeFailureCount++;
    if (this.typeFailures.length < 5) this.typeFailures.push({ row: this.length + 1, value: text.length > 80 ? `${text.slice(0, 77)}...` : text });
  }

  private pushNull(): void {
    if (this.rawText !== null) this.rawText.push(null);
    if (this.textValid !== null) {
      this.utf8?.pushNull();
      return this.countTextRow(0);
    }
    if (this.state === 'string') {
      this.strs[this.length] = null;
      this.utf8?.pushNull();
    } else if (this.state !== 'demoted') {
      if (this.length === this.num.length) this.grow();
      this.valid[this.length] = 0;
    }
    this.length++;
  }

  private pushNumber(v: number, isInt: boolean): void {
    if (this.declared === 'int' && (!isInt || v > 2147483647 || v < -2147483648)) {
      this.failType(String(v));
      return this.pushNull();
    }
    if (this.length === this.num.length) this.grow();
    this.num[this.length] = v;
    this.valid[this.length] = 1;
    if (!isInt || v > 2147483647 || v < -2147483648) this.allInt = false;
    this.length++;
  }

  private demote(): void {
    this.state = 'demoted';
    // A demoted column stays so: a timestamp column's kept text must not turn it back into text
    // later, with the rows between lost.
    this.rawText = null;
    this.num = new Float64Array(0);
    this.valid = new Uint8Array(0);
  }

  /** Pushes the text of one CSV field; `text` is produced lazily because most fields are numbers. */
  /** `q`: 0 unquoted, 1 quoted, 2 quoted with doubled quotes inside. */
  pushBytes(buf: Buffer, s: number, e: number, q: number): void {
    if (e === s && q === 0) return this.pushNull();
    const st = this.state;
    if (st === 'number' || st === 'unknown') {
      if (parseNumberBytes(buf, s, e)) {
        if (st === 'unknown') this.state = 'number';
        return this.pushNumber(parsedNumber.value, parsedNumber.isInt);
      }
    } else if (st === 'demoted') {
      this.length++;
      return;
    } else if (st === 'timestamp' && q === 0) {
      const t = parseIsoDateBytes(buf, s, e);
      if (t === t) return this.pushNumber(t, false);
    }
    if (st === 'string') return this.pushStringBytes(buf, s, e, q);
    this.pushText(decodeField(buf, s, e, q), q !== 0);
  }

  /**
   * Pushes `rows` fields of this column from a block of rows (field r at s[at + r * stride]...):
   * one loop per column, with numbers and text kept only as bytes handled inline; any other
   * field goes through `pushBytes`, so the result is that of pushing the fields one by one.
   */
  pushBlock(buf: Buffer, s: Int32Array, e: Int32Array, q: Uint8Array, at: number, stride: number, rows: number): void {
    for (let r = 0, j = at; r < rows; r++, j += stride) {
      const fs = s[j] as number;
      const fe = e[j] as number;
      const fq = q[j] as number;
      if (fq === 0 && fe > fs) {
        if (this.state === 'number' && this.declared === undefined && parseNumberBytes(buf, fs, fe)) {
          if (this.length === this.num.length) this.grow();
          const v = parsedNumber.value;
          this.num[this.length] = v;
          this.valid[this.length] = 1;
          if (!parsedNumber.isInt || v > 2147483647 || v < -2147483648) this.allInt = false;
          this.length++;
          continue;
        }
        if (this.textValid !== null && !isNullTokenBytes(buf, fs, fe)) {
          this.countTextRow(1);
          (this.utf8 as Utf8Builder).pushBytes(buf, fs, fe);
          continue;
        }
      }
      this.pushBytes(buf, fs, fe, fq);
    }
  }

  /**
   * How the CSV row scanner may take this column's next unquoted field (see csv-fast-rows):
   * FAST_NUMBER, an undeclared numeric column (plain decimals parsed by the scanner itself);
   * FAST_TEXT, text kept only as bytes; FAST_INTERNED, text whose repeated values share a string
   * (addInterned); FAST_ANY, through `pushBytes`.
   */
  fastKind(): number {
    if (this.state === 'number' && this.declared === undefined) return FAST_NUMBER;
    if (this.textValid !== null) return FAST_TEXT;
    if (this.state === 'string' && this.interner !== null) return FAST_INTERNED;
    return FAST_ANY;
  }

  /** A number the scanner parsed, in a FAST_NUMBER column: what `pushBytes` does with its text. */
  addNumber(v: number, isInt: boolean): void {
    if (this.length === this.num.length) this.grow();
    this.num[this.length] = v;
    this.valid[this.length] = 1;
    if (!isInt || v > 2147483647 || v < -2147483648) this.allInt = false;
    this.length++;
  }

  /**
   * A block of a FAST_NUMBER column's fields parsed by the WebAssembly scanner (csv-wasm-rows):
   * `num` and `valid` from `from`, a null being 0 and invalid; `allInt` when every value is an
   * integer that fits in 32 bits. What addNumber and pushBytes do with them one by one.
   */
  addNumbers(num: Float64Array, valid: Uint8Array, from: number, n: number, allInt: boolean): void {
    while (this.length + n > this.num.length) this.grow();
    this.num.set(num.subarray(from, from + n), this.length);
    this.valid.set(valid.subarray(from, from + n), this.length);
    if (!allInt) this.allInt = false;
    this.length += n;
  }

  /**
   * A block of a FAST_TEXT column's fields copied out by the WebAssembly scanner: laid end to end
   * in `text` from `from`, field r ending at ends[at + r], valid[at + r] 0 for a null token.
   * What addTextField does with them one by one.
   */
  addTextBlock(text: Uint8Array, from: number, ends: Int32Array, valid: Uint8Array, at: number, n: number): void {
    (this.utf8 as Utf8Builder).pushBlock(text, from, ends, at, n);
    let rows = this.textValid as Uint8Array;
    if (this.length + n > rows.length) {
      rows = new Uint8Array(Math.max(rows.length * 2, this.length + n));
      rows.set(this.textValid as Uint8Array);
      this.textValid = rows;
    }
    rows.set(valid.subarray(at, at + n), this.length);
    this.length += n;
  }

  /** An unquoted field `buf[s..e)` of a FAST_TEXT column: what addTextUntil does, its end known. */
  addTextField(buf: Uint8Array, s: number, e: number): void {
    if (e - s <= 4 && isNullTokenBytes(buf, s, e)) return this.pushNull();
    this.countTextRow(1);
    (this.utf8 as Utf8Builder).pushBytes(buf, s, e);
  }

  /**
   * An unquoted field of a FAST_TEXT column: `buf[s..)` up to `stop` or `limit`, copied as it is
   * found; returns where the field ended. A null token is a null, as in `pushBytes`.
   */
  addTextUntil(buf: Buffer, s: number, limit: number, stop: number): number {
    const utf8 = this.utf8 as Utf8Builder;
    const e = utf8.pushUntil(buf, s, limit, stop);
    if (e - s <= 4 && isNullTokenBytes(buf, s, e)) {
      utf8.dropLast();
      this.pushNull();
    } else this.countTextRow(1);
    return e;
  }

  /** A field of a text column: text shared for repeated values, its bytes kept for Arrow. */
  private pushStringBytes(buf: Buffer, s: number, e: number, q: number): void {
    if (this.textValid !== null) {
      if (q === 0 && isNullTokenBytes(buf, s, e)) return this.pushNull();
      this.countTextRow(1);
      if (q === 2) (this.utf8 as Utf8Builder).pushText(decodeField(buf, s, e, q));
      else (this.utf8 as Utf8Builder).pushBytes(buf, s, e);
      return;
    }
    const interner = q === 0 ? this.interner : null;
    this.pushFound(interner?.find(buf, s, e), interner, buf, s, e, q);
  }

  /**
   * An unquoted, non-empty field of a FAST_INTERNED column, `hash` being StringInterner's hash
   * of its bytes, which the scanner computed while looking for the field's end. False when the
   * column has just given up sharing strings (it is FAST_TEXT from now on).
   */
  addInterned(buf: Buffer, s: number, e: number, hash: number): boolean {
    const interner = this.interner as StringInterner;
    this.pushFound(interner.findHashed(buf, s, e, hash), interner, buf, s, e, 0);
    return this.textValid === null;
  }

  /**
   * A block of a FAST_INTERNED column from the WebAssembly scanner (csv-wasm-rows): field r is
   * buf[fs[r]..fe[r]) with its hash; codes[r] the slot of this column's string table that held
   * its bytes when the block was scanned (-1: none, or a table of its own); and its text is
   * copied out end to end in `text` from `textFrom`, ending at textEnd[r] (nothing for a null
   * token, which valid[r] marks 0). What addInterned, and addTextField once the column gives up
   * sharing strings, do with the fields one by one.
   */
  addInternedBlock(buf: Buffer, fs: Int32Array, fe: Int32Array, hash: Int32Array, codes: Int32Array, valid: Uint8Array, text: Uint8Array, textFrom: number, textEnd: Int32Array, from: number, n: number): void {
    const utf8 = this.utf8;
    const last = from + n;
    if (utf8 === null) {
      // The column's values so far came in as strings: the first call makes its UTF-8 (pushFound).
      for (let r = from; r < last; r++) {
        const s = fs[r] as number;
        const e = fe[r] as number;
        if (e === s) this.pushNull();
        else if (this.textValid !== null) this.addTextField(buf, s, e);
        else this.addInterned(buf, s, e, hash[r] as number);
      }
      return;
    }
    const interner = this.interner as StringInterner;
    // A slot the scan found holds the same bytes until this block keeps a string.
    let trusted = true;
    let r = from;
    for (; r < last && this.textValid === null; r++) {
      const s = fs[r] as number;
      const e = fe[r] as number;
      if (e === s) {
        this.strs[this.length++] = null;
        continue;
      }
      const code = codes[r] as number;
      let found: string | null | undefined = code >= 0 && trusted ? interner.hitAt(code) : interner.findHashed(buf, s, e, hash[r] as number);
      if (found === undefined) {
        found = this.missedString(interner, buf, s, e, 0);
        if (found === null) {
          this.strs[this.length++] = null;
          continue;
        }
        // The interner kept it (or gave up): its table may differ from the scan's now.
        trusted = false;
      }
      this.appendString(found);
      if (this.interner === null) this.keepBytesOnly();
    }
    // The rest of the block once the column gave up sharing strings: its text kept as bytes only.
    for (; r < last; r++) this.countTextRow(valid[r] as number);
    utf8.pushBlock(text, textFrom, textEnd, from, n);
  }

  /** Lets the string interner take its table from `source` (see StringInterner.offerTable). */
  offerInternerTable(source: () => InternerTable | null): void {
    this.interner?.offerTable(source);
  }

  /** The string interner lets go of a table it took from a source (see StringInterner.detachTable). */
  detachInternerTable(): void {
    this.interner?.detachTable();
  }

  /** The rest of pushStringBytes once the interner (if any) was asked for the field's text. */
  private pushFound(found: string | undefined, interner: StringInterner | null | undefined, buf: Buffer, s: number, e: number, q: number): void {
    // A hit is text this column already accepted as a string, so it needs no checks again.
    const text = found ?? this.missedString(interner, buf, s, e, q);
    if (text === null) return this.pushNull();
    if (this.utf8 === null) {
      // The values before this one came in as text (the first one decided the type).
      this.utf8 = new Utf8Builder();
      for (let i = 0; i < this.length; i++) {
        const v = this.strs[i] as string | null;
        if (v === null) this.utf8.pushNull();
        else this.utf8.pushText(v);
      }
    }
    this.appendString(text);
    if (q === 2) this.utf8.pushText(text);
    else this.utf8.pushBytes(buf, s, e);
    if (this.interner === null) this.keepBytesOnly();
  }

  /**
   * A field the interner did not hold, decoded: null for an unquoted null token; otherwise kept
   * by the interner, or the interner given up (`this.interner` null) when it no longer keeps.
   */
  private missedString(interner: StringInterner | null | undefined, buf: Buffer, s: number, e: number, q: number): string | null {
    const text = decodeField(buf, s, e, q);
    if (q === 0 && isNullToken(text)) return null;
    if (interner) {
      if (interner.active) interner.keep(buf, s, e, text);
      else this.interner = null;
    }
    return text;
  }

  /** A string value of a column keeping its strings (and UTF-8), with room made at STRS_ROOM_AT. */
  private appendString(text: string): void {
    this.strs[this.length++] = text;
    if (this.length === STRS_ROOM_AT && this.capacity > this.length) {
      this.strs = this.withRoom(this.strs);
      (this.utf8 as Utf8Builder).reserveFor(this.capacity);
    }
  }

  /**
   * The strings so far with room for the rows expected: writing into room is several times
   * faster than growing the array a million times. Made once a column's strings are known to
   * repeat (see STRS_ROOM_AT); contents() trims it.
   */
  private withRoom(strs: (string | null)[]): (string | null)[] {
    const roomy = new Array<string | null>(this.capacity);
    for (let i = 0; i < this.length; i++) roomy[i] = strs[i] as string | null;
    return roomy;
  }

  /** Drops the strings of a text column whose bytes are all kept, keeping which rows are null. */
  private keepBytesOnly(): void {
    const valid = new Uint8Array(Math.max(this.capacity, this.length * 2));
    for (let i = 0; i < this.length; i++) valid[i] = this.strs[i] === null ? 0 : 1;
    this.textValid = valid;
    this.strs = [];
    this.utf8?.reserveFor(this.capacity);
  }

  /** Counts one more row of a bytes-only text column, a value (1) or a null (0). */
  private countTextRow(v: number): void {
    let valid = this.textValid as Uint8Array;
    if (this.length === valid.length) {
      valid = new Uint8Array(valid.length * 2);
      valid.set(this.textValid as Uint8Array);
      this.textValid = valid;
    }
    valid[this.length++] = v;
  }

  /** `quoted`: the CSV field was in quotes, so "NA" is text and "" an empty string in a text column. */
  pushText(text: string, quoted = false): void {
    if (quoted ? text === '' && this.state !== 'string' : isNullToken(text)) {
      if (quoted && this.state === 'unknown') this.quotedEmptyUntyped = true;
      return this.pushNull();
    }
    switch (this.state) {
      case 'demoted':
        this.length++;
        return;
      case 'string':
        if (this.textValid !== null) {
          this.countTextRow(1);
          this.utf8?.pushText(text);
          return;
        }
        this.strs[this.length++] = text;
        this.utf8?.pushText(text);
        return;
      case 'unknown': {
        if (parseNumberText(text)) {
          this.state = 'number';
          return this.pushNumber(parsedNumber.value, parsedNumber.isInt);
        }
        if (NON_FINITE_TOKENS.has(text)) {
          this.state = 'number';
          return this.pushNonFinite();
        }
        if (parseBool(text) >= 0) {
          this.state = 'bool';
          return this.pushText(text, quoted);
        }
        if (!Number.isNaN(parseTimestamp(text))) {
          this.state = 'timestamp';
          return this.pushText(text, quoted);
        }
        if (this.length > 0) {
          this.state = 'string';
          this.strs = new Array<string | null>(this.length).fill(null);
          this.num = new Float64Array(0);
          this.valid = new Uint8Array(0);
        } else this.state = 'string';
        return this.pushText(text, quoted);
      }
      case 'number': {
        if (parseNumberText(text)) return this.pushNumber(parsedNumber.value, parsedNumber.isInt);
        if (NON_FINITE_TOKENS.has(text)) return this.pushNonFinite();
        break;
      }
      case 'bool': {
        const b = parseBool(text);
        if (b >= 0) return this.pushNumber(b, true);
        break;
      }
      case 'timestamp': {
        const t = parseTimestamp(text);
        if (!Number.isNaN(t)) return this.pushNumber(t, false);
        break;
      }
    }
    if (this.declared !== undefined) {
      this.failType(text);
      return this.pushNull();
    }
    this.demote();
    this.length++;
  }

  /** Pushes an already-typed JS value (from JSON). */
  pushValue(v: unknown): void {
    if (v === null || v === undefined) return this.pushNull();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return this.pushNonFinite();
      if (this.state === 'unknown') this.state = 'number';
      if (this.state === 'number') return this.pushNumber(v === 0 ? 0 : v, Number.isInteger(v));
      if (this.declared === undefined) {
        this.demote();
        this.length++;
        return;
      }
      return this.pushText(String(v));
    }
    if (typeof v === 'boolean') {
      if (this.state === 'unknown') this.state = 'bool';
      if (this.state === 'bool') return this.pushNumber(v ? 1 : 0, true);
      return this.pushText(String(v));
    }
    if (typeof v === 'string') {
      // JSON strings that look like numbers stay strings: the producer chose to quote them.
      if (this.state === 'unknown' && this.declared === undefined) {
        this.state = Number.isNaN(parseTimestamp(v)) ? 'string' : 'timestamp';
        if (this.state === 'timestamp') this.rawText = new Array<string | null>(this.length).fill(null);
        // A key first seen after row 1 (JSON records need not share keys): the rows before are null.
        else this.strs = new Array<string | null>(this.length).fill(null);
      }
      if (this.rawText !== null) {
        if (Number.isNaN(parseTimestamp(v))) {
          this.state = 'string';
          this.strs = this.rawText;
          this.utf8 = null;
          this.rawText = null;
          this.num = new Float64Array(0);
          this.valid = new Uint8Array(0);
        } else this.rawText.push(v);
      }
      if (this.state === 'number' && this.declared === undefined) {
        this.demote();
        this.length++;
        return;
      }
      // A JSON string is explicit text: "NA" stays "NA" and "" stays an empty string.
      return this.pushText(v, true);
    }
    return this.pushText(JSON.stringify(v));
  }

  private pushNonFinite(): void {
    this.nonFiniteCount++;
    if (this.firstNonFinite === 0) this.firstNonFinite = this.length + 1;
    this.pushNull();
  }

  /** Replaces a demoted column's contents with strings from a second pass. */
  setStrings(values: (string | null)[]): void {
    this.state = 'string';
    this.strs = values;
    this.utf8 = null;
    this.textValid = null;
  }

  /**
   * The rows so far as a BuilderPart, or null when they are not held in a form one can join: a
   * demoted column (its text is re-read), or text without its UTF-8 (only the first value seen).
   */
  part(): BuilderPart | null {
    const n = this.length;
    const base = { state: this.state, length: n, allInt: this.allInt, firstNonFinite: this.firstNonFinite, nonFiniteCount: this.nonFiniteCount, typeFailures: this.typeFailures, typeFailureCount: this.typeFailureCount, quotedEmptyUntyped: this.quotedEmptyUntyped };
    if (this.state === 'demoted') return null;
    if (this.state === 'string') {
      const utf8 = this.utf8;
      if (utf8 === null || utf8.count !== n) return null;
      let valid: Uint8Array;
      if (this.textValid !== null) valid = this.textValid.subarray(0, n);
      else {
        valid = new Uint8Array(n);
        const strs = this.strs;
        for (let i = 0; i < n; i++) valid[i] = strs[i] === null ? 0 : 1;
      }
      const { offsets, bytes } = utf8.layout();
      return { ...base, num: null, valid: null, text: { offsets, bytes, valid } };
    }
    if (this.state === 'unknown') return { ...base, num: null, valid: null, text: null };
    return { ...base, num: this.num.subarray(0, n), valid: this.valid.subarray(0, n), text: null };
  }

  inferredType(): ColumnType | 'null' {
    switch (this.state) {
      case 'unknown':
        return this.declared ?? 'null';
      case 'number':
        if (this.declared === 'int' || this.declared === 'float') return this.declared;
        return this.allInt ? 'int' : 'float';
      case 'bool':
        return 'bool';
      case 'timestamp':
        return 'timestamp';
      default:
        return 'string';
    }
  }

  /** The builder's storage as it stands (its strings trimmed to its rows), for finishColumn (column-finish.ts). */
  contents(): BuilderContents {
    if (this.strs.length > this.length) this.strs.length = this.length;
    return { state: this.state, strs: this.strs, utf8: this.utf8 === null ? null : { count: this.utf8.count, layout: this.utf8.layout() }, textValid: this.textValid, num: this.num, valid: this.valid };
  }
}

export interface BuilderContents {
  state: State;
  strs: (string | null)[];
  utf8: { count: number; layout: Utf8Layout } | null;
  textValid: Uint8Array | null;
  num: Float64Array;
  valid: Uint8Array;
}

export function makeNullColumn(type: ColumnType, n: number): Column {
  const valid = new Uint8Array(n);
  switch (type) {
    case 'int':
      return { type, values: new Int32Array(n), valid };
    case 'float':
    case 'timestamp':
      return { type, values: new Float64Array(n), valid };
    case 'bool':
      return { type, values: new Uint8Array(n), valid };
    case 'string':
      return { type, values: new Array<string | null>(n).fill(null) };
  }
}
