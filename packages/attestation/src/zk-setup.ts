import { compiledCircuit, findCompiledCircuit } from './circuit-compile.js';
import { DEFAULT_CIRCUIT_N, checkCircuitN } from './circuit-source.js';
import { defaultCacheDir, groth16Setup, releaseCurve } from './groth16-setup.js';
import { ProofProgressReporter, type ProofProgressListener } from './proof-progress.js';

export interface ZkSetupSummary {
  circuitN: number;
  circuitHash: string;
  constraints: number;
  zkeyPath: string;
  verificationKeySha256: string;
  ptauSha256: string;
  ptauPower: number;
  insecure: boolean;
  note: string;
}

/**
 * Compiles the circuit for N rows and makes (or finds in the cache) its Groth16 proving and
 * verification keys, so the first proving run does not pay for them (`hokusai zk setup`).
 */
export async function prepareZkSetup(options: { circuitN?: number; ptauPath?: string; cacheDir?: string; onProgress?: ProofProgressListener | undefined } = {}): Promise<ZkSetupSummary> {
  const n = options.circuitN ?? DEFAULT_CIRCUIT_N;
  checkCircuitN(n);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  // The same 'circuit' and 'setup' phases a proving run starts with.
  const progress = new ProofProgressReporter(2, options.onProgress);
  const circuitWords = findCompiledCircuit(n, cacheDir) === undefined ? `compiling the circuit for N=${n} with circom2` : `circuit for N=${n} (compiled already)`;
  const circuit = await progress.phase('circuit', circuitWords, () => compiledCircuit(n, cacheDir));
  try {
    const setup = await progress.phase('setup', 'Groth16 keys (made once per circuit and ptau, then cached)', (logger) =>
      groth16Setup(circuit, { cacheDir, logger, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) }),
    );
    return {
      circuitN: n,
      circuitHash: circuit.hash,
      constraints: setup.constraints,
      zkeyPath: setup.zkeyPath,
      verificationKeySha256: setup.verificationKeySha256,
      ptauSha256: setup.ptauSha256,
      ptauPower: setup.ptauPower,
      insecure: setup.insecure,
      note: setup.note,
    };
  } finally {
    await releaseCurve();
  }
}
