import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI and returns its exit code and output; an env value of undefined removes that variable. */
export async function hokusai(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined));
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: options.cwd, env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The `result` of a `--json` document (schemaVersion 1), checked to be a success document. */
export function jsonResult<T>(stdout: string): T {
  const doc = JSON.parse(stdout) as { schemaVersion: number; result?: T; error?: unknown };
  if (doc.schemaVersion !== 1 || doc.result === undefined) throw new Error(`not a --json result document: ${stdout.slice(0, 500)}`);
  return doc.result;
}
