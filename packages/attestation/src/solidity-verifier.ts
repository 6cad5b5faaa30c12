import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadSnarkjs } from './snarkjs-loader.js';
import { compiledCircuit } from './circuit-compile.js';
import { DEFAULT_CIRCUIT_N, checkCircuitN } from './circuit-source.js';
import { defaultCacheDir, groth16Setup, releaseCurve } from './groth16-setup.js';

/**
 * Solidity source of a Groth16 verifier contract for the same verification key the proofs are
 * made with (same circuit size, ptau and cache), as snarkjs generates it.
 */
export async function exportSolidityVerifier(options: { circuitN?: number; ptauPath?: string; cacheDir?: string } = {}): Promise<string> {
  const n = options.circuitN ?? DEFAULT_CIRCUIT_N;
  checkCircuitN(n);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const circuit = await compiledCircuit(n, cacheDir);
  const setup = await groth16Setup(circuit, { cacheDir, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) });
  const snarkjsDir = join(dirname(createRequire(import.meta.url).resolve('snarkjs')), '..');
  const snarkjs = await loadSnarkjs();
  const template = await readFile(join(snarkjsDir, 'templates', 'verifier_groth16.sol.ejs'), 'utf8');
  try {
    return await snarkjs.zKey.exportSolidityVerifier(setup.zkeyPath, { groth16: template });
  } finally {
    await releaseCurve();
  }
}
