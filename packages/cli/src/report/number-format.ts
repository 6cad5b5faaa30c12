/**
 * Number formatting for the report. Only toFixed/toExponential are used: their output is fixed
 * by the ECMAScript spec, unlike toLocaleString, which depends on the ICU data and locale of the
 * machine and would break the verifier's byte-for-byte comparison.
 */

const MINUS = '\u2212';

export const NA = '<span class="na">n/a</span>';

/** Drops the sign of a value that rounds to zero, so -0.0001 never shows as "-0.00". */
function unsign(text: string): string {
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

export function fixed(v: number | null, digits: number): string {
  if (v === null) return NA;
  return unsign(v.toFixed(digits)).replace('-', MINUS);
}

/** Always signed: +1.23, −4.56, 0.00. */
export function signed(v: number | null, digits: number): string {
  if (v === null) return NA;
  const text = unsign(v.toFixed(digits));
  if (text.startsWith('-')) return MINUS + text.slice(1);
  return /^0(\.0+)?$/.test(text) ? text : `+${text}`;
}

export function integer(v: number): string {
  const text = unsign(Math.round(v).toFixed(0));
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  return (negative ? MINUS : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A share in [0, 1] as a percentage. */
export function percent(v: number | null, digits: number): string {
  return v === null ? NA : `${fixed(v * 100, digits)}%`;
}

/** p-values: three decimals down to 0.001, then scientific notation as HTML. */
export function pValue(p: number | null): string {
  if (p === null) return NA;
  if (p >= 0.001 || p === 0) return p === 0 ? '0' : p.toFixed(3);
  const [mantissa = '', exponent = ''] = p.toExponential(1).split('e');
  return `${mantissa}&thinsp;×&thinsp;10<sup>${exponent.replace('-', MINUS).replace('+', '')}</sup>`;
}

/** SVG coordinates: two decimals are finer than a pixel at any zoom a reader uses. */
export function coord(v: number): string {
  return unsign(v.toFixed(2));
}
