import { z } from 'zod';
import { TrackingError, type TrackingErrorCode } from './errors.js';
import type { RawResponse } from './http-transport.js';

const errorBodySchema = z.object({ error_code: z.string().optional(), message: z.string().optional() });

export function errorFromResponse(status: number, text: string, where: string): TrackingError {
  let mlflowCode: string | undefined;
  let message = text.slice(0, 500);
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      mlflowCode = parsed.data.error_code;
      if (parsed.data.message !== undefined) message = parsed.data.message.slice(0, 500);
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the raw text.
  }
  let code: TrackingErrorCode;
  let advice = '';
  if (status === 401 || status === 403) {
    code = 'HOKUSAI_TRACKING_AUTH';
    advice = ' Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.';
  } else if (mlflowCode === 'RESOURCE_ALREADY_EXISTS') code = 'HOKUSAI_TRACKING_ALREADY_EXISTS';
  else if (status === 404 || mlflowCode === 'RESOURCE_DOES_NOT_EXIST') code = 'HOKUSAI_TRACKING_NOT_FOUND';
  else if (status === 501 || mlflowCode === 'NOT_IMPLEMENTED') code = 'HOKUSAI_TRACKING_UNSUPPORTED';
  else if (status === 429 || status >= 500) code = 'HOKUSAI_TRACKING_SERVER_ERROR';
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
    throw new TrackingError('HOKUSAI_TRACKING_SERVER_ERROR', `${where} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, {
      status: res.status,
      where,
      cause,
    });
  }
}

