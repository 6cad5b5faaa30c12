// Build step: compiles the default and test circuit sizes into dist/circuits/<circuit hash>/ so
// installs carry ready circuits. Skips sizes whose hash already has a build.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileCircuitInto } from './circuit-compile.js';
import { circuitHash, DEFAULT_CIRCUIT_N, PACKAGE_ROOT } from './circuit-source.js';

const sizes = (process.argv[2] ?? `${DEFAULT_CIRCUIT_N},32`).split(',').map(Number);
for (const n of sizes) {
  const target = join(PACKAGE_ROOT, 'dist', 'circuits', circuitHash(n));
  if (existsSync(join(target, 'main.r1cs')) && existsSync(join(target, 'main.wasm'))) continue;
  const started = Date.now();
  await compileCircuitInto(n, target);
  console.log(`circuit N=${n} compiled in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${target}`);
}
