import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTracker, readJournal, syncJournal, TrackingError } from '../src/index.js';
import { tempJournal } from './fixtures.js';

async function journalWithRun(): Promise<{ path: string; runId: string }> {
  const path = await tempJournal();
  const tracker = await createTracker({ journalPath: path, experimentName: 'j' }, { env: {} });
  const run = await tracker.startRun({ name: 'r', tags: { a: 'b' } });
  await Promise.all([run.logMetrics({ m: 1 }, { step: 0 }), run.logMetrics({ m: 2 }, { step: 1 }), run.setTags({ t: 'x' })]);
  await run.end('FINISHED');
  await tracker.close();
  return { path, runId: run.runId };
}

describe('run journal', () => {
  it('records calls of one run in call order with consecutive positions', async () => {
    const { path, runId } = await journalWithRun();
    const { entries, truncatedLastLine } = await readJournal(path);
    expect(truncatedLastLine).toBe(false);
    expect(entries.map((e) => [e.op, e.i])).toEqual([
      ['startRun', 0],
      ['log', 1],
      ['log', 2],
      ['log', 3],
      ['end', 4],
    ]);
    expect(entries.every((e) => e.run === runId && e.sent === false && e.reason === 'no tracking server')).toBe(true);
    const metrics = entries.flatMap((e) => (e.op === 'log' ? e.metrics.map((m) => [m.step, m.value]) : []));
    expect(metrics).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('tolerates a last line cut short by a crash, and says so', async () => {
    const { path } = await journalWithRun();
    await appendFile(path, '{"v":1,"op":"log","run":"jour');
    const { entries, truncatedLastLine } = await readJournal(path);
    expect(entries).toHaveLength(5);
    expect(truncatedLastLine).toBe(true);
  });

  it('rejects a damaged line in the middle with its line number', async () => {
    const path = await tempJournal();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '{"v":1,"op":"end","run":"a","i":0,"at":1,"sent":false,"status":"FINISHED","endTime":1}\nnot json\n{}\n');
    const error = await readJournal(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_JOURNAL_CORRUPT');
    expect((error as TrackingError).line).toBe(2);
    const sync = await syncJournal(path, 'http://127.0.0.1:9').catch((e: unknown) => e);
    expect((sync as TrackingError).code).toBe('HOKUSAI_TRACKING_JOURNAL_CORRUPT');
  });

  it('skips single values of the wrong type with a warning and logs the rest', async () => {
    const path = await tempJournal();
    const tracker = await createTracker({ journalPath: path, experimentName: 'j' }, { env: {} });
    const run = await tracker.startRun({ name: 'r' });
    // What a caller passing an untyped config might send.
    const loose = JSON.parse('{"good":1,"flag":false,"missing":null,"nested":{"a":1}}') as Record<string, string>;
    await run.logParams(loose);
    await run.logMetrics(JSON.parse('{"auroc":0.8,"label":"high"}') as Record<string, number>);
    await tracker.close();
    const { entries } = await readJournal(path);
    const log = entries.filter((e) => e.op === 'log');
    expect(log.flatMap((e) => e.params)).toEqual([
      { key: 'good', value: '1' },
      { key: 'flag', value: 'false' },
    ]);
    expect(log.flatMap((e) => e.metrics.map((m) => [m.key, m.value]))).toEqual([['auroc', 0.8]]);
    const warnings = tracker.warnings.join('\n');
    expect(warnings).toMatch(/"missing" value is not a string/);
    expect(warnings).toMatch(/"nested" value is not a string/);
    expect(warnings).toMatch(/"label" is a string, not a number/);
  });

  it('a missing artifact is a warning by default and a typed error in strict mode', async () => {
    const path = await tempJournal();
    const missing = `${dirname(path)}/no-such-model.onnx`;
    const lenient = await createTracker({ journalPath: path, experimentName: 'j' }, { env: {} });
    const run = await lenient.startRun({ name: 'r' });
    await run.logArtifact(missing);
    await lenient.close();
    expect(lenient.warnings.join('\n')).toMatch(/Skipped artifact: .*no-such-model\.onnx does not exist/);
    const strict = await createTracker({ journalPath: path, experimentName: 'j', onInvalidValue: 'throw' }, { env: {} });
    const run2 = await strict.startRun({ name: 'r' });
    const error = await run2.logArtifact(missing).catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_ARTIFACT');
    await strict.close();
    const { entries } = await readJournal(path);
    expect(entries.filter((e) => e.op === 'artifact')).toEqual([]);
  });

  it('keeps working (with a warning) when the journal cannot be written', async () => {
    // The journal's folder would have to be inside a regular file: every write fails.
    const blocker = await tempJournal();
    await mkdir(dirname(blocker), { recursive: true });
    await writeFile(blocker, 'not a folder');
    const tracker = await createTracker({ journalPath: `${blocker}/tracking/journal.jsonl`, experimentName: 'j' }, { env: {} });
    const run = await tracker.startRun({ name: 'r' });
    await run.logMetrics({ m: 1 });
    await run.end('FINISHED');
    await tracker.close();
    expect(tracker.warnings.join('\n')).toMatch(/Could not append to the run journal .*Check that the output folder is writable/);
  });
});
