import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { WitnessCalculatorBuilder } from 'circom_runtime';
import * as snarkjs from 'snarkjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/circuit-source.js';
import { findGo } from '../src/go-toolchain.js';
import { defaultCacheDir } from '../src/groth16-setup.js';
import { openGroth16Prover } from '../src/groth16-provers.js';
import { compiledLinearCircuit, shippedLinearKey } from '../src/linear-circuit.js';
import { linearChunks, linearPublicSignals, linearWitnessInput } from '../src/linear-prover.js';
import { benchmarkPlan, circuitLabels, quantizeBenchmark, quantizeModel } from '../src/linear-quantizer.js';
import { NativeGroth16Prover, nativeProverPath } from '../src/native-prover.js';
import { readLinearModel } from '../src/onnx-linear-model.js';
import { firstRows, linearFixture, quickstartBenchmark, QUICKSTART_COLUMNS as COLUMNS } from './linear-fixture.js';

const execRun = promisify(execFile);
const snarkjsCli = join(dirname(createRequire(import.meta.url).resolve('snarkjs')), 'cli.cjs');

// Without a Go toolchain the package build makes no native prover, and these tests have nothing to test.
const go = findGo();

/** Runs `body` with HOKUSAI_GROTH16_PROVER set to `value` (undefined: unset). */
async function withProverEnv<T>(value: string | undefined, body: () => Promise<T>): Promise<T> {
  const before = process.env['HOKUSAI_GROTH16_PROVER'];
  if (value === undefined) delete process.env['HOKUSAI_GROTH16_PROVER'];
  else process.env['HOKUSAI_GROTH16_PROVER'] = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env['HOKUSAI_GROTH16_PROVER'];
    else process.env['HOKUSAI_GROTH16_PROVER'] = before;
  }
}

describe.skipIf(go === undefined)('native Groth16 prover (native/, built by the package build)', { timeout: 120_000 }, () => {
  const key = shippedLinearKey();
  if (key === undefined) throw new Error('the package ships no linear key');
  const verificationKey = key.verificationKey;
  let witness: Uint8Array;
  let expectedSignals: string[];
  const dir = mkdtempSync(join(tmpdir(), 'hokusai-native-'));

  beforeAll(async () => {
    const all = quickstartBenchmark();
    const plan = benchmarkPlan(all.table, COLUMNS);
    const table = firstRows(all.table, 7);
    const q = quantizeBenchmark(plan, table, all.labels.slice(0, 7));
    const m0 = quantizeModel(readLinearModel(linearFixture.baseline()), plan);
    const m1 = quantizeModel(readLinearModel(linearFixture.model()), plan);
    const [chunk] = linearChunks(q, circuitLabels(m0, q), circuitLabels(m1, q));
    if (chunk === undefined) throw new Error('no chunk');
    expectedSignals = linearPublicSignals(chunk, m0, m1);
    const circuit = await compiledLinearCircuit(defaultCacheDir());
    const calculator = await WitnessCalculatorBuilder(readFileSync(circuit.wasmPath));
    witness = await calculator.calculateWTNSBin(linearWitnessInput(q, chunk, m0, m1), 0);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is built and chosen by default, and its Go tests pass', async () => {
    expect(nativeProverPath({})).toBe(join(PACKAGE_ROOT, 'dist', 'native', 'hokusai-groth16'));
    const prover = await withProverEnv(undefined, () => openGroth16Prover(key.zkeyPath));
    await prover.close();
    expect(prover.kind).toBe('native');
    const { stdout } = await execRun(go as string, ['test', '-count=1', '.'], { cwd: join(PACKAGE_ROOT, 'native'), env: { ...process.env, GOTOOLCHAIN: 'local' } });
    expect(stdout).toMatch(/^ok/m);
  });

  it('makes proofs that snarkjs accepts, in JavaScript and with its CLI, for the same statement snarkjs proves', async () => {
    const native = await withProverEnv(undefined, () => openGroth16Prover(key.zkeyPath));
    const js = await withProverEnv('snarkjs', () => openGroth16Prover(key.zkeyPath));
    expect(js.kind).toBe('snarkjs');
    try {
      const [a, b] = await Promise.all([native.prove(witness), native.prove(witness)]);
      const fromJs = await js.prove(witness);
      expect(a.publicSignals).toEqual(expectedSignals);
      expect(fromJs.publicSignals).toEqual(expectedSignals);
      // Fresh randomness per proof, like snarkjs: two proofs of one witness differ.
      expect(JSON.stringify(a.proof)).not.toBe(JSON.stringify(b.proof));
      expect(Object.keys(a.proof as object)).toEqual(Object.keys(fromJs.proof as object));
      for (const p of [a, b, fromJs]) expect(await snarkjs.groth16.verify(verificationKey, p.publicSignals, p.proof)).toBe(true);
      writeFileSync(join(dir, 'vk.json'), JSON.stringify(verificationKey));
      writeFileSync(join(dir, 'public.json'), JSON.stringify(a.publicSignals));
      writeFileSync(join(dir, 'proof.json'), JSON.stringify(a.proof));
      const { stdout } = await execRun(process.execPath, [snarkjsCli, 'groth16', 'verify', 'vk.json', 'public.json', 'proof.json'], { cwd: dir });
      expect(stdout).toMatch(/OK!/);
    } finally {
      await native.close();
      await js.close();
    }
  });

  it('cannot prove a witness that breaks the circuit: the proof it makes does not verify', async () => {
    const prover = await NativeGroth16Prover.start(nativeProverPath() as string, key.zkeyPath);
    try {
      // The last signal of the witness (a private intermediate) changed by one.
      const forged = Uint8Array.from(witness);
      forged[forged.length - 32] = ((forged[forged.length - 32] as number) + 1) & 0xff;
      const p = await prover.prove(forged);
      expect(p.publicSignals).toEqual(expectedSignals);
      expect(await snarkjs.groth16.verify(verificationKey, p.publicSignals, p.proof)).toBe(false);
    } finally {
      await prover.close();
    }
  });

  it('answers a malformed or foreign witness with an error and goes on with the next', async () => {
    const prover = await NativeGroth16Prover.start(nativeProverPath() as string, key.zkeyPath);
    try {
      const garbage = prover.prove(new TextEncoder().encode('not a witness'));
      const cut = prover.prove(witness.subarray(0, witness.length - 100));
      const good = prover.prove(witness);
      await expect(garbage).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF', message: expect.stringContaining('not a wtns file') });
      await expect(cut).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF', message: expect.stringContaining('past the end') });
      expect((await good).publicSignals).toEqual(expectedSignals);
    } finally {
      await prover.close();
    }
  });

  it('rejects every proof in flight when the process dies, instead of hanging', async () => {
    const prover = await NativeGroth16Prover.start(nativeProverPath() as string, key.zkeyPath);
    const inFlight = [prover.prove(witness), prover.prove(witness), prover.prove(witness)];
    (prover as unknown as { child: { kill(signal: string): void } }).child.kill('SIGKILL');
    for (const p of inFlight) await expect(p).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF', message: expect.stringContaining('SIGKILL') });
    await expect(prover.prove(witness)).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF' });
  });

  it('refuses a damaged key, and the run falls back to snarkjs saying why', async () => {
    const damaged = join(dir, 'damaged.zkey');
    copyFileSync(key.zkeyPath, damaged);
    writeFileSync(damaged, readFileSync(damaged).subarray(0, 100_000));
    await expect(NativeGroth16Prover.start(nativeProverPath() as string, damaged)).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF', message: expect.stringContaining('past the end') });
    const notes: string[] = [];
    // Another platform's binary (here: a text file) cannot start either.
    const foreign = join(dir, 'foreign-prover');
    writeFileSync(foreign, 'not a program', { mode: 0o755 });
    const prover = await withProverEnv(foreign, () => openGroth16Prover(key.zkeyPath, (note) => notes.push(note)));
    await prover.close();
    expect(prover.kind).toBe('snarkjs');
    expect(notes.join('\n')).toMatch(/native prover could not start .*proving with snarkjs/);
  });

  it('gives up on a program that never says it is ready, and stops it', async () => {
    const silent = join(dir, 'silent-prover');
    writeFileSync(silent, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    await expect(NativeGroth16Prover.start(silent, key.zkeyPath, 300)).rejects.toMatchObject({ code: 'HOKUSAI_ZK_SETUP', message: expect.stringContaining('did not read') });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names a HOKUSAI_GROTH16_PROVER that does not exist', () => {
    expect(() => nativeProverPath({ HOKUSAI_GROTH16_PROVER: join(dir, 'missing') })).toThrow(/HOKUSAI_GROTH16_PROVER names .*missing, which does not exist/);
    expect(nativeProverPath({ HOKUSAI_GROTH16_PROVER: 'snarkjs' })).toBeUndefined();
  });
});
