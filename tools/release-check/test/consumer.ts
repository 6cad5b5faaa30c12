import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the consumer's Groth16 setup (powers of tau, keys) is cached: a folder of the user's cache
 * that outlives the test, as on a user's machine, so only the first run on a machine makes it.
 */
export function consumerZkCache(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hokusai-release-check', 'zk');
}

/** The environment of a user's shell: nothing inherited from the npm or Nx process running the tests. */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NX_|VITEST|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', ...extra };
}

/** An empty npm project that installs from `registry` only (npm's own cache is shared with the user's). */
export function makeConsumer(folder: string, registry: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(folder, '.npmrc'), `registry=${registry}/\nfund=false\naudit=false\n`);
  return folder;
}

/** Runs a command to its end or for at most `timeoutMs` (then it is killed and the result says so). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 900_000): SpawnSyncReturns<string> & { ms: number } {
  const start = Date.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
  return Object.assign(result, { ms: Date.now() - start });
}

export function npmInstall(cwd: string, registry: string, specs: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> & { ms: number } {
  // Install scripts stay off as in the workspace (package.json allowScripts): no package needs one.
  return run('npm', ['install', '--registry', `${registry}/`, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', ...specs], cwd, env);
}
