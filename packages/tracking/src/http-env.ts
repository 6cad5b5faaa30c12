import { readFileSync } from 'node:fs';
import { TrackingError } from './errors.js';

/**
 * The MLflow client's HTTP environment variables, read as the Python client reads them:
 * MLFLOW_HTTP_REQUEST_TIMEOUT (seconds), MLFLOW_HTTP_REQUEST_MAX_RETRIES,
 * MLFLOW_TRACKING_INSECURE_TLS (true/false) and MLFLOW_TRACKING_SERVER_CERT_PATH (a CA bundle).
 * A value that is set but unusable is an error naming the variable, not a silent default.
 */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv): { timeoutMs?: number; retries?: number; tls?: { rejectUnauthorized?: boolean; ca?: Buffer } } {
  const out: { timeoutMs?: number; retries?: number; tls?: { rejectUnauthorized?: boolean; ca?: Buffer } } = {};
  const timeout = env.MLFLOW_HTTP_REQUEST_TIMEOUT;
  if (timeout !== undefined && timeout.trim() !== '') {
    const seconds = Number(timeout);
    if (!Number.isInteger(seconds) || seconds <= 0) throw invalid('MLFLOW_HTTP_REQUEST_TIMEOUT', timeout, 'a whole number of seconds above 0');
    out.timeoutMs = seconds * 1000;
  }
  const retries = env.MLFLOW_HTTP_REQUEST_MAX_RETRIES;
  if (retries !== undefined && retries.trim() !== '') {
    const n = Number(retries);
    if (!Number.isInteger(n) || n < 0 || n > 20) throw invalid('MLFLOW_HTTP_REQUEST_MAX_RETRIES', retries, 'a whole number from 0 to 20');
    out.retries = n;
  }
  const insecure = env.MLFLOW_TRACKING_INSECURE_TLS;
  if (insecure !== undefined && insecure.trim() !== '') {
    const v = insecure.trim().toLowerCase();
    if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0') throw invalid('MLFLOW_TRACKING_INSECURE_TLS', insecure, 'true or false');
    if (v === 'true' || v === '1') out.tls = { rejectUnauthorized: false };
  }
  const certPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  if (certPath !== undefined && certPath.trim() !== '') {
    if (out.tls?.rejectUnauthorized === false) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', 'MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH are both set; the MLflow client refuses that too. Unset one.');
    }
    try {
      out.tls = { ca: readFileSync(certPath) };
    } catch (cause) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', `MLFLOW_TRACKING_SERVER_CERT_PATH=${certPath} cannot be read: ${(cause as Error).message}.`, { where: certPath, cause });
    }
  }
  return out;
}

function invalid(name: string, value: string, expected: string): TrackingError {
  return new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', `${name}="${value.slice(0, 40)}" is not ${expected}.`);
}
