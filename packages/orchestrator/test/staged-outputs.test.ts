import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, makeVector, tableFromIPC, tableToIPC } from 'apache-arrow';
import { RunStore, runFlow, type FlowDefinition } from '../src/index.js';
import { encodeValue, sha256Of } from '../src/engine/value-codec.js';

const newStore = async (): Promise<{ root: string; store: RunStore }> => {
  const root = await mkdtemp(join(tmpdir(), 'hokusai-staged-'));
  return { root, store: new RunStore(root) };
};

/** Every object file of a store, with its size. */
function objects(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const dir = join(root, 'objects');
  if (!existsSync(dir)) return out;
  for (const sub of readdirSync(dir)) for (const f of readdirSync(join(dir, sub))) out.set(f, statSync(join(dir, sub, f)).size);
  return out;
}

const objectPath = (root: string, sha: string): string => join(root, 'objects', sha.slice(0, 2), sha);

/** A float column in shared memory, as loaded and merged tables hold theirs. */
function floats(n: number, from: number): Table {
  const values = new Float64Array(new SharedArrayBuffer(n * 8));
  for (let i = 0; i < n; i++) values[i] = from + i / 4;
  return new Table({ x: makeVector(values) });
}

describe('step outputs stored by record batch', () => {
  it('stores a table of several batches one object per batch, and a batch shared with an earlier table once', async () => {
    const { root, store } = await newStore();
    const base = floats(50_000, 0);
    const more = floats(20_000, 1e6);
    // What the integrate step's append gives: the base table's batch followed by the contribution's.
    const merged = new Table([...base.batches, ...more.batches]);
    const hash = await store.putValue({ base, merged });
    const files = objects(root);
    // The base batch (once), the contribution's batch and the document: three objects.
    expect(files.size).toBe(3);
    expect(files.get(sha256Of(tableToIPC(base, 'file')))).toBe(tableToIPC(base, 'file').byteLength);
    expect(files.has(sha256Of(tableToIPC(more, 'file')))).toBe(true);
    // The document hash is that of the in-memory encoding, and the merged table reads back whole.
    expect(hash).toBe(sha256Of(encodeValue({ base, merged }).json));
    const back = store.readValue(hash) as { base: Table; merged: Table };
    expect(back.merged.numRows).toBe(70_000);
    expect(Array.from(back.merged.getChild('x')?.toArray() as Float64Array)).toEqual(Array.from(merged.getChild('x')?.toArray() as Float64Array));
    // A single-batch table is stored as it always was: one IPC file, readable as such.
    expect(tableFromIPC(store.readObject(sha256Of(tableToIPC(base, 'file')))).numRows).toBe(50_000);
  });
});

describe('parts of an output staged before the step returns', () => {
  it('reach the disk while the step computes without yielding, and are not written again with the output', async () => {
    const { root, store } = await newStore();
    const big = floats(1_000_000, 2);
    const sha = sha256Of(tableToIPC(big, 'file'));
    store.stage({ big });
    // Busy on this thread (as the integrate step is, planning features): the object arrives anyway.
    const started = Date.now();
    while (!existsSync(objectPath(root, sha)) && Date.now() - started < 10_000) {
      /* no yield */
    }
    expect(existsSync(objectPath(root, sha))).toBe(true);
    // Once complete (renamed into place), the output's store finds it: same hash, same file.
    for (let waited = 0; statSync(objectPath(root, sha)).size < 8_000_000 && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
    const before = statSync(objectPath(root, sha)).mtimeMs;
    const hash = await store.putValue({ big, rows: 1_000_000 });
    expect(hash).toBe(sha256Of(encodeValue({ big, rows: 1_000_000 }).json));
    expect(statSync(objectPath(root, sha)).mtimeMs).toBe(before);
    expect(objects(root).size).toBe(2);
    expect((store.readValue(hash) as { big: Table }).big.getChild('x')?.get(999_999)).toBe(2 + 999_999 / 4);
  });

  it('are hashed by the writer thread, which keeps an intact object of that hash and replaces a damaged one', async () => {
    const { root, store } = await newStore();
    const t = floats(300_000, 5);
    const u = floats(1000, 7);
    const shaT = sha256Of(tableToIPC(t, 'file'));
    const shaU = sha256Of(tableToIPC(u, 'file'));
    // A damaged copy of one (disk fault, manual edit), an intact one of the other (a resumed run).
    for (const sha of [shaT, shaU]) mkdirSync(join(root, 'objects', sha.slice(0, 2)), { recursive: true });
    writeFileSync(objectPath(root, shaT), 'damaged');
    writeFileSync(objectPath(root, shaU), tableToIPC(u, 'file'));
    const intactBefore = statSync(objectPath(root, shaU)).mtimeMs;
    store.stage({ t, u });
    const hash = await store.putValue({ t, u });
    expect(sha256Of(store.readObject(shaT))).toBe(shaT);
    expect(statSync(objectPath(root, shaU)).mtimeMs).toBe(intactBefore);
    expect(hash).toBe(sha256Of(encodeValue({ t, u }).json));
    expect(objects(root).size).toBe(3);
  });

  it('are written again by the output store when the staged write failed, which then fails the step as any write does', async () => {
    const { root, store } = await newStore();
    // The objects folder cannot be made: every write fails, the staged one and the output's.
    writeFileSync(join(root, 'objects'), 'not a folder');
    const t = floats(1000, 0);
    store.stage({ t });
    await expect(store.putValue({ t })).rejects.toThrow(/ENOTDIR|not a directory|EEXIST/);
    // With the folder possible again, the same output is stored.
    rmSync(join(root, 'objects'));
    const hash = await store.putValue({ t });
    expect((store.readValue(hash) as { t: Table }).t.numRows).toBe(1000);
  });

  it('come from a step through its context: the run records the same output as without staging', async () => {
    const make = (stage: boolean): FlowDefinition => ({
      name: 'staging',
      steps: [
        {
          name: 'tables',
          inputs: [],
          run: async (ctx) => {
            const base = floats(200_000, 0);
            const merged = new Table([...base.batches, ...floats(100_000, 9).batches]);
            if (stage) ctx.stage?.({ base, merged });
            return { base, merged, note: 'x' };
          },
        },
        { name: 'rows', inputs: ['tables'], run: async (ctx) => (ctx.inputs['tables'] as { merged: Table }).merged.numRows },
      ],
    });
    const hashes: string[] = [];
    for (const stage of [false, true]) {
      const { root, store } = await newStore();
      const result = await runFlow(make(stage), { store, runId: 'r', params: {} });
      expect(result.outputs.get('rows')).toBe(300_000);
      hashes.push((await store.readSteps('r')).get('tables')?.output as string);
      // The base batch once, the contribution's batch, and the two steps' documents.
      expect(objects(root).size).toBe(4);
    }
    expect(hashes[1]).toBe(hashes[0]);
  });

  it('keep the process alive until written, and leave no thread behind: a process that only stages exits on its own with the object on disk', async () => {
    const { root } = await newStore();
    const script = `
      import { Table, makeVector } from 'apache-arrow';
      import { RunStore } from '@hokusai/orchestrator';
      const values = new Float64Array(new SharedArrayBuffer(8 * 500000)).map((_, i) => i);
      new RunStore(${JSON.stringify(root)}).stage({ t: new Table({ x: makeVector(values) }) });
    `;
    // A script file in this package, so that it imports the package as installed.
    const file = join(import.meta.dirname, `.stage-only-${process.pid}.mjs`);
    writeFileSync(file, script);
    const started = Date.now();
    try {
      execFileSync(process.execPath, [file], { timeout: 20_000 });
    } finally {
      rmSync(file, { force: true });
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    const table = new Table({ x: makeVector(new Float64Array(500_000).map((_, i) => i)) });
    expect(existsSync(objectPath(root, sha256Of(tableToIPC(table, 'file'))))).toBe(true);
  });
});
