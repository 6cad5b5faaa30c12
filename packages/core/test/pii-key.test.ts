import { describe, expect, it } from 'vitest';
import { HokusaiError, assertPiiKey, piiKeyFromEnv } from '@hokusai/core';

describe('the PII key', () => {
  it('is read from HOKUSAI_PII_KEY, and an unset or empty variable gives undefined', () => {
    expect(piiKeyFromEnv({ HOKUSAI_PII_KEY: 'a-long-enough-secret' })).toBe('a-long-enough-secret');
    expect(piiKeyFromEnv({})).toBeUndefined();
    expect(piiKeyFromEnv({ HOKUSAI_PII_KEY: '' })).toBeUndefined();
    expect(piiKeyFromEnv({ OTHER: 'a-long-enough-secret' }, 'OTHER')).toBe('a-long-enough-secret');
  });

  it('is refused under 16 characters, as an input error that names the source and not the key', () => {
    const error = (() => {
      try {
        piiKeyFromEnv({ HOKUSAI_PII_KEY: 'short-secret' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(HokusaiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'HOKUSAI_PII_KEY_TOO_SHORT', kind: 'input' });
    expect((error as Error).message).toContain('HOKUSAI_PII_KEY');
    expect((error as Error).message).not.toContain('short-secret');
    expect(assertPiiKey('x'.repeat(16), 'pii.key')).toBe('x'.repeat(16));
  });
});
