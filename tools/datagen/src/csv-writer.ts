import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { COLUMNS, type CustomerRow } from './churn-model.js';

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes rows as CSV (header, LF line ends) to a temporary name, then renames it into place; rows are written as they come. */
export async function writeCsv(path: string, rows: Iterable<CustomerRow>): Promise<void> {
  await writeLines(path, [COLUMNS.join(',')], rows, (row) => COLUMNS.map((c) => csvField(row[c])).join(','));
}

/** Writes rows as JSON Lines, one object per line with the columns in a fixed order. */
export async function writeJsonl(path: string, rows: Iterable<CustomerRow>): Promise<void> {
  await writeLines(path, [], rows, (row) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, row[c]]))));
}

async function writeLines(
  path: string,
  head: readonly string[],
  rows: Iterable<CustomerRow>,
  format: (row: CustomerRow) => string,
): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  let chunk = head.map((h) => `${h}\n`).join('');
  for (const row of rows) {
    chunk += `${format(row)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  await rename(tmp, path);
}
