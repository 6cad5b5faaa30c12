import { readFile, writeFile, copyFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  AttestationError,
  buildAttestation,
  jsonFileText,
  merkleProof,
  schemaPath,
  verifyAttestation,
  verifyMerkleProof,
  writeAttestation,
  type Attestation,
  type VerificationReport,
} from '../src/index.js';
import { fixtureRun } from './run-fixture.js';

const failed = (r: VerificationReport): string[] => r.checks.filter((c) => !c.ok).map((c) => c.name);

function ajvFor(file: string): (v: unknown) => boolean {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(JSON.parse(readFileSync(schemaPath(file), 'utf8')) as object);
}

describe('buildAttestation without a proof', () => {
  it('is deterministic: body, leaves, root and commitments depend only on the input', async () => {
    const run = await fixtureRun({ rows: 300, seed: 11 });
    const a = await buildAttestation(run.input, { prove: false, circuitN: 128 });
    const b = await buildAttestation(structuredClone(run.input), { prove: false, circuitN: 128, createdAt: '2020-01-01T00:00:00.000Z' });
    expect(JSON.stringify(b.attestation.body)).toBe(JSON.stringify(a.attestation.body));
    expect(b.attestation.leaves).toEqual(a.attestation.leaves);
    expect(b.attestation.merkle_root).toBe(a.attestation.merkle_root);
    expect(b.attestation.body_sha256).toBe(a.attestation.body_sha256);
    const p = a.attestation.body.predictions;
    expect(p?.chunks.map((c) => c.rows)).toEqual([128, 128, 44]);
    expect(p?.rows).toBe(300);
    expect(a.proofFiles).toBeUndefined();
  });

  it('changes the root when any attested value changes', async () => {
    const run = await fixtureRun({ rows: 100, seed: 12 });
    const root = (await buildAttestation(run.input, { prove: false, circuitN: 128 })).attestation.merkle_root;
    const variants = [
      { ...run.input, pipeline_version: '0.1.1' },
      { ...run.input, config: { ...(run.input.config as object), seed: 13 } },
      { ...run.input, results: { ...run.input.results, decision: 'rejected' } },
      { ...run.input, files: { ...run.input.files, 'model.onnx': 'f'.repeat(64) } },
      { ...run.input, predictions: { ...run.input.predictions!, new: run.input.predictions!.new.map((v, i) => (i === 7 ? 1 - v : v)) } },
    ];
    for (const v of variants) {
      expect((await buildAttestation(v, { prove: false, circuitN: 128 })).attestation.merkle_root).not.toBe(root);
    }
  });

  it('gives every file an inclusion proof that checks alone', async () => {
    const run = await fixtureRun({ rows: 50, seed: 14 });
    const { attestation } = await buildAttestation(run.input, { prove: false, circuitN: 64 });
    for (const name of Object.keys(run.files)) {
      const proof = merkleProof(attestation.leaves, `file/${name}`);
      expect(proof.leaf.hash).toBe(run.input.files[name]);
      expect(proof.root).toBe(attestation.merkle_root);
      expect(verifyMerkleProof(proof)).toBe(true);
    }
  });

  it('rejects invalid input with a code and the offending field', async () => {
    const run = await fixtureRun({ rows: 20, seed: 15 });
    const bad = [
      [{ ...run.input, files: { ...run.input.files, 'model.onnx': 'XYZ' } }, /files/],
      [{ ...run.input, files: { '../escape': 'a'.repeat(64) } }, /relative path/],
      [{ ...run.input, predictions: { ...run.input.predictions!, new: new Uint8Array(3) } }, /predictions.new has 3 rows/],
      [{ ...run.input, predictions: { ...run.input.predictions!, labels: run.input.predictions!.labels.map((v, i) => (i === 2 ? 2 : v)) } }, /labels\[2\] is 2/],
      [{ ...run.input, config: { x: Number.NaN } }, /NaN/],
    ] as const;
    for (const [input, message] of bad) {
      const error = await buildAttestation(input, { prove: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttestationError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(buildAttestation(run.input, { prove: false, circuitN: 5000 })).rejects.toThrow(/circuit size 5000/);
  });
});

describe('writeAttestation and verifyAttestation without a proof', () => {
  it('writes a folder that verifies, with attestation.json and zk_output_v1.json valid against their schemas', async () => {
    const run = await fixtureRun({ rows: 200, seed: 21 });
    const built = await buildAttestation(run.input, { prove: false, circuitN: 128 });
    await writeAttestation(run.dir, built);
    const report = await verifyAttestation(run.dir, { predictions: run.input.predictions! });
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['body hash', 'leaves recomputed', 'merkle root', 'file model.onnx', 'commitments recomputed', 'claimed accuracies']));

    const attestation = JSON.parse(await readFile(join(run.dir, 'attestation.json'), 'utf8')) as unknown;
    expect(ajvFor('attestation-1.0.schema.json')(attestation)).toBe(true);
    const zk = JSON.parse(await readFile(join(run.dir, 'zk_output_v1.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const validate = ajvFor('zk-output-v1.schema.json');
    expect(validate(zk)).toBe(true);
    expect(zk.attestation).toMatchObject({ hash_tree_root: built.attestation.merkle_root, proof_ready: false, proof_system: 'none', circuit_hash: null });
    expect(zk.evaluation_results?.baseline_metrics).toHaveProperty('f1', 0.5);
    expect(zk.evaluation_results?.baseline_metrics).not.toHaveProperty('f1_score');
    // The schema is closed: an extra key or a renamed metric key is refused.
    expect(validate({ ...zk, extra: 1 })).toBe(false);
    expect(validate({ ...zk, evaluation_results: { ...zk.evaluation_results, baseline_metrics: { accuracy: 1.5 } } })).toBe(false);
    expect(validate({ ...zk, attestation: { ...zk.attestation, hash_tree_root: 'ABC' } })).toBe(false);
  });

  it('rebuilds every field of zk_output_v1.json from the attested body: a swapped wallet, contributor, environment, dry run, benchmark type or MLflow run fails', async () => {
    const run = await fixtureRun({ rows: 50, seed: 22 });
    const publication = { contributor_id: 'alice', wallet_address: `0x${'ab'.repeat(20)}`, environment: 'test' as const, dry_run: false, benchmark_type: 'binary_classification', mlflow_run_id: 'mlf-1' };
    await writeAttestation(run.dir, await buildAttestation({ ...run.input, publication }, { prove: false, circuitN: 128 }));
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual([]);
    const path = join(run.dir, 'zk_output_v1.json');
    const original = await readFile(path, 'utf8');
    const zk = JSON.parse(original) as { metadata: Record<string, unknown>; contributor_info: Record<string, unknown>; evaluation_results: { benchmark_metadata: Record<string, unknown> }; models: { new: Record<string, unknown>; baseline: Record<string, unknown> } };
    expect(zk.contributor_info).toMatchObject({ contributor_id: 'alice', wallet_address: publication.wallet_address });
    expect(zk.metadata).toMatchObject({ environment: 'test', dry_run: false });
    expect(zk.models.new.mlflow_run_id).toBe('mlf-1');
    const swaps: ((z: typeof zk) => void)[] = [
      (z) => { z.contributor_info.wallet_address = `0x${'cd'.repeat(20)}`; },
      (z) => { z.contributor_info.contributor_id = 'mallory'; },
      (z) => { z.metadata.environment = 'production'; },
      (z) => { z.metadata.dry_run = true; },
      (z) => { z.evaluation_results.benchmark_metadata.type = 'regression'; },
      (z) => { z.models.new.mlflow_run_id = 'mlf-2'; z.models.baseline.mlflow_run_id = 'mlf-2'; },
    ];
    for (const swap of swaps) {
      const edited = JSON.parse(original) as typeof zk;
      swap(edited);
      await writeFile(path, jsonFileText(edited));
      expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual(['zk_output_v1.json']);
    }
    await writeFile(path, original);
    // A wallet swapped inside the attestation changes the body, so its hash and root fail.
    const att = JSON.parse(await readFile(join(run.dir, 'attestation.json'), 'utf8')) as { body: { publication: { wallet_address: string } } };
    att.body.publication.wallet_address = `0x${'cd'.repeat(20)}`;
    await writeFile(join(run.dir, 'attestation.json'), JSON.stringify(att));
    expect(failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }))).toEqual(expect.arrayContaining(['body hash', 'merkle root']));
  });

  it('names the failing check when any byte of any attested file changes', async () => {
    const run = await fixtureRun({ rows: 100, seed: 22 });
    await writeAttestation(run.dir, await buildAttestation(run.input, { prove: false, circuitN: 128 }));
    for (const name of Object.keys(run.files)) {
      const path = join(run.dir, name);
      const original = await readFile(path);
      for (const at of [0, Math.floor(original.length / 2), original.length - 1]) {
        const changed = Buffer.from(original);
        changed[at] = (changed[at] as number) ^ 0x01;
        await writeFile(path, changed);
        const report = await verifyAttestation(run.dir, { predictions: run.input.predictions! });
        expect(report.ok).toBe(false);
        // zk_output_v1.json takes the contributed column count from the attested manifest only.
        expect(failed(report)).toEqual(name === 'manifests/contributed.json' ? [`file ${name}`, 'zk_output_v1.json'] : [`file ${name}`]);
      }
      await writeFile(path, original);
    }
    expect((await verifyAttestation(run.dir, { predictions: run.input.predictions! })).ok).toBe(true);
  });

  it('names the failing check when the attestation itself is edited', async () => {
    const run = await fixtureRun({ rows: 100, seed: 23 });
    await writeAttestation(run.dir, await buildAttestation(run.input, { prove: false, circuitN: 128 }));
    const path = join(run.dir, 'attestation.json');
    const original = await readFile(path, 'utf8');
    const edit = async (change: (a: Attestation) => void): Promise<string[]> => {
      const a = JSON.parse(original) as Attestation;
      change(a);
      await writeFile(path, JSON.stringify(a));
      return failed(await verifyAttestation(run.dir, { predictions: run.input.predictions! }));
    };
    expect(await edit((a) => { (a.body.results.new_metrics as { accuracy: number }).accuracy += 0.01; })).toEqual(['body hash', 'leaves recomputed', 'merkle root', 'claimed accuracies', 'zk_output_v1.json']);
    expect(await edit((a) => { a.body.predictions!.new_correct += 1; })).toEqual(['body hash', 'leaves recomputed', 'merkle root', 'commitments recomputed', 'claimed accuracies']);
    expect(await edit((a) => { a.leaves[0]!.hash = '0'.repeat(64); })).toEqual(['leaves recomputed']);
    expect(await edit((a) => { a.merkle_root = '0'.repeat(64); })).toEqual(['merkle root', 'zk_output_v1.json']);
    expect(await edit((a) => { a.body_sha256 = '0'.repeat(64); })).toEqual(['body hash']);
    expect(await edit((a) => { (a as unknown as Record<string, unknown>).extra = true; })).toEqual(['attestation schema']);
    expect(await edit((a) => { a.body.files['../../etc/hostname'] = '0'.repeat(64); })).toEqual(['body hash', 'leaves recomputed', 'merkle root', 'file ../../etc/hostname']);
    await writeFile(path, original);
  });

  it('fails when a prediction is changed or missing, and when attestations are swapped between runs', async () => {
    const one = await fixtureRun({ rows: 150, seed: 24 });
    const two = await fixtureRun({ rows: 150, seed: 25 });
    await writeAttestation(one.dir, await buildAttestation(one.input, { prove: false, circuitN: 128 }));
    await writeAttestation(two.dir, await buildAttestation(two.input, { prove: false, circuitN: 128 }));
    const p = one.input.predictions!;
    const flipped = { ...p, baseline: p.baseline.map((v, i) => (i === 140 ? 1 - v : v)) };
    expect(failed(await verifyAttestation(one.dir, { predictions: flipped }))).toEqual(['commitments recomputed']);
    expect(failed(await verifyAttestation(one.dir))).toEqual(['commitments recomputed']);
    await copyFile(join(two.dir, 'attestation.json'), join(one.dir, 'attestation.json'));
    const swapped = await verifyAttestation(one.dir, { predictions: p });
    expect(swapped.ok).toBe(false);
    expect(failed(swapped)).toEqual(expect.arrayContaining(['file model.onnx', 'file predictions.json', 'commitments recomputed']));
  });
});
