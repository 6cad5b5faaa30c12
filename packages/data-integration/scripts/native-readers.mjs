// Builds the native readers (Node-API modules) into dist/native/ with the machine's C compiler,
// when there is one and Node's headers are at hand, on x86-64: csv-read.node (native/csv-read.c)
// and parquet-read.node (native/parquet-read.c). Otherwise the package reads CSV with its
// WebAssembly scanner and Parquet with parquet-wasm, as before: nothing fails. Run by the
// package's build: node scripts/native-readers.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const READERS = [
  { name: 'csv-read', what: 'CSV', otherwise: 'CSV files are read by the WebAssembly scanner' },
  { name: 'parquet-read', what: 'Parquet', otherwise: 'Parquet files are read by parquet-wasm' },
];

/** Node's own headers: beside this Node (official builds, nvm), or Debian's nodejs-dev package. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function compiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const headers = nodeHeaders();
const cc = compiler();
for (const { name, what, otherwise } of READERS) {
  const output = join(root, 'dist', 'native', `${name}.node`);
  rmSync(output, { force: true });
  if (process.arch !== 'x64' || process.platform !== 'linux' || headers === undefined || cc === undefined) {
    const missing = process.arch !== 'x64' || process.platform !== 'linux' ? `${process.platform}-${process.arch} (built for linux-x64 only)` : headers === undefined ? "Node's headers (node_api.h)" : 'a C compiler';
    console.log(`native ${what} reader not built: ${missing}; ${otherwise}.`);
    continue;
  }
  mkdirSync(dirname(output), { recursive: true });
  const started = Date.now();
  execFileSync(cc, ['-O2', '-msse4.1', '-shared', '-fPIC', '-pthread', '-Wall', '-Wextra', '-I', headers, '-o', output, join(root, 'native', `${name}.c`)], { stdio: 'inherit' });
  console.log(`native ${what} reader built in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${output}`);
}
