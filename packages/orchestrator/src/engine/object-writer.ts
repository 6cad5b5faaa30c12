import { Worker } from 'node:worker_threads';
import { builtScript, postableView } from '@hokusai/core';

/** One object to write: its path and its bytes as pieces, written one after the other. */
export interface ObjectWrite {
  id: number;
  path: string;
  pieces: readonly Uint8Array[];
}

export type ObjectWritten = { id: number; ok: true } | { id: number; ok: false; message: string; code?: string };

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./object-writer-worker.js', import.meta.url), new URL('../../dist/engine/object-writer-worker.js', import.meta.url)]);
}

/**
 * Writes run store objects on a thread of its own. A step that hands over part of its output
 * early (see StepContext.stage) goes on computing without yielding; writes made from this
 * thread would wait for it between their steps (open, write, close, rename), while this thread's
 * writes reach the disk meanwhile. Pieces in shared memory (a loaded or merged table's columns)
 * reach the thread as they are; others are copied. Null when the script is not built.
 */
export class ObjectWriter {
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private next = 0;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (m: ObjectWritten) => {
      const w = this.waiting.get(m.id);
      if (w === undefined) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.ok) w.resolve();
      else w.reject(Object.assign(new Error(m.message), m.code === undefined ? {} : { code: m.code }));
    });
    const fail = (error: Error): void => {
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the run store's writer thread stopped (exit code ${code})`)));
  }

  static start(): ObjectWriter | null {
    const script = workerScript();
    return script === null ? null : new ObjectWriter(new Worker(script));
  }

  write(path: string, pieces: readonly Uint8Array[]): Promise<void> {
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Kept alive while a write is outstanding, so the process waits for it.
      this.worker.ref();
      this.worker.postMessage({ id, path, pieces: pieces.map(postableView) } satisfies ObjectWrite);
    });
  }
}
