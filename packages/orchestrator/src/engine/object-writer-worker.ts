import { parentPort } from 'node:worker_threads';
import { writeFileAtomicSync } from '@hokusai/core';
import { objectIntact, objectPath, piecesSha256 } from './object-files.js';
import type { ObjectWrite, ObjectWritten } from './object-writer.js';

// Worker entry of ObjectWriter: hashes each object it is sent and writes it under its hash
// (temporary file, then rename) unless an intact copy is there, in the order sent, and answers
// with its id and hash. The pieces of a table in shared memory are its buffers.
const port = parentPort;
if (port === null) throw new Error('object-writer-worker runs only as a worker thread');
port.on('message', ({ id, root, pieces }: ObjectWrite) => {
  let reply: ObjectWritten;
  try {
    const sha256 = piecesSha256(pieces);
    const path = objectPath(root, sha256);
    if (!objectIntact(path, sha256)) writeFileAtomicSync(path, pieces, { fsync: false });
    reply = { id, ok: true, sha256 };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    reply = { id, ok: false, message: e.message, ...(e.code === undefined ? {} : { code: e.code }) };
  }
  port.postMessage(reply);
});
