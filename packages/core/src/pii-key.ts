import { CoreError } from './core-errors.js';

/** The environment variable the PII key is read from when config gives none. */
export const PII_KEY_ENV = 'HOKUSAI_PII_KEY';

/**
 * The shortest PII key accepted. HMAC with a short secret is open to the same enumeration a
 * bare hash is: whoever guesses the key reverses every hashed email.
 */
export const MIN_PII_KEY_LENGTH = 16;

/**
 * Refuses a key shorter than MIN_PII_KEY_LENGTH characters. `source` names where it came from
 * (a config key, the environment variable) for the message; the key itself never appears.
 */
export function assertPiiKey(key: string, source: string): string {
  if (key.length < MIN_PII_KEY_LENGTH) {
    throw new CoreError(
      'HOKUSAI_PII_KEY_TOO_SHORT',
      `The PII key from ${source} has ${key.length} characters; it must have at least ${MIN_PII_KEY_LENGTH} characters so the hashed values cannot be reversed by guessing the key. Use a longer random secret (e.g. \`openssl rand -hex 32\`).`,
    );
  }
  return key;
}

/**
 * The PII key from the environment (HOKUSAI_PII_KEY unless `name` says otherwise), checked; or
 * undefined when the variable is unset or empty.
 */
export function piiKeyFromEnv(env: NodeJS.ProcessEnv = process.env, name: string = PII_KEY_ENV): string | undefined {
  const value = env[name];
  if (value === undefined || value.length === 0) return undefined;
  return assertPiiKey(value, `the environment variable ${name}`);
}
