import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import type { ErrorKind } from '@hokusai/core';
import { OrchestratorError } from '../errors.js';
import { ObjectWriter } from './object-writer.js';
import { objectIntact, objectPath, piecesSha256 } from './object-files.js';
import type { ProcessOwner } from './process-alive.js';
import { decodeValue, planValue, sha256Of, type ValuePart } from './value-codec.js';
import { writeFileAtomic } from '@hokusai/core';

export interface StepRecord {
  step: string;
  status: 'finished' | 'failed';
  /** SHA-256 of the stored output document. */
  output?: string;
  attempts: number;
  durationMs: number;
  /** When the step started and finished (ms since the epoch); the tracked step timeline uses the same times. */
  startedAt?: number;
  finishedAt?: number;
  /** Process CPU time (user + system) while the step ran, in ms. */
  cpuMs?: number;
  /** Peak resident set size of the process when the step finished, in MB. */
  peakRssMb?: number;
  error?: { code?: string; message: string };
  /**
   * SHA-256 binding the record's run, step, status and output hash: a record edited or given
   * another step's output is refused by `resume` instead of feeding the wrong value on.
   */
  check?: string;
}

/** The `check` a step record must carry. */
export function stepRecordCheck(runId: string, record: StepRecord): string {
  return sha256Of(JSON.stringify(['hokusai-step-record-1', runId, record.step, record.status, record.output ?? null]));
}

export interface RunRecord {
  runId: string;
  flow: string;
  status: 'running' | 'finished' | 'failed';
  createdAt: string;
  /** Whatever the flow needs to be resumed (for the Hokusai flow: the resolved config, secrets removed). */
  params: unknown;
  hooks: { event: string; name: string; sha256: string }[];
  error?: { step?: string; code?: string; kind?: ErrorKind; message: string };
  /** SHA-256 of `params` as stored at the start: `resume` refuses a run.json edited since. */
  paramsSha256?: string;
  /**
   * The process running it, while its status is `running`: a record left `running` by a process
   * that is gone was killed (see runState).
   */
  owner?: RunOwner;
}

/** The process running a run: pid, host and, where the system tells, its start (a later process given the same pid is not the owner). */
export type RunOwner = ProcessOwner;

/**
 * A run store on disk. Outputs live under objects/ by SHA-256 (same content stored once); a run
 * keeps a record and one record per finished step. Every file is written to a temporary name
 * and renamed, so a killed process never leaves a half-written record behind.
 */
export class RunStore {
  /**
   * Record batches this store has stored as objects of their own: each one's hash once its object
   * is written (hashed here, or by the writer thread when staged), rejected when the write failed.
   */
  private readonly batches = new WeakMap<RecordBatch, Promise<string>>();
  /** Object writes from this thread go one after the other: the last one queued. */
  private writeQueue: Promise<void> = Promise.resolve();
  /** Writes staged objects on a thread of its own (null: its script is not built). */
  private writer: ObjectWriter | null | undefined;

  constructor(readonly root: string) {}

  private objectPath(sha256: string): string {
    return objectPath(this.root, sha256);
  }

  private runDir(runId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) {
      throw new OrchestratorError('HOKUSAI_RUN_ID_INVALID', `Run id "${runId}" may only hold letters, digits, "_" and "-".`);
    }
    return join(this.root, 'runs', runId);
  }

  async putObject(bytes: Uint8Array | string): Promise<string> {
    const sha = sha256Of(bytes);
    await this.storeObject(sha, bytes);
    return sha;
  }

  /**
   * Writes `bytes` (or its pieces), whose hash is `sha`, with `write` (from this thread unless
   * told), unless an intact copy is there: a damaged one (disk fault, manual edit) is replaced.
   */
  private async storeObject(sha: string, bytes: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
    const path = this.objectPath(sha);
    if (!objectIntact(path, sha)) await atomicWrite(path, bytes);
  }

  hasObject(sha256: string): boolean {
    return /^[0-9a-f]{64}$/.test(sha256) && existsSync(this.objectPath(sha256));
  }

  readObject(sha256: string): Uint8Array {
    const path = this.objectPath(sha256);
    if (!existsSync(path)) {
      throw new OrchestratorError('HOKUSAI_RUN_STORE_CORRUPT', `Object ${sha256} is missing from the run store at ${this.root}.`);
    }
    // A file read into a buffer of its own (any but the smallest) is used as it is, not copied:
    // the integrate step's output holds three tables (about 100 MB at 1M rows per input), read
    // back while training starts. Either way the bytes own their whole ArrayBuffer.
    const file = readFileSync(path);
    const bytes = file.byteOffset === 0 && file.buffer.byteLength === file.byteLength ? new Uint8Array(file.buffer) : new Uint8Array(file);
    if (sha256Of(bytes) !== sha256) {
      throw new OrchestratorError('HOKUSAI_RUN_STORE_CORRUPT', `Object ${sha256} in the run store at ${this.root} does not match its hash.`);
    }
    return bytes;
  }

  /**
   * Stores a step output; returns the hash of its document. Each binary part is hashed as the
   * pieces its encoder gives (a table's are views of its buffers: nothing is copied) while the
   * part before it is written. A record batch this store has stored already (staged by the step
   * that made it, or the base table's met again as the first batch of the merged table) is
   * neither hashed nor written again: its write is waited for (and made again if it failed).
   */
  async putValue(value: unknown): Promise<string> {
    const { doc, parts } = planValue(value);
    await Promise.all(this.storeParts(parts));
    return this.putObject(JSON.stringify(doc));
  }

  /**
   * Starts storing the tables of `value`, an output or part of an output a step has finished
   * before it returns: each record batch is hashed and written by the store's writer thread while
   * the step goes on computing (at 1M rows about 100 MB, 50 ms of hashing this thread no longer
   * does), and `putValue` of the output then finds it stored. Other binary parts are left to
   * `putValue`. Nothing is recorded.
   */
  stage(value: unknown): void {
    if (this.writer === undefined) this.writer = ObjectWriter.create();
    const writer = this.writer;
    for (const part of planValue(value).parts) {
      const batch = part.batch;
      if (batch === undefined || this.batches.has(batch)) continue;
      const stored = writer === null ? this.storeHere(part.pieces()) : writer.store(this.root, part.pieces());
      this.batches.set(batch, stored);
      stored.catch(() => this.batches.delete(batch));
    }
  }

  /**
   * Hashes each part (or finds it stored or being stored) and stores it from this thread, after
   * the writes queued before; the stores, in part order, each filling in its part's reference.
   */
  private storeParts(parts: ValuePart[]): Promise<void>[] {
    return parts.map((part) => {
      const batch = part.batch;
      const known = batch === undefined ? undefined : this.batches.get(batch);
      // A staged write that failed is made again from here, which reports its error.
      const stored = known === undefined ? this.storeHere(part.pieces()) : known.catch(() => this.storeHere(part.pieces()));
      if (batch !== undefined && known === undefined) {
        this.batches.set(batch, stored);
        stored.catch(() => this.batches.delete(batch));
      }
      return stored.then((sha) => {
        part.ref.sha256 = sha;
      });
    });
  }

  /** Hashes the pieces here and writes them after the writes queued before; resolves to the hash once written. */
  private storeHere(pieces: readonly Uint8Array[]): Promise<string> {
    const sha = piecesSha256(pieces);
    return this.queueWrite(sha, pieces).then(() => sha);
  }

  /** Writes an object from this thread, after the writes queued before it. */
  private queueWrite(sha: string, pieces: readonly Uint8Array[]): Promise<void> {
    const written = this.writeQueue.then(() => this.storeObject(sha, pieces));
    this.writeQueue = written.catch(() => undefined);
    return written;
  }

  readValue(sha256: string): unknown {
    const json = new TextDecoder().decode(this.readObject(sha256));
    return decodeValue(json, (sha) => this.readObject(sha));
  }

  async writeRun(record: RunRecord): Promise<void> {
    await atomicWrite(join(this.runDir(record.runId), 'run.json'), JSON.stringify(record, null, 2));
  }

  async readRun(runId: string): Promise<RunRecord> {
    const path = join(this.runDir(runId), 'run.json');
    if (!existsSync(path)) {
      throw new OrchestratorError('HOKUSAI_RUN_NOT_FOUND', `No run "${runId}" in the run store at ${this.root}. List runs with \`hokusai runs\` or pass --store.`);
    }
    return readJson(path) as Promise<RunRecord>;
  }

  async listRuns(): Promise<string[]> {
    const dir = join(this.root, 'runs');
    if (!existsSync(dir)) return [];
    return (await readdir(dir)).sort();
  }

  /** A run's scratch folder (a streaming run's batch files and partitions), kept after a failure so that `resume` finds them. */
  workDir(runId: string): string {
    this.runDir(runId);
    return join(this.root, 'work', runId);
  }

  /** When the run's record was last written (its start, or its end). */
  async recordTime(runId: string): Promise<Date> {
    return (await stat(join(this.runDir(runId), 'run.json'))).mtime;
  }

  /** Removes a run's record, step records and scratch folder. Stored objects stay: other runs may share them. */
  async removeRun(runId: string): Promise<void> {
    await rm(this.workDir(runId), { recursive: true, force: true });
    await rm(this.runDir(runId), { recursive: true, force: true });
  }

  async writeStep(runId: string, record: StepRecord): Promise<void> {
    await atomicWrite(join(this.runDir(runId), 'steps', `${record.step}.json`), JSON.stringify(record, null, 2));
  }

  /** One step's record, or undefined when the step has none yet. */
  async readStep(runId: string, step: string): Promise<StepRecord | undefined> {
    const path = join(this.runDir(runId), 'steps', `${step}.json`);
    return existsSync(path) ? ((await readJson(path)) as StepRecord) : undefined;
  }

  async readSteps(runId: string): Promise<Map<string, StepRecord>> {
    const dir = join(this.runDir(runId), 'steps');
    const out = new Map<string, StepRecord>();
    if (!existsSync(dir)) return out;
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      const record = (await readJson(join(dir, name))) as StepRecord;
      out.set(record.step, record);
    }
    return out;
  }

  async size(): Promise<number> {
    const dir = join(this.root, 'objects');
    if (!existsSync(dir)) return 0;
    let n = 0;
    for (const sub of await readdir(dir)) {
      if ((await stat(join(dir, sub))).isDirectory()) n += (await readdir(join(dir, sub))).length;
    }
    return n;
  }
}

/** Reads a store record; a truncated or damaged one is reported with its file. */
async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OrchestratorError('HOKUSAI_RUN_STORE_CORRUPT', `The run store file ${path} is not valid JSON (${(error as Error).message}); it is damaged or truncated.`, { cause: error });
  }
}

/**
 * Run store files are rebuilt by running the step again, so they skip the flush a published
 * output gets; a full disk still leaves no temporary file behind.
 */
export async function atomicWrite(path: string, data: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
  await writeFileAtomic(path, data, { fsync: false });
}
