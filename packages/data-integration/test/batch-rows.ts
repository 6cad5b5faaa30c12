import type { Table } from 'apache-arrow';

/** Rows as plain JSON values, whatever Arrow type holds them. */
export function rowsOf(table: Table): unknown[] {
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => JSON.parse(JSON.stringify(row.toJSON(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as unknown);
}

/** Every row of a table read in batches, in order. */
export async function allRows(read: () => AsyncIterable<Table>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of read()) out.push(...rowsOf(batch));
  return out;
}
