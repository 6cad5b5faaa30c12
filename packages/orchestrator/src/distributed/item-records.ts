import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, type RunStore } from '../engine/run-store.js';

/** Which item of a fanned-out step, with the stored inputs it read. */
export interface ItemTask {
  runId: string;
  step: string;
  itemIndex: number;
  inputHashes: Record<string, string>;
}

/**
 * A finished item of a fanned-out step (one hyperparameter-search trial, say). The engine
 * records a foreach step only once every item is done; these records let a resumed run, and a
 * worker handed a duplicate job, reuse the items that had finished before a kill.
 */
export interface ItemRecord {
  step: string;
  itemIndex: number;
  inputHashes: Record<string, string>;
  /** SHA-256 of the stored output document. */
  output: string;
  /** The run's creation time: a fresh run under the same id does not reuse an older run's items. */
  runCreatedAt: string;
  worker?: string;
  durationMs: number;
}

function itemPath(store: RunStore, task: ItemTask): string {
  // The engine checked the run id when it wrote the run record; step names come from the flow.
  return join(store.root, 'runs', task.runId, 'items', task.step, `${task.itemIndex}.json`);
}

export async function writeItemRecord(store: RunStore, task: ItemTask, output: string, details: { worker?: string; durationMs: number }): Promise<void> {
  const run = await store.readRun(task.runId);
  const record: ItemRecord = { step: task.step, itemIndex: task.itemIndex, inputHashes: task.inputHashes, output, runCreatedAt: run.createdAt, ...details };
  await atomicWrite(itemPath(store, task), JSON.stringify(record, null, 2));
}

/**
 * The output hash of this item if it finished earlier in this same run from the same inputs and
 * its output is still in the store; otherwise undefined (the item runs).
 */
export async function finishedItem(store: RunStore, task: ItemTask): Promise<string | undefined> {
  const path = itemPath(store, task);
  if (!existsSync(path)) return undefined;
  let record: ItemRecord;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as ItemRecord;
  } catch {
    return undefined;
  }
  const run = await store.readRun(task.runId);
  if (record.runCreatedAt !== run.createdAt || record.step !== task.step || record.itemIndex !== task.itemIndex || !sameHashes(record.inputHashes, task.inputHashes)) return undefined;
  try {
    store.readObject(record.output);
  } catch {
    return undefined;
  }
  return record.output;
}

function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
