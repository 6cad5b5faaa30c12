/**
 * Numbers inside decision reasons, written as the report writes them: percentage points to two
 * decimals with a sign, p-values to three decimals (scientific below 0.001). The attested
 * numeric fields keep full precision; only the sentences are rounded.
 */

const MINUS = '\u2212';

function signedFixed(v: number, digits: number): string {
  const text = v.toFixed(digits);
  if (/^-?0\.0+$/.test(text)) return text.replace('-', '');
  return text.startsWith('-') ? MINUS + text.slice(1) : `+${text}`;
}

/**
 * Two decimals, signed: +1.20, −1.08, 0.00 (never −0.00). Given the limit it is compared with,
 * more decimals are used where two would print the value equal to the limit (0.999 vs 1).
 */
export function reasonPp(v: number, limit?: number): string {
  let digits = 2;
  while (limit !== undefined && digits < 8 && v !== limit && Number(v.toFixed(digits)) === Number(limit.toFixed(digits))) digits++;
  return signedFixed(v, digits);
}

/** A setting (threshold, alpha) as written in the config: shortest form, no sign added. */
export function reasonSetting(v: number): string {
  return String(v).replace('-', MINUS);
}

/** 0.123, 0.050, or 7.6e−22 below 0.001. */
export function reasonP(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1).replace('e-', `e${MINUS}`).replace('e+', 'e');
}
