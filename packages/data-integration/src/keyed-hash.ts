import { PII_KEY_ENV, piiKeyFromEnv as keyFromEnv } from '@hokusai/core';
import { randomBytes } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256.js';

/**
 * HMAC-SHA-256 with a secret key, never a bare hash: a bare hash of an email or phone number is
 * reversed by enumerating the candidates. The key object keeps the secret out of JSON and of
 * `util.inspect`, so it cannot leak into a report or a log by accident.
 */
export class PiiKey {
  readonly #hmac: HmacSha256;
  readonly ephemeral: boolean;
  private constructor(key: Buffer, ephemeral: boolean) {
    this.#hmac = new HmacSha256(key);
    this.ephemeral = ephemeral;
  }
  static fromSecret(secret: string | Uint8Array): PiiKey {
    const buf = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    return new PiiKey(buf, false);
  }
  /** A random key for this run only: hashes then do not join across runs. */
  static ephemeral(): PiiKey {
    return new PiiKey(randomBytes(32), true);
  }
  hmacHex(value: string): string {
    return this.#hmac.hex(value);
  }
  /** `hmacHex` of the UTF-8 bytes `src[start..end)`, as 64 hex bytes written at `out[at]`. */
  hmacHexOfBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
    this.#hmac.hexOfBytes(src, start, end, out, at);
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'PiiKey([secret])';
  }
}

/**
 * The key from the environment variable (default HOKUSAI_PII_KEY), or undefined; a key under 16
 * characters is refused (HOKUSAI_PII_KEY_TOO_SHORT).
 */
export function piiKeyFromEnv(name = PII_KEY_ENV): string | undefined {
  return keyFromEnv(process.env, name);
}
