import { open } from 'node:fs/promises';
import { writeViaTemporary } from '@hokusai/core';
import { tableToIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';
import { fromArrowTable } from './arrow-convert.js';
import type { Column } from './column.js';
import { cellValue } from './column.js';
import type { DataFormat } from './dataset.js';
import { dataError } from './errors.js';
import { NON_FINITE_TOKENS, NULL_TOKENS } from './text-values.js';

export interface WriteOptions {
  format?: DataFormat;
  delimiter?: string;
}

function needsQuotes(s: string, delim: string): boolean {
  if (s === '' || NULL_TOKENS.has(s) || NON_FINITE_TOKENS.has(s)) return true;
  if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r')) return true;
  return s.trim() !== s;
}

function csvCell(col: Column, i: number, delim: string): string {
  const v = cellValue(col, i);
  if (v === null) return '';
  if (typeof v !== 'string' || col.type === 'timestamp') return String(v);
  return needsQuotes(v, delim) ? `"${v.replaceAll('"', '""')}"` : v;
}

async function writeChunks(tmp: string, produce: (emit: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  const fh = await open(tmp, 'w');
  try {
    let pending = '';
    const emit = async (s: string): Promise<void> => {
      pending += s;
      if (pending.length >= 1 << 20) {
        await fh.write(pending);
        pending = '';
      }
    };
    await produce(emit);
    if (pending.length > 0) await fh.write(pending);
  } finally {
    await fh.close();
  }
}

/**
 * Writes a table as CSV, JSON, JSON Lines or Parquet (by `format` or the extension), to a
 * temporary name first and then renamed, so a failure never leaves a half-written file.
 */
export async function writeTable(table: Table, path: string, options: WriteOptions = {}): Promise<void> {
  const format = options.format ?? (path.endsWith('.parquet') ? 'parquet' : path.endsWith('.jsonl') || path.endsWith('.ndjson') ? 'jsonl' : path.endsWith('.json') ? 'json' : 'csv');
  try {
    await writeViaTemporary(path, async (tmp) => {
      if (format === 'parquet') {
        // Imported on first use (see parquet-reader.ts).
        const { Table: WasmTable, writeParquet } = await import('parquet-wasm');
        const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')));
        const fh = await open(tmp, 'w');
        try {
          await fh.write(bytes);
        } finally {
          await fh.close();
        }
      } else {
        const ct = fromArrowTable(table, path);
        const delim = options.delimiter ?? ',';
        await writeChunks(tmp, async (emit) => {
          if (format === 'csv') {
            await emit(`${ct.names.map((n) => (needsQuotes(n, delim) ? `"${n.replaceAll('"', '""')}"` : n)).join(delim)}\n`);
            for (let i = 0; i < ct.rowCount; i++) {
              let line = '';
              for (let k = 0; k < ct.columns.length; k++) line += (k > 0 ? delim : '') + csvCell(ct.columns[k] as Column, i, delim);
              await emit(`${line}\n`);
            }
            return;
          }
          if (format === 'json') await emit('[');
          for (let i = 0; i < ct.rowCount; i++) {
            const rec: Record<string, string | number | boolean | null> = {};
            ct.names.forEach((n, k) => (rec[n] = cellValue(ct.columns[k] as Column, i)));
            const text = JSON.stringify(rec);
            await emit(format === 'json' ? `${i > 0 ? ',\n' : '\n'}${text}` : `${text}\n`);
          }
          if (format === 'json') await emit('\n]\n');
        });
      }
    }, { createFolder: false });
  } catch (err) {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('HOKUSAI_')) throw err;
    throw dataError('HOKUSAI_WRITE_FAILED', `the table could not be written (${err instanceof Error ? err.message : String(err)})`, 'Check that the folder exists and is writable', { file: path });
  }
}
