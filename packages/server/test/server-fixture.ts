import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type HokusaiServer, type ServerExtras, type ServerOptionsInput } from '../src/index.js';

export const QUICKSTART = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

export interface Fixture {
  server: HokusaiServer;
  dataDir: string;
  stateDir: string;
  admin: string;
  /** Every line the server logged. */
  logs: string[];
  call(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
}

/** A server on a free loopback port whose data folder holds the quickstart files. */
export async function startFixture(options: Partial<ServerOptionsInput> = {}, extras: ServerExtras = {}): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'hokusai-server-'));
  const dataDir = join(root, 'data');
  const stateDir = join(root, 'state');
  await mkdir(dataDir);
  for (const name of ['base.csv', 'contributed.csv', 'benchmark.csv']) await copyFile(join(QUICKSTART, name), join(dataDir, name));
  const lines: string[] = [];
  const server = await startServer({ port: 0, stateDir, dataDir, ...options }, { logger: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })), ...extras });
  const admin = server.keys.create({ name: 'admin', scopes: ['admin'] }).token;
  return {
    server,
    dataDir,
    stateDir,
    admin,
    logs: lines,
    call: (path, init = {}) => {
      const { key = admin, headers, ...rest } = init;
      return fetch(server.url + path, { ...rest, headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...(headers as Record<string, string> | undefined) } });
    },
  };
}

export const SETTINGS = { target: 'churned', exclude: ['customer_id'], proof: { enabled: false } };

export async function waitForStatus(fixture: Fixture, id: string, done: (status: string) => boolean, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await fixture.call(`/runs/${id}`)).json()) as Record<string, unknown>;
    if (done(run.status as string)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
