import { Table, vectorFromArray } from 'apache-arrow';
import { fromArrowTable } from './arrow-convert.js';
import type { BatchedSource } from './aligned-batches.js';
import { readBatchFiles } from './aligned-batches.js';
import { placed } from './batch-kinds.js';
import type { Column } from './column.js';
import { cellValue } from './column.js';
import type { LoadedDataset } from './dataset.js';
import { checkTarget, type TaskKind } from './target-check.js';

/** Just what checkTarget reads of a dataset: its table and its file. */
const asDataset = (table: Table, path: string): LoadedDataset => ({ table, path }) as LoadedDataset;

/**
 * checkTarget for a file loaded in batches: each batch is checked (an error names the row in the
 * whole file), and a binary target's labels are counted across batches, so a third label in a
 * later batch is refused as checkTarget refuses it in the whole table.
 */
export async function checkTargetOverBatches(source: BatchedSource, target: string, task: TaskKind): Promise<void> {
  let rowBase = 0;
  const firstRows = new Map<string, { row: number; value: string | number | boolean }>();
  for await (const batch of readBatchFiles(source.batches)()) {
    try {
      checkTarget(asDataset(batch, source.path), target, task);
    } catch (error) {
      throw placed(error, source.path, source.path, rowBase, 0);
    }
    const ct = fromArrowTable(batch, source.path);
    const col = ct.columns[ct.names.indexOf(target)] as Column;
    for (let i = 0; i < ct.rowCount && firstRows.size <= 2; i++) {
      const v = cellValue(col, i) as string | number | boolean;
      if (!firstRows.has(String(v))) firstRows.set(String(v), { row: rowBase + i + 1, value: v });
    }
    rowBase += ct.rowCount;
    if (task === 'binary' && firstRows.size > 2) {
      // The first rows of the three labels, checked as a table: checkTarget's own error, placed at the third.
      const firsts = [...firstRows.values()];
      const table = new Table({ [target]: vectorFromArray(firsts.map((f) => f.value)) });
      try {
        checkTarget(asDataset(table, source.path), target, task);
      } catch (error) {
        throw placed(error, source.path, source.path, (firsts[2] as { row: number }).row - 3, 0);
      }
    }
  }
}
