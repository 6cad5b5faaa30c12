import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// Worker entry of hashInputsEarly: each file's SHA-256 with its stat, one file after the other,
// each posted as soon as it is done; null for a file that cannot be read or that changed while
// it was hashed (the run then hashes it itself).
const port = parentPort;
if (port === null) throw new Error('input-hash-worker runs only as a worker thread');
const { paths } = workerData as { paths: string[] };

const statOf = (s: Stats): { size: number; mtimeMs: number; ctimeMs: number; ino: number } => ({ size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino });
const same = (a: ReturnType<typeof statOf>, b: ReturnType<typeof statOf>): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

const buf = Buffer.allocUnsafe(4 << 20);
for (const path of paths) {
  let hash = null;
  try {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error('not a regular file');
      const before = statOf(st);
      const sha = createHash('sha256');
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) sha.update(buf.subarray(0, n));
      const after = statOf(statSync(path));
      if (same(before, after)) hash = { sha256: sha.digest('hex'), ...before };
    } finally {
      closeSync(fd);
    }
  } catch {
    hash = null;
  }
  port.postMessage({ path, hash });
}
