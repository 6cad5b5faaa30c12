import { readFile, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dataError } from './errors.js';
import { ColumnBuilder } from './column-builder.js';
import { finishColumn } from './column-finish.js';
import type { ColumnTable, ColumnType } from './column.js';
import type { JsonValueSink } from './json-kinds.js';
import { emptyJson, forEachJsonlRecord, notAnArray, parseError } from './json-records.js';

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

/**
 * How empty a table of JSON records may be: one of at most `floorCells` cells (rows × columns)
 * may be as empty as it is; a larger one may hold at most `cellsPerValue` cells per value the
 * records hold. Records that each bring keys of their own make a table of rows × keys cells from
 * a file of rows × a few values: 20,000 such records (527 KB) took 140 s and 6.6 GB to load.
 */
export interface SparseLimits {
  floorCells: number;
  cellsPerValue: number;
}

/**
 * 2^22 cells (a table of 100,000 rows × 41 columns), then at least one value in 32 cells: a table
 * emptier than that is no training data, and the records above are refused after 2,048 of them.
 */
export const SPARSE_LIMITS: SparseLimits = { floorCells: 2 ** 22, cellsPerValue: 32 };

/**
 * The columns of JSON records as they come: a column per key, in the order keys are first seen,
 * null in the rows before. Each column's values go to a sink: a ColumnBuilder, or (pass 1 of a
 * batched read) a tracker of its type alone.
 */
export class RecordSink<S extends JsonValueSink> {
  readonly names: string[] = [];
  readonly sinks: S[] = [];
  private readonly index = new Map<string, number>();
  rows = 0;
  /** The values the records held (their keys, counted record by record). */
  private values = 0;
  constructor(
    private readonly file: string,
    private readonly sinkFor: (name: string) => S,
    private readonly limits: SparseLimits = SPARSE_LIMITS,
  ) {}

  push(rec: unknown, row: number): void {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw dataError('HOKUSAI_PARSE_ERROR', `record is ${Array.isArray(rec) ? 'an array' : rec === null ? 'null' : typeof rec}, not an object`, 'Write each record as a JSON object of column names to values', { file: this.file, row });
    }
    const obj = rec as Record<string, unknown>;
    const keys = Object.keys(obj);
    this.values += keys.length;
    for (const key of keys) {
      if (!this.index.has(key)) {
        if (key === '') throw dataError('HOKUSAI_EMPTY_COLUMN_NAME', 'a record has an empty key', 'Give every field a name', { file: this.file, row });
        this.checkSparse(key, row);
        const b = this.sinkFor(key);
        for (let i = 0; i < this.rows; i++) b.pushValue(null);
        this.index.set(key, this.sinks.length);
        this.names.push(key);
        this.sinks.push(b);
      }
    }
    let k = 0;
    try {
      for (; k < this.names.length; k++) (this.sinks[k] as S).pushValue(obj[this.names[k] as string]);
    } catch (error) {
      // A nested value is kept as its JSON text, and JSON.stringify recurses: some thousands of
      // levels exhaust the stack (JSON.parse does not recurse, so the record itself parsed).
      if (!(error instanceof RangeError)) throw error;
      throw dataError('HOKUSAI_PARSE_ERROR', 'a value nests too deeply to be kept as text', 'Flatten the value, or leave the field out', { file: this.file, row, column: this.names[k] });
    }
    this.rows++;
  }

  /** Before a new column is filled with nulls for the rows before: the table it makes must not be too empty (see SparseLimits). */
  private checkSparse(key: string, row: number): void {
    const columns = this.names.length + 1;
    const records = this.rows + 1;
    const cells = columns * records;
    if (cells <= this.limits.floorCells || cells <= this.limits.cellsPerValue * this.values) return;
    throw dataError('HOKUSAI_SPARSE_RECORDS', `the records share too few keys: a new key makes ${columns} columns over ${records} records, ${cells} cells for the ${this.values} values they hold`, 'Give every record the same keys (the columns of one table), or leave out the fields that few records have', { file: this.file, row, column: key, context: { columns, records, values: this.values } });
  }

  /** The errors of the records as a whole: none at all, or a column of mixed numbers and text. */
  check(): void {
    if (this.rows === 0) throw dataError('HOKUSAI_HEADER_ONLY', 'the file holds no records', 'Add at least one record', { file: this.file });
    const demoted = this.sinks.findIndex((b) => b.state === 'demoted');
    if (demoted >= 0) {
      throw dataError('HOKUSAI_TYPE_MISMATCH', 'the column mixes numbers and strings', 'Use one JSON type per column (quote all values, or none)', { file: this.file, column: this.names[demoted] });
    }
  }
}

/** Records into ColumnBuilders, the types declared where given. */
export function builderSink(file: string, declared?: ReadonlyMap<string, ColumnType>): RecordSink<ColumnBuilder> {
  return new RecordSink(file, (name) => new ColumnBuilder(declared?.get(name)));
}

function finish(sink: RecordSink<ColumnBuilder>): JsonReadResult {
  sink.check();
  return { table: { names: sink.names, columns: sink.sinks.map((b) => finishColumn(b)), rowCount: sink.rows }, builders: sink.sinks };
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
  if (text.trim() === '') throw emptyJson(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    parseError(err, file, undefined, undefined);
  }
  if (!Array.isArray(doc)) {
    throw notAnArray(file);
  }
  const sink = builderSink(file, options.declared);
  doc.forEach((rec, i) => sink.push(rec, i + 1));
  return finish(sink);
}

function checkText(bytes: Buffer, file: string): void {
  if (bytes.subarray(0, 65536).includes(0)) {
    throw dataError('HOKUSAI_BINARY_FILE', 'the file is binary, not JSON text', 'Export the data as UTF-8 JSON', { file });
  }
  if (!isUtf8(bytes)) throw dataError('HOKUSAI_INVALID_UTF8', 'the file is not valid UTF-8', 'Save the file as UTF-8', { file });
}

/** Streams a JSON Lines file, one record per line, without holding the file's text. */
export async function readJsonl(path: string, options: JsonReadOptions): Promise<JsonReadResult> {
  const sink = builderSink(options.file, options.declared);
  await forEachJsonlRecord(path, { file: options.file, ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }), ...(options.maxRowBytes === undefined ? {} : { maxRowBytes: options.maxRowBytes }) }, (rec, row) => sink.push(rec, row));
  return finish(sink);
}
