import { TrackingError } from './errors.js';

/**
 * What an MLflow server accepts (mlflow/utils/validation.py). The tag value limit is the older,
 * stricter 5000 characters so that a batch accepted here is accepted by MLflow 2.x servers too.
 */
export const MLFLOW_LIMITS = Object.freeze({
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** Bytes of the JSON body of one `runs/log-batch` request. */
  batchRequestBytes: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
  datasetsPerRequest: 1000,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_777_215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  modelTagKeyLength: 250,
  modelTagValueLength: 100_000,
  aliasLength: 255,
  experimentNameLength: 500,
});

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}
export interface KeyValue {
  key: string;
  value: string;
}

// MLflow's rule (POSIX servers): alphanumerics, underscore, dash, period, space, colon, slash;
// and the name must not change under path normalisation, since a file store uses it as a path.
const NAME_PATTERN = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;

/** Length in Unicode code points, which is what MLflow (Python `len`) counts. */
export function codePointLength(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) surrogates++;
  }
  return text.length - surrogates;
}

function normalizesToItself(name: string): boolean {
  if (name.startsWith('/')) return false;
  return !name.split('/').some((p) => p === '' || p === '.' || p === '..');
}

export interface ValueProblem {
  code: 'HOKUSAI_TRACKING_INVALID_VALUE' | 'HOKUSAI_TRACKING_LIMIT_EXCEEDED' | 'HOKUSAI_TRACKING_NON_FINITE_METRIC';
  message: string;
}

function invalid(message: string): ValueProblem {
  return { code: 'HOKUSAI_TRACKING_INVALID_VALUE', message };
}
function tooLong(message: string): ValueProblem {
  return { code: 'HOKUSAI_TRACKING_LIMIT_EXCEEDED', message };
}

/** Why `key` is not a valid MLflow metric/param/tag name, or undefined when it is. */
export function keyProblem(kind: string, key: string): ValueProblem | undefined {
  if (typeof key !== 'string' || key.length === 0) return invalid(`${kind} key is empty`);
  const n = codePointLength(key);
  if (n > MLFLOW_LIMITS.keyLength) {
    return tooLong(`${kind} key "${key.slice(0, 60)}..." has ${n} characters; MLflow allows ${MLFLOW_LIMITS.keyLength}`);
  }
  if (!NAME_PATTERN.test(key)) {
    return invalid(`${kind} key "${key}" has a character MLflow refuses; use letters, digits, _ - . : / and spaces`);
  }
  if (!normalizesToItself(key)) {
    return invalid(`${kind} key "${key}" is not a clean relative path (no leading /, no empty, . or .. segments)`);
  }
  return undefined;
}

export function metricProblem(metric: Metric): ValueProblem | undefined {
  const k = keyProblem('Metric', metric.key);
  if (k !== undefined) return k;
  if (typeof metric.value !== 'number') return invalid(`Metric "${metric.key}" is a ${typeof metric.value}, not a number`);
  if (!Number.isFinite(metric.value)) {
    return {
      code: 'HOKUSAI_TRACKING_NON_FINITE_METRIC',
      message: `Metric "${metric.key}" is ${String(metric.value)}; only finite numbers can be logged`,
    };
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    return invalid(`Metric "${metric.key}" has timestamp ${metric.timestamp}; use integer milliseconds since the epoch`);
  }
  if (!Number.isSafeInteger(metric.step)) {
    return invalid(`Metric "${metric.key}" has step ${metric.step}; steps are integers`);
  }
  return undefined;
}

export function paramProblem(param: KeyValue): ValueProblem | undefined {
  const k = keyProblem('Param', param.key);
  if (k !== undefined) return k;
  if (typeof param.value !== 'string') return invalid(`Param "${param.key}" value is not a string`);
  const n = codePointLength(param.value);
  if (n > MLFLOW_LIMITS.paramValueLength) {
    return tooLong(
      `Param "${param.key}" value has ${n} characters; MLflow allows ${MLFLOW_LIMITS.paramValueLength} (log long values as an artifact)`,
    );
  }
  return undefined;
}

export function tagProblem(tag: KeyValue): ValueProblem | undefined {
  const k = keyProblem('Tag', tag.key);
  if (k !== undefined) return k;
  if (typeof tag.value !== 'string') return invalid(`Tag "${tag.key}" value is not a string`);
  const n = codePointLength(tag.value);
  if (n > MLFLOW_LIMITS.tagValueLength) {
    return tooLong(
      `Tag "${tag.key}" value has ${n} characters; the limit is ${MLFLOW_LIMITS.tagValueLength} (log long values as an artifact)`,
    );
  }
  return undefined;
}

/** Throws the typed error for the first invalid entry; nothing has been sent when this throws. */
export function assertBatchValid(metrics: readonly Metric[], params: readonly KeyValue[], tags: readonly KeyValue[]): void {
  const problem =
    first(metrics, metricProblem) ?? first(params, paramProblem) ?? first(tags, tagProblem) ?? duplicateParam(params);
  if (problem !== undefined) throw new TrackingError(problem.code, `${problem.message}. Nothing was sent.`);
}

function first<T>(items: readonly T[], check: (item: T) => ValueProblem | undefined): ValueProblem | undefined {
  for (const item of items) {
    const p = check(item);
    if (p !== undefined) return p;
  }
  return undefined;
}

// MLflow rejects a batch naming one param twice, and refuses to change a logged param at all.
function duplicateParam(params: readonly KeyValue[]): ValueProblem | undefined {
  const seen = new Map<string, string>();
  for (const p of params) {
    const before = seen.get(p.key);
    if (before !== undefined && before !== p.value) {
      return invalid(`Param "${p.key}" is given twice with different values ("${before}", "${p.value}"); params cannot change`);
    }
    seen.set(p.key, p.value);
  }
  return undefined;
}
