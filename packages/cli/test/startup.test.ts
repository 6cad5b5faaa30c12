import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

// Heavy dependencies that only some commands need: they load when used, so every other command
// starts without them (about 0.7 s of module loading on this machine).
const HEAVY = ['bullmq', 'ioredis', 'undici', 'snarkjs', 'circom_runtime', '@tensorflow/tfjs'];

/** The bare specifiers `hokusai <args>` imports, recorded by a module resolve hook. */
async function importedBy(args: string[]): Promise<Set<string>> {
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-startup-'));
  const log = join(dir, 'imports.log');
  const hooks = join(dir, 'hooks.mjs');
  await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');\n  return next(specifier, context);\n}\n`);
  const register = join(dir, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  await writeFile(log, '');
  await exec(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], { maxBuffer: 16 << 20 });
  return new Set((await readFile(log, 'utf8')).split('\n').filter((s) => s !== ''));
}

describe('start-up', () => {
  it('loads no Redis, HTTP, proving or neural-network library for commands that do not use them', async () => {
    const version = await importedBy(['--version']);
    expect(version.has('@hokusai/orchestrator')).toBe(true); // the hook does see the imports
    for (const name of HEAVY) expect(version.has(name), name).toBe(false);
    const validate = await importedBy(['--json', 'validate', join(example, 'contributed.csv'), '--target', 'churned']);
    expect(validate.has('apache-arrow')).toBe(true); // the data package did load
    // A CSV file needs no Parquet decoder: parquet-wasm loads on the first Parquet file.
    expect(validate.has('parquet-wasm')).toBe(false);
    for (const name of HEAVY) expect(validate.has(name), name).toBe(false);
  });
});

describe('the hokusai command as npm links it', () => {
  const launcher = fileURLToPath(new URL('../bin/hokusai.js', import.meta.url));

  it('is a committed launcher, so `npm ci` links `npx hokusai` before the build has run', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(pkg.bin.hokusai).toBe('./bin/hokusai.js');
    expect(pkg.files).toContain('bin');
    const { stdout } = await exec(process.execPath, [launcher, '--version']);
    expect(stdout.trim()).toBe((JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('says how to build when the built program is missing, instead of a module-not-found trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-launcher-'));
    await mkdir(join(dir, 'bin'));
    await copyFile(launcher, join(dir, 'bin', 'hokusai.js'));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    const result = await exec(process.execPath, [join(dir, 'bin', 'hokusai.js'), '--version']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('not built yet');
    expect(result.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
  });
});
