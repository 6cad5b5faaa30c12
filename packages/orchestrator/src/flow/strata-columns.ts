import { DataType, makeVector, type Data, type Table, type Vector } from 'apache-arrow';

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
    let i = 0;
    rows: for (const chunk of column.data) {
      const valueOf = chunkReader(chunk);
      for (let j = 0; j < chunk.length; j++, i++) {
        const v = valueOf(j);
        if (v === null || v === undefined) values[i] = null;
        else {
          if (typeof v !== 'string') stringy = false;
          values[i] = String(v);
          distinct.add(String(v));
        }
        if (options.columns === undefined && (!stringy || distinct.size > MAX_STRATA)) break rows;
      }
    }
    if (options.columns !== undefined || (stringy && distinct.size >= 2 && distinct.size <= MAX_STRATA)) out[name] = values;
  }
  return out;
}

/**
 * Row j of one chunk: a dictionary chunk through its codes (each entry made a value once), a UTF-8
 * chunk through its bytes (equal bytes give the one string made for them: strata columns have few
 * values), any other chunk as a vector of its own. `Vector.get` on the whole column looks the
 * chunk up and decodes the value on every row: seconds at millions of benchmark rows.
 */
function chunkReader(chunk: Data): (j: number) => unknown {
  const valid = (j: number): boolean => chunk.nullCount === 0 || chunk.getValid(j);
  if (DataType.isDictionary(chunk.type) && chunk.dictionary !== undefined && chunk.offset === 0) {
    const dictionary = [...(chunk.dictionary as Vector)] as unknown[];
    const codes = chunk.values as ArrayLike<number>;
    return (j) => (valid(j) ? dictionary[Number(codes[j])] : null);
  }
  if (DataType.isUtf8(chunk.type) && chunk.offset === 0) {
    const offsets = chunk.valueOffsets as Int32Array;
    const bytes = chunk.values as Uint8Array;
    const texts = new Map<string, string>();
    const decoder = new TextDecoder();
    return (j) => {
      if (!valid(j)) return null;
      const view = bytes.subarray(offsets[j] as number, offsets[j + 1] as number);
      if (view.length > 64) return decoder.decode(view);
      // Keyed by the bytes read as Latin-1 (one character per byte, so distinct bytes stay distinct).
      const key = String.fromCharCode.apply(null, view as unknown as number[]);
      let text = texts.get(key);
      if (text === undefined) {
        text = decoder.decode(view);
        texts.set(key, text);
      }
      return text;
    };
  }
  const vector = makeVector(chunk);
  return (j) => vector.get(j);
}
