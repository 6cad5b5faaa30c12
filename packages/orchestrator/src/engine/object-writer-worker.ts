import { parentPort } from 'node:worker_threads';
import { writeFileAtomicSync } from '@hokusai/core';
import type { ObjectWrite, ObjectWritten } from './object-writer.js';

// Worker entry of ObjectWriter: writes each object it is sent (temporary file, then rename), in
// the order sent, and answers with its id. The pieces of a table in shared memory are its buffers.
const port = parentPort;
if (port === null) throw new Error('object-writer-worker runs only as a worker thread');
port.on('message', ({ id, path, pieces }: ObjectWrite) => {
  let reply: ObjectWritten;
  try {
    writeFileAtomicSync(path, pieces, { fsync: false });
    reply = { id, ok: true };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    reply = { id, ok: false, message: e.message, ...(e.code === undefined ? {} : { code: e.code }) };
  }
  port.postMessage(reply);
});
