import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomicSync } from '@hokusai/core';
import { EvaluationError } from './errors.js';
import { parseOptions } from './validation.js';

const hashPattern = /^[a-f0-9]{64}$/;

const recordSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ and - only'),
    version: z.string().min(1),
    content_hash: z.string().regex(hashPattern, 'must be 64 lowercase hex characters (SHA-256)'),
    target: z.string().min(1),
    task: z.enum(['binary', 'multiclass']),
    rows: z.number().int().min(0).optional(),
    description: z.string().optional(),
    /** The benchmark commitment B of the inference proof (linear family), over these columns. */
    inference_commitment: z.object({ scheme: z.string().min(1), columns: z.array(z.string()), commitment: z.string().regex(/^[0-9]+$/, 'a decimal field element') }).strict().optional(),
  })
  .strict();

export type BenchmarkRecord = z.infer<typeof recordSchema>;

const storeSchema = z.object({ format: z.literal('hokusai-benchmark-registry/1'), benchmarks: z.array(recordSchema) }).strict();

/** SHA-256 (hex) of benchmark bytes: the hash covers the data itself, not its metadata. */
export function hashBenchmarkContent(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function hashBenchmarkFile(path: string): string {
  return hashBenchmarkContent(readFileSync(path));
}

/**
 * Benchmarks registered by id and version with their content hash, target column and task,
 * kept in one JSON file. Writes go to a temporary file that is then renamed, so a crash
 * never leaves a half-written registry.
 */
export class BenchmarkRegistry {
  readonly path: string;
  private records: BenchmarkRecord[];

  constructor(path: string) {
    this.path = path;
    this.records = [];
    if (existsSync(path)) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new EvaluationError('HOKUSAI_BENCHMARK_STORE_CORRUPT', `Benchmark registry ${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); restore it from version control.`);
      }
      const parsed = storeSchema.safeParse(raw);
      if (!parsed.success) {
        throw new EvaluationError('HOKUSAI_BENCHMARK_STORE_CORRUPT', `Benchmark registry ${path} does not match the registry format: ${parsed.error.issues[0]?.message ?? 'unknown problem'} at ${parsed.error.issues[0]?.path.join('.') ?? '(root)'}.`);
      }
      this.records = parsed.data.benchmarks;
    }
  }

  /**
   * Registers a benchmark version. Registering the identical record again is a no-op;
   * the same id and version with any different field is refused.
   */
  register(record: BenchmarkRecord): BenchmarkRecord {
    const rec = parseOptions(recordSchema, record, 'BenchmarkRegistry.register');
    const existing = this.find(rec.id, rec.version);
    if (existing) {
      if (JSON.stringify(sortKeys(existing)) === JSON.stringify(sortKeys(rec))) return existing;
      throw new EvaluationError('HOKUSAI_BENCHMARK_ALREADY_REGISTERED', `Benchmark ${rec.id}@${rec.version} is already registered with different content (hash ${existing.content_hash}); register the changed data as a new version.`);
    }
    this.records.push(rec);
    this.records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
    this.save();
    return rec;
  }

  get(id: string, version: string): BenchmarkRecord {
    const r = this.find(id, version);
    if (!r) {
      const versions = this.records.filter((x) => x.id === id).map((x) => x.version);
      throw new EvaluationError('HOKUSAI_BENCHMARK_NOT_FOUND', `Benchmark ${id}@${version} is not registered in ${this.path}${versions.length ? `; registered versions: ${versions.join(', ')}` : ''}. Register it first.`);
    }
    return r;
  }

  list(): BenchmarkRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** Refuses (throws HOKUSAI_BENCHMARK_HASH_MISMATCH) a benchmark whose content changed since registration. */
  verify(id: string, version: string, contentHash: string): BenchmarkRecord {
    const r = this.get(id, version);
    if (r.content_hash !== contentHash) {
      throw new EvaluationError('HOKUSAI_BENCHMARK_HASH_MISMATCH', `Benchmark ${id}@${version} content hash is ${contentHash} but ${r.content_hash} was registered; the benchmark data changed. Restore the registered data or register a new version.`);
    }
    return r;
  }

  /**
   * The non-throwing form of verify, shaped for computeDelta's `benchmark` input so the
   * delta report names the benchmark and refuses the contribution on a mismatch.
   */
  check(id: string, version: string, contentHash: string): { id: string; version: string; registeredHash: string; actualHash: string } {
    const r = this.get(id, version);
    return { id, version, registeredHash: r.content_hash, actualHash: contentHash };
  }

  private find(id: string, version: string): BenchmarkRecord | undefined {
    return this.records.find((r) => r.id === id && r.version === version);
  }

  private save(): void {
    writeFileAtomicSync(this.path, `${JSON.stringify({ format: 'hokusai-benchmark-registry/1', benchmarks: this.records.map(sortKeys) }, null, 2)}\n`);
  }
}

function sortKeys(r: BenchmarkRecord): BenchmarkRecord {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) out[k] = (r as Record<string, unknown>)[k];
  return out as BenchmarkRecord;
}
