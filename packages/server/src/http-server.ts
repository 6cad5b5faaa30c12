import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES, createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { BullMqExecutor, QueueMonitor, errorCode, type Executor } from '@hokusai/orchestrator';
import { ApiKeyStore, hasScope, type ApiKeyInfo } from './api-keys.js';
import { DASHBOARD_CSP, DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.js';
import { SERVER_ERROR_KINDS, SERVER_ERROR_STATUS, ServerError, toProblem } from './errors.js';
import { jsonLogger, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { pathMatcher, type RequestContext, type Route } from './route.js';
import { buildRoutes } from './routes.js';
import { RunManager } from './run-manager.js';
import { RUN_STATUSES } from './run-record.js';
import { ServerOptionsSchema, type ServerOptions, type ServerOptionsInput } from './server-options.js';
import { healthRoutes, sessionRoutes } from './service-routes.js';
import { SessionAuth } from './session-auth.js';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface ServerExtras {
  /** Renders report.html for runs driven in this process and for server-side verification. */
  renderReport?: (report: unknown) => string;
  logger?: Logger;
  /** How often open event streams re-check their key (default 1 s). */
  keyCheckMs?: number;
}

export interface HokusaiServer {
  url: string;
  keys: ApiKeyStore;
  runs: RunManager;
  close(): Promise<void>;
}

/** Counts runs, step durations and errors from the run manager, and gauges the queue when there is one. */
function observeRuns(metrics: ServerMetrics, runs: RunManager, monitor: QueueMonitor | undefined, log: Logger): void {
  runs.on('event', (_runId, event) => {
    if (event.type === 'step_finished' && event.step !== undefined && event.durationMs !== undefined) metrics.stepDuration.observe({ step: event.step.replace(/\[.*$/, '') }, event.durationMs / 1000);
  });
  runs.on('update', (run) => {
    if (run.status === 'failed' && run.error !== null) metrics.errors.inc({ code: run.error.code });
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') log('info', 'run ended', { run: run.id, status: run.status, decision: run.decision, code: run.error?.code });
  });
  metrics.gauge('hokusai_runs', 'Runs by status and decision.', () => {
    const counts = new Map<string, { status: string; decision: string; n: number }>();
    for (const status of RUN_STATUSES) counts.set(`${status}/none`, { status, decision: 'none', n: 0 });
    for (const run of runs.list()) {
      const key = `${run.status}/${run.decision ?? 'none'}`;
      const entry = counts.get(key) ?? { status: run.status, decision: run.decision ?? 'none', n: 0 };
      entry.n++;
      counts.set(key, entry);
    }
    return [...counts.values()].map(({ status, decision, n }) => ({ labels: { status, decision }, value: n }));
  });
  metrics.gauge('hokusai_runs_waiting', "Runs queued in this server, not yet started.", () => [{ labels: {}, value: runs.queued() }]);
  if (monitor !== undefined) {
    metrics.gauge('hokusai_queue_jobs', 'Step jobs in the BullMQ queue by state (-1: Redis unreachable).', async () => {
      const stats = await monitor.stats().catch(() => undefined);
      return (['waiting', 'active', 'delayed', 'failed', 'completed'] as const).map((state) => ({ labels: { state }, value: stats?.jobs[state] ?? -1 }));
    });
    metrics.gauge('hokusai_workers_alive', 'Workers connected to the step queue (-1: Redis unreachable).', async () => [{ labels: {}, value: (await monitor.stats().catch(() => undefined))?.workers ?? -1 }]);
  }
}

/** The dashboard's files and the OpenAPI document, served as they are. */
function staticAssets(routes: Route[]): Record<string, { type: string; body: string; csp?: string }> {
  return {
    '/': { type: 'text/html; charset=utf-8', body: DASHBOARD_HTML, csp: DASHBOARD_CSP },
    '/dashboard.js': { type: 'text/javascript; charset=utf-8', body: DASHBOARD_JS },
    '/dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
    '/openapi.json': { type: 'application/json', body: JSON.stringify(openApiDocument(routes, VERSION), null, 2) },
  };
}

interface HandlerDependencies {
  routes: Route[];
  auth: SessionAuth;
  limiter: RateLimiter;
  metrics: ServerMetrics;
  log: Logger;
  trustProxy: boolean;
}

/** Answers one request: a static asset, or the matching route after authentication, rate limit and scope; failures as problem documents. */
function requestHandler(deps: HandlerDependencies): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { auth, limiter, metrics, log } = deps;
  const compiled = deps.routes.map((route) => ({ route, match: pathMatcher(route.path) }));
  const assets = staticAssets(deps.routes);
  return async (request, response) => {
    const requestId = typeof request.headers['x-request-id'] === 'string' && /^[\w.-]{1,100}$/.test(request.headers['x-request-id']) ? request.headers['x-request-id'] : randomUUID();
    const started = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://server');
    const method = request.method ?? 'GET';
    let routeName = 'unmatched';
    let keyId: string | undefined;
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method, route: routeName, code: String(response.statusCode) });
      metrics.httpDuration.observe({ route: routeName }, seconds);
      const client = deps.trustProxy ? (String(request.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() || request.socket.remoteAddress) : request.socket.remoteAddress;
      log('info', 'request', { requestId, method, route: routeName, status: response.statusCode, ms: Math.round(seconds * 1000), key: keyId, client });
    });
    try {
      const asset = assets[url.pathname];
      if (asset !== undefined && (method === 'GET' || method === 'HEAD')) {
        routeName = url.pathname;
        response.writeHead(200, { 'content-type': asset.type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', ...(asset.csp === undefined ? {} : { 'content-security-policy': asset.csp }) });
        response.end(method === 'HEAD' ? undefined : asset.body);
        return;
      }
      let allowed: string[] = [];
      for (const { route, match } of compiled) {
        const params = match(url.pathname);
        if (params === undefined) continue;
        if (route.method !== method) {
          allowed.push(route.method);
          continue;
        }
        routeName = route.path;
        let key: ApiKeyInfo | undefined;
        if (route.scope !== null) {
          key = auth.authenticate(request, method);
          keyId = key.id;
          const wait = limiter.take(key.id);
          if (wait > 0) throw new ServerError('HOKUSAI_RATE_LIMITED', `Too many requests for this key; retry in ${wait} s.`, { headers: { 'retry-after': String(wait) } });
          if (!hasScope(key, route.scope)) throw new ServerError('HOKUSAI_SCOPE_MISSING', `This key lacks the ${route.scope} scope.`);
        }
        const context: RequestContext = { request, response, params, query: url.searchParams, key, requestId };
        const result = await route.handle(context);
        if (result === undefined) return;
        response.writeHead(result.status, { ...(result.body === undefined ? {} : { 'content-type': 'application/json' }), 'cache-control': 'no-store', ...result.headers });
        response.end(result.body === undefined ? undefined : JSON.stringify(result.body));
        return;
      }
      allowed = [...new Set(allowed)];
      if (allowed.length > 0) throw new ServerError('HOKUSAI_METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}; use ${allowed.join(', ')}.`, { headers: { allow: allowed.join(', ') } });
      throw new ServerError('HOKUSAI_ROUTE_NOT_FOUND', `No route ${url.pathname}. The API is described at /openapi.json.`);
    } catch (error) {
      const { problem, headers } = toProblem(error, url.pathname);
      if (problem.status >= 500) log('error', 'request failed', { requestId, route: routeName, code: errorCode(error), error: error instanceof Error ? error.message : String(error) });
      metrics.errors.inc({ code: problem.code });
      if (response.headersSent) {
        response.end();
        return;
      }
      response.writeHead(problem.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers });
      response.end(JSON.stringify(problem));
      // An upload refused part-way is not read to its end.
      if (!request.complete) request.resume();
    }
  };
}

/** An HTTP(S) server for `handle`, listening; resolves with its URL. */
async function listen(options: ServerOptions, handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> {
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    void handle(request, response);
  };
  const server: Server = options.tls === undefined ? createHttpServer(listener) : createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, listener);
  server.requestTimeout = 0; // uploads and event streams may take long; idle sockets still time out
  // Requests Node's parser refuses (bad header bytes, oversized headers) get a problem document too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : SERVER_ERROR_STATUS.HOKUSAI_REQUEST_MALFORMED;
    const body = JSON.stringify({ type: 'https://hokusai.dev/problems/hokusai-request-malformed', title: 'Bad request', status, detail: `The request could not be parsed (${error.code ?? 'malformed'}).`, code: 'HOKUSAI_REQUEST_MALFORMED', kind: SERVER_ERROR_KINDS.HOKUSAI_REQUEST_MALFORMED });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `${options.tls === undefined ? 'http' : 'https'}://${host}:${address.port}` };
}

/**
 * Starts `hokusai serve`: the JSON API described by /openapi.json, the dashboard, /metrics and the
 * health endpoints, on one HTTP(S) listener.
 */
export async function startServer(input: ServerOptionsInput, extras: ServerExtras = {}): Promise<HokusaiServer> {
  const options = ServerOptionsSchema.parse(input);
  mkdirSync(options.stateDir, { recursive: true });
  const log = extras.logger ?? jsonLogger();
  const keys = new ApiKeyStore(options.stateDir);
  const metrics = new ServerMetrics();
  const auth = new SessionAuth(keys, options.tls !== undefined);
  const redisUrl = options.redisUrl;
  const monitor = redisUrl === undefined ? undefined : new QueueMonitor({ redisUrl });
  const runs = new RunManager({
    stateDir: options.stateDir,
    concurrentRuns: options.limits.concurrentRuns,
    ...(redisUrl === undefined ? {} : { createExecutor: (): Executor & { close(): Promise<void> } => new BullMqExecutor({ redisUrl }) }),
    ...(extras.renderReport === undefined ? {} : { renderReport: extras.renderReport }),
  });
  observeRuns(metrics, runs, monitor, log);

  const service = { keys, auth, metrics, monitor, stateDir: options.stateDir, jsonBytes: options.limits.jsonBytes };
  const routes: Route[] = [
    ...buildRoutes({ runs, stateDir: options.stateDir, dataDir: options.dataDir, limits: options.limits, keyCheckMs: extras.keyCheckMs ?? 1000, isKeyLive: (id) => keys.isLive(id) }),
    ...sessionRoutes(service),
    ...healthRoutes(service),
  ];
  const handle = requestHandler({ routes, auth, limiter: new RateLimiter(options.limits.requestsPerMinute), metrics, log, trustProxy: options.trustProxy });
  const { server, url } = await listen(options, handle);
  log('info', 'listening', { url, redis: redisUrl === undefined ? 'none' : 'configured', dataDir: options.dataDir ?? null });
  return {
    url,
    keys,
    runs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runs.close({ cancelRunning: true });
      await monitor?.close();
    },
  };
}
