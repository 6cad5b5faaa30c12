// Build step: compiles the default and test circuit sizes into dist/circuits/<circuit hash>/ so
// installs carry ready circuits. Skips sizes whose hash already has a build.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileCircuitInto, compileSourcesInto } from './circuit-compile.js';
import { linearCircuitHash, linearCircuitSources, LINEAR_CIRCUIT_NAME } from './linear-circuit.js';
import { circuitHash, DEFAULT_CIRCUIT_N, PACKAGE_ROOT } from './circuit-source.js';

const sizes = (process.argv[2] ?? `${DEFAULT_CIRCUIT_N},32`).split(',').map(Number);
for (const n of sizes) {
  const target = join(PACKAGE_ROOT, 'dist', 'circuits', circuitHash(n));
  if (existsSync(join(target, 'main.r1cs')) && existsSync(join(target, 'main.wasm'))) continue;
  const started = Date.now();
  await compileCircuitInto(n, target);
  console.log(`circuit N=${n} compiled in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${target}`);
}

// The linear inference circuit: one fixed size.
const linearTarget = join(PACKAGE_ROOT, 'dist', 'circuits', linearCircuitHash());
if (!existsSync(join(linearTarget, 'main.r1cs')) || !existsSync(join(linearTarget, 'main.wasm'))) {
  const started = Date.now();
  await compileSourcesInto(linearCircuitSources(), LINEAR_CIRCUIT_NAME, linearTarget);
  console.log(`linear circuit compiled in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${linearTarget}`);
}
