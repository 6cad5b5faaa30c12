/** A string column's UTF-8 text as Arrow lays it out: value i is bytes[offsets[i]..offsets[i+1]). */
export interface Utf8Layout {
  offsets: Int32Array;
  bytes: Uint8Array;
}

const layouts = new WeakMap<readonly (string | null)[], Utf8Layout>();

/**
 * Remembers the UTF-8 bytes of a string column's values once they exist (built for Arrow, or
 * read from it), so hashing the column reads bytes instead of encoding every string again.
 * Columns are never changed in place, so the bytes stay true to the values.
 */
export function rememberUtf8(values: readonly (string | null)[], layout: Utf8Layout): void {
  layouts.set(values, layout);
}

export function utf8Of(values: readonly (string | null)[]): Utf8Layout | undefined {
  return layouts.get(values);
}
