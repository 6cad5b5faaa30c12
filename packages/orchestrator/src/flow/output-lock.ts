import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { OrchestratorError } from '../errors.js';
import { ownerGone, thisProcessOwner } from '../engine/process-alive.js';
import type { ProcessOwner } from '../engine/process-alive.js';

/** The lock's holder: its process (the start time tells it from a later one given the same pid) and its run. */
interface LockOwner extends ProcessOwner {
  runId: string;
  token: string;
  startedAt: string;
}

// A lock file without a readable owner is one whose writer died between create and write.
const UNREADABLE_STALE_MS = 30_000;

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    // A start time that is not a number is as good as none: the pid alone is judged.
    if (typeof parsed.startTicks !== 'number') delete parsed.startTicks;
    return parsed as LockOwner;
  } catch {
    return undefined;
  }
}

function isStale(path: string, owner: LockOwner | undefined): boolean {
  if (owner === undefined) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
    } catch {
      return true;
    }
  }
  // A process on another host cannot be probed; its lock stays until someone removes it.
  return ownerGone(owner);
}

/** How long a lock held by a live process on this host is watched before the run gives up. */
const HOLDER_WAIT_MS = 2_000;

/**
 * What becomes of a holder on this host within HOLDER_WAIT_MS. A process killed a moment ago (kill -9,
 * then the run resumed at once) still runs while the system frees its memory, which takes a
 * while for a large one; a run that really holds the lock keeps it, and the second run fails
 * after this wait.
 */
async function holderAfterWait(path: string, owner: LockOwner | undefined): Promise<'gone' | 'replaced' | 'holds'> {
  if (owner === undefined || owner.host !== hostname()) return 'holds';
  for (let waited = 0; waited < HOLDER_WAIT_MS; waited += 50) {
    await delay(50);
    // Released, or taken over by another run: try to take it again.
    if (readOwner(path)?.token !== owner.token) return 'replaced';
    if (ownerGone(owner)) return 'gone';
  }
  return 'holds';
}

/**
 * Takes the lock of an output folder: `<out>.lock` beside it, created exclusively and holding
 * the owner's pid, host and start time. A second run into the same folder fails with
 * HOKUSAI_OUTPUT_LOCKED (after HOLDER_WAIT_MS, when the holder runs on this host) instead of
 * mixing its files with the first one's; a lock whose process is gone is taken over. Creating the lock also proves the parent folder is writable, before any
 * work is done. Returns the release function.
 */
export async function lockOutputFolder(out: string, runId: string): Promise<() => Promise<void>> {
  const target = resolve(out);
  const path = `${target}.lock`;
  try {
    await mkdir(dirname(target), { recursive: true });
  } catch (error) {
    throw notWritable(dirname(target), error);
  }
  const owner: LockOwner = { ...thisProcessOwner(), runId, token: randomBytes(8).toString('hex'), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(owner)}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw notWritable(dirname(target), error);
      const holder = readOwner(path);
      if (attempt < 3) {
        const after = isStale(path, holder) ? 'gone' : await holderAfterWait(path, holder);
        if (after === 'gone') await unlink(path).catch(() => undefined);
        if (after !== 'holds') continue;
      }
      const who = holder === undefined ? 'another process' : `process ${holder.pid} on ${holder.host}`;
      throw new OrchestratorError(
        'HOKUSAI_OUTPUT_LOCKED',
        `The output folder ${out} is being written by ${who}. Wait for it to finish or choose another --out; if that process is gone, delete ${path}.`,
      );
    }
  }
  return async () => {
    // Only our own lock is removed: a stale-lock takeover may have replaced it.
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.includes(owner.token)) await unlink(path).catch(() => undefined);
  };
}

function notWritable(folder: string, error: unknown): OrchestratorError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new OrchestratorError('HOKUSAI_OUTPUT_NOT_WRITABLE', `Cannot write the output folder's parent ${folder} (${reason}). Choose an --out in a folder you can write.`, { cause: error });
}
