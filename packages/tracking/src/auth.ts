import type { TrackingAuth } from './types.js';

/**
 * The Authorization header for a tracking server, chosen as the MLflow Python client chooses:
 * credentials in the URI first (requests applies them last), then username and password when
 * both are set, then a token. Explicit options win over the MLFLOW_TRACKING_* variables.
 */
export function authorizationHeader(
  auth: TrackingAuth | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fromUri: { username?: string; password?: string } = {},
): string | undefined {
  const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
  if (fromUri.username !== undefined && fromUri.username !== '') return basic(fromUri.username, fromUri.password ?? '');
  const username = auth?.username ?? env.MLFLOW_TRACKING_USERNAME;
  const password = auth?.password ?? env.MLFLOW_TRACKING_PASSWORD;
  if (username !== undefined && username !== '' && password !== undefined && password !== '') return basic(username, password);
  const token = auth?.token ?? env.MLFLOW_TRACKING_TOKEN;
  if (token !== undefined && token !== '') return `Bearer ${token}`;
  return undefined;
}
