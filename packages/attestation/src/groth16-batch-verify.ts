import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadSnarkjs } from './snarkjs-loader.js';
import { BN254_R } from './poseidon.js';

/**
 * Batch verification of Groth16 proofs under one verification key (snarkjs' bn128 format).
 *
 * Each proof i satisfies e(A_i, B_i) = e(α, β) · e(L_i, γ) · e(C_i, δ), with L_i = IC_0 + Σ_j s_ij IC_j
 * over its public signals s_i. With random 128-bit scalars r_i (unknown to whoever made the proofs)
 * all of them hold, except with probability about n / 2^128 for a bad proof, when
 *   Π_i e(-r_i A_i, B_i) · e(Σ r_i L_i, γ) · e(Σ r_i C_i, δ) · e((Σ r_i) α, β) = 1,
 * which costs n + 3 Miller loops and one final exponentiation instead of 4n and n. Σ r_i L_i is
 * one multi-exponentiation over the IC points with scalars Σ_i r_i s_ij.
 */

const Decimal = z.string().regex(/^\d{1,80}$/);
const G1Schema = z.array(Decimal).length(3);
const G2Schema = z.array(z.array(Decimal).length(2)).length(3);
const ProofSchema = z.object({ pi_a: G1Schema, pi_b: G2Schema, pi_c: G1Schema });
const VerificationKeySchema = z.object({
  curve: z.literal('bn128'),
  nPublic: z.number().int().nonnegative(),
  vk_alpha_1: G1Schema,
  vk_beta_2: G2Schema,
  vk_gamma_2: G2Schema,
  vk_delta_2: G2Schema,
  IC: z.array(G1Schema),
});

export interface Groth16Statement {
  proof: unknown;
  publicSignals: unknown;
}

type Point = Uint8Array;
interface Group {
  fromObject(a: bigint[] | bigint[][]): Point;
  toAffine(a: Point): Point;
  neg(a: Point): Point;
  add(a: Point, b: Point): Point;
  timesScalar(a: Point, s: bigint): Point;
  isValid(a: Point): boolean;
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Point>;
  F: { n8: number };
}
interface PairingCurve {
  G1: Group;
  G2: Group;
  pairingEq(...args: Point[]): Promise<boolean>;
}

interface Parsed {
  index: number;
  a: Point;
  b: Point;
  c: Point;
  signals: bigint[];
}

const big = (v: readonly string[]): bigint[] => v.map((x) => BigInt(x));
const big2 = (v: readonly (readonly string[])[]): bigint[][] => v.map(big);

/** 32-byte little-endian encoding of a scalar below r, as the multi-exponentiation reads it. */
function scalarLE(v: bigint, out: Uint8Array, at: number): void {
  let x = v;
  for (let k = 0; k < 32; k++) {
    out[at + k] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** A random scalar in [1, 2^128). */
function randomScalar(): bigint {
  for (;;) {
    const r = BigInt(`0x${randomBytes(16).toString('hex')}`);
    if (r !== 0n) return r;
  }
}

function parse(curve: PairingCurve, nPublic: number, statement: Groth16Statement, index: number): Parsed | undefined {
  const proof = ProofSchema.safeParse(statement.proof);
  const signals = z.array(Decimal).length(nPublic).safeParse(statement.publicSignals);
  if (!proof.success || !signals.success) return undefined;
  const s = big(signals.data);
  if (s.some((v) => v >= BN254_R)) return undefined;
  try {
    const a = curve.G1.fromObject(big(proof.data.pi_a));
    const b = curve.G2.fromObject(big2(proof.data.pi_b));
    const c = curve.G1.fromObject(big(proof.data.pi_c));
    if (!curve.G1.isValid(a) || !curve.G2.isValid(b) || !curve.G1.isValid(c)) return undefined;
    return { index, a, b, c, signals: s };
  } catch {
    return undefined;
  }
}

async function batchHolds(curve: PairingCurve, vk: z.infer<typeof VerificationKeySchema>, items: readonly Parsed[]): Promise<boolean> {
  const { G1, G2 } = curve;
  const n8 = G1.F.n8;
  const r = items.map(() => randomScalar());
  let sumR = 0n;
  for (const ri of r) sumR += ri;
  sumR %= BN254_R;
  // Σ r_i L_i = (Σ r_i) IC_0 + Σ_j (Σ_i r_i s_ij) IC_j: one multi-exponentiation over IC.
  const ic = vk.IC.map((p) => G1.toAffine(G1.fromObject(big(p))));
  const icBases = new Uint8Array(ic.length * n8 * 2);
  const icScalars = new Uint8Array(ic.length * 32);
  ic.forEach((p, j) => icBases.set(p, j * n8 * 2));
  scalarLE(sumR, icScalars, 0);
  for (let j = 1; j < ic.length; j++) {
    let acc = 0n;
    items.forEach((item, i) => {
      acc += (r[i] as bigint) * (item.signals[j - 1] as bigint);
    });
    scalarLE(acc % BN254_R, icScalars, j * 32);
  }
  const sumL = await G1.multiExpAffine(icBases, icScalars);
  const cBases = new Uint8Array(items.length * n8 * 2);
  const cScalars = new Uint8Array(items.length * 32);
  items.forEach((item, i) => {
    cBases.set(G1.toAffine(item.c), i * n8 * 2);
    scalarLE(r[i] as bigint, cScalars, i * 32);
  });
  const sumC = await G1.multiExpAffine(cBases, cScalars);
  const pairs: Point[] = [];
  items.forEach((item, i) => pairs.push(G1.neg(G1.timesScalar(item.a, r[i] as bigint)), item.b));
  pairs.push(sumL, G2.fromObject(big2(vk.vk_gamma_2)));
  pairs.push(sumC, G2.fromObject(big2(vk.vk_delta_2)));
  pairs.push(G1.timesScalar(G1.fromObject(big(vk.vk_alpha_1)), sumR), G2.fromObject(big2(vk.vk_beta_2)));
  return curve.pairingEq(...pairs);
}

/**
 * Checks every proof against the verification key in one batched pairing equation; when the batch
 * fails, each proof is checked alone so the answer names the failing ones. Returns the indices of
 * the proofs that do not verify (malformed ones included), empty when all do.
 */
export async function batchVerifyGroth16(verificationKey: unknown, statements: readonly Groth16Statement[]): Promise<number[]> {
  const vk = VerificationKeySchema.safeParse(verificationKey);
  if (!vk.success || vk.data.IC.length !== vk.data.nPublic + 1) return statements.map((_, i) => i);
  const snarkjs = await loadSnarkjs();
  const curve = (await snarkjs.curves.getCurveFromName('bn128')) as unknown as PairingCurve;
  const invalid: number[] = [];
  const parsed: Parsed[] = [];
  statements.forEach((s, i) => {
    const p = parse(curve, vk.data.nPublic, s, i);
    if (p === undefined) invalid.push(i);
    else parsed.push(p);
  });
  if (parsed.length > 0 && !(await batchHolds(curve, vk.data, parsed))) {
    for (const item of parsed) {
      if (!(await batchHolds(curve, vk.data, [item]))) invalid.push(item.index);
    }
  }
  return invalid.sort((x, y) => x - y);
}
