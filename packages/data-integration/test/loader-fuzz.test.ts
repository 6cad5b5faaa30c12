import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DataIntegrationError, loadDataset } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';
import { mulberry32 } from './mulberry32.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());


// Tokens that break parsers in known ways: overflow, wrong types, deep nesting, odd text.
const TOKENS = ['1e400', '-1e400', 'NaN', 'Infinity', '"', '{', '}', '[', ']', ',', ':', 'null', 'true', '"\\ud800"', '"\u0000"', '[[[[[[[[[[', '{"a":{"b":{"c":', '9'.repeat(400), '"' + 'x'.repeat(5000) + '"', '\n', '\r\n', '\uFEFF', '\xff\xfe'];

/** One mutant of `seed`: byte flips, cuts, duplications, insertions of hostile tokens. */
function mutate(seed: Uint8Array, random: () => number, text: boolean): Uint8Array {
  let bytes = Uint8Array.from(seed);
  const at = (): number => Math.floor(random() * (bytes.length + 1));
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(random() * (text ? 6 : 5));
    if (kind === 0 && bytes.length > 0) {
      const i = Math.min(at(), bytes.length - 1);
      bytes[i] = (bytes[i] as number) ^ (1 << Math.floor(random() * 8));
    } else if (kind === 1) {
      bytes = bytes.slice(0, at());
    } else if (kind === 2) {
      const i = at();
      const j = Math.min(bytes.length, i + Math.floor(random() * 64));
      bytes = Uint8Array.from([...bytes.slice(0, j), ...bytes.slice(i, j), ...bytes.slice(j)]);
    } else if (kind === 3) {
      const i = at();
      const j = Math.min(bytes.length, i + Math.floor(random() * 32));
      bytes = Uint8Array.from([...bytes.slice(0, i), ...bytes.slice(j)]);
    } else if (kind === 4 && bytes.length > 0) {
      const i = Math.min(at(), bytes.length - 1);
      bytes[i] = Math.floor(random() * 256);
    } else {
      const token = new TextEncoder().encode(TOKENS[Math.floor(random() * TOKENS.length)] as string);
      const i = at();
      bytes = Uint8Array.from([...bytes.slice(0, i), ...token, ...bytes.slice(i)]);
    }
  }
  return bytes;
}

/**
 * Loads `count` mutants of a fixture: each must load or fail with a typed DataIntegrationError
 * that names the file; anything else (a TypeError, a RangeError, a wasm trap) is a crash.
 */
async function fuzz(name: string, ext: string, count: number, seed: number): Promise<{ loaded: number; typed: number; crashes: string[] }> {
  const original = new Uint8Array(readFileSync(fixture(name)));
  const random = mulberry32(seed);
  const result = { loaded: 0, typed: 0, crashes: [] as string[] };
  for (let i = 0; i < count; i++) {
    const path = tmp.write(`mutant-${ext}-${i}.${ext}`, mutate(original, random, ext !== 'parquet'));
    try {
      const loaded = await loadDataset(path);
      expect(loaded.table.numRows).toBeGreaterThanOrEqual(0);
      result.loaded++;
    } catch (error) {
      if (error instanceof DataIntegrationError && error.message.includes(path)) result.typed++;
      else result.crashes.push(`mutant ${i}: ${(error as Error).name}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return result;
}

describe('fuzzed JSON, JSONL and Parquet files load or fail with a typed error, never crash', () => {
  it('a text key first seen in a later record is null in the records before it (found by the fuzzer)', async () => {
    const path = tmp.write('late-key.jsonl', '{"a":1}\n{"a":2,"b":"x"}\n{"a":3,"b":"y"}\n');
    const { table } = await loadDataset(path);
    expect(table.getChild('b')?.toArray()).toEqual([null, 'x', 'y']);
  });

  for (const [name, ext, seed] of [['customers.json', 'json', 14], ['customers.jsonl', 'jsonl', 15], ['customers.parquet', 'parquet', 16]] as const) {
    it(`600 seeded mutants of ${name}`, async () => {
      const { loaded, typed, crashes } = await fuzz(name, ext, 600, seed);
      expect(crashes).toEqual([]);
      expect(loaded + typed).toBe(600);
      // Both outcomes occur, so the mutants really reach the parser and past it.
      expect(typed).toBeGreaterThan(0);
    });
  }
});
