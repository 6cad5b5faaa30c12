import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CoreError, HokusaiError, errorKind, isRetryable } from '@hokusai/core';
import type * as Core from '@hokusai/core';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('HokusaiError', () => {
  it('carries code, kind and location, and survives its JSON form', () => {
    const error = new HokusaiError('HOKUSAI_EXAMPLE', 'data.csv, row 3, column \'age\': not a number', {
      kind: 'input',
      file: 'data.csv',
      row: 3,
      column: 'age',
      details: { expected: 'number' },
    });
    const text = JSON.stringify(error);
    const back = HokusaiError.fromJSON(text);
    expect(back).toBeInstanceOf(HokusaiError);
    expect(back).toMatchObject({ code: 'HOKUSAI_EXAMPLE', kind: 'input', file: 'data.csv', row: 3, column: 'age', message: error.message, name: 'HokusaiError' });
    expect(back?.details).toEqual({ expected: 'number' });
    expect(JSON.stringify(back)).toBe(text);
  });

  it('keeps a subclass name across JSON, and reads an object as well as text', () => {
    const error = new CoreError('HOKUSAI_PII_KEY_TOO_SHORT', 'short');
    const back = HokusaiError.fromJSON(error.toJSON());
    expect(back?.name).toBe('CoreError');
    expect(back?.kind).toBe('input');
  });

  it('gives undefined for anything that is not an error in JSON form', () => {
    expect(HokusaiError.fromJSON('[HOKUSAI_X] message')).toBeUndefined();
    expect(HokusaiError.fromJSON({ code: 'HOKUSAI_X', message: 'm' })).toBeUndefined();
    expect(HokusaiError.fromJSON({ hokusai_error: 1, name: 'E', code: 'HOKUSAI_X', kind: 'maybe', message: 'm' })).toBeUndefined();
    expect(HokusaiError.fromJSON(null)).toBeUndefined();
  });

  it('classifies untyped errors by cause: a missing path is input, a refused connection transient, a bug internal', () => {
    expect(errorKind(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe('input');
    expect(errorKind(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(errorKind(new TypeError('x is undefined'))).toBe('internal');
    expect(errorKind('a string')).toBe('internal');
    expect(errorKind(new HokusaiError('HOKUSAI_X', 'm', { kind: 'transient' }))).toBe('transient');
  });

  it('isInstance recognises an error from a second installed copy of the package, where instanceof fails', async () => {
    // A second copy of the built package, as npm installs one when two dependants pin different versions.
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-core-copy-'));
    try {
      cpSync(join(packageRoot, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(packageRoot, 'package.json'), join(dir, 'package.json'));
      symlinkSync(resolve(packageRoot, '../../node_modules'), join(dir, 'node_modules'), 'dir');
      const other = (await import(pathToFileURL(join(dir, 'dist/index.js')).href)) as typeof Core;
      expect(other.HokusaiError).not.toBe(HokusaiError);
      const foreign = new other.HokusaiError('HOKUSAI_X', 'from the other copy', { kind: 'input', row: 2 });
      expect(foreign instanceof HokusaiError).toBe(false);
      expect(HokusaiError.isInstance(foreign)).toBe(true);
      expect(errorKind(foreign)).toBe('input');
      expect(other.HokusaiError.isInstance(new HokusaiError('HOKUSAI_Y', 'from this copy', { kind: 'internal' }))).toBe(true);
      expect(HokusaiError.isInstance(new Error('plain'))).toBe(false);
      expect(HokusaiError.isInstance({ code: 'HOKUSAI_X', kind: 'input' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isRetryable', () => {
  it('retries transient faults and untyped crashes, never input errors or typed internal faults', () => {
    expect(isRetryable(new HokusaiError('HOKUSAI_X', 'lost', { kind: 'transient' }))).toBe(true);
    expect(isRetryable(new TypeError('crash'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('refused'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new HokusaiError('HOKUSAI_X', 'bad row', { kind: 'input' }))).toBe(false);
    expect(isRetryable(new HokusaiError('HOKUSAI_X', 'corrupt store', { kind: 'internal' }))).toBe(false);
    // A missing file is not a passing fault, whatever its code looks like.
    expect(isRetryable(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe(false);
  });
});
