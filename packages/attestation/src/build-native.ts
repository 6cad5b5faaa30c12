// Build step: compiles the native Groth16 prover (native/, Go) into dist/native/ when a Go
// toolchain is available. Without one the package still works: snarkjs proves, more slowly.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './circuit-source.js';
import { findGo } from './go-toolchain.js';
import { NATIVE_PROVER_NAME } from './native-prover.js';

const go = findGo();
const output = join(PACKAGE_ROOT, 'dist', 'native', NATIVE_PROVER_NAME);
if (go === undefined) {
  console.log(`native prover not built: no Go toolchain (go ${'>='} 1.26) found; proofs are made with snarkjs. Install Go and rebuild, or set HOKUSAI_GROTH16_PROVER.`);
} else {
  const started = Date.now();
  // GOTOOLCHAIN=local: never fetch another Go; -mod=readonly: go.sum pins gnark-crypto.
  execFileSync(go, ['build', '-trimpath', '-mod=readonly', '-o', output, '.'], { cwd: join(PACKAGE_ROOT, 'native'), stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' } });
  if (!existsSync(output)) throw new Error(`go build did not write ${output}`);
  console.log(`native prover built in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${output}`);
}
