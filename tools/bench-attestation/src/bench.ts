// Measures what issue 6 sets targets for (proof of a 1,024-row benchmark < 20 s, verification
// < 2 s on a 2-core machine) plus constraint counts and the hashing primitives. Run after
// `npm run build -w @hokusai/attestation`; the first run also pays the one-time setup, which is
// reported separately. Usage: node dist/bench.js [rows=1024] [circuitN=1024] [repeats=3]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildAttestation,
  canonicalJson,
  merkleRoot,
  sha256Hex,
  verifyAttestation,
  writeAttestation,
  type AttestationInput,
} from '@hokusai/attestation';

const [rows = 1024, circuitN = 1024, repeats = 3] = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);

/** Seeded xorshift32 so every run proves the same statement. */
function bits(n: number, seed: number, pOne: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 0x1_0000_0000 < pOne ? 1 : 0;
  }
  return out;
}

function input(n: number): { input: AttestationInput; files: Record<string, Uint8Array> } {
  const labels = bits(n, 1, 0.4);
  const flip = (seed: number, rate: number): Uint8Array => {
    const f = bits(n, seed, rate);
    return labels.map((l, i) => (f[i] === 1 ? 1 - l : l));
  };
  const baseline = flip(2, 0.25);
  const candidate = flip(3, 0.18);
  const files: Record<string, Uint8Array> = {
    'model.onnx': bits(200_000, 4, 0.5),
    'predictions.json': new TextEncoder().encode(JSON.stringify({ labels: Array.from(labels), baseline: Array.from(baseline), new: Array.from(candidate) })),
    // zk_output_v1.json takes the contributed column count from this attested manifest.
    'manifests/contributed.json': new TextEncoder().encode(JSON.stringify({ column_count: 12 })),
  };
  const h = (s: string): string => sha256Hex(s);
  return {
    files,
    input: {
      run_id: 'bench',
      pipeline_version: '0.1.0',
      inputs: {
        base: { file_name: 'base.csv', format: 'csv', file_sha256: h('b'), content_hash: h('bc'), row_count: 10_000 },
        contributed: { file_name: 'contributed.csv', format: 'csv', file_sha256: h('c'), content_hash: h('cc'), row_count: 2_000 },
        benchmark: { file_name: 'benchmark.csv', format: 'csv', file_sha256: h('k'), content_hash: h('kc'), row_count: n },
      },
      config: { seed: 1 },
      models: { baseline: { onnx_sha256: h('m0'), family: 'logistic_regression' }, new: { onnx_sha256: sha256Hex(files['model.onnx'] as Uint8Array), family: 'logistic_regression' } },
      results: {},
      files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, sha256Hex(v)])),
      predictions: { labels, baseline, new: candidate },
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { input: attInput, files } = input(rows);
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-bench-'));
  await mkdir(join(dir, 'manifests'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);

  // First call: compiles (if not shipped), sets up (if not cached) and proves.
  let t = performance.now();
  let built = await buildAttestation(attInput, { circuitN, createdAt: '2026-01-01T00:00:00.000Z' });
  const first = performance.now() - t;

  const prove: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    built = await buildAttestation(attInput, { circuitN, createdAt: '2026-01-01T00:00:00.000Z' });
    prove.push(performance.now() - t);
  }
  t = performance.now();
  await buildAttestation(attInput, { circuitN, prove: false });
  const commitOnly = performance.now() - t;
  await writeAttestation(dir, built);

  const verifyWarm: number[] = [];
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    const report = await verifyAttestation(dir, { predictions: attInput.predictions! });
    verifyWarm.push(performance.now() - t);
    if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
  }
  // A fresh process, as `hokusai verify` runs: includes loading snarkjs, Poseidon and the curve.
  const verifyCold: number[] = [];
  const verifyColdCpu: number[] = [];
  const child = fileURLToPath(new URL('./verify-once.js', import.meta.url));
  for (let i = 0; i < repeats; i++) {
    t = performance.now();
    const cpuMs = Number(execFileSync(process.execPath, [child, dir, join(dir, 'predictions.json')], { encoding: 'utf8' }).trim());
    verifyCold.push(performance.now() - t);
    verifyColdCpu.push(cpuMs);
  }

  // Hashing primitives at pipeline scale.
  const leaves = Array.from({ length: 100_000 }, (_, i) => ({ name: `file/${i}`, hash: sha256Hex(String(i)) }));
  t = performance.now();
  merkleRoot(leaves);
  const merkle = performance.now() - t;
  const big = { rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, score: i / 7, tag: `row-${i}` })) };
  t = performance.now();
  const text = canonicalJson(big);
  const canon = performance.now() - t;

  const proof = built.attestation.proof!;
  const setup = built.attestation.body.predictions!.setup!;
  const result = {
    rows,
    circuit_n: circuitN,
    chunks: proof.public_signals.length,
    constraints: setup.circuit.constraints,
    ptau_power: setup.ptau.power,
    first_call_s: first / 1000,
    prove_s_median: median(prove) / 1000,
    commitments_only_s: commitOnly / 1000,
    verify_in_process_s_median: median(verifyWarm) / 1000,
    verify_fresh_process_s_median: median(verifyCold) / 1000,
    verify_fresh_process_cpu_s_median: median(verifyColdCpu) / 1000,
    load_average_1m: loadavg()[0],
    merkle_100k_leaves_s: merkle / 1000,
    canonical_json_mb_per_s: text.length / 1e6 / (canon / 1000),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `| ${rows} rows, N=${circuitN} | ${setup.circuit.constraints} constraints (2^${setup.ptau.power} ptau) | prove ${seconds(median(prove))} | verify ${seconds(median(verifyWarm))} in process, ${seconds(median(verifyCold))} fresh process (${seconds(median(verifyColdCpu))} CPU) | load ${loadavg()[0]?.toFixed(1)} |`,
  );
  const ok = median(prove) < 20_000 && median(verifyCold) < 2_000;
  console.log(ok ? 'targets met: proof < 20 s, verification < 2 s (wall)' : `TARGETS MISSED in wall time at load ${loadavg()[0]?.toFixed(1)} on ${String(availableParallelism())} cores`);
  await rm(dir, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

await main();
