import { Worker } from 'node:worker_threads';
import { builtScript, postableView } from '@hokusai/core';

/**
 * One object to store: its bytes as pieces, written one after the other, under the run store
 * `root` by their SHA-256, which the thread computes (an intact object of that hash is kept).
 */
export interface ObjectWrite {
  id: number;
  root: string;
  pieces: readonly Uint8Array[];
}

export type ObjectWritten = { id: number; ok: true; sha256: string } | { id: number; ok: false; message: string; code?: string };

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./object-writer-worker.js', import.meta.url), new URL('../../dist/engine/object-writer-worker.js', import.meta.url)]);
}

/**
 * Hashes and writes run store objects on a thread of its own. A step that hands over part of its
 * output early (see StepContext.stage) goes on computing without yielding; writes made from this
 * thread would wait for it between their steps (open, write, close, rename), and hashing here
 * would hold it up (at 1M rows about 100 MB of tables, 50 ms), while this thread's hashes and
 * writes go on meanwhile. Pieces in shared memory (a loaded or merged table's columns) reach the
 * thread as they are; others are copied. The thread starts with the first object and ends once
 * every one is answered (a long-lived process, such as the server, keeps none idle); the next
 * object starts another.
 */
export class ObjectWriter {
  /** The running thread and the writes it has not answered yet. */
  private thread: { worker: Worker; waiting: Map<number, { resolve: (sha256: string) => void; reject: (error: Error) => void }> } | undefined;
  private next = 0;

  private constructor(private readonly script: string) {}

  /** Null when the worker script is not built (the store then writes from its own thread). */
  static create(): ObjectWriter | null {
    const script = workerScript();
    return script === null ? null : new ObjectWriter(script);
  }

  /**
   * Stores one object of the run store at `root` (temporary file, then rename) under the SHA-256
   * of its pieces, which it resolves to; the thread keeps the process alive until it is written.
   */
  store(root: string, pieces: readonly Uint8Array[]): Promise<string> {
    const thread = (this.thread ??= this.start());
    const id = this.next++;
    return new Promise<string>((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      thread.worker.postMessage({ id, root, pieces: pieces.map(postableView) } satisfies ObjectWrite);
    });
  }

  private start(): NonNullable<ObjectWriter['thread']> {
    const thread = { worker: new Worker(this.script), waiting: new Map<number, { resolve: (sha256: string) => void; reject: (error: Error) => void }>() };
    const done = (): void => {
      if (this.thread === thread) this.thread = undefined;
    };
    thread.worker.on('message', (m: ObjectWritten) => {
      const w = thread.waiting.get(m.id);
      if (w === undefined) return;
      thread.waiting.delete(m.id);
      if (thread.waiting.size === 0) {
        done();
        void thread.worker.terminate();
      }
      if (m.ok) w.resolve(m.sha256);
      else w.reject(Object.assign(new Error(m.message), m.code === undefined ? {} : { code: m.code }));
    });
    const fail = (error: Error): void => {
      done();
      for (const w of thread.waiting.values()) w.reject(error);
      thread.waiting.clear();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`the run store's writer thread stopped (exit code ${code})`)));
    return thread;
  }
}
