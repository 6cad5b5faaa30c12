import { z } from 'zod';
import { TrackingError, type TrackingErrorCode } from './errors.js';
import type { RawResponse } from './http-transport.js';
import { maskUriCredentials } from './uri-credentials.js';

const errorBodySchema = z.object({ error_code: z.string().optional(), message: z.string().optional() });

/**
 * A proxy's or load balancer's HTML error page, summarised to its title (or first heading):
 * dumping markup into a warning helps nobody.
 */
export function summariseBody(text: string): string {
  const head = text.slice(0, 2000).trimStart().toLowerCase();
  if (!(head.startsWith('<!doctype html') || head.startsWith('<html') || /^<\?xml[^>]*>\s*<html/.test(head) || /<(head|body|title)[\s>]/.test(head))) {
    return maskUriCredentials(text.slice(0, 500));
  }
  const pick = (tag: string): string | undefined => {
    const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(text);
    const inner = m?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    return inner === undefined || inner === '' ? undefined : inner.slice(0, 200);
  };
  const title = pick('title') ?? pick('h1');
  return `an HTML page${title === undefined ? '' : ` titled "${maskUriCredentials(title)}"`} (${text.length} bytes), not an MLflow answer: is a proxy in front of the server?`;
}

export function errorFromResponse(status: number, text: string, where: string): TrackingError {
  let mlflowCode: string | undefined;
  let message = summariseBody(text);
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      mlflowCode = parsed.data.error_code;
      if (parsed.data.message !== undefined) message = maskUriCredentials(parsed.data.message.slice(0, 500));
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the raw text.
  }
  let code: TrackingErrorCode;
  let advice = '';
  if (status === 401 || status === 403) {
    code = 'HOKUSAI_TRACKING_AUTH';
    message = `not authorised (${status === 401 ? 'no valid credentials' : 'these credentials may not do this'}): ${message}`;
    advice = ' Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN), or put them in the tracking URI.';
  } else if (mlflowCode === 'RESOURCE_ALREADY_EXISTS') code = 'HOKUSAI_TRACKING_ALREADY_EXISTS';
  else if (status === 404 || mlflowCode === 'RESOURCE_DOES_NOT_EXIST') code = 'HOKUSAI_TRACKING_NOT_FOUND';
  else if (status === 501 || mlflowCode === 'NOT_IMPLEMENTED') code = 'HOKUSAI_TRACKING_UNSUPPORTED';
  else if (status === 408 || status === 429 || status >= 500) code = 'HOKUSAI_TRACKING_SERVER_ERROR';
  else code = 'HOKUSAI_TRACKING_REQUEST_REJECTED';
  return new TrackingError(code, `${where} answered ${status}${mlflowCode === undefined ? '' : ` ${mlflowCode}`}: ${message}${advice}`, {
    status,
    where,
    ...(mlflowCode === undefined ? {} : { mlflowCode }),
  });
}

export async function readJson(res: RawResponse, where: string): Promise<unknown> {
  const text = await res.body.text();
  if (res.status < 200 || res.status >= 300) throw errorFromResponse(res.status, text, where);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TrackingError('HOKUSAI_TRACKING_SERVER_ERROR', `${where} answered ${res.status} with a body that is not JSON: ${summariseBody(text).slice(0, 300)}`, {
      status: res.status,
      where,
      cause,
    });
  }
}

