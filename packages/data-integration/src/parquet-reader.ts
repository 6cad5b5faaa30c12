import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { tableFromIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import { parseTable } from 'arrow-js-ffi';
import { dataError, type DataIntegrationError } from './errors.js';
import { copiedOutOfWasm } from './wasm-table-copy.js';

const MAGIC = Buffer.from('PAR1', 'latin1');

/**
 * Reads a Parquet file into an Arrow table through parquet-wasm, with the SHA-256 of its bytes. Parquet is columnar and
 * compressed, so the whole file is read as bytes (not text); the footer is checked first so a
 * truncated file is reported as such rather than as a decoder panic.
 */
export async function readParquetFile(path: string, file: string, options: { hash: boolean } = { hash: true }): Promise<{ table: Table; sha256: string | undefined }> {
  const bytes = await readWhole(path);
  checkParquetEnds(bytes.length, bytes.subarray(0, 4), bytes.subarray(bytes.length - 4), file);
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  // Imported on first use: the module compiles 5 MB of WebAssembly (50-120 ms) in every thread
  // that loads it, and runs on CSV never need it.
  const wasm = await import('parquet-wasm');
  let table: Table;
  try {
    table = decodeParquet(input, wasm);
  } catch (err) {
    throw decoderRejected(err, file);
  }
  return { table, sha256: options.hash ? createHash('sha256').update(bytes).digest('hex') : undefined };
}

/** parquet-wasm's error on a file, as the typed error a damaged file gets. */
export function decoderRejected(err: unknown, file: string): DataIntegrationError {
  const msg = err instanceof Error ? err.message : String(err);
  return dataError('HOKUSAI_PARQUET_CORRUPT', `the Parquet decoder rejected the file (${msg})`, 'Copy or export the file again; check that it was written completely', { file });
}

/**
 * A Parquet file's size and first and last four bytes checked before any decoding, so an empty,
 * foreign or truncated file is reported as such rather than as a decoder panic.
 */
export function checkParquetEnds(size: number, head: Uint8Array, tail: Uint8Array, file: string): void {
  if (size === 0) throw dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Provide a Parquet file with at least one row', { file });
  if (size < 12 || !MAGIC.equals(head)) {
    throw dataError('HOKUSAI_PARQUET_CORRUPT', 'the file does not start with the Parquet magic bytes PAR1', 'Check that the file really is Parquet, or pass the right format', { file });
  }
  if (!MAGIC.equals(tail)) {
    throw dataError('HOKUSAI_PARQUET_CORRUPT', 'the file does not end with the Parquet footer (it is probably truncated)', 'Copy or export the file again in full', { file, context: { bytes: size } });
  }
}

/**
 * The file's bytes in one read: `readFile` reads in 512 KiB steps, each a round trip to the
 * thread pool. (Reading parts on several pool threads at once was no faster: most of the time
 * is page faults on the fresh buffer, 45 ms at 90 MB here.)
 */
async function readWhole(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    // Shorter than its size said: it shrank meanwhile; the stat check after the load reads it again.
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}

// One batch per row group: the default of 1,024 rows makes hundreds of tiny Arrow batches and is
// several times slower, and a single batch lets the loaded table keep these buffers.
const READ_OPTIONS = { batchSize: 1 << 24 };

/**
 * Decodes Parquet into an Arrow JS table. The decoded buffers leave WebAssembly memory through
 * the C data interface, each copied once (int64 columns that fit in 32 bits read as int32 on
 * the way: `copiedOutOfWasm`); an IPC stream would be written inside WebAssembly and copied
 * again, a third of the whole read. A type the C-interface reader does not know goes through IPC.
 */
function decodeParquet(input: Uint8Array, { readParquet, wasmMemory }: typeof ParquetWasm): Table {
  const ffi = readParquet(input, READ_OPTIONS).intoFFI();
  let table: Table | null = null;
  try {
    // Views of WebAssembly memory, valid until ffi.drop(): nothing below calls into WebAssembly.
    table = copiedOutOfWasm(parseTable(wasmMemory().buffer, ffi.arrayAddrs(), ffi.schemaAddr(), false)) ?? parseTable(wasmMemory().buffer, ffi.arrayAddrs(), ffi.schemaAddr(), true);
  } catch {
    table = null;
  } finally {
    ffi.drop();
  }
  return table ?? tableFromIPC(readParquet(input, READ_OPTIONS).intoIPCStream());
}
