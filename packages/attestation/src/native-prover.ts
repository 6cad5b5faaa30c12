import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { PACKAGE_ROOT } from './circuit-source.js';
import { AttestationError } from './errors.js';

/** A snarkjs Groth16 proof and its public signals, as `snarkjs.groth16.prove` returns them. */
export interface Groth16Proof {
  proof: unknown;
  publicSignals: string[];
}

/** The native prover's file name in the built package (dist/native/), made by `npm run build`. */
export const NATIVE_PROVER_NAME = process.platform === 'win32' ? 'hokusai-groth16.exe' : 'hokusai-groth16';

/**
 * The native Groth16 prover to use: `HOKUSAI_GROTH16_PROVER` when set (a path, or `snarkjs` to
 * prove in JavaScript), else the binary the package build made from native/ when Go was
 * available, else none (snarkjs proves).
 */
export function nativeProverPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env['HOKUSAI_GROTH16_PROVER'];
  if (chosen === 'snarkjs') return undefined;
  if (chosen !== undefined && chosen !== '') {
    if (!existsSync(chosen)) throw new AttestationError('HOKUSAI_ZK_SETUP', `HOKUSAI_GROTH16_PROVER names ${chosen}, which does not exist; unset it, or set it to snarkjs to prove in JavaScript`);
    return chosen;
  }
  const built = join(PACKAGE_ROOT, 'dist', 'native', NATIVE_PROVER_NAME);
  return existsSync(built) ? built : undefined;
}

/** Longest wait for the prover to read its key (an 11 MB key takes well under a second). */
const READY_TIMEOUT_MS = 60_000;

interface Pending {
  resolve: (value: Groth16Proof) => void;
  reject: (error: Error) => void;
}

type ProverProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One running native prover (native/ in this package: Go, gnark-crypto's BN254 arithmetic),
 * holding a .zkey in memory and proving circom witnesses sent to it, as many side by side as the
 * machine has cores. Its proofs are snarkjs proofs: the same equations, checked by the same
 * verifiers. Answers come back in request order.
 */
export class NativeGroth16Prover {
  private readonly pending: Pending[] = [];
  private stdout = '';
  private stderr = '';
  private failure: Error | undefined;

  private constructor(private readonly child: ProverProcess, private readonly binary: string) {}

  /** Starts `binary` on `zkeyPath` and waits until the key is read (at most `readyTimeoutMs`). */
  static async start(binary: string, zkeyPath: string, readyTimeoutMs = READY_TIMEOUT_MS): Promise<NativeGroth16Prover> {
    const child = spawn(binary, [zkeyPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const prover = new NativeGroth16Prover(child, binary);
    const ready = new Promise<Groth16Proof>((resolve, reject) => prover.pending.push({ resolve, reject }));
    child.stdout.setEncoding('utf8').on('data', (text: string) => prover.onOutput(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (prover.stderr = (prover.stderr + text).slice(-4000)));
    child.on('error', (error) => prover.fail(new AttestationError('HOKUSAI_ZK_SETUP', `the native prover ${binary} cannot start: ${error.message}`, { cause: error })));
    child.on('exit', (code, signal) => prover.fail(new AttestationError('HOKUSAI_ZK_PROOF', `the native prover ${binary} stopped (${signal ?? `exit code ${String(code)}`})${prover.stderr === '' ? '' : `: ${prover.stderr.trim()}`}`)));
    // A request written after the process died is answered by the exit handler, not by EPIPE.
    child.stdin.on('error', () => undefined);
    // A program that never says it is ready (not a prover at all) must not hang the run.
    const timer = setTimeout(() => {
      prover.fail(new AttestationError('HOKUSAI_ZK_SETUP', `the native prover ${binary} did not read ${zkeyPath} within ${readyTimeoutMs / 1000} s`));
      child.kill('SIGKILL');
    }, readyTimeoutMs);
    try {
      await ready;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return prover;
  }

  /** Proves one witness (a circom .wtns file's bytes). */
  prove(witness: Uint8Array): Promise<Groth16Proof> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const answer = new Promise<Groth16Proof>((resolve, reject) => this.pending.push({ resolve, reject }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(witness.byteLength);
    this.child.stdin.write(length);
    this.child.stdin.write(witness);
    return answer;
  }

  /** Ends the process after the answers in flight (they still arrive). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await exited;
  }

  private onOutput(text: string): void {
    this.stdout += text;
    for (let end = this.stdout.indexOf('\n'); end >= 0; end = this.stdout.indexOf('\n')) {
      const line = this.stdout.slice(0, end);
      this.stdout = this.stdout.slice(end + 1);
      const waiting = this.pending.shift();
      if (waiting === undefined) continue;
      let answer: { ready?: boolean; proof?: unknown; publicSignals?: string[]; error?: string };
      try {
        answer = JSON.parse(line) as typeof answer;
      } catch {
        waiting.reject(new AttestationError('HOKUSAI_ZK_PROOF', `the native prover ${this.binary} answered something that is not JSON: ${line.slice(0, 200)}`));
        continue;
      }
      if (answer.error !== undefined) waiting.reject(new AttestationError('HOKUSAI_ZK_PROOF', `the native prover failed: ${answer.error}`));
      else if (answer.ready === true) waiting.resolve({ proof: null, publicSignals: [] });
      else if (answer.proof !== undefined && Array.isArray(answer.publicSignals)) waiting.resolve({ proof: answer.proof, publicSignals: answer.publicSignals });
      else waiting.reject(new AttestationError('HOKUSAI_ZK_PROOF', `the native prover answered without a proof: ${line.slice(0, 200)}`));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.splice(0)) waiting.reject(this.failure);
  }
}
