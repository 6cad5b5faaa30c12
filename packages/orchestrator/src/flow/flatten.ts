/** Flattens nested config into MLflow-style params: { model: { family: 'x' } } -> { 'model.family': 'x' }. */
export function flattenParams(value: unknown, prefix = '', out: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = 'null';
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out[prefix] = value;
  } else if (Array.isArray(value)) {
    out[prefix] = JSON.stringify(value);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}
