import { describe, expect, it } from 'vitest';
import { sniffCsv } from '../src/csv-reader.js';
import { fieldText, newState, scanBuffer } from '../src/csv-scan.js';
import { parseNumberText } from '../src/text-values.js';
import { mulberry32 } from './mulberry32.js';

/**
 * The sniff as it was before it judged candidates on their first records: every candidate
 * scanned through the whole sample. The sniff must give what this gives, error included.
 */
function sniffByFullScans(sample: Buffer, file: string): { delimiter: string; header: boolean } {
  let best = ',';
  let bestScore = -1;
  let bestRows: string[][] = [];
  let firstError: unknown;
  for (const cand of [',', ';', '\t', '|']) {
    const rows: string[][] = [];
    try {
      scanBuffer(sample, sample.length < 65536, cand.charCodeAt(0), newState(), file, (buf, s, e, q, nf) => {
        if (rows.length >= 20) return;
        const r: string[] = [];
        for (let k = 0; k < nf; k++) r.push(fieldText(buf, s[k] as number, e[k] as number, q[k] as number));
        rows.push(r);
      });
    } catch (err) {
      firstError ??= err;
      continue;
    }
    if (rows.length === 0) continue;
    const width = (rows[0] as string[]).length;
    const score = width > 1 ? (rows.every((r) => r.length === width) ? 1000 : 0) + width : 0;
    if (score > bestScore) {
      bestScore = score;
      best = cand;
      bestRows = rows;
    }
  }
  if (bestScore <= 0 && firstError !== undefined) throw firstError;
  const first = bestRows[0] ?? [];
  let header = first.every((v) => v !== '' && !parseNumberText(v));
  if (header && bestRows[1] && bestRows.length > 1) {
    const allText = bestRows.slice(1).every((r) => r.every((v) => !parseNumberText(v)));
    if (allText && bestRows.slice(1).some((r) => r.some((v, k) => v === first[k]))) header = false;
  }
  return { delimiter: best, header };
}

/** Whether some delimiter reads its first 20 records cleanly and wide, and fails further in the sample. */
function failsOnlyPastItsFirstRows(sample: Buffer): boolean {
  return [',', ';', '\t', '|'].some((cand) => {
    let rows = 0;
    try {
      scanBuffer(sample, sample.length < 65536, cand.charCodeAt(0), newState(), 'sample.csv', (_b, _s, _e, _q, nf) => {
        if (++rows > 20) throw new RangeError('enough');
        if (nf < 2) throw new RangeError('narrow');
      });
    } catch (err) {
      if (!(err instanceof RangeError) || err.message !== 'enough') return false;
    }
    try {
      scanBuffer(sample, sample.length < 65536, cand.charCodeAt(0), newState(), 'sample.csv', () => undefined);
      return false;
    } catch {
      return true;
    }
  });
}

const outcome = (f: () => unknown): unknown => {
  try {
    return { ok: f() };
  } catch (err) {
    return { error: err instanceof Error ? [err.name, err.message, (err as { code?: string }).code] : String(err) };
  }
};

// Fields a sample is made of: numbers, text, other candidates' characters, quotes (good and bad).
const FIELDS = ['1', '2.5', '-3', 'abc', 'north', '', 'x y', '"q,uo;ted"', '"multi\nline"', '"say ""hi"""', 'a;b', 'a,b', 'a|b', 'a\tb', 'bad"quote', '"open', '"x"y'];

/** A random sample: rows of a random width split by one delimiter, sometimes broken past row 20. */
function randomSample(random: () => number): Buffer {
  const delim = [',', ';', '\t', '|'][Math.floor(random() * 4)] as string;
  const width = 1 + Math.floor(random() * 5);
  const rows = 1 + Math.floor(random() * (random() < 0.2 ? 12000 : 60));
  const pick = (): string => {
    const f = FIELDS[Math.floor(random() * FIELDS.length)] as string;
    // Mostly clean fields; the odd ones (quotes, other delimiters) now and then.
    return random() < 0.85 ? (FIELDS[Math.floor(random() * 7)] as string) : f;
  };
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const w = random() < 0.05 ? width + 1 : width;
    lines.push(Array.from({ length: w }, pick).join(delim));
  }
  const text = lines.join(random() < 0.3 ? '\r\n' : '\n') + (random() < 0.5 ? '\n' : '');
  const bytes = Buffer.from(text);
  // As readCsv passes it: at most 64 KiB (a full sample is not the file's end).
  return bytes.subarray(0, Math.min(bytes.length, 65536));
}

describe('sniffing the delimiter and header', () => {
  it('gives what scanning every candidate through the sample gives, errors included (2,000 random samples)', () => {
    const random = mulberry32(7);
    let errors = 0;
    let full = 0;
    let lateFailures = 0;
    let quoteFree = 0;
    for (let n = 0; n < 2000; n++) {
      const sample = randomSample(random);
      if (sample.length === 65536) full++;
      if (!sample.includes('"') && sample.toString().split('\n').length > 21) quoteFree++;
      const expected = outcome(() => sniffByFullScans(sample, 'sample.csv'));
      if ('error' in (expected as object)) errors++;
      if (failsOnlyPastItsFirstRows(sample)) lateFailures++;
      expect(outcome(() => sniffCsv(sample, 'sample.csv')), `sample ${n}: ${JSON.stringify(sample.subarray(0, 200).toString())}`).toEqual(expected);
    }
    // The samples reach the cases that matter: failures, and samples cut at 64 KiB.
    expect(errors).toBeGreaterThan(50);
    expect(full).toBeGreaterThan(10);
    // Samples whose delimiter splits the first rows best but breaks the syntax further on: there
    // the first records alone would pick another delimiter than the full scans.
    expect(lateFailures).toBeGreaterThan(10);
    // Samples past their first rows without a quote, which the sniff does not scan through.
    expect(quoteFree).toBeGreaterThan(20);
  });
});
