import { open, readFile, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dataError } from './errors.js';
import { ColumnBuilder } from './column-builder.js';
import { finishColumn } from './column-finish.js';
import type { ColumnTable, ColumnType } from './column.js';

export interface JsonReadOptions {
  file: string;
  declared?: ReadonlyMap<string, ColumnType>;
  chunkBytes?: number;
  maxRowBytes?: number;
  /** A JSON array is parsed whole; larger files should be JSON Lines. */
  maxJsonBytes?: number;
}

export interface JsonReadResult {
  table: ColumnTable;
  builders: ColumnBuilder[];
}

class RecordSink {
  readonly names: string[] = [];
  readonly builders: ColumnBuilder[] = [];
  private readonly index = new Map<string, number>();
  rows = 0;
  constructor(private readonly file: string, private readonly declared?: ReadonlyMap<string, ColumnType>) {}

  push(rec: unknown, row: number): void {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw dataError('HOKUSAI_PARSE_ERROR', `record is ${Array.isArray(rec) ? 'an array' : rec === null ? 'null' : typeof rec}, not an object`, 'Write each record as a JSON object of column names to values', { file: this.file, row });
    }
    const obj = rec as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!this.index.has(key)) {
        if (key === '') throw dataError('HOKUSAI_EMPTY_COLUMN_NAME', 'a record has an empty key', 'Give every field a name', { file: this.file, row });
        const b = new ColumnBuilder(this.declared?.get(key));
        for (let i = 0; i < this.rows; i++) b.pushValue(null);
        this.index.set(key, this.builders.length);
        this.names.push(key);
        this.builders.push(b);
      }
    }
    for (let k = 0; k < this.names.length; k++) {
      (this.builders[k] as ColumnBuilder).pushValue(obj[this.names[k] as string]);
    }
    this.rows++;
  }

  finish(): JsonReadResult {
    if (this.rows === 0) throw dataError('HOKUSAI_HEADER_ONLY', 'the file holds no records', 'Add at least one record', { file: this.file });
    const demoted = this.builders.findIndex((b) => b.state === 'demoted');
    if (demoted >= 0) {
      throw dataError('HOKUSAI_TYPE_MISMATCH', 'the column mixes numbers and strings', 'Use one JSON type per column (quote all values, or none)', { file: this.file, column: this.names[demoted] });
    }
    return { table: { names: this.names, columns: this.builders.map((b) => finishColumn(b)), rowCount: this.rows }, builders: this.builders };
  }
}

function parseError(err: unknown, file: string, row: number | undefined, line: number | undefined): never {
  // V8 quotes the text around the error ("Unexpected token 'j', ..."{"email": john.smith"...");
  // that text is data, so only the kind of error and its position are kept (quoted syntax
  // characters such as ',' stay; any other quote means data, and the message is not used).
  const raw = err instanceof Error ? err.message : String(err);
  const cleaned = raw.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' (text around it left out)').replace(/^Unexpected token '.+?'/su, 'Unexpected character');
  const msg = /["']/.test(cleaned.replace(/'.'/gu, '')) ? 'the text cannot be parsed' : cleaned;
  throw dataError('HOKUSAI_PARSE_ERROR', `invalid JSON (${msg})`, 'Fix the JSON syntax', { file, row, line });
}

/** Reads a JSON file holding an array of records. */
export async function readJson(path: string, options: JsonReadOptions): Promise<JsonReadResult> {
  const file = options.file;
  const max = options.maxJsonBytes ?? 512 << 20;
  const size = (await stat(path)).size;
  if (size > max) {
    throw dataError('HOKUSAI_LINE_TOO_LONG', `a JSON array of ${size} bytes is parsed whole, above the ${max}-byte limit`, 'Convert the file to JSON Lines (one record per line) so it can be streamed', { file });
  }
  const bytes = await readFile(path);
  checkText(bytes, file);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Provide a JSON array of records', { file });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    parseError(err, file, undefined, undefined);
  }
  if (!Array.isArray(doc)) {
    throw dataError('HOKUSAI_PARSE_ERROR', 'the top level is not an array', 'Write the records as a JSON array [{...}, {...}], or use JSON Lines', { file });
  }
  const sink = new RecordSink(file, options.declared);
  doc.forEach((rec, i) => sink.push(rec, i + 1));
  return sink.finish();
}

function checkText(bytes: Buffer, file: string): void {
  if (bytes.subarray(0, 65536).includes(0)) {
    throw dataError('HOKUSAI_BINARY_FILE', 'the file is binary, not JSON text', 'Export the data as UTF-8 JSON', { file });
  }
  if (!isUtf8(bytes)) throw dataError('HOKUSAI_INVALID_UTF8', 'the file is not valid UTF-8', 'Save the file as UTF-8', { file });
}

/** Streams a JSON Lines file, one record per line, without holding the file's text. */
export async function readJsonl(path: string, options: JsonReadOptions): Promise<JsonReadResult> {
  const file = options.file;
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  const maxRowBytes = options.maxRowBytes ?? 64 << 20;
  const sink = new RecordSink(file, options.declared);
  const fh = await open(path, 'r');
  let line = 0;
  let total = 0;
  try {
    let leftover = Buffer.alloc(0);
    let first = true;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(chunk, 0, chunkBytes, null);
      const eof = bytesRead === 0;
      total += bytesRead;
      let buf = leftover.length ? Buffer.concat([leftover, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      if (first) {
        first = false;
        if (buf.subarray(0, Math.min(buf.length, 65536)).includes(0)) {
          throw dataError('HOKUSAI_BINARY_FILE', 'the file is binary, not JSON Lines text', 'Export the data as UTF-8 JSON Lines', { file });
        }
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0 && !eof) break;
        const end = nl < 0 ? buf.length : nl;
        line++;
        const slice = buf.subarray(start, end);
        if (!isUtf8(slice)) throw dataError('HOKUSAI_INVALID_UTF8', 'the line is not valid UTF-8', 'Save the file as UTF-8', { file, line, row: sink.rows + 1 });
        const text = slice.toString('utf8').trim();
        if (text !== '') {
          let rec: unknown;
          try {
            rec = JSON.parse(text);
          } catch (err) {
            parseError(err, file, sink.rows + 1, line);
          }
          sink.push(rec, sink.rows + 1);
        }
        if (nl < 0) {
          start = buf.length;
          break;
        }
        start = nl + 1;
      }
      leftover = Buffer.from(buf.subarray(start));
      if (leftover.length > maxRowBytes) {
        throw dataError('HOKUSAI_LINE_TOO_LONG', `a single line is longer than ${maxRowBytes} bytes`, 'Write one record per line', { file, line: line + 1, row: sink.rows + 1 });
      }
      if (eof) break;
    }
  } finally {
    await fh.close();
  }
  if (total === 0 || (sink.rows === 0 && line <= 1)) throw dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Write one JSON record per line', { file });
  return sink.finish();
}
