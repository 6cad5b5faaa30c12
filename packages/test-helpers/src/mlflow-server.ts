import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A real `mlflow server` (SQLite backend, proxied artifacts) owned by a test. */
export interface MlflowServer {
  uri: string;
  port: number;
  dir: string;
  /** Process id (and process group id) of the server. */
  readonly pid: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and database (after stop). */
  restart(): Promise<void>;
}

function findMlflow(): string[] {
  const candidates: string[][] = [['mlflow'], ['python3', '-m', 'mlflow'], ['python', '-m', 'mlflow']];
  for (const cmd of candidates) {
    const probe = spawnSync(cmd[0] as string, [...cmd.slice(1), '--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return cmd;
  }
  throw new Error(
    'MLflow is not installed: neither `mlflow` on PATH nor `python3 -m mlflow` works. Install it with `pip install mlflow` (the tracking tests run against a real server).',
  );
}

async function waitHealthy(uri: string, child: ChildProcess, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`mlflow server exited with ${child.exitCode} before answering /health. Log:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
    }
    try {
      const res = await fetch(`${uri}/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`mlflow server at ${uri} did not answer /health within ${timeoutMs / 1000} s. Log:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
}

function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(force);
      // Workers that outlive the main process would keep the port and a CPU busy.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the whole group is gone
      }
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

export async function startMlflowServer(options: { port?: number; dir?: string; timeoutMs?: number } = {}): Promise<MlflowServer> {
  const cmd = findMlflow();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'hokusai-mlflow-')));
  await mkdir(join(dir, 'artifacts'), { recursive: true });
  const port = options.port ?? (await freePort());
  const uri = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const logPath = join(dir, 'server.log');
    const log = openSync(logPath, 'a');
    child = spawn(
      cmd[0] as string,
      [
        ...cmd.slice(1),
        'server',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
        '--backend-store-uri',
        `sqlite:///${join(dir, 'mlflow.db')}`,
        '--serve-artifacts',
        '--artifacts-destination',
        join(dir, 'artifacts'),
      ],
      // Own process group, so stopping it also stops the workers it forks. The background job
      // runner (GenAI evaluation jobs) is not needed and costs a dozen Python processes.
      { detached: true, stdio: ['ignore', log, log], env: { ...process.env, MLFLOW_TRACKING_URI: '', MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } },
    );
    closeSync(log);
    try {
      await waitHealthy(uri, child, logPath, options.timeoutMs ?? 90_000);
    } catch (error) {
      await killGroup(child);
      throw error;
    }
  };

  await launch();
  return {
    uri,
    port,
    dir,
    get pid() {
      return child?.pid ?? -1;
    },
    stop: async () => {
      if (child !== undefined) await killGroup(child);
    },
    restart: launch,
  };
}
