import type { Command } from 'commander';
import { checkTarget, loadDataset } from '@hokusai/data-integration';
import { BenchmarkRegistry } from '@hokusai/evaluation';
import { inferenceCommitment } from '@hokusai/orchestrator';
import type { Output } from '../output.js';

const DEFAULT_REGISTRY = '.hokusai/benchmarks.json';

export function registerBenchmarkCommand(program: Command, output: Output): void {
  const benchmark = program
    .command('benchmark')
    .description('register benchmarks by content hash, and list them')
    .addHelpText('after', '\nExamples:\n  hokusai benchmark register bench.csv --id churn --bench-version 1 --target churned\n  hokusai benchmark list');
  benchmark
    .command('register <file>')
    .description('register a benchmark version: its content hash (independent of row order and format), target and task')
    .requiredOption('--id <id>', 'benchmark id')
    .requiredOption('--bench-version <version>', 'benchmark version (a run names it as id@version)')
    .requiredOption('--target <column>', 'label column')
    .option('--task <task>', 'binary or multiclass', 'binary')
    .option('--description <text>', 'what the benchmark measures')
    .option('--registry <file>', 'registry file', DEFAULT_REGISTRY)
    .option('--inference-columns <columns>', 'comma-separated feature columns: also store the commitment B the inference proof of a linear model covers')
    .addHelpText('after', '\nExample:\n  hokusai benchmark register bench.csv --id churn --bench-version 1 --target churned\n  hokusai benchmark register bench.csv --id churn --bench-version 2 --target churned --inference-columns age,income,plan\n  hokusai run ... --config run.yaml   # with benchmarkId: churn@1')
    .action(async (file: string, flags: { id: string; benchVersion: string; target: string; task: string; description?: string; registry: string; inferenceColumns?: string }) => {
      const task = flags.task === 'multiclass' ? 'multiclass' : 'binary';
      const dataset = await loadDataset(file);
      checkTarget(dataset, flags.target, task);
      const record = new BenchmarkRegistry(flags.registry).register({
        id: flags.id,
        version: flags.benchVersion,
        content_hash: dataset.manifest.content_hash,
        target: flags.target,
        task,
        rows: dataset.manifest.row_count,
        ...(flags.description === undefined ? {} : { description: flags.description }),
        ...(flags.inferenceColumns === undefined ? {} : { inference_commitment: inferenceCommitment(dataset.table, flags.target, flags.inferenceColumns.split(',').map((c) => c.trim()).filter((c) => c !== '')) }),
      });
      output.result(record, `registered ${record.id}@${record.version}: ${record.rows ?? '?'} rows, content hash ${record.content_hash}${record.inference_commitment === undefined ? '' : `, inference commitment B ${record.inference_commitment.commitment}`} (${flags.registry})`);
    });
  benchmark
    .command('list')
    .description('list registered benchmarks')
    .option('--registry <file>', 'registry file', DEFAULT_REGISTRY)
    .addHelpText('after', '\nExample:\n  hokusai benchmark list')
    .action((flags: { registry: string }) => {
      const records = new BenchmarkRegistry(flags.registry).list();
      const text = records.length === 0 ? `no benchmarks registered in ${flags.registry}` : records.map((r) => `${r.id}@${r.version}  ${r.task}  target=${r.target}  rows=${r.rows ?? '?'}  ${r.content_hash}`).join('\n');
      output.result(records, text);
    });
}
