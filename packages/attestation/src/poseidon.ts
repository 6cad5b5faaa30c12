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
  s: bigint[];
  m: bigint[][];
  p: bigint[][];
}

let raw: { C: string[][]; S: string[][]; M: string[][][]; P: string[][][] } | undefined;
const byWidth = new Map<number, Params>();

/**
 * Round constants and matrices are read from circomlibjs's own table (the optimized form: sparse
 * matrices in the partial rounds, as in neptune), so this matches circomlib's Poseidon template
 * exactly; only the width in use is converted to bigint. A plain BigInt implementation starts in
 * milliseconds, where building circomlibjs's takes over a second, which matters for
 * `hokusai verify` in a fresh process; the sparse partial rounds make a hash about 5x cheaper
 * than the textbook rounds, which matters when a benchmark's rows are hashed one by one.
 */
function params(t: number): Params {
  const cached = byWidth.get(t);
  if (cached !== undefined) return cached;
  if (raw === undefined) {
    const src = join(dirname(createRequire(import.meta.url).resolve('circomlibjs')), '..', 'src', 'poseidon_constants_opt.json');
    raw = JSON.parse(readFileSync(src, 'utf8')) as { C: string[][]; S: string[][]; M: string[][][]; P: string[][][] };
  }
  const c = raw.C[t - 2];
  const s = raw.S[t - 2];
  const m = raw.M[t - 2];
  const p = raw.P[t - 2];
  if (c === undefined || s === undefined || m === undefined || p === undefined) throw new AttestationError('HOKUSAI_INVALID_INPUT', `Poseidon has no parameters for ${t - 1} inputs`);
  const big = (rows: string[][]): bigint[][] => rows.map((row) => row.map((x) => BigInt(x)));
  const out: Params = { c: c.map((x) => BigInt(x)), s: s.map((x) => BigInt(x)), m: big(m), p: big(p) };
  byWidth.set(t, out);
  return out;
}

const pow5 = (a: bigint): bigint => {
  const a2 = (a * a) % BN254_R;
  return (((a2 * a2) % BN254_R) * a) % BN254_R;
};

// state' = state x matrix (the tables hold the transposed MDS: out[i] = sum_j mat[j][i] state[j]).
function mix(state: bigint[], mat: bigint[][]): bigint[] {
  const t = state.length;
  const out = new Array<bigint>(t);
  for (let i = 0; i < t; i++) {
    let acc = 0n;
    for (let j = 0; j < t; j++) acc += ((mat[j] as bigint[])[i] as bigint) * (state[j] as bigint);
    out[i] = acc % BN254_R;
  }
  return out;
}

/** circomlib Poseidon(n) of 1 to 16 field elements (each reduced modulo the BN254 scalar field). */
export function poseidonHash(inputs: bigint[]): bigint {
  if (inputs.length < 1 || inputs.length > ROUNDS_P.length) {
    throw new AttestationError('HOKUSAI_INVALID_INPUT', `Poseidon takes 1 to ${ROUNDS_P.length} inputs, got ${inputs.length}`);
  }
  const t = inputs.length + 1;
  const { c, s, m, p } = params(t);
  const partial = ROUNDS_P[t - 2] as number;
  const half = ROUNDS_F / 2;
  let state = [0n, ...inputs.map((x) => ((x % BN254_R) + BN254_R) % BN254_R)].map((a, i) => (a + (c[i] as bigint)) % BN254_R);
  for (let r = 0; r < half; r++) {
    state = state.map(pow5);
    if (r < half - 1) state = state.map((a, i) => (a + (c[(r + 1) * t + i] as bigint)) % BN254_R);
    else state = state.map((a, i) => (a + (c[half * t + i] as bigint)) % BN254_R);
    state = mix(state, r < half - 1 ? m : p);
  }
  for (let r = 0; r < partial; r++) {
    const s0 = (pow5(state[0] as bigint) + (c[(half + 1) * t + r] as bigint)) % BN254_R;
    state[0] = s0;
    const base = (t * 2 - 1) * r;
    let acc = 0n;
    for (let j = 0; j < t; j++) acc += (s[base + j] as bigint) * (state[j] as bigint);
    for (let k = 1; k < t; k++) state[k] = ((state[k] as bigint) + s0 * (s[base + t + k - 1] as bigint)) % BN254_R;
    state[0] = acc % BN254_R;
  }
  for (let r = 0; r < half; r++) {
    state = state.map(pow5);
    if (r < half - 1) state = state.map((a, i) => (a + (c[(half + 1) * t + partial + r * t + i] as bigint)) % BN254_R);
    state = mix(state, m);
  }
  return state[0] as bigint;
}
