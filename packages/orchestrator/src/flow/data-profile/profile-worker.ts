import { parentPort } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import { profileColumns, type DatasetRole } from './column-profile.js';

// Worker entry of profileColumnsInWorker: the tables come as Arrow IPC, the profiles go back as data.
const port = parentPort;
if (port === null) throw new Error('profile-worker runs only as a worker thread');
port.once('message', ({ ipc, options }: { ipc: Record<DatasetRole, Uint8Array>; options: Parameters<typeof profileColumns>[1] }) => {
  try {
    const tables = { base: tableFromIPC(ipc.base), contributed: tableFromIPC(ipc.contributed), benchmark: tableFromIPC(ipc.benchmark) };
    port.postMessage({ profiles: profileColumns(tables, options) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
