import type { TrackingAuth } from './types.js';

/**
 * The Authorization header for a tracking server: explicit options first, then the standard
 * MLflow environment variables. A token wins over username/password, as in the MLflow client.
 */
export function authorizationHeader(auth: TrackingAuth | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = auth?.token ?? env.MLFLOW_TRACKING_TOKEN;
  if (token !== undefined && token !== '') return `Bearer ${token}`;
  const username = auth?.username ?? env.MLFLOW_TRACKING_USERNAME;
  const password = auth?.password ?? env.MLFLOW_TRACKING_PASSWORD;
  if (username !== undefined && username !== '') {
    return `Basic ${Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}
