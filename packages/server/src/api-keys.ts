import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '@hokusai/core';
import { ServerError } from './errors.js';

export const SCOPES = ['runs:submit', 'runs:read', 'benchmarks:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const KeyRecordSchema = z
  .object({
    id: z.string().regex(/^[a-f0-9]{12}$/),
    name: z.string(),
    /** SHA-256 of the secret part: the key itself is never stored. */
    secretSha256: z.string().regex(/^[a-f0-9]{64}$/),
    scopes: z.array(z.enum(SCOPES)).min(1),
    /** The contributor this key submits for; its holder sees only that contributor's runs. */
    contributor: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .strict();

export type ApiKeyRecord = z.infer<typeof KeyRecordSchema>;
/** A key as listed: everything but the secret's hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'secretSha256'>;

const KeyFileSchema = z.object({ format: z.literal('hokusai-api-keys/1'), keys: z.array(KeyRecordSchema) }).strict();

const TOKEN = /^hks_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * API keys kept hashed in one JSON file (`keys.json` in the server's state folder). The file is
 * read again whenever it changes on disk, so `hokusai serve keys revoke` in another process takes
 * effect on the running server at its next request.
 */
export class ApiKeyStore {
  readonly path: string;
  private records: ApiKeyRecord[] = [];
  private loadedMtimeMs = -1;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'keys.json');
    this.refresh();
  }

  /** Makes a key; the returned token is shown once and never stored. */
  create(input: { name: string; scopes: readonly Scope[]; contributor?: string | undefined }): { token: string; key: ApiKeyInfo } {
    if (input.scopes.length === 0) throw new ServerError('HOKUSAI_KEY_SCOPES_MISSING', `A key needs at least one scope (${SCOPES.join(', ')}).`);
    this.refresh();
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      id,
      name: input.name,
      secretSha256: sha256(secret).toString('hex'),
      scopes: [...new Set(input.scopes)],
      contributor: input.contributor ?? null,
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    this.records.push(record);
    this.save();
    return { token: `hks_${id}_${secret}`, key: info(record) };
  }

  list(): ApiKeyInfo[] {
    this.refresh();
    return this.records.map(info);
  }

  revoke(id: string): ApiKeyInfo {
    this.refresh();
    const record = this.records.find((r) => r.id === id);
    if (record === undefined) throw new ServerError('HOKUSAI_KEY_NOT_FOUND', `No API key with id ${id}. List them with \`hokusai serve keys list\`.`);
    record.revokedAt ??= new Date().toISOString();
    this.save();
    return info(record);
  }

  /** The live key a token belongs to, or undefined; compares the secret in constant time. */
  authenticate(token: string): ApiKeyInfo | undefined {
    const match = TOKEN.exec(token);
    if (match === null) return undefined;
    this.refresh();
    const record = this.records.find((r) => r.id === match[1]);
    if (record === undefined || record.revokedAt !== null) return undefined;
    const given = sha256(match[2] as string);
    return timingSafeEqual(given, Buffer.from(record.secretSha256, 'hex')) ? info(record) : undefined;
  }

  /** Whether a key is still live (for connections that outlast one request). */
  isLive(id: string): boolean {
    this.refresh();
    const record = this.records.find((r) => r.id === id);
    return record !== undefined && record.revokedAt === null;
  }

  private refresh(): void {
    if (!existsSync(this.path)) {
      this.records = [];
      this.loadedMtimeMs = -1;
      return;
    }
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs === this.loadedMtimeMs) return;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new ServerError('HOKUSAI_KEY_STORE_CORRUPT', `The API key file ${this.path} is not valid JSON (${(error as Error).message}).`);
    }
    const parsed = KeyFileSchema.safeParse(raw);
    if (!parsed.success) throw new ServerError('HOKUSAI_KEY_STORE_CORRUPT', `The API key file ${this.path} does not match its format: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`);
    this.records = parsed.data.keys;
    this.loadedMtimeMs = mtimeMs;
  }

  private save(): void {
    writeFileAtomicSync(this.path, JSON.stringify({ format: 'hokusai-api-keys/1', keys: this.records }, null, 2) + '\n', { mode: 0o600 });
    this.loadedMtimeMs = statSync(this.path).mtimeMs;
  }
}

function info(record: ApiKeyRecord): ApiKeyInfo {
  const { secretSha256: _hash, ...rest } = record;
  return rest;
}

export function hasScope(key: ApiKeyInfo, scope: Scope): boolean {
  return key.scopes.includes('admin') || key.scopes.includes(scope);
}
