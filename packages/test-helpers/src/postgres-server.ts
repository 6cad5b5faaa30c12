import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, listening on
 * 127.0.0.1 on a free port only (no Unix socket outside its folder), trust authentication for
 * the local test user, stopped and deleted by `stop()`. Debian's `postgresql` package provides
 * the binaries (scripts/setup.sh --services installs it). PostgreSQL refuses to run as root, so
 * under root the cluster runs as the `postgres` system user.
 */
export interface PostgresServer {
  /** `postgresql+psycopg2://<user>@127.0.0.1:<port>/<database>` (SQLAlchemy form, as MLflow takes it) */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];
  const found = candidates.find((d): d is string => d !== undefined && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (found === undefined) throw new Error('PostgreSQL is not installed (no initdb/pg_ctl). Run `bash scripts/setup.sh --services` (it apt-installs postgresql), or set PG_BIN.');
  return found;
}

export async function startPostgresServer(options: { database?: string } = {}): Promise<PostgresServer> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  const user = asRoot ? 'postgres' : userInfo().username;
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('Running as root needs the `postgres` system user (created by the Debian postgresql package).');
    await chown(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    await chmod(dir, 0o700);
  }
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
  };
  run('initdb', ['-D', data, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`, 'start']);
  const database = options.database ?? 'mlflow';
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
  return {
    // psycopg2 (psycopg2-binary from PyPI) is the driver scripts/setup.sh installs.
    url: `postgresql+psycopg2://${user}@127.0.0.1:${port}/${database}`,
    port,
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
