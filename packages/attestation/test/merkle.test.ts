import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttestationError, merkleProof, merkleRoot, sha256Hex, verifyMerkleProof, type MerkleLeaf } from '../src/index.js';

const leavesOf = (n: number): MerkleLeaf[] => Array.from({ length: n }, (_, i) => ({ name: `leaf/${i}`, hash: sha256Hex(`value ${i}`) }));

// Independent recomputation of the documented rules.
const h = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (l: MerkleLeaf): Buffer => {
  const name = Buffer.from(l.name, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return h(Buffer.from([0]), len, name, Buffer.from(l.hash, 'hex'));
};
const node = (a: Buffer, b: Buffer): Buffer => h(Buffer.from([1]), a, b);

describe('Merkle tree', () => {
  it('follows the documented leaf, node and odd-level rules', () => {
    const [a, b, c, d, e] = leavesOf(5).map(leaf) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    expect(merkleRoot(leavesOf(1))).toBe(a.toString('hex'));
    expect(merkleRoot(leavesOf(3))).toBe(node(node(a, b), c).toString('hex'));
    // Five leaves: e is promoted twice, never paired with a copy of itself.
    expect(merkleRoot(leavesOf(5))).toBe(node(node(node(a, b), node(c, d)), e).toString('hex'));
  });

  it('binds names: the same hashes under other names give another root', () => {
    const leaves = leavesOf(4);
    const renamed = leaves.map((l, i) => ({ ...l, name: i === 2 ? 'other' : l.name }));
    expect(merkleRoot(renamed)).not.toBe(merkleRoot(leaves));
    const swapped = leaves.map((l, i) => ({ name: l.name, hash: (leaves[i === 0 ? 1 : i === 1 ? 0 : i] as MerkleLeaf).hash }));
    expect(merkleRoot(swapped)).not.toBe(merkleRoot(leaves));
  });

  it('keeps leaves and inner nodes apart: an inner node posed as a leaf does not reproduce the root', () => {
    const leaves = leavesOf(2);
    const inner = node(leaf(leaves[0] as MerkleLeaf), leaf(leaves[1] as MerkleLeaf)).toString('hex');
    expect(merkleRoot([{ name: 'x', hash: inner }])).not.toBe(merkleRoot(leaves));
  });

  it('gives an inclusion proof for every leaf of trees of 1 to 17 leaves', () => {
    for (let n = 1; n <= 17; n++) {
      const leaves = leavesOf(n);
      const root = merkleRoot(leaves);
      for (const l of leaves) {
        const proof = merkleProof(leaves, l.name);
        expect(proof.root).toBe(root);
        expect(verifyMerkleProof(proof)).toBe(true);
        expect(verifyMerkleProof(JSON.parse(JSON.stringify(proof)) as typeof proof)).toBe(true);
      }
    }
  });

  it('rejects a proof with any part changed', () => {
    const leaves = leavesOf(7);
    const proof = merkleProof(leaves, 'leaf/4');
    const flip = (hex: string): string => (hex[0] === '0' ? `1${hex.slice(1)}` : `0${hex.slice(1)}`);
    expect(verifyMerkleProof({ ...proof, leaf: { ...proof.leaf, hash: flip(proof.leaf.hash) } })).toBe(false);
    expect(verifyMerkleProof({ ...proof, leaf: { ...proof.leaf, name: 'leaf/5' } })).toBe(false);
    expect(verifyMerkleProof({ ...proof, root: flip(proof.root) })).toBe(false);
    for (let i = 0; i < proof.siblings.length; i++) {
      const siblings = proof.siblings.map((s, j) => (j === i ? { ...s, hash: flip(s.hash) } : s));
      expect(verifyMerkleProof({ ...proof, siblings })).toBe(false);
      const sides = proof.siblings.map((s, j) => (j === i ? { ...s, side: s.side === 'left' ? ('right' as const) : ('left' as const) } : s));
      expect(verifyMerkleProof({ ...proof, siblings: sides })).toBe(false);
    }
    expect(verifyMerkleProof({ ...proof, siblings: proof.siblings.slice(1) })).toBe(false);
  });

  it('refuses empty trees, duplicate names and malformed hashes', () => {
    expect(() => merkleRoot([])).toThrow(AttestationError);
    expect(() => merkleRoot([...leavesOf(2), { name: 'leaf/1', hash: sha256Hex('x') }])).toThrow(/twice/);
    expect(() => merkleRoot([{ name: 'a', hash: 'ABC' }])).toThrow(/64 lowercase hex/);
    expect(() => merkleProof(leavesOf(3), 'missing')).toThrow(/no leaf named/);
  });
});
