import { writeFile, rename } from 'node:fs/promises';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import type { CustomerRow } from './churn-model.js';

/**
 * Writes rows as Parquet through Arrow; missing income values are real nulls. The whole part is
 * held (as rows) while the file is built: one Arrow table becomes one Parquet file.
 */
export async function writeParquetFile(path: string, input: Iterable<CustomerRow>): Promise<void> {
  const rows = Array.isArray(input) ? (input as readonly CustomerRow[]) : [...input];
  const n = rows.length;
  const age = new Int32Array(n);
  const tenure = new Int32Array(n);
  const calls = new Int32Array(n);
  const churned = new Int32Array(n);
  const spend = new Float64Array(n);
  const income: (number | null)[] = new Array<number | null>(n);
  rows.forEach((r, i) => {
    age[i] = r.age;
    tenure[i] = r.tenure_months;
    calls[i] = r.support_calls;
    churned[i] = r.churned;
    spend[i] = r.monthly_spend;
    income[i] = r.income;
  });
  const table = tableFromArrays({
    customer_id: rows.map((r) => r.customer_id),
    email: rows.map((r) => r.email),
    age,
    // A JS array with nulls becomes a nullable Float64 column: missing stays missing, never NaN.
    income,
    tenure_months: tenure,
    region: rows.map((r) => r.region),
    plan: rows.map((r) => r.plan),
    monthly_spend: spend,
    support_calls: calls,
    churned,
  });
  const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
