import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { MlflowClient } from '../src/index.js';

/**
 * A scripted HTTP server for faults a healthy MLflow server cannot show on demand (429, 503,
 * hangs, a multipart-capable store). Records each request and how many sockets were opened.
 */
export interface FakeServer {
  uri: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  sockets: number;
  close(): Promise<void>;
}

export async function fakeServer(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<FakeServer> {
  const open = new Set<Socket>();
  const state: FakeServer = {
    uri: '',
    requests: [],
    sockets: 0,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  server.on('connection', (socket) => {
    state.sockets++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

type ClientOptions = ConstructorParameters<typeof MlflowClient>[1];

/**
 * The scripted servers and clients of one test file, closed after each test: `serve` starts a
 * server, `client` a client with fast retries on top of the file's `defaults`.
 */
export function fakeServerPool(defaults: ClientOptions = {}): {
  serve: (handler: Parameters<typeof fakeServer>[0]) => Promise<FakeServer>;
  client: (uri: string, options?: ClientOptions) => MlflowClient;
} {
  const servers: FakeServer[] = [];
  const clients: MlflowClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    serve: async (handler) => {
      const s = await fakeServer(handler);
      servers.push(s);
      return s;
    },
    client: (uri, options = {}) => {
      const c = new MlflowClient(uri, { backoffMs: 10, ...defaults, ...options });
      clients.push(c);
      return c;
    },
  };
}
