import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import { compileSchemas, validateAttestationJson, validateZkOutputV1 } from '../src/index.js';

describe('the JSON Schemas', () => {
  it('are compiled once, by compileSchemas ahead of their first use, and then validate without compiling', () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    compileSchemas();
    expect(compile).toHaveBeenCalledTimes(2);
    compileSchemas();
    expect(validateZkOutputV1({})).toMatch(/must have required property/);
    expect(validateAttestationJson({ version: 1 })).toMatch(/must have required property/);
    expect(compile).toHaveBeenCalledTimes(2);
    compile.mockRestore();
  });
});
