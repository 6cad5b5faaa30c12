// The seeded benchmark dataset of a size, generated once by tools/datagen and cached.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
export const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const datagen = join(root, 'tools', 'datagen', 'dist', 'bin.js');

/** Exits with a hint when the CLI or the generator has not been built. */
export function requireBuilt() {
  if (!existsSync(cli) || !existsSync(datagen)) {
    console.error('Build first: npx nx run-many -t build');
    process.exit(2);
  }
}

/** Folder holding base.csv, contributed.csv and benchmark.csv for the preset `size` (1k, 100k, 1m, 5m, 20m). */
export function benchData(size) {
  const data = join(tmpdir(), 'hokusai-bench', size);
  if (!existsSync(join(data, 'benchmark.csv'))) {
    mkdirSync(data, { recursive: true });
    // The generator writes rows as it draws them: every size runs in the default heap.
    execFileSync(process.execPath, [datagen, '--preset', size, '--formats', 'csv', '--out', data], { stdio: 'inherit' });
  }
  return data;
}

/** Arguments of `hokusai run` on the dataset: logistic regression (the default), no proof unless asked. */
export function runArgs(data, work, proof = false) {
  return ['--json', 'run', '--base', join(data, 'base.csv'), '--contributed', join(data, 'contributed.csv'), '--benchmark', join(data, 'benchmark.csv'),
    '--target', 'churned', '--exclude', 'customer_id', '--out', join(work, 'out'), '--store', join(work, 'store'), ...(proof ? [] : ['--no-proof'])];
}
