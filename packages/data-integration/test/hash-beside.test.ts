import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Table, makeVector } from 'apache-arrow';
import { loadDataset, writeTable } from '../src/index.js';
import { HASH_BESIDE_MIN_BYTES, fileSha256Beside } from '../src/file-hash-beside.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const realSha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A CSV past the size hashed on a thread: every row `v,<label>` padded to 24 bytes. */
function bigCsv(name: string, v: number): string {
  const row = `${v}.${'0'.repeat(20 - String(v).length)},${v % 2}\n`;
  const rows = Math.ceil((HASH_BESIDE_MIN_BYTES + (1 << 20)) / row.length);
  return tmp.write(name, `x,label\n${row.repeat(rows)}`);
}

describe('a large file hashed on another thread while it is parsed', () => {
  it('takes the thread for a large file only, and the thread hashes every byte', async () => {
    const small = tmp.write('small.csv', 'x,label\n1,0\n');
    expect(fileSha256Beside(small, statSync(small).size)).toBeUndefined();
    const big = bigCsv('big.csv', 7);
    const beside = fileSha256Beside(big, statSync(big).size);
    expect(beside).toBeDefined();
    expect(await beside).toBe(realSha(big));
  });

  it('gives a CSV load the file SHA-256 of its bytes', async () => {
    const big = bigCsv('load.csv', 12345);
    const loaded = await loadDataset(big);
    expect(loaded.manifest.file_sha256).toBe(realSha(big));
    expect(loaded.table.getChild('x')?.get(0)).toBe(12345);
  });

  it('gives a Parquet load the file SHA-256 of its bytes', async () => {
    const p = tmp.path('big.parquet');
    const n = (HASH_BESIDE_MIN_BYTES >> 3) + 200_000;
    // Values that do not compress, so that the file is past the size.
    let s = 0x2545f491;
    const x = Float64Array.from({ length: n }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    });
    await writeTable(new Table({ x: makeVector(x) }), p);
    expect(statSync(p).size).toBeGreaterThanOrEqual(HASH_BESIDE_MIN_BYTES);
    const loaded = await loadDataset(p);
    expect(loaded.manifest.file_sha256).toBe(realSha(p));
    expect(loaded.table.numRows).toBe(n);
  });

  it('reads a file rewritten while it was parsed again, so the hash and the rows are of one file', async () => {
    const path = bigCsv('rewritten.csv', 1);
    const next = readFileSync(bigCsv('next.csv', 2));
    let rewritten = false;
    const loaded = await loadDataset(path, {
      // The first progress report comes after the first chunk was parsed from the old bytes.
      onProgress: () => {
        if (rewritten) return;
        rewritten = true;
        writeFileSync(path, next);
      },
    });
    expect(rewritten).toBe(true);
    expect(loaded.manifest.file_sha256).toBe(realSha(path));
    const x = loaded.table.getChild('x');
    // Every row from the new bytes: none of the old first chunk's rows is left.
    expect(loaded.table.numRows).toBe(next.toString().split('\n').length - 2);
    expect(x?.get(0)).toBe(2);
    expect(loaded.manifest.unique_counts['x']).toBe(1);
  });
});
