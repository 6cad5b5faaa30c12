import { dataError } from './errors.js';
import { checkRecordUtf8, emptyJson, isSpace, notAnArray, parseRecordText, readPieces, type JsonRecordOptions, type OnJsonRecord } from './json-records.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LF = 0x0a;

/**
 * Where the element starting at `i` ends (the index after it), or -1 when `buf` ends first. An
 * object or array ends at its matching bracket outside strings, a string at its closing quote,
 * anything else (a number, true, null: not a record, which the reader then says) at whitespace, a
 * comma or a bracket. Mismatched brackets are left to JSON.parse of the element.
 */
function elementEnd(buf: Buffer, i: number, eof: boolean): number {
  const first = buf[i] as number;
  if (first === OPEN_BRACE || first === OPEN_BRACKET || first === QUOTE) {
    let depth = 0;
    let inString = false;
    for (let k = i; k < buf.length; k++) {
      const b = buf[k] as number;
      if (inString) {
        if (b === BACKSLASH) k++;
        else if (b === QUOTE) {
          inString = false;
          if (depth === 0) return k + 1;
        }
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (--depth === 0) return k + 1;
      }
    }
    return -1;
  }
  for (let k = i; k < buf.length; k++) {
    const b = buf[k] as number;
    if (isSpace(b) || b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE) return k;
  }
  return eof ? buf.length : -1;
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let k = bytes.indexOf(LF); k >= 0; k = bytes.indexOf(LF, k + 1)) n++;
  return n;
}

type Phase = 'open' | 'first' | 'next' | 'after' | 'closed';

/**
 * Reads a JSON file holding an array of records one element at a time, without holding the file's
 * text (loadDataset parses such a file whole). An error names the record (its row) and the line it
 * starts on. A record's bytes are its element's text.
 */
export async function forEachJsonArrayRecord(path: string, options: JsonRecordOptions, onRecord: OnJsonRecord): Promise<void> {
  const { file } = options;
  let phase: Phase = 'open';
  let line = 1;
  let rows = 0;
  const fail = (what: string): never => {
    throw dataError('HOKUSAI_PARSE_ERROR', `invalid JSON (${what})`, 'Fix the JSON syntax', { file, row: rows + 1, line });
  };
  const take = (buf: Buffer, eof: boolean): number => {
    let i = 0;
    while (i < buf.length) {
      const b = buf[i] as number;
      if (isSpace(b)) {
        if (b === LF) line++;
        i++;
        continue;
      }
      if (phase === 'open') {
        if (b !== OPEN_BRACKET) {
          throw notAnArray(file);
        }
        phase = 'first';
        i++;
      } else if (phase === 'after') {
        if (b === COMMA) phase = 'next';
        else if (b === CLOSE_BRACKET) phase = 'closed';
        else fail(`expected ',' or ']' after record ${rows}`);
        i++;
      } else if (phase === 'closed') {
        fail('text after the closing bracket');
      } else if (b === CLOSE_BRACKET) {
        if (phase === 'next') fail("a ',' before the closing bracket");
        phase = 'closed';
        i++;
      } else {
        const end = elementEnd(buf, i, eof);
        if (end < 0) {
          if (eof) fail('the file ends inside a record');
          return i;
        }
        const bytes = buf.subarray(i, end);
        rows++;
        checkRecordUtf8(bytes, file, rows, line);
        onRecord(parseRecordText(bytes.toString('utf8'), file, rows, line), rows, line, bytes);
        line += countLines(bytes);
        phase = 'after';
        i = end;
      }
    }
    return buf.length;
  };
  await readPieces(path, options, 'JSON', take, (max) => {
    throw dataError('HOKUSAI_LINE_TOO_LONG', `a single record is longer than ${max} bytes`, 'Split the record, or write the records as JSON Lines', { file, row: rows + 1, line });
  });
  if (phase === 'open') throw emptyJson(file);
  if (phase !== 'closed') fail('the file ends before the closing bracket');
}
