import { createHash } from 'node:crypto';

/** SHA-256 as 64 lowercase hex characters; strings are hashed as their UTF-8 bytes. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export const HASH_PATTERN = /^[a-f0-9]{64}$/;
