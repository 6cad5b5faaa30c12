import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KnownFileHash } from '@hokusai/data-integration';

// Only Node's own modules here (and a type): this module runs before the program is imported,
// to start hashing the inputs on another core while this one loads the program's modules.

/** The input files a run hashes for its id before anything else, as `run` names them on the command line. */
const INPUT_FLAGS = ['--base', '--contributed', '--benchmark'];
/** Below this many bytes in all, hashing on the way costs about as much as it saves. */
const EARLY_MIN_BYTES = 16 << 20;

/**
 * The absolute paths of the input files a `hokusai run` command line names with --base,
 * --contributed and --benchmark (`--base x` or `--base=x`), or null for any other command. Only
 * the first word that is not an option may be `run`: the global options come before it and take
 * no value. Anything the run reads from elsewhere (a config file) is hashed in its own time.
 */
export function runInputPaths(argv: readonly string[], cwd = process.cwd()): string[] | null {
  const args = argv.slice(2);
  const command = args.findIndex((a) => !a.startsWith('-'));
  if (command < 0 || args[command] !== 'run') return null;
  const paths: string[] = [];
  for (let i = command + 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!INPUT_FLAGS.includes(flag)) continue;
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value !== undefined && value !== '') paths.push(resolve(cwd, value));
  }
  return paths;
}

/**
 * Starts hashing the input files of a `hokusai run` command line (see runInputPaths) on a worker
 * thread, so that the run's id is ready sooner: the run otherwise hashes them on this thread once
 * its modules are loaded (0.3 s), with the other core idle. Each promise gives the file's SHA-256
 * with its stat (unchanged over the hashing), or null (also once stopped); the run uses it only
 * if the file still has that stat. Undefined when there is nothing to gain: not a run, small inputs, one core, or
 * the worker script missing.
 */
export function hashInputsEarly(argv: readonly string[]): EarlyInputHashes | undefined {
  // Regular files only: a pipe or a device would block the worker (the run refuses them anyway).
  const paths: string[] = [];
  let bytes = 0;
  for (const path of new Set(runInputPaths(argv) ?? [])) {
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      paths.push(path);
      bytes += st.size;
    } catch {
      // Missing: the run reports it.
    }
  }
  if (paths.length === 0 || availableParallelism() < 2 || bytes < EARLY_MIN_BYTES) return undefined;
  // Built next to this module; from the sources (tests), the built copy.
  const script = [new URL('./input-hash-worker.js', import.meta.url), new URL('../dist/input-hash-worker.js', import.meta.url)].find((u) => existsSync(u));
  if (script === undefined) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { paths } });
  } catch {
    return undefined;
  }
  const pending = new Map<string, (hash: KnownFileHash | null) => void>();
  const hashes = new Map<string, Promise<KnownFileHash | null>>();
  for (const path of paths) hashes.set(path, new Promise((settle) => pending.set(path, settle)));
  const settleAll = (): void => {
    for (const settle of pending.values()) settle(null);
    pending.clear();
  };
  worker.on('message', (m: { path: string; hash: KnownFileHash | null }) => {
    pending.get(m.path)?.(m.hash);
    pending.delete(m.path);
  });
  worker.once('error', settleAll);
  worker.once('exit', settleAll);
  // The worker keeps the process alive while a run may wait for it; a command that ends first
  // (an error, --help) stops it.
  return {
    hashes,
    stop: () => {
      settleAll();
      void worker.terminate();
    },
  };
}

/** What hashInputsEarly started: the hashes by absolute path, and how to stop the hashing. */
export interface EarlyInputHashes {
  hashes: ReadonlyMap<string, Promise<KnownFileHash | null>>;
  stop(): void;
}
