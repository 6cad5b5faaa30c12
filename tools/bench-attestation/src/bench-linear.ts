// Measures the inference proof of the linear family against issue 15's targets (1,024 rows x 20
// features, both models: prove < 60 s, verify < 2 s on a 2-core machine). Synthetic data: 10
// numeric columns (20 circuit features with their present flags), two seeded linear models.
// Run after `npm run build -w @hokusai/attestation`. Usage: node dist/bench-linear.js [rows=1024]
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import {
  benchmarkCommitment,
  benchmarkPlan,
  circuitLabels,
  proveLinear,
  quantizeBenchmark,
  quantizeModel,
  verifyLinearProofs,
  LINEAR_ROWS,
  type BenchmarkColumns,
  type LinearModel,
} from '@hokusai/attestation';

const [rows = 1024] = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);

/** Seeded xorshift32 in [0, 1), so every run proves the same statement. */
function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const COLUMNS = Array.from({ length: 10 }, (_, j) => `x${j}`);

function model(seed: number): LinearModel {
  const u = uniform(seed);
  return { numeric: COLUMNS.map((name) => ({ name, mean: 50, scale: 1 / 20, weight: u() * 2 - 1 })), categorical: [], bias: u() - 0.5 };
}

/** CPU milliseconds of this process's finished children (the native prover). */
const childCpu = (): number => {
  // /proc/self/stat fields 16 and 17: user and system time of waited-for children, in ticks of 10 ms.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) * 10;
};
const nodeCpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const cpu = (): number => nodeCpu() + childCpu();

async function main(): Promise<void> {
  const u = uniform(7);
  const table: BenchmarkColumns = Object.fromEntries(COLUMNS.map((c) => [c, Array.from({ length: rows }, () => (u() < 0.02 ? null : Math.round(u() * 10_000) / 100))]));
  const labels = Array.from({ length: rows }, () => (u() < 0.5 ? 1 : 0));
  const plan = benchmarkPlan(table, COLUMNS);
  const q = quantizeBenchmark(plan, table, labels);
  const m0 = quantizeModel(model(11), plan);
  const m1 = quantizeModel(model(12), plan);
  let wall = Date.now();
  let used = cpu();
  const b = benchmarkCommitment(q);
  const commit = { wall_ms: Date.now() - wall, cpu_ms: cpu() - used };
  wall = Date.now();
  used = cpu();
  const [node0, child0] = [nodeCpu(), childCpu()];
  const { proofs, prover } = await proveLinear(q, m0, m1, circuitLabels(m0, q), circuitLabels(m1, q));
  const prove = { wall_ms: Date.now() - wall, cpu_ms: cpu() - used, node_cpu_ms: nodeCpu() - node0, prover_process_cpu_ms: childCpu() - child0 };
  wall = Date.now();
  used = cpu();
  const v = await verifyLinearProofs(proofs, { baseline: m0, model: m1, benchmark: b, rows });
  const verify = { wall_ms: Date.now() - wall, cpu_ms: cpu() - used };
  const summary = {
    rows,
    features: 2 * COLUMNS.length,
    chunks: proofs.length,
    rows_per_chunk: LINEAR_ROWS,
    prover,
    verified: v.ok,
    benchmark_commitment: commit,
    prove,
    verify,
    targets: { prove_under_60s: prove.wall_ms < 60_000, verify_under_2s: verify.wall_ms < 2_000 },
    machine: { cores: availableParallelism(), load: loadavg()[0] },
  };
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = v.ok && summary.targets.prove_under_60s && summary.targets.verify_under_2s ? 0 : 1;
}

await main();
