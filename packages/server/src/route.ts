import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ApiKeyInfo, Scope } from './api-keys.js';

export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The authenticated key; undefined only on public routes. */
  key: ApiKeyInfo | undefined;
  requestId: string;
}

/** What a handler answers: a JSON body (checked against the route's response schema), or nothing when it wrote the response itself. */
export type RouteResult = { status: number; body: unknown; headers?: Record<string, string> } | undefined;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI path template: `{name}` is one segment, `{name+}` the rest of the path. */
  path: string;
  operationId: string;
  summary: string;
  /** Scope a key needs; null: public. */
  scope: Scope | null;
  /** JSON request body; `multipart` adds the multipart/form-data alternative to the document. */
  body?: { schema: z.ZodType; multipart?: { fileFields: readonly string[] } };
  query?: z.ZodType;
  /** Status → response schema (JSON), or a media type for non-JSON answers. */
  responses: Record<number, { description: string; schema?: z.ZodType; mediaType?: string; links?: Record<string, { operationId: string; parameters: Record<string, string> }> }>;
  handle(context: RequestContext): Promise<RouteResult>;
}

/** Compiles a path template to a matcher. */
export function pathMatcher(template: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\{([a-z_]+)(\+?)\}/gi, (_, name: string, rest: string) => {
    names.push(name);
    return rest === '+' ? '(.+)' : '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}$`);
  return (path) => {
    const match = regex.exec(path);
    if (match === null) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] as string);
    });
    return params;
  };
}
