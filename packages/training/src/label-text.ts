import type { ClassLabel } from './labels.js';

/**
 * A target label as an error message may name it. Messages reach run records, logs and job
 * queues, and this package cannot tell whether a target column holds personal data: short
 * labels that cannot be an e-mail address or a long number (phone, account, card) are named,
 * anything else is described by its kind and length only.
 */
export function labelText(label: ClassLabel | null | undefined): string {
  if (label === null || label === undefined) return 'null';
  if (typeof label === 'boolean') return String(label);
  const s = String(label);
  const digits = s.replace(/[\s().+-]/g, '');
  if (s.length <= 40 && !/[@\r\n]/.test(s) && !/\d{7}/.test(digits)) return JSON.stringify(label);
  return typeof label === 'number' ? `a number of ${digits.replace(/\D/g, '').length} digits (not shown)` : `a ${[...s].length}-character text (not shown)`;
}
