import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AttestationError } from './errors.js';

/** BN254 scalar field, the field circom circuits compute in. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// Round numbers of circomlib's Poseidon (8 full rounds; partial rounds by width t = inputs + 1).
const ROUNDS_F = 8;
const ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

interface Params {
  c: bigint[];
  m: bigint[][];
}

let raw: { C: string[][]; M: string[][][] } | undefined;
const byWidth = new Map<number, Params>();

/**
 * Round constants and MDS matrices are read from circomlibjs's own table, so this matches
 * circomlib's Poseidon template exactly; only the width in use is converted to bigint. A plain
 * BigInt implementation starts in milliseconds, where building circomlibjs's takes over a second,
 * which matters for `hokusai verify` in a fresh process.
 */
function params(t: number): Params {
  const cached = byWidth.get(t);
  if (cached !== undefined) return cached;
  if (raw === undefined) {
    const src = join(dirname(createRequire(import.meta.url).resolve('circomlibjs')), '..', 'src', 'poseidon_constants.js');
    const text = readFileSync(src, 'utf8').replace(/^\s*export default/, '').trim().replace(/;\s*$/, '');
    raw = JSON.parse(text) as { C: string[][]; M: string[][][] };
  }
  const c = raw.C[t - 2];
  const m = raw.M[t - 2];
  if (c === undefined || m === undefined) throw new AttestationError('HOKUSAI_INVALID_INPUT', `Poseidon has no parameters for ${t - 1} inputs`);
  const p: Params = { c: c.map((x) => BigInt(x)), m: m.map((row) => row.map((x) => BigInt(x))) };
  byWidth.set(t, p);
  return p;
}

const pow5 = (a: bigint): bigint => {
  const a2 = (a * a) % BN254_R;
  return (((a2 * a2) % BN254_R) * a) % BN254_R;
};

/** circomlib Poseidon(n) of 1 to 16 field elements (each reduced modulo the BN254 scalar field). */
export function poseidonHash(inputs: bigint[]): bigint {
  if (inputs.length < 1 || inputs.length > ROUNDS_P.length) {
    throw new AttestationError('HOKUSAI_INVALID_INPUT', `Poseidon takes 1 to ${ROUNDS_P.length} inputs, got ${inputs.length}`);
  }
  const t = inputs.length + 1;
  const { c, m } = params(t);
  const partial = ROUNDS_P[t - 2] as number;
  let state = [0n, ...inputs.map((x) => ((x % BN254_R) + BN254_R) % BN254_R)];
  for (let r = 0; r < ROUNDS_F + partial; r++) {
    for (let i = 0; i < t; i++) state[i] = ((state[i] as bigint) + (c[r * t + i] as bigint)) % BN254_R;
    if (r < ROUNDS_F / 2 || r >= ROUNDS_F / 2 + partial) {
      for (let i = 0; i < t; i++) state[i] = pow5(state[i] as bigint);
    } else {
      state[0] = pow5(state[0] as bigint);
    }
    const next = new Array<bigint>(t);
    for (let i = 0; i < t; i++) {
      const row = m[i] as bigint[];
      let acc = 0n;
      for (let j = 0; j < t; j++) acc += (row[j] as bigint) * (state[j] as bigint);
      next[i] = acc % BN254_R;
    }
    state = next;
  }
  return state[0] as bigint;
}
