import type { Data, Vector } from 'apache-arrow';

/**
 * Values computed from a column, kept by its Arrow data: `table.getChild` makes a new Vector per
 * call, but the chunks stay the same, and the feature plan, the featurizer fit and the transform
 * all read the same columns of the same table. Keyed by the first chunk, and checked against every
 * chunk, so a vector sharing only its first chunk is another column.
 */
export class ColumnDataCache<T> {
  private readonly byFirst = new WeakMap<Data, { chunks: readonly Data[]; value: T }>();

  get(col: Vector): T | undefined {
    const first = col.data[0];
    const known = first === undefined ? undefined : this.byFirst.get(first);
    return known !== undefined && known.chunks.length === col.data.length && known.chunks.every((d, i) => d === col.data[i]) ? known.value : undefined;
  }

  set(col: Vector, value: T): void {
    const first = col.data[0];
    if (first !== undefined) this.byFirst.set(first, { chunks: [...col.data], value });
  }
}
