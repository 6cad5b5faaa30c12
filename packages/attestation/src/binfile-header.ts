import { open } from 'node:fs/promises';
import { AttestationError } from './errors.js';

/** Section table of an iden3 binary file (.ptau, .r1cs, .zkey): 4-byte magic, version, sections. */
export async function readSections(path: string, magic: string): Promise<{ sections: Map<number, { offset: number; size: number }>; read: (offset: number, length: number) => Promise<Buffer>; close: () => Promise<void> }> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new AttestationError('HOKUSAI_ZK_SETUP', `cannot open ${path}: ${(error as Error).message}`, { cause: error });
  });
  const read = async (offset: number, length: number): Promise<Buffer> => {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    if (bytesRead !== length) throw new AttestationError('HOKUSAI_ZK_SETUP', `${path} is truncated at byte ${offset + bytesRead}; it is not a complete .${magic} file`);
    return buf;
  };
  try {
    const head = await read(0, 12);
    if (head.toString('latin1', 0, 4) !== magic) {
      throw new AttestationError('HOKUSAI_ZK_SETUP', `${path} is not a .${magic} file (bad magic bytes); pass a file produced by snarkjs`);
    }
    const count = head.readUInt32LE(8);
    const sections = new Map<number, { offset: number; size: number }>();
    const { size: fileSize } = await handle.stat();
    let at = 12;
    for (let i = 0; i < count && at + 12 <= fileSize; i++) {
      const h = await read(at, 12);
      const type = h.readUInt32LE(0);
      const size = Number(h.readBigUInt64LE(4));
      sections.set(type, { offset: at + 12, size });
      at += 12 + size;
    }
    return { sections, read, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Power of a powers-of-tau file and whether it has been prepared for phase 2. */
export async function ptauInfo(path: string): Promise<{ power: number; preparedPhase2: boolean }> {
  const file = await readSections(path, 'ptau');
  try {
    const header = file.sections.get(1);
    if (header === undefined) throw new AttestationError('HOKUSAI_ZK_SETUP', `${path} has no header section; it is not a valid .ptau file`);
    const n8 = (await file.read(header.offset, 4)).readUInt32LE(0);
    const power = (await file.read(header.offset + 4 + n8, 4)).readUInt32LE(0);
    // Section 12 holds the Lagrange-basis points written by preparePhase2.
    return { power, preparedPhase2: file.sections.has(12) };
  } finally {
    await file.close();
  }
}

/** Constraint and public-input counts of an .r1cs file. */
export async function r1csInfo(path: string): Promise<{ constraints: number; publicInputs: number; outputs: number }> {
  const file = await readSections(path, 'r1cs');
  try {
    const header = file.sections.get(1);
    if (header === undefined) throw new AttestationError('HOKUSAI_ZK_SETUP', `${path} has no header section; recompile the circuit`);
    const n8 = (await file.read(header.offset, 4)).readUInt32LE(0);
    const rest = await file.read(header.offset + 4 + n8, 28);
    return { outputs: rest.readUInt32LE(4), publicInputs: rest.readUInt32LE(8), constraints: rest.readUInt32LE(24) };
  } finally {
    await file.close();
  }
}
