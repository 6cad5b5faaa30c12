import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { FLAG_FOR_KEY, keysUnder } from './config-keys.js';

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown => {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
};

/** Keys whose values are secrets: named in a message, never shown. */
const SECRET_KEYS = new Set(['pii.key', 'tracking.uri']);

const showAt = (key: string, value: unknown): string =>
  SECRET_KEYS.has(key) ? 'the value given (not shown: a secret)' : typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));

/** How a key is named to the user: the flag that sets it where there is one, and the key. */
const namedWithFlag = (key: string): string => (FLAG_FOR_KEY[key] === undefined || FLAG_FOR_KEY[key].startsWith('--no-') ? key : `${FLAG_FOR_KEY[key]} (${key})`);

/**
 * Turns zod's issues with a config into sentences in the command line's words: required keys
 * left out are listed together by flag, unknown keys get the nearest real key, enums list their
 * values, numbers say which kind they must be. `input` is what was validated.
 */
export function describeConfigProblems(issues: readonly z.core.$ZodIssue[], input: unknown, where: 'file' | 'settings' = 'settings'): string {
  // In a config file the key is what the user wrote; in merged settings it may have been a flag.
  const named = where === 'file' ? (key: string): string => key : namedWithFlag;
  const missing: string[] = [];
  const problems: string[] = [];
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    const value = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && value === undefined) {
      missing.push(key);
    } else if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) problems.push(`unknown key ${key === '' ? unknown : `${key}.${unknown}`}${didYouMean(unknown, keysUnder(key)).replace(/mean (\S+)\?/, `mean ${key === '' ? '' : `${key}.`}$1?`)}`);
    } else if (issue.code === 'invalid_value') {
      problems.push(`${named(key)} must be one of ${issue.values.map(String).join(', ')}, not ${showAt(key, value)}`);
    } else if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof value === 'number' && Number.isNaN(value)) {
      problems.push(`${named(key)} must be a number`);
    } else if (issue.code === 'invalid_type' && (issue.expected === 'int' || issue.expected === 'number')) {
      problems.push(`${named(key)} must be a number, not ${showAt(key, value)}`);
    } else if (issue.code === 'invalid_format' || issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_type') {
      problems.push(`${named(key)}: ${issue.message.replace(/^Invalid input: /, '')}${issue.code === 'invalid_type' ? '' : ` (got ${showAt(key, value)})`}`);
    } else {
      problems.push(`${key || 'settings'}: ${issue.message}`);
    }
  }
  if (missing.length > 0) {
    const flags = missing.map((k) => FLAG_FOR_KEY[k] ?? k);
    problems.unshift(`missing ${flags.join(', ')} (pass ${missing.length === 1 ? 'it as a flag' : 'them as flags'} or set ${missing.join(', ')} in a --config file)`);
  }
  return problems.join('; ');
}
