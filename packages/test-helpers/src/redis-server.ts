import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A real redis-server for tests: on 127.0.0.1, on a free port, persistence off, in a temporary
 * folder. scripts/setup.sh --services installs the Debian package on a fresh machine.
 */
export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const CANDIDATES = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

export function redisServerBinary(): string {
  const found = CANDIDATES.find((p): p is string => p !== undefined && existsSync(p));
  if (found === undefined) {
    throw new Error('redis-server is not installed. Run `bash scripts/setup.sh --services` (it apt-installs redis-server), or set REDIS_SERVER to its path.');
  }
  return found;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-redis-'));
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await ping(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && (await ping(port))) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        process: child,
        stop: async () => {
          if (!exited) {
            const gone = new Promise<void>((r) => child.once('exit', () => r()));
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            await gone;
            clearTimeout(timer);
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    // Another process may have taken the port between the probe and the start: try another.
    if (tries >= 2) throw new Error(`redis-server did not start on 127.0.0.1 (last port ${port}).`);
  }
}
