import type { Column } from './column.js';
import { rememberUtf8, type Utf8Layout } from './utf8-layout.js';

/**
 * A string column whose values are decoded from their UTF-8 on first access and then kept.
 * Loading hands the Arrow table on without making a JS string; steps that read the values pay
 * for them once. Columns are never changed in place, so the bytes stay true to the values.
 */
export function lazyStringColumn(decode: () => (string | null)[], layout: Utf8Layout): Column {
  const col = { type: 'string' } as Extract<Column, { type: 'string' }>;
  Object.defineProperty(col, 'values', {
    configurable: true,
    enumerable: true,
    get(): (string | null)[] {
      const values = decode();
      rememberUtf8(values, layout);
      Object.defineProperty(col, 'values', { value: values, configurable: true, enumerable: true, writable: true });
      return values;
    },
  });
  return col;
}
