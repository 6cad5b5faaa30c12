import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { checkTarget, DataIntegrationError, formatValidationReport, integrateContribution, loadDataset, validateTable, writeTable } from '../src/index.js';
import type { LoadedDataset, LoadOptions } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

// Planted values of every kind a message could quote.
const EMAILS = ['jo.okafor248@example.com', 'hana.berg216@example.com', 'lea.berg729@example.com', 'gus.muller445@example.com'];
const PHONES = ['4155550132', '2125550199', '6465550143', '3105550177'];
const SSNS = ['078051120', '219099999', '457555462', '323456789'];
const CARDS = ['4111111111111111', '5500005555555559', '340000000000009', '6011000990139424'];
const NAMES = ['Margaret Okafor', 'Thomas Berglund', 'Linda Castellano', 'George Whitfield'];
const PLANTED = [...EMAILS, ...PHONES, ...SSNS, ...CARDS, ...NAMES];

/** The error as every place stores it: message, JSON form (run records, queues) and text. */
function everything(err: unknown): string {
  expect(err).toBeInstanceOf(DataIntegrationError);
  const e = err as DataIntegrationError;
  return [e.message, JSON.stringify({ ...e, message: e.message }), String(e.stack)].join('\n');
}

function expectNoPlanted(text: string): void {
  for (const v of PLANTED) {
    expect(text, `planted value ${v}`).not.toContain(v);
    // Numbers may be printed with separators or as floats.
    if (/^\d+$/.test(v)) expect(text.replace(/[^\d]/g, ' '), `planted number ${v}`).not.toMatch(new RegExp(`\\b${v}\\b`));
  }
}

async function loadFailure(path: string, options?: LoadOptions): Promise<string> {
  try {
    await loadDataset(path, options);
  } catch (err) {
    return everything(err);
  }
  throw new Error(`expected ${path} to fail`);
}

function targetFailure(d: LoadedDataset, target: string, task: 'binary' | 'multiclass'): string {
  try {
    checkTarget(d, target, task);
  } catch (err) {
    return everything(err);
  }
  throw new Error(`expected target ${target} to fail`);
}

const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';
const header = ['email', 'phone', 'ssn', 'card', 'rep', 'label'];
const rows = EMAILS.map((e, i) => [e, PHONES[i] as string, SSNS[i] as string, CARDS[i] as string, NAMES[i] as string, String(i % 2)]);

describe('no error message carries a raw cell value', () => {
  it('names no e-mail, phone, SSN, card or name when the target is a PII column', async () => {
    const d = await loadDataset(tmp.write('pii.csv', csv([header, ...rows])));
    for (const target of ['email', 'phone', 'ssn', 'card', 'rep']) {
      const text = targetFailure(d, target, 'binary');
      expect(text).toContain('HOKUSAI_TARGET_NOT_BINARY');
      expect(text).toMatch(/values redacted: the column looks like/);
      expectNoPlanted(text);
    }
  });

  it('still names the labels of a target that was checked not to be PII', async () => {
    const d = await loadDataset(tmp.write('labels.csv', csv([['x', 'plan'], ['1', 'basic'], ['2', 'pro'], ['3', 'team']])));
    const text = targetFailure(d, 'plan', 'binary');
    expect(text).toMatch(/basic, pro, team/);
  });

  it('describes a multiclass label that is not an integer instead of quoting a PII-shaped one', async () => {
    const d = await loadDataset(tmp.write('float-target.csv', csv([['x', 'label'], ['1', '1'], ['2', '4155550132.5']])));
    const text = targetFailure(d, 'label', 'multiclass');
    expect(text).toContain('HOKUSAI_TARGET_NOT_BINARY');
    expect(text).not.toContain('4155550132');
  });

  it('describes values that contradict a declared type, in the message and in its context', async () => {
    for (const [column, values] of [['age', EMAILS], ['score', NAMES], ['amount', SSNS.map((s) => `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}`)]] as const) {
      const path = tmp.write(`typed-${column}.csv`, csv([[column, 'label'], ...values.map((v, i) => [v, String(i % 2)])]));
      const text = await loadFailure(path, { schema: { columns: [{ name: column, type: 'int' }] } });
      expect(text).toContain('HOKUSAI_TYPE_MISMATCH');
      expect(text).toMatch(/value redacted: looks like/);
      for (const v of values) expect(text).not.toContain(v);
    }
    // A value that looks like nothing personal is still quoted, so the file can be fixed.
    const plain = await loadFailure(tmp.write('typed-plain.csv', csv([['age', 'label'], ['abc', '0']])), { schema: { columns: [{ name: 'age', type: 'int' }] } });
    expect(plain).toContain('"abc"');
  });

  it('does not quote JSON text around a syntax error', async () => {
    const jsonl = tmp.write('bad.jsonl', `{"email": "${EMAILS[0]}", "label": 1}\n{"email": ${EMAILS[1]}, "label": 0}\n`);
    const text = await loadFailure(jsonl);
    expect(text).toContain('HOKUSAI_PARSE_ERROR');
    // V8 quotes about ten characters on either side of the error.
    expect(text).not.toContain((EMAILS[1] as string).slice(0, 6));
    const json = tmp.write('bad.json', `[{"rep": "${NAMES[0]}"}, {"rep": ${NAMES[1]}}]`);
    expect(await loadFailure(json)).not.toContain((NAMES[1] as string).slice(0, 6));
  });

  it('describes large integers and out-of-range numbers from Parquet without printing them', async () => {
    const big = tmp.path('big.parquet');
    await writeTable(tableFromArrays({ card: BigInt64Array.from([4111111111111111111n, 1n]), label: Int32Array.from([0, 1]) }), big);
    const text = await loadFailure(big);
    expect(text).toContain('HOKUSAI_TYPE_MISMATCH');
    expect(text).not.toContain('4111111111111111111');
    const wide = tmp.path('wide.parquet');
    await writeTable(tableFromArrays({ phone: Float64Array.from([4155550132, 1]), label: Int32Array.from([0, 1]) }), wide);
    expectNoPlanted(await loadFailure(wide, { schema: { columns: [{ name: 'phone', type: 'int' }] } }));
  });

  it('keeps PII out of validation reports, as JSON and as text', async () => {
    const d = await loadDataset(tmp.write('validate.csv', csv([header, ...rows])));
    const report = validateTable(d.table, {
      columns: [
        { name: 'email', type: 'string', pattern: '^none$' },
        { name: 'phone', type: 'float', max: 10 },
        { name: 'ssn', type: 'float', allowed: [1] },
        { name: 'card', type: 'float', max: 10 },
        { name: 'rep', type: 'string', allowed: ['nobody'] },
      ],
    });
    expect(report.failures.map((f) => f.column).sort()).toEqual(['card', 'email', 'phone', 'rep', 'ssn']);
    expectNoPlanted(JSON.stringify(report));
    expectNoPlanted(formatValidationReport(report));
  });

  it('keeps PII out of the integration errors', async () => {
    const d = await loadDataset(tmp.write('integrate.csv', csv([header, ...rows])));
    for (const input of [
      { pii: { mode: 'fail' as const } },
      { pii: { mode: 'hash' as const }, omit: { columns: ['label'] } },
      { pii: { mode: 'hash' as const }, dedup: { strategy: 'key' as const, keys: ['nope'] } },
    ]) {
      let text = '';
      try {
        integrateContribution({ base: d, contributed: d, benchmark: d, target: 'label', ...input });
      } catch (err) {
        text = everything(err);
      }
      expect(text, JSON.stringify(input)).not.toBe('');
      expectNoPlanted(text);
    }
  });
});
