import { fileURLToPath } from 'node:url';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as snarkjs from 'snarkjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttestationError,
  buildAttestation,
  canonicalJson,
  circuitHash,
  commitPredictions,
  exportSolidityVerifier,
  schemaPath,
  sha256Hex,
  attestationLeaves,
  merkleRoot,
  verifyAttestation,
  writeAttestation,
  type Attestation,
  type BuiltAttestation,
  type VerificationReport,
} from '../src/index.js';
import { prepareProving, proveChunks } from '../src/groth16-prover.js';
import { shippedVerificationKeySha256 } from '../src/shipped-keys.js';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const execRun = promisify(execFile);
const snarkjsCli = join(dirname(createRequire(import.meta.url).resolve('snarkjs')), 'cli.cjs');
const PROOF0 = 'proofs/chunk-0.json';
const PUBLIC0 = 'proofs/chunk-0.public.json';
import { fixtureRun, type FixtureRun } from './run-fixture.js';

// A small circuit keeps the suite fast; the pipeline default (N=1024) is measured in tools/bench-attestation.
const N = 32;
const failed = (r: VerificationReport): string[] => r.checks.filter((c) => !c.ok).map((c) => c.name);

interface Proved {
  run: FixtureRun;
  built: BuiltAttestation;
}

async function proved(rows: number, seed: number): Promise<Proved> {
  const run = await fixtureRun({ rows, seed });
  const built = await buildAttestation(run.input, { circuitN: N });
  await writeAttestation(run.dir, built);
  return { run, built };
}

async function editJson(path: string, change: (value: unknown) => unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(change(JSON.parse(await readFile(path, 'utf8'))), null, 2)}\n`);
}

/** Re-points the attestation's hash of a proof file at the file's current bytes, as a forger would. */
async function rehashProofFile(dir: string, name: string): Promise<void> {
  const bytes = await readFile(join(dir, name));
  await editJson(join(dir, 'attestation.json'), (a) => {
    (a as Attestation).proof!.files[name] = sha256Hex(bytes);
    return a;
  });
}

describe('Groth16 proof of the accuracy counts', () => {
  let chunked: Proved; // 80 rows: three proofs of 32, 32 and 16 rows
  let padded: Proved; // 20 rows: one proof, 12 rows of padding
  let other: Proved; // another 20-row run

  beforeAll(async () => {
    chunked = await proved(80, 31);
    padded = await proved(20, 32);
    other = await proved(20, 33);
  }, 900_000);

  it('proves and verifies, padded and chunked, with the proof described in the attestation', async () => {
    for (const { run, built } of [chunked, padded]) {
      const report = await verifyAttestation(run.dir, { predictions: run.input.predictions! });
      expect(failed(report)).toEqual([]);
      expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['proof files', 'verification key hash', 'circuit hash', 'public signals', 'groth16 proof', 'trusted setup']));
      const proof = built.attestation.proof!;
      const preds = built.attestation.body.predictions!;
      // The setup facts are attested: the shipped key, its beacon, the development ptau.
      expect(preds.setup).toMatchObject({ circuit: { name: 'hokusai_accuracy', n: N, hash: circuitHash(N) }, key: { origin: 'shipped', verification_key_sha256: shippedVerificationKeySha256(N) }, ptau: { ceremony: null }, insecure: true });
      expect(report.checks.find((c) => c.name === 'trusted setup')?.detail).toMatch(/INSECURE/);
      expect(report.checks.find((c) => c.name === 'verification key hash')?.detail).toMatch(/ships for N=32/);
      expect(proof.public_signals).toEqual(
        preds.chunks.map((c) => [String(c.index), c.previous_accumulator, c.accumulator, String(c.rows), c.labels_commitment, c.baseline_commitment, c.new_commitment, String(c.baseline_correct), String(c.new_correct)]),
      );
    }
    const signals = chunked.built.attestation.proof!.public_signals;
    expect(signals.map((s) => [s[0], s[3]])).toEqual([['0', '32'], ['1', '32'], ['2', '16']]);
    // The chain: chunk 0 starts at 0, each chunk continues the previous one's accumulator.
    expect(signals.map((s) => s[1])).toEqual(['0', signals[0]![2], signals[1]![2]]);
    // Every chunk is plain snarkjs, checkable with the snarkjs CLI.
    for (let i = 0; i < 3; i++) {
      const { stdout } = await execRun(process.execPath, [snarkjsCli, 'groth16', 'verify', 'verification_key.json', `proofs/chunk-${i}.public.json`, `proofs/chunk-${i}.json`], { cwd: chunked.run.dir });
      expect(stdout).toMatch(/OK!/);
    }
  });

  it('writes a zk_output_v1.json with groth16 and real hashes that validates against the v1 schema', async () => {
    const zk = JSON.parse(await readFile(join(chunked.run.dir, 'zk_output_v1.json'), 'utf8')) as { attestation: Record<string, unknown> };
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath('zk-output-v1.schema.json'), 'utf8')) as object);
    expect(validate(zk), JSON.stringify(validate.errors)).toBe(true);
    const proof = chunked.built.attestation.proof!;
    expect(zk.attestation).toMatchObject({
      proof_system: 'groth16',
      proof_ready: true,
      hash_tree_root: chunked.built.attestation.merkle_root,
      circuit_hash: chunked.built.attestation.body.predictions!.setup!.circuit.hash,
      public_inputs_hash: sha256Hex(canonicalJson(proof.public_signals)),
    });
    expect(JSON.parse(zk.attestation.verification_key as string)).toEqual(chunked.built.proofFiles!['verification_key.json']);
    // No signature is made, so none is claimed.
    expect(zk.attestation.signature_blob).toBeNull();
  });

  it('writes a verifiable folder from a built attestation whose keys were re-ordered in transit', async () => {
    // Run stores re-serialize step outputs; file bytes must depend on values, not on key order.
    const reordered = JSON.parse(JSON.stringify(padded.built), (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)) as BuiltAttestation;
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-reordered-'));
    await mkdir(join(dir, 'manifests'));
    for (const f of Object.keys(padded.run.files)) await copyFile(join(padded.run.dir, f), join(dir, f));
    await writeAttestation(dir, reordered);
    expect(failed(await verifyAttestation(dir, { predictions: padded.run.input.predictions! }))).toEqual([]);
    for (const f of ['attestation.json', 'proofs/chunk-0.json', 'verification_key.json', 'zk_output_v1.json']) {
      expect(await readFile(join(dir, f), 'utf8')).toBe(await readFile(join(padded.run.dir, f), 'utf8'));
    }
  });

  it('is deterministic: same inputs give the same body, root, commitments and public signals', async () => {
    const again = await buildAttestation(padded.run.input, { circuitN: N });
    expect(canonicalJson(again.attestation.body)).toBe(canonicalJson(padded.built.attestation.body));
    expect(again.attestation.merkle_root).toBe(padded.built.attestation.merkle_root);
    expect(again.attestation.proof!.public_signals).toEqual(padded.built.attestation.proof!.public_signals);
    // Groth16 proofs are randomized; both must still verify.
    expect(canonicalJson(again.proofFiles![PROOF0])).not.toBe(canonicalJson(padded.built.proofFiles![PROOF0]));
    expect(await snarkjs.groth16.verify(again.proofFiles!['verification_key.json'], again.proofFiles![PUBLIC0], again.proofFiles![PROOF0])).toBe(true);
  });

  it('fails naming the check when any byte of a proof file changes', async () => {
    const { run } = padded;
    for (const name of [PROOF0, PUBLIC0, 'verification_key.json']) {
      const path = join(run.dir, name);
      const original = await readFile(path);
      const at = original.indexOf('"') + 1;
      const changed = Buffer.from(original);
      changed[at] = (changed[at] as number) ^ 0x01;
      await writeFile(path, changed);
      const report = await verifyAttestation(run.dir, { predictions: run.input.predictions! });
      expect(report.ok).toBe(false);
      expect(failed(report)[0]).toBe('proof files');
      await writeFile(path, original);
    }
    expect((await verifyAttestation(run.dir, { predictions: run.input.predictions! })).ok).toBe(true);
  });

  it('fails when any output file, attestation.json and zk_output_v1.json included, has a byte changed', async () => {
    const { run } = padded;
    const names = [...Object.keys(run.files), 'attestation.json', 'zk_output_v1.json', PROOF0, PUBLIC0, 'verification_key.json'];
    let seed = 99;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const name of names) {
      const path = join(run.dir, name);
      const original = await readFile(path);
      for (let k = 0; k < 4; k++) {
        const at = Math.floor(next() * original.length);
        const changed = Buffer.from(original);
        changed[at] = (changed[at] as number) ^ 0x01;
        await writeFile(path, changed);
        const report = await verifyAttestation(run.dir, { predictions: run.input.predictions! });
        expect(report.ok, `${name} byte ${at}`).toBe(false);
      }
      await writeFile(path, original);
    }
    expect((await verifyAttestation(run.dir, { predictions: run.input.predictions! })).ok).toBe(true);
  }, 300_000);

  it('accepts only a pinned verification key when one is given', async () => {
    const { run, built } = padded;
    const trusted = built.attestation.body.predictions!.setup!.key.verification_key_sha256;
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions!, verificationKeySha256: trusted }))).toEqual([]);
    const report = await verifyAttestation(run.dir, { predictions: run.input.predictions!, verificationKeySha256: 'a'.repeat(64) });
    expect(failed(report)).toEqual(['verification key hash']);
  });

  it('fails when the proof is stripped from the folder', async () => {
    const { run } = padded;
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-stripped-'));
    await mkdir(join(dir, 'manifests'));
    for (const f of Object.keys(run.files)) await copyFile(join(run.dir, f), join(dir, f));
    const stripped = JSON.parse(await readFile(join(run.dir, 'attestation.json'), 'utf8')) as Attestation;
    delete stripped.proof;
    await writeFile(join(dir, 'attestation.json'), JSON.stringify(stripped));
    const report = await verifyAttestation(dir, { predictions: run.input.predictions! });
    expect(failed(report)).toEqual(['groth16 proof']);
    expect(report.checks.find((c) => c.name === 'groth16 proof')?.detail).toMatch(/says the counts were proved/);
  });

  it('rejects a forged proof even when the forger updates every hash', async () => {
    const { run } = padded;
    const originals = await Promise.all([PROOF0, 'attestation.json'].map((f) => readFile(join(run.dir, f))));
    await editJson(join(run.dir, PROOF0), (p) => {
      const proof = p as { pi_a: string[] };
      proof.pi_a[0] = (BigInt(proof.pi_a[0] as string) + 1n).toString();
      return proof;
    });
    await rehashProofFile(run.dir, PROOF0);
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual(['groth16 proof']);
    await writeFile(join(run.dir, PROOF0), originals[0] as Buffer);
    await writeFile(join(run.dir, 'attestation.json'), originals[1] as Buffer);
  });

  it('fails on a changed public signal, in public.json or in the attestation', async () => {
    const { run } = padded;
    const original = { pub: await readFile(join(run.dir, PUBLIC0)), att: await readFile(join(run.dir, 'attestation.json')) };
    // Claim one more correct prediction for the new model.
    await editJson(join(run.dir, PUBLIC0), (s) => (s as string[]).map((v, i) => (i === 8 ? String(Number(v) + 1) : v)));
    await rehashProofFile(run.dir, PUBLIC0);
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual(['public signals']);
    await writeFile(join(run.dir, PUBLIC0), original.pub);
    await writeFile(join(run.dir, 'attestation.json'), original.att);
    await editJson(join(run.dir, 'attestation.json'), (a) => {
      const att = a as Attestation;
      att.proof!.public_signals[0]![4] = '12345';
      return att;
    });
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual(['public signals', 'zk_output_v1.json']);
    await writeFile(join(run.dir, 'attestation.json'), original.att);
  });

  it('fails when a prediction changes, and when proof files are swapped between runs', async () => {
    const p = padded.run.input.predictions!;
    const flipped = { ...p, new: p.new.map((v, i) => (i === 3 ? 1 - v : v)) };
    expect(failed(await verifyAttestation(padded.run.dir, { predictions: flipped }))).toEqual(['commitments recomputed']);

    const dir = await mkdtemp(join(tmpdir(), 'hokusai-swap-'));
    await mkdir(join(dir, 'manifests'));
    await mkdir(join(dir, 'proofs'));
    for (const f of [...Object.keys(padded.run.files), 'attestation.json', PUBLIC0, 'verification_key.json']) {
      await copyFile(join(padded.run.dir, f), join(dir, f));
    }
    await copyFile(join(other.run.dir, PROOF0), join(dir, PROOF0));
    expect(failed(await verifyAttestation(dir, { predictions: p }))).toEqual(['proof files', 'groth16 proof']);
    await rehashProofFile(dir, PROOF0);
    expect(failed(await verifyAttestation(dir, { predictions: p }))).toEqual(['groth16 proof']);
    await copyFile(join(other.run.dir, 'attestation.json'), join(dir, 'attestation.json'));
    expect((await verifyAttestation(dir, { predictions: p })).ok).toBe(false);
  });

  it('cannot prove counts that are not the real ones', async () => {
    const p = padded.run.input.predictions!;
    const honest = await commitPredictions(p, N);
    const inflated = { ...honest, chunks: honest.chunks.map((c) => ({ ...c, new_correct: c.new_correct + 1 })) };
    const error = await proveChunks(p, inflated, await prepareProving(1, { n: N })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttestationError);
    expect((error as AttestationError).code).toBe('HOKUSAI_ZK_PROOF');
  });

  it('exports a Solidity verifier for the same verification key', async () => {
    const source = await exportSolidityVerifier({ circuitN: N });
    const vkey = padded.built.proofFiles!['verification_key.json'] as { vk_alpha_1: string[]; IC: unknown[] };
    expect(source).toMatch(/contract Groth16Verifier/);
    expect(source).toContain(vkey.vk_alpha_1[0]);
    expect(vkey.IC).toHaveLength(10);
  });

  it('calls the development ptau passed back in insecure, and its local key unpinned; refuses a ptau that is too small', async () => {
    const devPtau = fileURLToPath(new URL('../dev-ptau/insecure-bn128-p13.ptau', import.meta.url));
    const built = await buildAttestation(padded.run.input, { circuitN: N, ptauPath: devPtau, cacheDir: await mkdtemp(join(tmpdir(), 'hokusai-zk-cache-')) });
    const setup = built.attestation.body.predictions!.setup!;
    expect(setup).toMatchObject({ insecure: true, ptau: { ceremony: null }, key: { origin: 'local', beacon: null } });
    expect(setup.key.verification_key_sha256).not.toBe(shippedVerificationKeySha256(N));
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-local-key-'));
    await mkdir(join(dir, 'manifests'));
    for (const f of Object.keys(padded.run.files)) await copyFile(join(padded.run.dir, f), join(dir, f));
    await writeAttestation(dir, built);
    // The folder's own key is not the circuit's pinned key: it fails unless the verifier trusts it by hash.
    expect(failed(await verifyAttestation(dir, { predictions: padded.run.input.predictions! }))).toEqual(['verification key hash']);
    expect(failed(await verifyAttestation(dir, { predictions: padded.run.input.predictions!, verificationKeySha256: setup.key.verification_key_sha256 }))).toEqual([]);
    expect(failed(await verifyAttestation(dir, { predictions: padded.run.input.predictions!, verificationKeySha256: setup.key.verification_key_sha256, strict: true }))).toEqual(['trusted setup']);

    const small = join(await mkdtemp(join(tmpdir(), 'hokusai-ptau-')), 'small.ptau');
    const curve = await snarkjs.curves.getCurveFromName('bn128');
    await snarkjs.powersOfTau.newAccumulator(curve, 8, small);
    await curve.terminate();
    await expect(buildAttestation(padded.run.input, { circuitN: N, ptauPath: small })).rejects.toThrow(/power 8 .* needs power 11/);
  }, 300_000);

  it('attests the setup facts: relabelling the setup as secure, or swapping its key or ptau, fails', async () => {
    const { run } = padded;
    const original = await readFile(join(run.dir, 'attestation.json'));
    const edits: ((a: Attestation) => void)[] = [
      (a) => { a.body.predictions!.setup!.insecure = false; },
      (a) => { a.body.predictions!.setup!.ptau.ceremony = 'powersOfTau28_hez_final_13.ptau'; },
      (a) => { a.body.predictions!.setup!.key.beacon = 'b'.repeat(64); },
    ];
    for (const edit of edits) {
      // Even a forger who re-roots the body (hash, leaves, root) is caught by the setup checks.
      await editJson(join(run.dir, 'attestation.json'), (a) => {
        const att = a as Attestation;
        edit(att);
        att.body_sha256 = sha256Hex(canonicalJson(att.body));
        att.leaves = attestationLeaves(att.body);
        att.merkle_root = merkleRoot(att.leaves);
        return att;
      });
      const names = failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }));
      expect(names).toContain('proof metadata');
      await writeFile(join(run.dir, 'attestation.json'), original);
    }
  });

  it('--strict fails on the development setup; --require-proof fails without a proof', async () => {
    const { run } = padded;
    const strict = await verifyAttestation(run.dir, { predictions: run.input.predictions!, strict: true });
    expect(failed(strict)).toEqual(['trusted setup']);
    expect(strict.checks.find((c) => c.name === 'trusted setup')?.detail).toMatch(/--strict: WARNING INSECURE development key/);
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions!, requireProof: true }))).toEqual([]);
    // The same run re-rooted as "not proved", proof files removed: passes by default, fails when a proof is required.
    const unproved = await fixtureRun({ rows: 20, seed: 32 });
    const built = await buildAttestation(unproved.input, { circuitN: N, prove: false });
    await writeAttestation(unproved.dir, built);
    expect(failed(await verifyAttestation(unproved.dir, { predictions: unproved.input.predictions! }))).toEqual([]);
    expect(failed(await verifyAttestation(unproved.dir, { predictions: unproved.input.predictions!, requireProof: true }))).toEqual(['proof required']);
  });

  it('sees a reordered, duplicated or dropped chunk from the chain alone', async () => {
    const { run } = chunked;
    const original = await readFile(join(run.dir, 'attestation.json'));
    const edits: ((c: Attestation['body']['predictions'] & object) => void)[] = [
      (p) => { p.chunks.reverse(); },
      (p) => { p.chunks[1] = { ...p.chunks[0]!, index: 1 }; },
      (p) => { p.chunks.pop(); },
    ];
    for (const edit of edits) {
      await editJson(join(run.dir, 'attestation.json'), (a) => {
        const att = a as Attestation;
        edit(att.body.predictions!);
        return att;
      });
      expect(failed(await verifyAttestation(run.dir, {}))).toContain('chunk chain');
      await writeFile(join(run.dir, 'attestation.json'), original);
    }
  });
});
