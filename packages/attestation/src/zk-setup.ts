import { compiledCircuit } from './circuit-compile.js';
import { DEFAULT_CIRCUIT_N, checkCircuitN } from './circuit-source.js';
import { defaultCacheDir, groth16Setup, releaseCurve } from './groth16-setup.js';

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
export async function prepareZkSetup(options: { circuitN?: number; ptauPath?: string; cacheDir?: string } = {}): Promise<ZkSetupSummary> {
  const n = options.circuitN ?? DEFAULT_CIRCUIT_N;
  checkCircuitN(n);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const circuit = await compiledCircuit(n, cacheDir);
  try {
    const setup = await groth16Setup(circuit, { cacheDir, ...(options.ptauPath === undefined ? {} : { ptauPath: options.ptauPath }) });
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
