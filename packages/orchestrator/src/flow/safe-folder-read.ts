import { createHash } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerificationCheck } from '@hokusai/attestation';
import { OrchestratorError } from '../errors.js';

/** A published output folder holds a few dozen files; far more is a hostile or wrong folder. */
export const MAX_FOLDER_ENTRIES = 10_000;
export const MAX_ATTESTED_FILES = 1_000;
export const MAX_ATTESTATION_BYTES = 32 << 20;
/** Any other file the verifier reads (models, reports, proof files). */
export const MAX_FILE_BYTES = 1 << 30;
// predictions.json holds a label, two scores and a few strata per row: a generous bound per row.
const PREDICTION_BYTES_PER_ROW = 2048;

/**
 * Opens a path for reading only if it is a regular file: never through a symbolic link
 * (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK), and never larger than `maxBytes`.
 */
async function openRegular(path: string, maxBytes: number): Promise<{ handle: Awaited<ReturnType<typeof open>>; size: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${path} is not a regular file`);
    if (info.size > maxBytes) throw new Error(`${path} is ${info.size} bytes, more than the ${maxBytes} this file may have`);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a regular file of at most `maxBytes`; anything else is refused before a byte is read. */
export async function readBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  const { handle, size } = await openRegular(path, maxBytes);
  try {
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** SHA-256 of a regular file of at most `maxBytes`, streamed (never held in memory whole). */
export async function sha256Bounded(path: string, maxBytes: number): Promise<string> {
  const { handle, size } = await openRegular(path, maxBytes);
  try {
    const hash = createHash('sha256');
    const buffer = new Uint8Array(1 << 20);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

const kindOf = (entry: Dirent): string | undefined =>
  entry.isSymbolicLink() ? 'a symbolic link' : entry.isFIFO() ? 'a FIFO' : entry.isSocket() ? 'a socket' : entry.isBlockDevice() || entry.isCharacterDevice() ? 'a device' : undefined;

const safeName = (s: string): boolean => s.length > 0 && !s.startsWith('/') && !s.includes('\\') && !s.split('/').some((p) => p === '' || p === '.' || p === '..');

/**
 * The checks that must pass before the verifier parses anything from a folder it does not
 * trust: only regular files and folders (no symbolic links, FIFOs or devices), a bounded number
 * of entries, a bounded attestation, and every attested file within its size bound and matching
 * its hash. Files are hashed as streams, so a large file whose hash fails is never parsed.
 * A missing folder is an input error (thrown), not a failed check.
 */
export async function inspectOutputFolder(dir: string): Promise<{ ok: boolean; checks: VerificationCheck[] }> {
  const checks: VerificationCheck[] = [];
  const fail = (name: string, detail: string): { ok: boolean; checks: VerificationCheck[] } => {
    checks.push({ name, ok: false, detail });
    return { ok: false, checks };
  };
  const top = await lstat(dir).catch(() => undefined);
  if (top === undefined || !top.isDirectory()) {
    throw new OrchestratorError('HOKUSAI_VERIFY_FOLDER_NOT_FOUND', `${dir} is not a folder${top === undefined ? ' (it does not exist)' : ''}. Pass the output folder of a run.`);
  }

  // Iterative walk: a deep or wide hostile tree cannot overflow the stack.
  const pending = [''];
  let entries = 0;
  const chunkProofs: string[] = [];
  while (pending.length > 0) {
    const sub = pending.pop() as string;
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const name = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (++entries > MAX_FOLDER_ENTRIES) return fail('folder contents', `more than ${MAX_FOLDER_ENTRIES} entries; an output folder holds a few dozen files`);
      const kind = kindOf(entry);
      if (kind !== undefined) return fail('folder contents', `${name} is ${kind}; an output folder holds only regular files and folders`);
      if (entry.isDirectory()) pending.push(name);
      else if (name.startsWith('proofs/')) chunkProofs.push(name);
    }
  }

  let files: Record<string, unknown>;
  let rows: number | undefined;
  // Without an attestation there is nothing to bound by; the verifier reports it missing.
  if ((await lstat(join(dir, 'attestation.json')).catch(() => undefined)) === undefined) return { ok: true, checks };
  try {
    const attestation = JSON.parse(new TextDecoder().decode(await readBounded(join(dir, 'attestation.json'), MAX_ATTESTATION_BYTES))) as { body?: { files?: unknown; predictions?: { rows?: unknown } | null } };
    const listed = attestation.body?.files;
    if (typeof listed !== 'object' || listed === null || Array.isArray(listed)) return fail('attested files', 'attestation.json lists no files');
    files = listed as Record<string, unknown>;
    const claimed = attestation.body?.predictions?.rows;
    if (typeof claimed === 'number' && Number.isSafeInteger(claimed) && claimed > 0) rows = claimed;
  } catch (error) {
    return fail('attestation.json readable', (error as Error).message);
  }
  const names = Object.keys(files);
  if (names.length > MAX_ATTESTED_FILES) return fail('attested files', `attestation.json lists ${names.length} files, more than ${MAX_ATTESTED_FILES}`);

  for (const name of names) {
    const expected = files[name];
    if (!safeName(name) || typeof expected !== 'string') return fail(`file ${name}`, `"${name}" is not a relative path inside the folder with a hash`);
    const cap = name === 'predictions.json' && rows !== undefined ? 65_536 + rows * PREDICTION_BYTES_PER_ROW : MAX_FILE_BYTES;
    let actual: string;
    try {
      actual = await sha256Bounded(join(dir, name), cap);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(`file ${name}`, code === 'ENOENT' ? `${name} is missing` : (error as Error).message);
    }
    if (actual !== expected) return fail(`file ${name}`, `${name} hashes to ${actual}, attested ${expected}; nothing was parsed from the folder`);
  }
  // Unattested files the verifier reads (reports, proof files) still get a bound.
  for (const name of ['report.json', 'report.html', 'proof.json', 'public.json', 'verification_key.json', 'zk_output_v1.json', 'inference_proof.json', ...chunkProofs]) {
    const info = await lstat(join(dir, name)).catch(() => undefined);
    if (info !== undefined && info.size > MAX_FILE_BYTES) return fail(`file ${name}`, `${name} is ${info.size} bytes, more than ${MAX_FILE_BYTES}`);
  }
  checks.push({ name: 'folder safe to read', ok: true, detail: `${entries} entries, ${names.length} attested files within their size bounds and hashes` });
  return { ok: true, checks };
}
