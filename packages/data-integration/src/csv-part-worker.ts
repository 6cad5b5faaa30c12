import { parentPort, workerData } from 'node:worker_threads';
import type { BuilderPart } from './column-builder.js';
import { readRange } from './csv-scan.js';
import type { CsvPartJob, CsvPartReply } from './csv-split.js';

// Worker entry of readSplit: reads the second half of a CSV file into column parts, their
// buffers transferred, not copied. Any error only says the half cannot be read alone: the caller
// then reads the whole file in one pass, which reports it with the file's own row numbers.
const job = workerData as CsvPartJob;
const port = parentPort;
if (port === null) throw new Error('csv-part-worker runs only as a worker thread');
let reply: CsvPartReply = { ok: false };
const transfer = new Set<ArrayBuffer>();
try {
  const read = await readRange(job.path, { file: job.file, chunkBytes: job.chunkBytes, maxRowBytes: job.maxRowBytes, delimiter: job.delimiter, header: false, names: job.names, declared: new Map(job.declared), capacity: job.capacity, start: job.start });
  const parts = read.builders.map((b) => b.part());
  if (read.demotedAt.length === 0 && parts.every((p): p is BuilderPart => p !== null)) {
    reply = { ok: true, rows: read.dataRows, parts };
    for (const p of parts) {
      for (const a of [p.num, p.valid, p.text?.offsets, p.text?.bytes, p.text?.valid]) if (a) transfer.add(a.buffer as ArrayBuffer);
    }
  }
} catch {
  reply = { ok: false };
}
port.postMessage(reply, [...transfer]);
