import { isIPv6 } from 'node:net';

export type BuiltinPiiType =
  | 'email'
  | 'phone'
  | 'ssn'
  | 'credit_card'
  | 'ipv4'
  | 'ipv6'
  | 'iban'
  | 'date_of_birth'
  | 'ethereum_address'
  | 'street_address'
  | 'person_name';

export interface PiiDetector {
  type: string;
  /** Must have the global flag; every match is a candidate span. */
  pattern: RegExp;
  /** Rejects candidates that match the pattern but are not the real thing (checksums, ranges). */
  validate?: (match: string) => boolean;
  /** Cheap test on a value's character summary before running the pattern. */
  mayMatch?: (s: CharSummary) => boolean;
}

export interface CustomPiiPattern {
  type: string;
  pattern: string | RegExp;
  /** Column names that mark a column as holding this type, matched case-insensitively as whole tokens. */
  columnNames?: string[];
}

export interface CharSummary {
  digits: number;
  at: number;
  colons: number;
  dots: number;
  upper: number;
  spaces: number;
  length: number;
}

export function summarize(s: string): CharSummary {
  let digits = 0;
  let at = 0;
  let colons = 0;
  let dots = 0;
  let upper = 0;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 64) at++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 32) spaces++;
  }
  return { digits, at, colons, dots, upper, spaces, length: s.length };
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the major card networks; random digit strings rarely start this way and pass Luhn. */
const CARD_PREFIX = /^(?:4\d{12}(?:\d{3,6})?|5[1-5]\d{14}|2(?:2[2-9]\d|[3-6]\d\d|7[01]\d|720)\d{12}|3[47]\d{13}|6(?:011|5\d\d)\d{12,15}|35(?:2[89]|[3-8]\d)\d{12,15}|3(?:0[0-5]|[68]\d)\d{11})$/;

export function creditCardValid(m: string): boolean {
  const d = m.replace(/[ -]/g, '');
  return d.length >= 13 && d.length <= 19 && CARD_PREFIX.test(d) && luhnValid(d);
}

/** SSA rules: area 000, 666 and 900-999 were never issued; group 00 and serial 0000 are invalid. */
export function ssnValid(m: string): boolean {
  const d = m.replace(/[ -]/g, '');
  if (d.length !== 9) return false;
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(m: string): boolean {
  const s = m.replace(/ /g, '').toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

export function phoneValid(m: string): boolean {
  const d = m.replace(/\D/g, '');
  if (d.length < 7 || d.length > 15) return false;
  // Dates and times written with separators look like phone numbers; they are not.
  if (/^\d{4}[-/.]\d{2}[-/.]\d{2}$/.test(m.trim()) || /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(m.trim())) return false;
  return true;
}

/** North American numbers: area and exchange codes start with 2-9, and N11 codes are services. */
function nanpValid(d: string): boolean {
  if (d.length !== 10) return false;
  const area = d.slice(0, 3);
  const exchange = d.slice(3, 6);
  return /^[2-9]\d\d$/.test(area) && /^[2-9]\d\d$/.test(exchange) && area.slice(1) !== '11' && exchange.slice(1) !== '11';
}

/**
 * PII shapes of a number written with digits only, as a column read as numbers holds them:
 * a card number (issuer prefix and Luhn), a North American phone number (10 digits, or 11 with
 * the leading 1), or an SSN (9 digits, or 8 when a leading zero was lost, under the SSA rules).
 * Anything with a sign, a fraction or an exponent is not one.
 */
export function numericPiiType(text: string): string | undefined {
  if (!/^\d{8,19}$/.test(text)) return undefined;
  if (text.length >= 13 && creditCardValid(text)) return 'credit_card';
  if (nanpValid(text) || (text.length === 11 && text[0] === '1' && nanpValid(text.slice(1)))) return 'phone';
  if (text.length <= 9 && ssnValid(text.padStart(9, '0'))) return 'ssn';
  return undefined;
}

function ipv6Valid(m: string): boolean {
  return isIPv6(m) && m.includes(':') && (m.match(/:/g) ?? []).length >= 2 && /[0-9a-fA-F]/.test(m);
}

export const BUILTIN_DETECTORS: readonly PiiDetector[] = [
  { type: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, mayMatch: (s) => s.at > 0 && s.dots > 0 },
  { type: 'ethereum_address', pattern: /\b0x[a-fA-F0-9]{40}\b/g, mayMatch: (s) => s.length >= 42 && s.digits > 0 },
  { type: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, validate: ibanValid, mayMatch: (s) => s.upper >= 2 && s.digits >= 4 && s.length >= 15 },
  { type: 'credit_card', pattern: /\b(?:\d[ -]?){12,18}\d\b/g, validate: creditCardValid, mayMatch: (s) => s.digits >= 13 },
  { type: 'ssn', pattern: /\b\d{3}([- ])\d{2}\1\d{4}\b/g, validate: ssnValid, mayMatch: (s) => s.digits >= 9 },
  { type: 'ipv4', pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g, mayMatch: (s) => s.dots >= 3 && s.digits >= 4 },
  { type: 'ipv6', pattern: /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![0-9A-Fa-f:])/g, validate: ipv6Valid, mayMatch: (s) => s.colons >= 2 },
  {
    type: 'date_of_birth',
    pattern: /\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on)?)\s*[:=-]?\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2} [A-Za-z]{3,9} \d{4})/gi,
    mayMatch: (s) => s.digits >= 4 && s.length >= 12,
  },
  {
    type: 'phone',
    pattern: /(?:(?:\+|\b00)[1-9]\d{0,2}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\b\d{1,4}(?:[\s.-]?\d{2,4}){1,5}\b/g,
    validate: (m) => phoneValid(m) && !/^\d+\.\d+$/.test(m) && (/^\s*(?:\+|00)/.test(m) || /[\s.()-]/.test(m.trim())),
    mayMatch: (s) => s.digits >= 7,
  },
  {
    type: 'street_address',
    pattern: /\b\d{1,6}[A-Za-z]?\s+(?:[A-Z][A-Za-z'-]*\.?\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Square|Sq|Parkway|Pkwy|Highway|Hwy)\b\.?/g,
    mayMatch: (s) => s.digits >= 1 && s.spaces >= 2 && s.upper >= 2,
  },
];

/** Column-name rules: tokens of the name (split on _, -, space and camelCase) that mark PII. */
const NAME_RULES: readonly { type: BuiltinPiiType; tokens: readonly string[][] }[] = [
  { type: 'email', tokens: [['email'], ['e', 'mail'], ['mail']] },
  { type: 'phone', tokens: [['phone'], ['mobile'], ['telephone'], ['tel'], ['cell'], ['msisdn']] },
  { type: 'ssn', tokens: [['ssn'], ['social', 'security']] },
  { type: 'credit_card', tokens: [['credit', 'card'], ['card', 'number'], ['cc', 'number'], ['pan']] },
  { type: 'ipv4', tokens: [['ip'], ['ip', 'address'], ['ipv4']] },
  { type: 'ipv6', tokens: [['ipv6']] },
  { type: 'iban', tokens: [['iban']] },
  { type: 'date_of_birth', tokens: [['dob'], ['birth'], ['birthday'], ['birthdate'], ['birth', 'date'], ['date', 'of', 'birth'], ['born']] },
  { type: 'ethereum_address', tokens: [['wallet'], ['eth', 'address'], ['wallet', 'address']] },
  { type: 'street_address', tokens: [['address'], ['street'], ['street', 'address'], ['home', 'address']] },
  { type: 'person_name', tokens: [['name'], ['first', 'name'], ['last', 'name'], ['full', 'name'], ['surname'], ['given', 'name'], ['customer', 'name']] },
];

export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/** PII type implied by the column name alone, or undefined. */
export function piiTypeFromName(name: string, custom: readonly CustomPiiPattern[] = []): string | undefined {
  const toks = nameTokens(name);
  const joined = toks.join(' ');
  for (const c of custom) {
    for (const n of c.columnNames ?? []) if (nameTokens(n).join(' ') === joined) return c.type;
  }
  for (const rule of NAME_RULES) {
    for (const seq of rule.tokens) {
      // The whole name, or the name ending in the rule (customer_email, home_phone).
      if (toks.length >= seq.length && seq.every((t, k) => toks[toks.length - seq.length + k] === t)) {
        // "plan_name", "region_name" are labels, not people.
        if (rule.type === 'person_name' && toks.length > seq.length && !['customer', 'user', 'contact', 'person', 'patient', 'client', 'full', 'first', 'last', 'given', 'middle', 'maiden'].includes(toks[toks.length - seq.length - 1] as string)) continue;
        return rule.type;
      }
    }
  }
  return undefined;
}

export function compileCustom(custom: readonly CustomPiiPattern[]): PiiDetector[] {
  return custom.map((c) => {
    const src = typeof c.pattern === 'string' ? new RegExp(c.pattern, 'g') : c.pattern;
    const flags = src.flags.includes('g') ? src.flags : `${src.flags}g`;
    return { type: c.type, pattern: new RegExp(src.source, flags) };
  });
}

export interface Span {
  type: string;
  start: number;
  end: number;
}

/** Every validated PII span in `s`, earlier detectors winning overlaps. */
export function findSpans(s: string, detectors: readonly PiiDetector[], summary: CharSummary = summarize(s)): Span[] {
  const spans: Span[] = [];
  for (const d of detectors) {
    if (d.mayMatch && !d.mayMatch(summary)) continue;
    d.pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = d.pattern.exec(s)) !== null) {
      if (m[0].length === 0) {
        d.pattern.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      if (d.validate && !d.validate(m[0])) continue;
      if (spans.some((sp) => start < sp.end && end > sp.start)) continue;
      spans.push({ type: d.type, start, end });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The type when the whole (trimmed) value is one PII item, else undefined. */
export function wholeValueType(s: string, detectors: readonly PiiDetector[]): string | undefined {
  const t = s.trim();
  if (t.length === 0) return undefined;
  const spans = findSpans(t, detectors);
  if (spans.length === 1) {
    const sp = spans[0] as Span;
    if (sp.start === 0 && sp.end === t.length) return sp.type;
  }
  return undefined;
}
