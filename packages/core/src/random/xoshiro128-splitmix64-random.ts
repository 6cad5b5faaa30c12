import { Xoshiro128State } from './xoshiro128-state.js';

/**
 * The generator of training (initial weights, splits, search candidates in @hokusai/training):
 * xoshiro128** seeded by SplitMix64. Its stream decides the trained model, which is attested by
 * hash, so it never changes.
 */
export class Xoshiro128SplitMix64Random extends Xoshiro128State {
  constructor(seed: number) {
    let s = BigInt.asUintN(64, BigInt(Math.trunc(seed)));
    const next = (): number => {
      s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
      let z = s;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      return Number((z ^ (z >> 31n)) & 0xffffffffn) | 0;
    };
    super([next(), next(), next(), next()]);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return this.float53();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i] as number;
      p[i] = p[j] as number;
      p[j] = t;
    }
    return p;
  }

  /** A child generator for an independent stream (a trial, a tree) derived from this one. */
  fork(): Xoshiro128SplitMix64Random {
    return new Xoshiro128SplitMix64Random(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}

