import { AttestationError } from './errors.js';

/**
 * Canonical JSON in the style of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
 * whitespace, numbers in ECMAScript shortest round-trip form, strings escaped as JSON.stringify
 * does. Values JSON cannot represent exactly (NaN, Infinity, undefined, bigint, functions,
 * symbols, class instances, cycles) throw instead of being dropped or coerced, because a silent
 * change here would change every hash built on it.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, '$', parts, new Set());
  return parts.join('');
}

function write(value: unknown, path: string, out: string[], stack: Set<object>): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new AttestationError('HOKUSAI_CANONICAL_JSON', `canonicalJson: ${String(value)} at ${path} has no JSON form; replace it with null or a finite number before hashing`);
      }
      // JSON.stringify gives the shortest round-trip form and turns -0 into 0, as JCS requires.
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new AttestationError('HOKUSAI_CANONICAL_JSON', `canonicalJson: a ${typeof value} at ${path} has no JSON form; remove it or convert it to a string or number first`);
  }
  const obj = value as object;
  if (stack.has(obj)) {
    throw new AttestationError('HOKUSAI_CANONICAL_JSON', `canonicalJson: ${path} refers back to one of its parents (a cycle); pass a tree`);
  }
  stack.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], `${path}[${i}]`, out, stack);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const kind = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new AttestationError('HOKUSAI_CANONICAL_JSON', `canonicalJson: ${path} is a ${kind}, not a plain object; convert it (e.g. Array.from for typed arrays, toISOString for dates) before hashing`);
    }
    const record = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      const child = record[key];
      if (child === undefined) {
        throw new AttestationError('HOKUSAI_CANONICAL_JSON', `canonicalJson: ${path}.${key} is undefined; remove the key or set it to null`);
      }
      write(child, `${path}.${key}`, out, stack);
    });
    out.push('}');
  }
  stack.delete(obj);
}
