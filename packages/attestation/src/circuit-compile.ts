import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile, copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { circuitHash, circuitSources, PACKAGE_ROOT } from './circuit-source.js';
import { AttestationError } from './errors.js';
import { withLock } from './file-lock.js';

const run = promisify(execFile);

export interface CompiledCircuit {
  n: number;
  hash: string;
  r1csPath: string;
  wasmPath: string;
}

function artifacts(dir: string, n: number, hash: string): CompiledCircuit | undefined {
  const r1csPath = join(dir, 'main.r1cs');
  const wasmPath = join(dir, 'main.wasm');
  return existsSync(r1csPath) && existsSync(wasmPath) ? { n, hash, r1csPath, wasmPath } : undefined;
}

/** The compiled circuit of size n if this machine already has it (shipped or cached), without compiling. */
export function findCompiledCircuit(n: number, cacheDir: string): CompiledCircuit | undefined {
  const hash = circuitHash(n);
  return artifacts(join(PACKAGE_ROOT, 'dist', 'circuits', hash), n, hash) ?? artifacts(join(cacheDir, 'circuits', hash), n, hash);
}

/**
 * The compiled circuit of size n: the copy the package build made under dist/circuits, else the
 * one in the cache, else compiled now with circom2 into the cache. Keyed by circuit hash, so a
 * changed source never reuses a stale build.
 */
export async function compiledCircuit(n: number, cacheDir: string): Promise<CompiledCircuit> {
  const hash = circuitHash(n);
  const shipped = artifacts(join(PACKAGE_ROOT, 'dist', 'circuits', hash), n, hash);
  if (shipped !== undefined) return shipped;
  const target = join(cacheDir, 'circuits', hash);
  const cached = artifacts(target, n, hash);
  if (cached !== undefined) return cached;
  return withLock(target, async () => artifacts(target, n, hash) ?? compileCircuitInto(n, target));
}

/** Compiles the counting circuit of size n into target (see compileSourcesInto). */
export async function compileCircuitInto(n: number, target: string): Promise<CompiledCircuit> {
  const { r1csPath, wasmPath } = await compileSourcesInto(circuitSources(n), `N=${n}`, target);
  return { n, hash: circuitHash(n), r1csPath, wasmPath };
}

/**
 * Compiles main.circom of `sources` with circom2 (circom 2 as WebAssembly) in a scratch folder,
 * then renames main.r1cs and main.wasm into target, so a crash never leaves half a build.
 */
export async function compileSourcesInto(sources: Record<string, string>, label: string, target: string): Promise<{ r1csPath: string; wasmPath: string }> {
  await mkdir(join(target, '..'), { recursive: true });
  const work = await mkdtemp(`${target}.build-`);
  try {
    // circom2 runs under WASI and only sees the working folder reliably, so every source is copied in.
    for (const [name, text] of Object.entries(sources)) await writeFile(join(work, name), text);
    const cli = join(createRequire(import.meta.url).resolve('circom2/package.json'), '..', 'cli.js');
    try {
      await run(process.execPath, [cli, 'main.circom', '--r1cs', '--wasm', '--O2', '-o', '.'], { cwd: work, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new AttestationError('HOKUSAI_ZK_SETUP', `circom2 could not compile the circuit ${label}: ${e.stderr || e.stdout || e.message}`, { cause: error });
    }
    const out = join(work, 'out');
    await mkdir(out);
    await copyFile(join(work, 'main.r1cs'), join(out, 'main.r1cs'));
    await copyFile(join(work, 'main_js', 'main.wasm'), join(out, 'main.wasm'));
    await rm(target, { recursive: true, force: true });
    await rename(out, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const r1csPath = join(target, 'main.r1cs');
  const wasmPath = join(target, 'main.wasm');
  if (!existsSync(r1csPath) || !existsSync(wasmPath)) throw new AttestationError('HOKUSAI_ZK_SETUP', `circom2 finished but ${target} lacks main.r1cs or main.wasm`);
  return { r1csPath, wasmPath };
}
