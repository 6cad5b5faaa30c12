import type { Table } from 'apache-arrow';

/** At most this many distinct values make a column worth a per-stratum breakdown. */
const MAX_STRATA = 20;

/**
 * The benchmark columns the report breaks results down by: the configured ones, else every
 * string column with 2 to 20 distinct values; never the target or an excluded (e.g. PII) column.
 */
export function strataValues(benchmark: Table, options: { target: string; exclude: readonly string[]; columns?: readonly string[] }): Record<string, (string | null)[]> {
  const out: Record<string, (string | null)[]> = {};
  // Excluded columns (PII among them) are never strata, even when named in the config.
  const candidates = (options.columns ?? benchmark.schema.fields.map((f) => f.name)).filter((name) => name !== options.target && !options.exclude.includes(name));
  for (const name of candidates) {
    const column = benchmark.getChild(name);
    if (column === null) continue;
    const values: (string | null)[] = new Array<string | null>(benchmark.numRows);
    const distinct = new Set<string>();
    let stringy = true;
    for (let i = 0; i < benchmark.numRows; i++) {
      const v: unknown = column.get(i);
      if (v === null || v === undefined) values[i] = null;
      else {
        if (typeof v !== 'string') stringy = false;
        values[i] = String(v);
        distinct.add(String(v));
      }
      if (options.columns === undefined && (!stringy || distinct.size > MAX_STRATA)) break;
    }
    if (options.columns !== undefined || (stringy && distinct.size >= 2 && distinct.size <= MAX_STRATA)) out[name] = values;
  }
  return out;
}
