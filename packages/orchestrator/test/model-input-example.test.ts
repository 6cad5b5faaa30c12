import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/index.js';

describe("the logged models' input example", () => {
  it('is the treated benchmark: model inputs only, PII in free text treated, read without loading the file again', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-example-'));
    const rows = (n: number, first: number, note: (i: number) => string): string =>
      ['id,x,note,label', ...Array.from({ length: n }, (_, i) => `${first + i},${((i * 37) % 101) / 10},"${note(i)}",${(i * 37) % 101 > 50 ? 1 : 0}`)].join('\n') + '\n';
    const words = ['late delivery', 'great service', 'billing question', 'asked for refund'];
    await writeFile(join(work, 'base.csv'), rows(300, 0, (i) => words[i % 4] as string));
    await writeFile(join(work, 'contributed.csv'), rows(100, 1000, (i) => words[(i + 1) % 4] as string));
    // The benchmark's first note names a person's e-mail address inside free text.
    await writeFile(join(work, 'benchmark.csv'), rows(100, 2000, (i) => (i === 0 ? 'reach me at ann.lee@example.com please' : (words[i % 4] as string))));
    const out = join(work, 'out');
    await runPipeline({ base: join(work, 'base.csv'), contributed: join(work, 'contributed.csv'), benchmark: join(work, 'benchmark.csv'), target: 'label', exclude: ['id'], out, proof: { enabled: false }, delta: { bootstrapResamples: 20 }, pii: { mode: 'redact' } }, { store: join(work, 'store') });
    const example = JSON.parse(await readFile(join(out, 'tracking', 'mlflow-models', 'model', 'input_example.json'), 'utf8')) as { columns: string[]; data: unknown[][] };
    expect(example.columns).toEqual(['x', 'note']);
    expect(example.data).toHaveLength(5);
    expect(example.data.map((r) => r[0])).toEqual([0, 3.7, 7.4, 1, 4.7]);
    expect(JSON.stringify(example)).not.toContain('ann.lee@example.com');
    expect(String(example.data[0]![1])).toMatch(/^reach me at .+ please$/);
    expect(example.data.slice(1).map((r) => r[1])).toEqual(['great service', 'billing question', 'asked for refund', 'late delivery']);
  }, 120_000);
});
