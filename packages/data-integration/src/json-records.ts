import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dataError, type DataIntegrationError } from './errors.js';

/** One record as read: its value, its row (1-based, records only) and first line, and its bytes. */
export type OnJsonRecord = (rec: unknown, row: number, line: number, bytes: Buffer) => void;

export interface JsonRecordOptions {
  file: string;
  chunkBytes?: number;
  maxRowBytes?: number;
  /** Each piece of the file as read, in order (to hash it). */
  onPiece?: (piece: Buffer) => void;
  /** Called after the records of each piece; awaited (to write out what they gathered). */
  afterPiece?: () => Promise<void>;
}

export function parseError(err: unknown, file: string, row: number | undefined, line: number | undefined): never {
  // V8 quotes the text around the error ("Unexpected token 'j', ..."{"email": john.smith"...");
  // that text is data, so only the kind of error and its position are kept (quoted syntax
  // characters such as ',' stay; any other quote means data, and the message is not used).
  const raw = err instanceof Error ? err.message : String(err);
  const cleaned = raw.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' (text around it left out)').replace(/^Unexpected token '.+?'/su, 'Unexpected character');
  const msg = /["']/.test(cleaned.replace(/'.'/gu, '')) ? 'the text cannot be parsed' : cleaned;
  throw dataError('HOKUSAI_PARSE_ERROR', `invalid JSON (${msg})`, 'Fix the JSON syntax', { file, row, line });
}

/** Parses one record's text: a line (trimmed), or an element of the top-level array. */
export function parseRecordText(text: string, file: string, row: number, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    parseError(err, file, row, line);
  }
}

export function checkRecordUtf8(bytes: Buffer, file: string, row: number, line: number): void {
  if (!isUtf8(bytes)) throw dataError('HOKUSAI_INVALID_UTF8', 'the line is not valid UTF-8', 'Save the file as UTF-8', { file, line, row });
}

/** A JSON file whose top level is not the array of records (read whole or a record at a time). */
export function notAnArray(file: string): DataIntegrationError {
  return dataError('HOKUSAI_PARSE_ERROR', 'the top level is not an array', 'Write the records as a JSON array [{...}, {...}], or use JSON Lines', { file });
}

/** A JSON file with nothing but whitespace in it. */
export function emptyJson(file: string): DataIntegrationError {
  return dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Provide a JSON array of records', { file });
}

/** JSON whitespace. */
export const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Reads a file in pieces (4 MiB by default), skipping a UTF-8 byte order mark and refusing binary
 * content, and hands each piece to `take`, which returns how many of its bytes it is done with;
 * the rest is carried into the next piece (past `maxRowBytes` of it, `tooLong` throws). Returns
 * the file's size.
 */
export async function readPieces(path: string, options: JsonRecordOptions, what: string, take: (buf: Buffer, eof: boolean) => number, tooLong: (max: number) => never): Promise<number> {
  const { file } = options;
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  const maxRowBytes = options.maxRowBytes ?? 64 << 20;
  const fh = await open(path, 'r');
  let total = 0;
  try {
    let leftover = Buffer.alloc(0);
    let first = true;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(chunk, 0, chunkBytes, null);
      const eof = bytesRead === 0;
      total += bytesRead;
      if (bytesRead > 0) options.onPiece?.(chunk.subarray(0, bytesRead));
      let buf = leftover.length ? Buffer.concat([leftover, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      if (first) {
        first = false;
        if (buf.subarray(0, Math.min(buf.length, 65536)).includes(0)) {
          throw dataError('HOKUSAI_BINARY_FILE', `the file is binary, not ${what} text`, `Export the data as UTF-8 ${what}`, { file });
        }
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      const used = take(buf, eof);
      await options.afterPiece?.();
      leftover = Buffer.from(buf.subarray(used));
      if (leftover.length > maxRowBytes) tooLong(maxRowBytes);
      if (eof) break;
    }
  } finally {
    await fh.close();
  }
  return total;
}

/**
 * Reads a JSON Lines file one record per line, without holding the file's text; blank lines are
 * skipped. A record's bytes are its line's, without the newline.
 */
export async function forEachJsonlRecord(path: string, options: JsonRecordOptions, onRecord: OnJsonRecord): Promise<void> {
  const { file } = options;
  let line = 0;
  let rows = 0;
  const take = (buf: Buffer, eof: boolean): number => {
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0 && !eof) return start;
      const end = nl < 0 ? buf.length : nl;
      line++;
      const slice = buf.subarray(start, end);
      checkRecordUtf8(slice, file, rows + 1, line);
      const text = slice.toString('utf8').trim();
      if (text !== '') {
        rows++;
        onRecord(parseRecordText(text, file, rows, line), rows, line, slice);
      }
      if (nl < 0) return buf.length;
      start = nl + 1;
    }
  };
  const total = await readPieces(path, options, 'JSON Lines', take, (max) => {
    throw dataError('HOKUSAI_LINE_TOO_LONG', `a single line is longer than ${max} bytes`, 'Write one record per line', { file, line: line + 1, row: rows + 1 });
  });
  if (total === 0 || (rows === 0 && line <= 1)) throw dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Write one JSON record per line', { file });
}
