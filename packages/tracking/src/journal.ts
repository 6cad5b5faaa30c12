import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { TrackingError } from './errors.js';

/**
 * The run journal: one JSON object per line, appended in call order and never rewritten. Every
 * call a tracker receives is recorded, with `sent: true` when the server already has it, so the
 * journal is a complete local record and `syncJournal` knows exactly what is still owed.
 */
export const JOURNAL_VERSION = 1;

const keyValue = z.object({ key: z.string(), value: z.string() });
const metric = z.object({ key: z.string(), value: z.number(), timestamp: z.number(), step: z.number() });
const serverRef = z.object({ uri: z.string(), runId: z.string(), experimentId: z.string() });

const base = {
  v: z.literal(JOURNAL_VERSION),
  /** Journal run id this entry belongs to. */
  run: z.string().min(1),
  /** Position of the entry within its run; `run#i` identifies an entry across syncs. */
  i: z.number().int().nonnegative(),
  /** When the call was made (ms since the epoch). */
  at: z.number(),
  /** True when the server at `uri` (the run's server) acknowledged the call live. */
  sent: z.boolean(),
  /** Why the call was not sent live. */
  reason: z.string().optional(),
};

const datasetSchema = z.object({
  name: z.string(),
  sha256: z.string(),
  source: z.string(),
  sourceType: z.string().optional(),
  context: z.string().optional(),
  schema: z.string().optional(),
  profile: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const journalEntrySchema = z.discriminatedUnion('op', [
  z.object({
    ...base,
    op: z.literal('startRun'),
    name: z.string(),
    experimentName: z.string(),
    parentRun: z.string().optional(),
    tags: z.array(keyValue),
    startTime: z.number(),
    /** Set when the run exists on a server: live syncs go to this run instead of a new one. */
    server: serverRef.optional(),
  }),
  z.object({ ...base, op: z.literal('log'), metrics: z.array(metric), params: z.array(keyValue), tags: z.array(keyValue) }),
  z.object({ ...base, op: z.literal('inputs'), datasets: z.array(datasetSchema) }),
  z.object({
    ...base,
    op: z.literal('artifact'),
    /** Relative paths are relative to the journal's folder, so a moved output folder still syncs. */
    localPath: z.string(),
    artifactPath: z.string().optional(),
    /** Files as they were when logged (path relative to `localPath` for a folder, its base name for a file). */
    files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string() })),
    isDir: z.boolean(),
  }),
  z.object({ ...base, op: z.literal('end'), status: z.enum(['FINISHED', 'FAILED', 'KILLED']), endTime: z.number(), error: z.string().optional() }),
  z.object({
    ...base,
    op: z.literal('logModel'),
    /** Logged model name (the run page lists it under "Logged models"). */
    name: z.string(),
    /** The model folder; relative paths are relative to the journal's folder. */
    localPath: z.string(),
    files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string() })),
    modelType: z.string().optional(),
    tags: z.array(keyValue),
    params: z.array(keyValue),
    /** Register the logged model as a version of this registered model, once its files are all there. */
    register: z.object({ name: z.string(), tags: z.array(keyValue), alias: z.string().optional(), description: z.string().optional() }).optional(),
    modelId: z.string().optional(),
    version: z.string().optional(),
  }),
  z.object({
    ...base,
    op: z.literal('registerModel'),
    name: z.string(),
    artifactPath: z.string(),
    tags: z.array(keyValue),
    alias: z.string().optional(),
    description: z.string().optional(),
    version: z.string().optional(),
  }),
]);

export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type JournalOp = JournalEntry['op'];
/** An entry before the journal stamps version and position. */
export type NewJournalEntry = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, 'v'> : never) : never;

export function entryKey(entry: Pick<JournalEntry, 'run' | 'i'>): string {
  return `${entry.run}#${entry.i}`;
}

/**
 * Appends entries one at a time, in call order, so concurrent runs never interleave a line. The
 * file stays open in append mode between calls; each line is one write.
 */
export class JournalWriter {
  readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;

  constructor(path: string) {
    this.path = path;
  }

  append(entry: NewJournalEntry): Promise<void> {
    const line = `${JSON.stringify({ v: JOURNAL_VERSION, ...entry })}\n`;
    const write = this.chain.then(async () => {
      try {
        if (this.handle === undefined) {
          await mkdir(dirname(this.path), { recursive: true });
          this.handle = await open(this.path, 'a');
        }
        await this.handle.write(line);
      } catch (cause) {
        throw new TrackingError(
          'HOKUSAI_TRACKING_JOURNAL_WRITE',
          `Could not append to the run journal ${this.path}: ${(cause as Error).message}. Check that the output folder is writable.`,
          { where: this.path, cause },
        );
      }
    });
    // A failed write must not block the ones after it.
    this.chain = write.catch(() => undefined);
    return write;
  }

  flush(): Promise<void> {
    return this.chain;
  }

  /** Waits for pending lines, then closes the file. */
  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(() => undefined);
  }
}

export interface ReadJournalResult {
  entries: JournalEntry[];
  /** Set when the last line was cut short (a crash mid-write); that call is lost. */
  truncatedLastLine: boolean;
}

/** Reads and checks a journal. A corrupt line other than a cut-off last one is an error. */
export async function readJournal(path: string): Promise<ReadJournalResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TrackingError('HOKUSAI_TRACKING_JOURNAL_CORRUPT', `Cannot read the run journal ${path}: ${(cause as Error).message}.`, {
      where: path,
      cause,
    });
  }
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text.length === 0;
  const entries: JournalEntry[] = [];
  let truncatedLastLine = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line.trim() === '') continue;
    const isLast = n === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (isLast && !endsClean) {
        truncatedLastLine = true;
        continue;
      }
      throw new TrackingError('HOKUSAI_TRACKING_JOURNAL_CORRUPT', `Line ${n + 1} of the run journal ${path} is not JSON; the file was edited or damaged.`, {
        where: path,
        line: n + 1,
      });
    }
    const checked = journalEntrySchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TrackingError(
        'HOKUSAI_TRACKING_JOURNAL_CORRUPT',
        `Line ${n + 1} of the run journal ${path} is not a journal entry (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}). Was it written by a newer version?`,
        { where: path, line: n + 1 },
      );
    }
    entries.push(checked.data);
  }
  return { entries, truncatedLastLine };
}
