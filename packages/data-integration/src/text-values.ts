/** Recognisers for the text forms of typed values shared by the CSV and JSON readers. */

export const NULL_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'null', 'NULL']);

/** `NULL_TOKENS.has(text)` without hashing long text (every null token is at most 4 characters). */
export function isNullToken(text: string): boolean {
  return text.length <= 4 && NULL_TOKENS.has(text);
}
/** `isNullToken` on a field's bytes (every null token is ASCII), without decoding them. */
export function isNullTokenBytes(buf: Uint8Array, s: number, e: number): boolean {
  const c = (k: number): number => buf[s + k] as number;
  switch (e - s) {
    case 0:
      return true;
    case 2:
      return c(0) === 78 && c(1) === 65; // NA
    case 3:
      return c(0) === 78 && c(1) === 47 && c(2) === 65; // N/A
    case 4: {
      const word = ((c(0) << 24) | (c(1) << 16) | (c(2) << 8) | c(3)) >>> 0;
      return word === 0x6e756c6c || word === 0x4e554c4c; // null, NULL
    }
    default:
      return false;
  }
}
export const NON_FINITE_TOKENS: ReadonlySet<string> = new Set([
  'NaN', 'nan', 'NAN', 'inf', '-inf', '+inf', 'Inf', '-Inf', 'Infinity', '-Infinity', '+Infinity', 'INF', '-INF',
]);

export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Result slots of `parseNumberBytes`, reused so the hot loop allocates nothing. */
export const parsedNumber = { value: 0, isInt: false };

/**
 * Parses a decimal number from bytes [s, e). Returns false when the text is not a plain number
 * (so the column is not numeric). Leading zeros such as "007" are rejected on purpose: they are
 * identifiers, and reading them as 7 would silently change them.
 */
export function parseNumberBytes(buf: Uint8Array, s: number, e: number): boolean {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  if (s >= e) return false;
  let i = s;
  let neg = false;
  let c = buf[i] as number;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
    if (i >= e) return false;
  }
  const unsignedStart = i;
  let mant = 0;
  let digits = 0;
  let intDigits = 0;
  const intStart = i;
  while (i < e) {
    c = buf[i] as number;
    if (c < 48 || c > 57) break;
    if (digits > 0 || c !== 48) digits++;
    mant = mant * 10 + (c - 48);
    intDigits++;
    i++;
  }
  if (intDigits > 1 && buf[intStart] === 48) return false;
  let frac = 0;
  let isInt = true;
  if (i < e && buf[i] === 46) {
    isInt = false;
    i++;
    const fs = i;
    while (i < e) {
      c = buf[i] as number;
      if (c < 48 || c > 57) break;
      if (digits > 0 || c !== 48) digits++;
      mant = mant * 10 + (c - 48);
      frac++;
      i++;
    }
    if (i === fs && intDigits === 0) return false;
  } else if (intDigits === 0) return false;
  let exp = 0;
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    isInt = false;
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 45 || buf[i] === 43)) {
      eneg = buf[i] === 45;
      i++;
    }
    const es = i;
    while (i < e) {
      c = buf[i] as number;
      if (c < 48 || c > 57) break;
      exp = exp * 10 + (c - 48);
      if (exp > 100000) exp = 100000;
      i++;
    }
    if (i === es) return false;
    if (eneg) exp = -exp;
  }
  if (i !== e) return false;
  const scale = exp - frac;
  let v: number;
  // Mantissa below 2^53 and a power of ten below 1e23 are both exact, so one IEEE multiply or
  // divide gives the correctly rounded result; anything else goes through the full parser.
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    v = scale >= 0 ? mant * (POW10[scale] as number) : mant / (POW10[-scale] as number);
  } else {
    v = Number.parseFloat(Buffer.from(buf.buffer, buf.byteOffset + unsignedStart, e - unsignedStart).toString('latin1'));
  }
  if (!Number.isFinite(v)) return false;
  parsedNumber.value = neg ? -v : v;
  parsedNumber.isInt = isInt && Number.isSafeInteger(parsedNumber.value);
  if (parsedNumber.value === 0) parsedNumber.value = 0; // folds -0 so hashes agree across formats
  return true;
}

const NUM_RE = /^\s*[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** String form of `parseNumberBytes`, for values that are already strings. */
export function parseNumberText(s: string): boolean {
  if (!NUM_RE.test(s)) return false;
  const v = Number(s.trim());
  if (!Number.isFinite(v)) return false;
  parsedNumber.value = v === 0 ? 0 : v;
  parsedNumber.isInt = !/[.eE]/.test(s) && Number.isSafeInteger(v);
  return true;
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const DAY_MS = 86_400_000;

/** Whether `y-m-d` is a day of the proleptic Gregorian calendar (m 1..12). */
function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m !== 2) return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
  return d <= ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28);
}

/**
 * Days from 1970-01-01 to `y-m-d` (proleptic Gregorian), by whole-number arithmetic: what
 * Date.UTC gives for years from 100 on, and right for years 0-99 too, which Date.UTC reads as
 * 1900-1999.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ISO 8601 date or date-time to epoch milliseconds (UTC when no offset is given), or NaN. */
export function parseTimestamp(s: string): number {
  const m = TS_RE.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, sec, fracPart, tz] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!validDay(year, month, day)) return Number.NaN;
  const hh = h === undefined ? 0 : Number(h);
  const mm = mi === undefined ? 0 : Number(mi);
  const ss = sec === undefined ? 0 : Number(sec);
  if (hh > 23 || mm > 59 || ss > 60) return Number.NaN;
  const ms = fracPart === undefined ? 0 : Number(fracPart.slice(1, 4).padEnd(3, '0'));
  // A leap second (ss 60) is the next minute's first, as Date.UTC has it.
  let t = daysFromCivil(year, month, day) * DAY_MS + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

/**
 * A field that is exactly an ISO date, `YYYY-MM-DD`, read from its bytes: epoch milliseconds,
 * or NaN for anything else (then `parseTimestamp` reads its text, which gives the same for a
 * date). A million dates were 0.4 s as strings through the regular expression, 25 ms so.
 */
export function parseIsoDateBytes(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return Number.NaN;
  const d0 = (b[s] as number) - 48;
  const d1 = (b[s + 1] as number) - 48;
  const d2 = (b[s + 2] as number) - 48;
  const d3 = (b[s + 3] as number) - 48;
  const m0 = (b[s + 5] as number) - 48;
  const m1 = (b[s + 6] as number) - 48;
  const a0 = (b[s + 8] as number) - 48;
  const a1 = (b[s + 9] as number) - 48;
  // Each a digit: its value as an unsigned number is at most 9.
  if ((d0 >>> 0) > 9 || (d1 >>> 0) > 9 || (d2 >>> 0) > 9 || (d3 >>> 0) > 9 || (m0 >>> 0) > 9 || (m1 >>> 0) > 9 || (a0 >>> 0) > 9 || (a1 >>> 0) > 9) return Number.NaN;
  const y = d0 * 1000 + d1 * 100 + d2 * 10 + d3;
  const m = m0 * 10 + m1;
  const d = a0 * 10 + a1;
  return validDay(y, m, d) ? daysFromCivil(y, m, d) * DAY_MS : Number.NaN;
}

export function parseBool(s: string): 0 | 1 | -1 {
  switch (s) {
    case 'true':
    case 'True':
    case 'TRUE':
      return 1;
    case 'false':
    case 'False':
    case 'FALSE':
      return 0;
    default:
      return -1;
  }
}

/** Text of a CSV field; doubled quotes inside a quoted field (q === 2) become one. */
export function decodeField(buf: Buffer, s: number, e: number, q: number): string {
  const t = buf.toString('utf8', s, e);
  return q === 2 ? t.replaceAll('""', '"') : t;
}
