import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './canonical-json.js';
import { circuitHash, PACKAGE_ROOT } from './circuit-source.js';
import { sha256Hex } from './sha256.js';

/** Keys made once by the maintainers (see make-shipped-keys.ts), by circuit hash. */
export const SHIPPED_KEYS_DIR = join(PACKAGE_ROOT, 'keys');
/** The development powers of tau the shipped keys were made from (one contribution, no beacon). */
export const DEV_PTAU_FILE = 'insecure-bn128-p13.ptau';
export const BEACON_ITERATIONS_EXP = 10;

/**
 * The phase-2 beacon of a circuit's shipped key: SHA-256 of a fixed text and the circuit hash.
 * It is public and chosen after the circuit is fixed, so the key is reproducible from the
 * maintainer's contribution (transcript.json) by anyone with `snarkjs zkey beacon`.
 */
export function beaconFor(circuitHashHex: string): string {
  return sha256Hex(`hokusai phase-2 beacon v1 ${circuitHashHex}`);
}

export interface ShippedKey {
  zkeyPath: string;
  verificationKey: Record<string, unknown>;
  verificationKeySha256: string;
  beacon: string;
  ptauSha256: string;
  ptauBlake2b512: string;
  ptauPower: number;
}

/** The shipped key of the circuit of size n, or undefined when the package ships none for it. */
export function shippedKey(n: number): ShippedKey | undefined {
  return shippedKeyIn(circuitHash(n));
}

/** The shipped key under keys/<circuit hash>/, or undefined when the package ships none for it. */
export function shippedKeyIn(hash: string): ShippedKey | undefined {
  const dir = join(SHIPPED_KEYS_DIR, hash);
  const zkeyPath = join(dir, 'circuit.zkey');
  const vkeyPath = join(dir, 'verification_key.json');
  const transcriptPath = join(dir, 'transcript.json');
  if (!existsSync(zkeyPath) || !existsSync(vkeyPath) || !existsSync(transcriptPath)) return undefined;
  const verificationKey = JSON.parse(readFileSync(vkeyPath, 'utf8')) as Record<string, unknown>;
  const transcript = JSON.parse(readFileSync(transcriptPath, 'utf8')) as { ptau: { sha256: string; blake2b512: string; power: number } };
  return {
    zkeyPath,
    verificationKey,
    verificationKeySha256: sha256Hex(canonicalJson(verificationKey)),
    beacon: beaconFor(hash),
    ptauSha256: transcript.ptau.sha256,
    ptauBlake2b512: transcript.ptau.blake2b512,
    ptauPower: transcript.ptau.power,
  };
}

/** SHA-256 of the shipped verification key for circuit size n: what `verify` pins by default. */
export function shippedVerificationKeySha256(n: number): string | undefined {
  return shippedKey(n)?.verificationKeySha256;
}
