import type { Table } from 'apache-arrow';

/** At most this many distinct values make a column worth a per-stratum breakdown (as strataValues). */
const MAX_STRATA = 20;

interface Candidate {
  values: (string | null)[];
  distinct: Set<string>;
  stringy: boolean;
  /** Found unfit (not text, or too many values) when the strata are chosen automatically. */
  dropped: boolean;
}

/**
 * strataValues over a benchmark read in batches: the configured columns, else every string
 * column with 2 to 20 distinct values, never the target or an excluded column; each column's
 * values in row order, the same as strataValues gives on the whole table.
 */
export async function strataOverBatches(batches: AsyncIterable<Table>, options: { target: string; exclude: readonly string[]; columns?: readonly string[] }): Promise<Record<string, (string | null)[]>> {
  const auto = options.columns === undefined;
  let candidates: Map<string, Candidate> | null = null;
  for await (const batch of batches) {
    if (candidates === null) {
      const names = (options.columns ?? batch.schema.fields.map((f) => f.name)).filter((name) => name !== options.target && !options.exclude.includes(name));
      candidates = new Map(names.filter((n) => batch.getChild(n) !== null).map((n) => [n, { values: [], distinct: new Set<string>(), stringy: true, dropped: false }]));
    }
    for (const [name, c] of candidates) {
      if (c.dropped) continue;
      const column = batch.getChild(name);
      if (column === null) continue;
      for (let i = 0; i < batch.numRows; i++) {
        const v: unknown = column.get(i);
        if (v === null || v === undefined) c.values.push(null);
        else {
          if (typeof v !== 'string') c.stringy = false;
          c.values.push(String(v));
          c.distinct.add(String(v));
        }
        if (auto && (!c.stringy || c.distinct.size > MAX_STRATA)) {
          c.dropped = true;
          c.values = [];
          break;
        }
      }
    }
  }
  const out: Record<string, (string | null)[]> = {};
  for (const [name, c] of candidates ?? []) if (!auto || (!c.dropped && c.stringy && c.distinct.size >= 2 && c.distinct.size <= MAX_STRATA)) out[name] = c.values;
  return out;
}
