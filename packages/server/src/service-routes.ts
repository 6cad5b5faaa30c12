import { accessSync, constants } from 'node:fs';
import type { QueueMonitor } from '@hokusai/orchestrator';
import type { ApiKeyInfo, ApiKeyStore } from './api-keys.js';
import { HealthSchema, SessionRequestSchema, SessionSchema, SessionStateSchema } from './api-schemas.js';
import { ServerError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import { readJson } from './read-body.js';
import type { Route } from './route.js';
import type { SessionAuth } from './session-auth.js';

export interface ServiceRouteDependencies {
  keys: ApiKeyStore;
  auth: SessionAuth;
  metrics: ServerMetrics;
  monitor: QueueMonitor | undefined;
  stateDir: string;
  jsonBytes: number;
}

function sessionView(key: ApiKeyInfo): { signed_in: true; key_id: string; scopes: ApiKeyInfo['scopes']; contributor: string | null } {
  return { signed_in: true, key_id: key.id, scopes: key.scopes, contributor: key.contributor };
}

/** The dashboard's sign-in routes (public: they take the key themselves). */
export function sessionRoutes(deps: ServiceRouteDependencies): Route[] {
  return [
    {
      method: 'POST',
      path: '/session',
      operationId: 'createSession',
      summary: 'Sign the dashboard in with an API key: sets an HttpOnly session cookie.',
      scope: null,
      body: { schema: SessionRequestSchema },
      responses: { 201: { description: 'Signed in', schema: SessionSchema } },
      handle: async (context) => {
        const body = await readJson(context.request, SessionRequestSchema, deps.jsonBytes);
        const key = deps.keys.authenticate(body.key);
        if (key === undefined) throw new ServerError('HOKUSAI_KEY_INVALID', 'This API key is not valid (wrong, or revoked).');
        return { status: 201, body: sessionView(key), headers: { 'set-cookie': deps.auth.open(key) } };
      },
    },
    {
      method: 'GET',
      path: '/session',
      operationId: 'getSession',
      summary: 'Whether the dashboard is signed in, and with which key.',
      scope: null,
      responses: { 200: { description: 'The session', schema: SessionStateSchema } },
      handle: async (context) => {
        const session = deps.auth.fromCookie(context.request);
        return { status: 200, body: session === undefined ? { signed_in: false } : sessionView(session.key) };
      },
    },
    {
      method: 'DELETE',
      path: '/session',
      operationId: 'deleteSession',
      summary: 'Sign the dashboard out.',
      scope: null,
      responses: { 204: { description: 'Signed out' } },
      handle: async (context) => ({ status: 204, body: undefined, headers: { 'set-cookie': deps.auth.close(context.request) } }),
    },
  ];
}

/** Liveness, readiness and Prometheus metrics (public, for probes and scrapers). */
export function healthRoutes(deps: ServiceRouteDependencies): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process answers.',
      scope: null,
      responses: { 200: { description: 'Alive', schema: HealthSchema } },
      handle: async () => ({ status: 200, body: { status: 'ok', checks: {} } }),
    },
    {
      method: 'GET',
      path: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: the state folder is writable and Redis (when configured) answers.',
      scope: null,
      responses: { 200: { description: 'Ready', schema: HealthSchema }, 503: { description: 'Not ready', schema: HealthSchema } },
      handle: async () => {
        const checks: Record<string, string> = {};
        try {
          accessSync(deps.stateDir, constants.W_OK);
          checks.state = 'ok';
        } catch {
          checks.state = 'not writable';
        }
        if (deps.monitor !== undefined) checks.redis = await deps.monitor.stats().then(() => 'ok', () => 'unreachable');
        const ok = Object.values(checks).every((c) => c === 'ok');
        return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unavailable', checks } };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format).',
      scope: null,
      responses: { 200: { description: 'Metrics', mediaType: 'text/plain' } },
      handle: async (context) => {
        context.response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        context.response.end(await deps.metrics.render());
        return undefined;
      },
    },
  ];
}
