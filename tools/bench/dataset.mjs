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

/**
 * Datasets written by tools/bench/wide-data.py (numpy) rather than tools/datagen: the shape the
 * performance issue was measured on (20 float features, an e-mail column, a 0/1 label).
 */
const WIDE = { wide1m: 1 };

/** The target column and the columns left out of training, per dataset. */
export function columnsOf(size) {
  return size in WIDE ? { target: 'label', exclude: [] } : { target: 'churned', exclude: ['customer_id'] };
}

/** Folder holding base.csv, contributed.csv and benchmark.csv for `size` (1k, 100k, 1m, 5m, 20m, wide1m). */
export function benchData(size) {
  const data = join(tmpdir(), 'hokusai-bench', size);
  if (!existsSync(join(data, 'benchmark.csv'))) {
    mkdirSync(data, { recursive: true });
    if (size in WIDE) execFileSync('python3', [join(root, 'tools', 'bench', 'wide-data.py'), data, '--scale', String(WIDE[size])], { stdio: 'inherit' });
    // The generator writes rows as it draws them: every size runs in the default heap.
    else execFileSync(process.execPath, [datagen, '--preset', size, '--formats', 'csv', '--out', data], { stdio: 'inherit' });
  }
  return data;
}

/** `--target` and `--exclude` arguments for `size` (the same for hokusai and the peer). */
export function columnArgs(size) {
  const { target, exclude } = columnsOf(size);
  return ['--target', target, ...exclude.flatMap((c) => ['--exclude', c])];
}

/** Arguments of `hokusai run` on the dataset: logistic regression (the default), no proof unless asked. */
export function runArgs(data, work, proof = false, size = '1m') {
  return ['--json', 'run', '--base', join(data, 'base.csv'), '--contributed', join(data, 'contributed.csv'), '--benchmark', join(data, 'benchmark.csv'),
    ...columnArgs(size), '--out', join(work, 'out'), '--store', join(work, 'store'), ...(proof ? [] : ['--no-proof'])];
}
