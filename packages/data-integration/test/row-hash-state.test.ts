import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrowTable } from '../src/arrow-convert.js';
import { addColumnsToHashes, copyRowHashState, finishedRowHashes, hashRows, startRowHashes } from '../src/row-hash.js';

describe('row fingerprints extended by more columns', () => {
  it('equal the fingerprints of all the columns hashed at once, and leave the state they extend from usable', () => {
    const table = new Table({
      x: vectorFromArray([1.5, null, -0, 2, 3.25], new Float64()),
      t: vectorFromArray(['a', 'é', null, 'a', 'long value over thirteen'], new Utf8()),
      y: vectorFromArray([1, 0, 1, null, 0], new Int32()),
    });
    const ct = fromArrowTable(table, 't');
    const [x, t, y] = ct.columns as [never, never, never];
    const n = ct.rowCount;
    const state = addColumnsToHashes(startRowHashes(n), [x, t], n);
    const features = finishedRowHashes(state);
    expect(features).toEqual(hashRows([x, t], n));
    const withLabel = finishedRowHashes(addColumnsToHashes(copyRowHashState(state), [y], n));
    expect(withLabel).toEqual(hashRows([x, t, y], n));
    expect(finishedRowHashes(state)).toEqual(features);
    expect([...withLabel.h1]).not.toEqual([...features.h1]);
  });
});
