import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttestationError, canonicalJson } from '../src/index.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3 example)', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const keys = Object.keys(JSON.parse(canonicalJson(value)) as object);
    // JSON.parse keeps "1" first (integer-like keys), so compare the serialized order instead.
    const order = [...canonicalJson(value).matchAll(/"([^"]*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(order).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(keys).toHaveLength(7);
  });

  it('writes numbers in shortest round-trip form with no whitespace', () => {
    expect(canonicalJson([Number('333333333.33333329'), 1e30, 4.5, 0.002, 1e-27, -0, 1e21, 1e-7, 0.000001])).toBe('[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,1e-7,0.000001]');
    expect(canonicalJson({ b: [true, null, 'x"\n'], a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":[true,null,"x\\"\\n"]}');
  });

  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['undefined property', { a: undefined }],
    ['undefined element', [1, undefined]],
    ['bigint', { a: 1n }],
    ['Date', { a: new Date(0) }],
    ['typed array', { a: new Uint8Array(2) }],
  ])('throws on %s, naming where', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(AttestationError);
    try {
      canonicalJson(value);
    } catch (error) {
      expect((error as AttestationError).code).toBe('HOKUSAI_CANONICAL_JSON');
      expect((error as Error).message).toMatch(/\$/);
    }
  });

  it('throws on cycles but accepts shared (acyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('round-trips any JSON value and ignores key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        // Same object with keys inserted in reverse order gives the same text.
        const reversed = JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)) as unknown;
        expect(canonicalJson(reversed)).toBe(text);
        expect(text).not.toMatch(/[\n]/);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
