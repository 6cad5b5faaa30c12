import { z } from 'zod';

/** How `hokusai serve` runs: where it keeps its state, what it may read, and its limits. */
export const ServerOptionsSchema = z
  .object({
    host: z.string().default('127.0.0.1').describe('address to listen on'),
    port: z.number().int().min(0).max(65535).default(8080).describe('port (0: any free port)'),
    stateDir: z.string().min(1).describe('folder for API keys, run records, uploads, outputs and the run store'),
    dataDir: z.string().min(1).optional().describe('allow-listed folder whose files submissions may name; without it only uploads are accepted'),
    redisUrl: z.string().optional().describe('run steps on `hokusai worker` processes through this Redis (BullMQ); else in this process'),
    tls: z.object({ cert: z.string(), key: z.string() }).strict().optional().describe('certificate and key files (PEM) to serve HTTPS directly'),
    trustProxy: z.boolean().default(false).describe('take the client address from X-Forwarded-For (behind a reverse proxy)'),
    limits: z
      .object({
        uploadBytes: z.number().int().positive().default(512 * 1024 * 1024).describe('largest uploaded file'),
        jsonBytes: z.number().int().positive().default(1024 * 1024).describe('largest JSON request body'),
        requestsPerMinute: z.number().int().positive().default(600).describe('per API key'),
        concurrentRuns: z.number().int().positive().default(1).describe('runs this server drives at once'),
      })
      .strict()
      .default({ uploadBytes: 512 * 1024 * 1024, jsonBytes: 1024 * 1024, requestsPerMinute: 600, concurrentRuns: 1 }),
  })
  .strict();

export type ServerOptions = z.infer<typeof ServerOptionsSchema>;
export type ServerOptionsInput = z.input<typeof ServerOptionsSchema>;
