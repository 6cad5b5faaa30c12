import { describe, expect, it } from 'vitest';
import { vectorFromArray, Utf8 } from 'apache-arrow';
import { countEmails, hasEmail } from '../src/email-bytes.js';
import { BUILTIN_DETECTORS, findSpans } from '../src/pii-detectors.js';
import { mulberry32 } from './mulberry32.js';

const EMAIL = BUILTIN_DETECTORS.filter((d) => d.type === 'email');
const byRegex = (s: string): boolean => findSpans(s, EMAIL).length > 0;
const byBytes = (s: string): boolean => {
  const b = Buffer.from(s, 'utf8');
  return hasEmail(b, 0, b.length);
};

describe('the e-mail pattern read on UTF-8 bytes', () => {
  it('agrees with the regular expression on hand-picked edge cases', () => {
    const cases = [
      'ann@example.com', 'a@b.co', 'a@b.c', '@b.co', 'a@.co', 'a@b..co', 'a@b.c.de', 'a@b-c.de', 'a@-.de', 'x.@y.zz', '.@y.zz',
      'a@b.c1', 'a@b.1c', 'a@b.cd1', 'mail me: joe+tag@mail.example.org!', 'é@b.co', 'aé@b.co', 'a@bé.co', 'a@b.éco', 'a@b.cé',
      'a@@b.co', 'a@b@c.de', '', '@', 'a@', 'a@b', 'a@b.', 'a @b.co', 'a@ b.co', 'a%b@c.de', 'ab@c..d.ef', 'ab@c.d..ef', 'ab@c.de.',
      'x@y.z.ab', '1@2.34', '1@2.3a', '1@2.ab', 'name@sub.domain-x.travel', 'a_b@c_d.ef', 'a@c_d.ef', 'a@c.d_ef', '😀a@b.co', 'a@b.co😀',
    ];
    for (const s of cases) expect(byBytes(s), s).toBe(byRegex(s));
  });

  it('agrees with the regular expression on 20,000 random strings, a fair share of them addresses', () => {
    const rnd = mulberry32(2024);
    const pick = (xs: readonly string[]): string => xs[Math.floor(rnd() * xs.length)] as string;
    const some = (xs: readonly string[], max: number): string => Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(xs)).join('');
    const noise = ['a', 'Z', '7', '.', '@', '-', '_', '%', '+', ' ', 'é', '😀', ':'];
    const label = ['a', 'b9', 'x-y', '-', 'é', '_', ''];
    // Near-addresses: noise, a local part, '@', labels joined by one or two dots, a last label, noise.
    const candidate = (): string =>
      some(noise, 3) + pick(['a', 'b', '0', '.', '%', '+', '-', '_', 'é', ' ']) + some(['a', '.', '%'], 2) + pick(['@', '@', '@@', '']) +
      Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(label)).join(pick(['.', '.', '..'])) + pick(['.', '.', '..', '']) +
      some(['c', 'o', 'M'], 3) + pick(['', '', '1', 'é', '-']) + some(noise, 3);
    let found = 0;
    for (let k = 0; k < 20_000; k++) {
      const s = candidate();
      const expected = byRegex(s);
      if (byBytes(s) !== expected) expect(byBytes(s), JSON.stringify(s)).toBe(expected);
      if (expected) found++;
    }
    expect(found).toBeGreaterThan(500);
    expect(found).toBeLessThan(18_000);
  });

  it('counts the non-null values holding an address', () => {
    const data = vectorFromArray(['ann@example.com', null, 'no address', 'write to bo@x.io or cy@y.io', null, 'a@b.c'], new Utf8()).data[0]!;
    expect(countEmails(data)).toBe(2);
  });
});
