import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../src/index.js';

describe('a run store\'s step records', () => {
  it('are read one at a time as readSteps gives them, undefined for a step without one, and a damaged one is named', async () => {
    const store = new RunStore(join(await mkdtemp(join(tmpdir(), 'hokusai-step-')), 'store'));
    await store.writeStep('r', { step: 'load_base', status: 'finished', attempts: 1, durationMs: 5, output: 'a'.repeat(64) });
    await store.writeStep('r', { step: 'integrate', status: 'failed', attempts: 2, durationMs: 9, error: { message: 'no' } });
    const all = await store.readSteps('r');
    for (const step of ['load_base', 'integrate']) expect(await store.readStep('r', step)).toEqual(all.get(step));
    expect(await store.readStep('r', 'train_new')).toBeUndefined();
    expect(await store.readStep('other', 'load_base')).toBeUndefined();
    await writeFile(join(store.root, 'runs', 'r', 'steps', 'evaluate.json'), '{"step": "evalu');
    await expect(store.readStep('r', 'evaluate')).rejects.toThrow(/evaluate\.json/);
  });
});
