/**
 * The text this package writes for a JSON file: keys sorted at every level, two-space indent,
 * trailing newline. Sorting makes the bytes (and so the recorded hashes) a function of the value
 * alone, whatever key order the value picked up on the way (e.g. through a run store that
 * re-serializes step outputs).
 */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, sortKeys(record[k])]),
    );
  }
  return value;
}
