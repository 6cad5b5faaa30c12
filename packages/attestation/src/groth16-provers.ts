import { readFileSync } from 'node:fs';
import type * as Snarkjs from 'snarkjs';
import { NativeGroth16Prover, nativeProverPath, type Groth16Proof } from './native-prover.js';
import { loadSnarkjs } from './snarkjs-loader.js';

/** Proves witnesses of one circuit under one .zkey; see openGroth16Prover. */
export interface Groth16Prover {
  /** `native` (dist/native/hokusai-groth16) or `snarkjs` (JavaScript and WebAssembly). */
  readonly kind: 'native' | 'snarkjs';
  /** Proves one witness (a circom .wtns file's bytes); calls may overlap. */
  prove(witness: Uint8Array): Promise<Groth16Proof>;
  close(): Promise<void>;
}

/**
 * Proofs snarkjs makes at once: the curve's workers run one proof's multi-exponentiations while
 * the main thread computes the next QAP evaluations (measured in tools/bench-attestation).
 */
const SNARKJS_CONCURRENCY = 2;

class SnarkjsProver implements Groth16Prover {
  readonly kind = 'snarkjs';
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly snarkjs: typeof Snarkjs, private readonly zkey: string) {}

  async prove(witness: Uint8Array): Promise<Groth16Proof> {
    if (this.running >= SNARKJS_CONCURRENCY) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      const wtns = { type: 'mem', data: witness } as Snarkjs.MemFile;
      const { proof, publicSignals } = await this.snarkjs.groth16.prove(this.zkey, wtns);
      return { proof, publicSignals };
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A prover for `zkeyPath`: the native one when the package build made it (or
 * HOKUSAI_GROTH16_PROVER names one), else snarkjs. Both make proofs of the same form that the same
 * verification key accepts; the native one is several times faster. A native prover that cannot
 * start (another platform's binary, a damaged file) is reported through `onFallback` and snarkjs
 * proves instead.
 */
export async function openGroth16Prover(zkeyPath: string, onFallback?: (why: string) => void): Promise<Groth16Prover> {
  const binary = nativeProverPath();
  if (binary !== undefined) {
    try {
      const native = await NativeGroth16Prover.start(binary, zkeyPath);
      return { kind: 'native', prove: (witness) => native.prove(witness), close: () => native.close() };
    } catch (error) {
      onFallback?.(`the native prover could not start (${(error as Error).message}); proving with snarkjs`);
    }
  }
  const snarkjs = await loadSnarkjs();
  // Read once, not once per proof.
  const zkey = { type: 'mem', data: readFileSync(zkeyPath) } as unknown as string;
  return new SnarkjsProver(snarkjs, zkey);
}
