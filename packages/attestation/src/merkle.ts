import { createHash } from 'node:crypto';
import { AttestationError } from './errors.js';
import { HASH_PATTERN } from './sha256.js';

export interface MerkleLeaf {
  /** What the leaf stands for, e.g. `file/model.onnx`; bound into the leaf hash. */
  name: string;
  /** SHA-256 of the thing named, 64 lowercase hex characters. */
  hash: string;
}

export interface MerkleSibling {
  hash: string;
  /** Where the sibling sits relative to the running hash. */
  side: 'left' | 'right';
}

export interface MerkleProof {
  leaf: MerkleLeaf;
  index: number;
  siblings: MerkleSibling[];
  root: string;
}

// Domain separation: a leaf hash starts with 0x00 and an inner node with 0x01, so the 64-byte
// concatenation of two child hashes can never be passed off as a leaf (second-preimage attack).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** H(0x00 || u32be(len(name)) || utf8(name) || hash bytes): the name cannot be moved to another hash. */
export function merkleLeafHash(leaf: MerkleLeaf): string {
  checkLeaf(leaf, 'leaf');
  const name = Buffer.from(leaf.name, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return createHash('sha256').update(LEAF_PREFIX).update(len).update(name).update(Buffer.from(leaf.hash, 'hex')).digest('hex');
}

function nodeHash(left: string, right: string): string {
  return createHash('sha256').update(NODE_PREFIX).update(Buffer.from(left, 'hex')).update(Buffer.from(right, 'hex')).digest('hex');
}

function checkLeaf(leaf: MerkleLeaf, where: string): void {
  if (typeof leaf?.name !== 'string' || leaf.name.length === 0) {
    throw new AttestationError('HOKUSAI_MERKLE', `${where}: name must be a non-empty string`);
  }
  if (typeof leaf.hash !== 'string' || !HASH_PATTERN.test(leaf.hash)) {
    throw new AttestationError('HOKUSAI_MERKLE', `${where} "${leaf.name}": hash must be 64 lowercase hex characters, got ${JSON.stringify(leaf.hash)}`);
  }
}

function leafLevel(leaves: MerkleLeaf[]): string[] {
  if (leaves.length === 0) {
    throw new AttestationError('HOKUSAI_MERKLE', 'a Merkle tree needs at least one leaf');
  }
  const seen = new Set<string>();
  return leaves.map((leaf, i) => {
    checkLeaf(leaf, `leaf ${i}`);
    if (seen.has(leaf.name)) {
      throw new AttestationError('HOKUSAI_MERKLE', `leaf name "${leaf.name}" appears twice; names must be unique so an inclusion proof names exactly one thing`);
    }
    seen.add(leaf.name);
    return merkleLeafHash(leaf);
  });
}

/**
 * Odd rule: when a level has an odd number of nodes, the last one is promoted unchanged to the
 * next level. It is never paired with a copy of itself, because duplication makes the trees of
 * [a, b, c] and [a, b, c, c] share a root.
 */
function nextLevel(level: string[]): string[] {
  const next: string[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as string;
    const right = level[i + 1];
    next.push(right === undefined ? left : nodeHash(left, right));
  }
  return next;
}

/** Root of the tree over the leaves in the order given (callers sort them by name first). */
export function merkleRoot(leaves: MerkleLeaf[]): string {
  let level = leafLevel(leaves);
  while (level.length > 1) level = nextLevel(level);
  return level[0] as string;
}

/** Inclusion proof for the leaf called `name`: checkable alone with verifyMerkleProof. */
export function merkleProof(leaves: MerkleLeaf[], name: string): MerkleProof {
  let level = leafLevel(leaves);
  const index = leaves.findIndex((l) => l.name === name);
  if (index < 0) {
    throw new AttestationError('HOKUSAI_MERKLE', `no leaf named "${name}"; known leaves: ${leaves.map((l) => l.name).join(', ')}`);
  }
  const siblings: MerkleSibling[] = [];
  let at = index;
  while (level.length > 1) {
    const sibling = at % 2 === 0 ? at + 1 : at - 1;
    const hash = level[sibling];
    // A promoted odd node has no sibling at this level, so the proof simply skips it.
    if (hash !== undefined) siblings.push({ hash, side: at % 2 === 0 ? 'right' : 'left' });
    level = nextLevel(level);
    at = Math.floor(at / 2);
  }
  const leaf = leaves[index] as MerkleLeaf;
  return { leaf: { name: leaf.name, hash: leaf.hash }, index, siblings, root: level[0] as string };
}

/** True when the leaf, folded with the siblings in order, gives the proof's root. */
export function verifyMerkleProof(proof: MerkleProof): boolean {
  try {
    if (!HASH_PATTERN.test(proof.root)) return false;
    let running = merkleLeafHash(proof.leaf);
    for (const s of proof.siblings) {
      if (!HASH_PATTERN.test(s.hash)) return false;
      if (s.side === 'left') running = nodeHash(s.hash, running);
      else if (s.side === 'right') running = nodeHash(running, s.hash);
      else return false;
    }
    return running === proof.root;
  } catch {
    return false;
  }
}
