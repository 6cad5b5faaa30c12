import type * as Snarkjs from 'snarkjs';

/**
 * snarkjs (and its curve and worker code) is loaded only when a proof is made or checked, so
 * importing the package for hashing or Merkle proofs stays fast.
 */
export function loadSnarkjs(): Promise<typeof Snarkjs> {
  return import('snarkjs');
}
