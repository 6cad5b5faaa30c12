import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, Pool } from 'undici';
import { TrackingError } from './errors.js';
import { maskUriCredentials } from './uri-credentials.js';

export interface TransportOptions {
  authorization?: string | undefined;
  /** Connect, response-headers and body-inactivity timeout per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first on 429/5xx and connection errors. */
  retries: number;
  /** First backoff delay; doubles per attempt, capped at 8 s. */
  backoffMs: number;
  /** Connections kept alive to the server. */
  connections: number;
  /** TLS: skip certificate checks (MLFLOW_TRACKING_INSECURE_TLS) or trust this CA bundle (MLFLOW_TRACKING_SERVER_CERT_PATH). */
  tls?: { rejectUnauthorized?: boolean; ca?: Buffer };
}

export type RequestBody = string | Buffer | Uint8Array | NodeJS.ReadableStream;

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the tracking URI, starting with `/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  headers?: Record<string, string>;
  /** A factory so a retry can send a fresh stream. */
  body?: () => RequestBody;
  /** Absolute URL on another origin (a presigned multipart URL); sent without our Authorization. */
  absoluteUrl?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || TIMEOUT_CODES.has(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const c = errorCode(inner);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

/**
 * HTTP to one MLflow server over a keep-alive undici Pool: auth header, per-attempt timeouts,
 * and retries with exponential backoff (honouring Retry-After) on 429/5xx and connection errors.
 */
export class HttpTransport {
  readonly baseUrl: URL;
  private readonly options: TransportOptions;
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(trackingUri: string, options: TransportOptions) {
    let url: URL;
    try {
      url = new URL(trackingUri);
    } catch {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', `Tracking URI "${maskUriCredentials(trackingUri)}" is not a URL; use e.g. http://127.0.0.1:5000.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TrackingError(
        'HOKUSAI_TRACKING_INVALID_OPTIONS',
        `Tracking URI "${maskUriCredentials(trackingUri)}" uses ${url.protocol}; this client talks to an MLflow tracking server over http(s).`,
      );
    }
    this.baseUrl = url;
    this.options = options;
  }

  private async pool(origin: string): Promise<Pool> {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      // undici loads with the first request: a run without a tracking server never pays for it.
      const { Pool } = await import('undici');
      pool = this.pools.get(origin) ?? new Pool(origin, {
        connections: this.options.connections,
        keepAliveTimeout: 30_000,
        connect: {
          timeout: this.options.timeoutMs,
          ...(this.options.tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
          ...(this.options.tls?.ca === undefined ? {} : { ca: this.options.tls.ca }),
        },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private target(req: RawRequest): { origin: string; path: string; external: boolean } {
    if (req.absoluteUrl !== undefined) {
      const u = new URL(req.absoluteUrl);
      return { origin: u.origin, path: `${u.pathname}${u.search}`, external: u.origin !== this.baseUrl.origin };
    }
    const prefix = this.baseUrl.pathname.replace(/\/+$/, '');
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) search.append(k, String(item));
      else search.append(k, String(v));
    }
    const qs = search.toString();
    return { origin: this.baseUrl.origin, path: `${prefix}${req.path}${qs === '' ? '' : `?${qs}`}`, external: false };
  }

  describe(req: RawRequest): string {
    const t = this.target(req);
    return `${req.method} ${t.origin}${t.path.split('?')[0] ?? ''}`;
  }

  /**
   * Sends the request, retrying transient failures. Returns any final response (the caller
   * decides what a 4xx means); throws TrackingError when the server never answered usefully.
   */
  async send(req: RawRequest): Promise<RawResponse> {
    if (this.closed) throw new TrackingError('HOKUSAI_TRACKING_UNREACHABLE', `The tracking client for ${this.baseUrl.origin} is closed.`);
    const { origin, path, external } = this.target(req);
    const where = this.describe(req);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (!external && this.options.authorization !== undefined) headers.authorization = this.options.authorization;
    let lastError: TrackingError | undefined;
    let hintMs: number | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(this.delay(attempt, hintMs));
      try {
        const res = await (await this.pool(origin)).request({
          method: req.method,
          path,
          headers,
          body: req.body === undefined ? null : (req.body() as Dispatcher.DispatchOptions['body']),
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
        if (RETRY_STATUS.has(res.statusCode) && attempt < this.options.retries) {
          const text = await res.body.text().catch(() => '');
          lastError = new TrackingError('HOKUSAI_TRACKING_SERVER_ERROR', `${where} answered ${res.statusCode}: ${text.slice(0, 300)}`, {
            status: res.statusCode,
            where,
          });
          hintMs = retryAfter(res.headers['retry-after']);
          continue;
        }
        return { status: res.statusCode, headers: res.headers, body: res.body };
      } catch (cause) {
        const code = errorCode(cause);
        if (code === undefined) {
          // Not the network: a local file that vanished mid-upload, a bad header... Retrying
          // or calling the server "away" would both be wrong.
          const fsCode = (cause as { code?: unknown }).code;
          throw new TrackingError(
            typeof fsCode === 'string' && /^E[A-Z]+$/.test(fsCode) ? 'HOKUSAI_TRACKING_ARTIFACT' : 'HOKUSAI_TRACKING_REQUEST_REJECTED',
            `${where} failed before the server answered: ${(cause as Error).message}`,
            { where, cause },
          );
        }
        const timeout = TIMEOUT_CODES.has(code);
        lastError = new TrackingError(
          timeout ? 'HOKUSAI_TRACKING_TIMEOUT' : 'HOKUSAI_TRACKING_UNREACHABLE',
          timeout
            ? `${where} timed out after ${this.options.timeoutMs} ms (${code}).`
            : `MLflow server at ${origin} is unreachable (${code}) for ${where}. Is it running?`,
          { where, cause },
        );
        hintMs = undefined;
      }
    }
    throw lastError ?? new TrackingError('HOKUSAI_TRACKING_UNREACHABLE', `${where} failed.`, { where });
  }

  private delay(attempt: number, hintMs: number | undefined): number {
    const exp = Math.min(8000, this.options.backoffMs * 2 ** (attempt - 1));
    return hintMs === undefined ? exp : Math.min(Math.max(hintMs, exp), 30_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
