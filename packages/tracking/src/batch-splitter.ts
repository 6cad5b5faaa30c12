import { TrackingError } from './errors.js';
import { MLFLOW_LIMITS, type KeyValue, type Metric } from './limits.js';

export interface LogBatch {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

/**
 * Splits one logical batch into `runs/log-batch` requests that each respect MLflow's count and
 * byte limits. Order inside each kind is kept, so a tag set twice ends with its last value.
 * Identical params collapse to one (MLflow refuses a batch naming a param twice).
 */
export function splitBatch(runId: string, batch: LogBatch, limits = MLFLOW_LIMITS): LogBatch[] {
  const params = dedupeParams(batch.params);
  const tags = dedupeTags(batch.tags);
  const overhead = Buffer.byteLength(JSON.stringify({ run_id: runId, metrics: [], params: [], tags: [] }));
  const budget = limits.batchRequestBytes - overhead;
  const out: LogBatch[] = [];
  let current: LogBatch = { metrics: [], params: [], tags: [] };
  let bytes = 0;
  let entities = 0;

  const flush = () => {
    if (entities > 0) out.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = 0;
    entities = 0;
  };
  const add = <T>(kind: 'metrics' | 'params' | 'tags', item: T, maxOfKind: number) => {
    // +1 for the comma that joins array items; a slight over-count keeps us on the safe side.
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (size > budget) {
      throw new TrackingError(
        'HOKUSAI_TRACKING_LIMIT_EXCEEDED',
        `One ${kind.slice(0, -1)} is ${size} bytes as JSON, over MLflow's ${limits.batchRequestBytes}-byte request limit. Nothing was sent.`,
      );
    }
    const list = current[kind] as T[];
    if (list.length >= maxOfKind || entities >= limits.entitiesPerBatch || bytes + size > budget) flush();
    (current[kind] as T[]).push(item);
    bytes += size;
    entities += 1;
  };

  for (const p of params) add('params', p, limits.paramsPerBatch);
  for (const t of tags) add('tags', t, limits.tagsPerBatch);
  for (const m of batch.metrics) add('metrics', m, limits.metricsPerBatch);
  flush();
  return out;
}

function dedupeParams(params: readonly KeyValue[]): KeyValue[] {
  const seen = new Set<string>();
  const out: KeyValue[] = [];
  for (const p of params) {
    const id = `${p.key}\u0000${p.value}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

function dedupeTags(tags: readonly KeyValue[]): KeyValue[] {
  const last = new Map<string, string>();
  for (const t of tags) {
    last.delete(t.key);
    last.set(t.key, t.value);
  }
  return [...last].map(([key, value]) => ({ key, value }));
}
