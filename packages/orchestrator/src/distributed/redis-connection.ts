import { OrchestratorError } from '../errors.js';
import { loadIoRedis } from './redis-modules.js';

/** The subset of connection options both ioredis and BullMQ accept. */
export interface RedisConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

/**
 * Turns `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) into connection
 * options. BullMQ's blocking connections need `maxRetriesPerRequest: null`; it is set on every
 * connection so a Redis restart makes workers wait instead of failing jobs.
 */
export function redisOptionsFromUrl(redisUrl: string): RedisConnectionSettings {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new OrchestratorError('HOKUSAI_REDIS_URL_INVALID', `"${redisUrl}" is not a Redis URL. Pass one like redis://127.0.0.1:6379 (or rediss:// for TLS).`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new OrchestratorError('HOKUSAI_REDIS_URL_INVALID', `"${redisUrl}" uses ${url.protocol} but a Redis URL starts with redis:// or rediss://.`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(db) || db < 0 || !Number.isInteger(port)) {
    throw new OrchestratorError('HOKUSAI_REDIS_URL_INVALID', `"${redisUrl}" has an invalid port or database number; use redis://host:port/db with integers.`);
  }
  const options: RedisConnectionSettings = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    maxRetriesPerRequest: null,
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * Fails fast with a clear error when Redis does not answer. BullMQ's own connections retry
 * forever and cannot be closed before they connect, so they are only opened after this.
 */
export async function assertRedisReachable(redisUrl: string, settings: RedisConnectionSettings, timeoutMs: number): Promise<void> {
  const { Redis } = await loadIoRedis();
  const probe = new Redis({ ...settings, lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new OrchestratorError('HOKUSAI_REDIS_UNREACHABLE', `Redis at ${redisUrl} cannot be reached (${(error as Error).message}). Start Redis or pass the right --redis URL.`, {
      cause: error,
    });
  } finally {
    probe.disconnect();
  }
}
