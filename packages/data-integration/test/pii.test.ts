import { afterAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { toArrowTable } from '../src/arrow-convert.js';
import type { Column, ColumnTable } from '../src/column.js';
import { PiiKey } from '../src/keyed-hash.js';
import type { PiiScanResult } from '../src/pii-scan.js';
import { treatPii } from '../src/pii-treatment.js';
import { readFileSync } from 'node:fs';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { LoadedDataset } from '../src/index.js';
import { BUILTIN_DETECTORS, creditCardValid, findSpans, ibanValid, luhnValid, piiTypeFromName, ssnValid, wholeValueType } from '../src/pii-detectors.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const type = (s: string): string | undefined => wholeValueType(s, BUILTIN_DETECTORS);

describe('PII detectors', () => {
  it('recognise each type, including international phones', () => {
    expect(type('ana.kim@example.com')).toBe('email');
    expect(type('+44 20 7946 0958')).toBe('phone');
    expect(type('+81 3-1234-5678')).toBe('phone');
    expect(type('(415) 555-0132')).toBe('phone');
    expect(type('0049 30 1234567')).toBe('phone');
    expect(type('123-45-6789')).toBe('ssn');
    expect(type('4111 1111 1111 1111')).toBe('credit_card');
    expect(type('3782 822463 10005')).toBe('credit_card');
    expect(type('192.168.1.20')).toBe('ipv4');
    expect(type('2001:db8::8a2e:370:7334')).toBe('ipv6');
    expect(type('GB82 WEST 1234 5698 7654 32')).toBe('iban');
    expect(type('0x52908400098527886E0F7030069857D2E4169EE7')).toBe('ethereum_address');
    expect(type('221 Baker Street')).toBe('street_address');
    expect(findSpans('DOB: 1979-03-04, allergic', BUILTIN_DETECTORS).map((s) => s.type)).toEqual(['date_of_birth']);
  });

  it('apply the checksum and range rules', () => {
    // SSA never issued area 000, 666 or 900-999, group 00 or serial 0000.
    for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000']) {
      expect(ssnValid(bad)).toBe(false);
      expect(type(bad)).not.toBe('ssn');
    }
    expect(ssnValid('078-05-1120')).toBe(true);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(creditCardValid('4111 1111 1111 1112')).toBe(false);
    expect(type('4111 1111 1111 1112')).toBeUndefined();
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB83WEST12345698765432')).toBe(false);
    expect(type('999.1.1.1')).toBeUndefined();
    expect(type('12:30:00')).toBeUndefined();
  });

  it('leave ordinary values alone', () => {
    for (const v of ['north', 'C0000123', '2024-05-01', '42.5', '12345.67', 'basic plan', 'v1.2.3', 'B0000001']) expect(type(v)).toBeUndefined();
  });

  it('know PII column names but not label-like ones', () => {
    expect(piiTypeFromName('customer_email')).toBe('email');
    expect(piiTypeFromName('HomePhone')).toBe('phone');
    expect(piiTypeFromName('date_of_birth')).toBe('date_of_birth');
    expect(piiTypeFromName('first_name')).toBe('person_name');
    expect(piiTypeFromName('plan_name')).toBeUndefined();
    expect(piiTypeFromName('region')).toBeUndefined();
  });
});

async function piiParts(): Promise<{ base: LoadedDataset; contributed: LoadedDataset; benchmark: LoadedDataset }> {
  const text = readFileSync(fixture('pii.csv'), 'utf8').trim().split('\n');
  const header = text[0]!;
  const rows = text.slice(1);
  const base = await loadDataset(tmp.write('pii-base.csv', `${header}\n${rows.slice(0, 2).join('\n')}\n`));
  const contributed = await loadDataset(tmp.write('pii-contrib.csv', `${header}\n${rows.slice(2).join('\n')}\n`));
  const benchmark = await loadDataset(fixture('pii.csv'));
  return { base, contributed, benchmark };
}

describe('PII treatment', () => {
  it('finds every PII column in the fixture and hashes it with the keyed HMAC', async () => {
    const parts = await piiParts();
    const r = integrateContribution({ ...parts, target: 'label', pii: { key: 'secret-key-0123456', mode: 'hash' } });
    expect(new Set(r.piiColumns)).toEqual(new Set(['contact', 'phone', 'ssn', 'card', 'ip', 'ip6', 'iban', 'birth_date', 'wallet', 'home']));
    expect(r.report.pii.free_text_columns).toEqual(['notes']);
    const contact = r.benchmark.getChild('contact')!.toArray() as string[];
    expect(contact[0]).toBe(createHmac('sha256', 'secret-key-0123456').update('ana.kim@example.com').digest('hex'));
    // Same key, same value, same hash in every output: joins still work.
    expect(r.merged.getChild('contact')!.toArray()).toContain(contact[0]);
    const notes = r.benchmark.getChild('notes')!.toArray() as string[];
    expect(notes[0]).toMatch(/^call me at <email:[0-9a-f]{16}>$/);
    expect(notes[1]).toBe('nothing here');
    expect(notes[2]).toMatch(/^<date_of_birth:[0-9a-f]{16}>$/);
    expect(notes[3]).toMatch(/^server <ipv4:[0-9a-f]{16}> down$/);
    // contact: 2 (base) + 2 (contributed) + 4 (benchmark); notes row 1 (in base and benchmark): 2.
    expect(r.report.pii.findings_by_type.email).toBe(10);
    expect(r.report.pii.findings_by_type.ssn).toBe(8);
    const findings = r.report.pii.findings.filter((f) => f.dataset === 'benchmark' && f.column === 'contact');
    expect(findings).toEqual([{ dataset: 'benchmark', column: 'contact', type: 'email', count: 4 }]);
  });

  it('hashes every cell of a whole PII column as its own value: nulls stay null, text of any script', () => {
    const values = ['ana@example.com', null, 'zoë@exämple.de', '', '東京@example.jp', null, 'x'.repeat(200)];
    const ct: ColumnTable = { names: ['contact'], columns: [{ type: 'string', values }], rowCount: values.length };
    const scan = { columns: [{ column: 'contact' }], spanColumns: [], detectors: [] } as unknown as PiiScanResult;
    const out = treatPii(ct, scan, 'hash', PiiKey.fromSecret('secret-key-0123456')).columns[0];
    const want = values.map((v) => (v === null ? null : createHmac('sha256', 'secret-key-0123456').update(v, 'utf8').digest('hex')));
    expect(out?.type === 'string' ? out.values : []).toEqual(want);
    expect(toArrowTable({ names: ['contact'], columns: [out as Column], rowCount: values.length }).getChild('contact')?.toArray()).toEqual(want);
  });

  it('never lets a raw value or the key reach the report or any output', async () => {
    const parts = await piiParts();
    const r = integrateContribution({ ...parts, target: 'label', pii: { key: 'secret-key-0123456', mode: 'hash' } });
    const everything = JSON.stringify(r.report) + JSON.stringify(r.manifests) + ['base', 'contributed', 'merged', 'benchmark'].map((k) => JSON.stringify(r[k as 'base'].toArray())).join('');
    for (const raw of ['ana.kim@example.com', 'ben@example.org', '123-45-6789', '4111 1111 1111 1111', '192.168.1.20', 'GB82 WEST', '221 Baker Street', '1990-04-12', '+44 20 7946 0958', 'secret-key-0123456']) {
      expect(everything).not.toContain(raw);
    }
    expect(r.report.pii.key_source).toBe('provided');
  });

  it('uses an ephemeral key when none is given, and says so', async () => {
    const parts = await piiParts();
    const a = integrateContribution({ ...parts, target: 'label', pii: { mode: 'hash' } });
    const b = integrateContribution({ ...parts, target: 'label', pii: { mode: 'hash' } });
    expect(a.report.pii.key_source).toBe('ephemeral');
    expect(a.report.pii.key_note).toMatch(/hashed values in 'contact', .* differ from run to run .* do not join across runs/);
    expect(a.benchmark.getChild('contact')!.get(0)).not.toBe(b.benchmark.getChild('contact')!.get(0));
  });

  it('says, and keeps, that outputs without hashed values are the same on every run without a key', async () => {
    const parts = await piiParts();
    // As the pipeline does: PII columns left out of the outputs, free text kept out too.
    const run = () => integrateContribution({ ...parts, target: 'label', pii: { mode: 'hash' }, omit: { pii: true, columns: ['notes'] } });
    const [a, b] = [run(), run()];
    expect(a.report.pii.key_source).toBe('ephemeral');
    expect(a.report.pii.key_note).toMatch(/no hashed value reaches the outputs .* the same on every run/);
    expect(a.report.pii.key_note).not.toMatch(/not reproducible/);
    for (const k of ['base', 'contributed', 'merged', 'benchmark'] as const) expect(JSON.stringify(a[k].toArray())).toBe(JSON.stringify(b[k].toArray()));
    expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
    expect(a.manifests.merged.content_hash).toBe(b.manifests.merged.content_hash);
  });

  it('redacts, drops or fails as asked', async () => {
    const parts = await piiParts();
    const red = integrateContribution({ ...parts, target: 'label', pii: { mode: 'redact' } });
    expect(new Set(red.merged.getChild('ssn')!.toArray())).toEqual(new Set(['[REDACTED]']));
    expect(red.merged.getChild('notes')!.toArray()).toContain('call me at [EMAIL]');
    const drop = integrateContribution({ ...parts, target: 'label', pii: { mode: 'drop' } });
    expect(drop.merged.schema.fields.map((f) => f.name)).toEqual(['id', 'notes', 'plan', 'label']);
    expect(drop.benchmark.schema.fields.map((f) => f.name)).toEqual(['id', 'notes', 'plan', 'label']);
    expect(drop.piiColumns).toContain('ssn');
    expect(() => integrateContribution({ ...parts, target: 'label', pii: { mode: 'fail' } })).toThrow(expect.objectContaining({ code: 'HOKUSAI_PII_FOUND' }));
    try {
      integrateContribution({ ...parts, target: 'label', pii: { mode: 'fail' } });
    } catch (err) {
      expect((err as Error).message).not.toContain('ana.kim');
    }
  });

  it('accepts custom patterns', async () => {
    const base = await loadDataset(tmp.write('c-base.csv', 'member,x,label\nMBR-123456,1,0\nMBR-654321,2,1\n'));
    const contributed = await loadDataset(tmp.write('c-con.csv', 'member,x,label\nMBR-111111,3,0\nMBR-222222,4,1\n'));
    const benchmark = await loadDataset(tmp.write('c-ben.csv', 'member,x,label\nMBR-333333,5,0\nMBR-444444,6,1\n'));
    const plain = integrateContribution({ base, contributed, benchmark, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    expect(plain.piiColumns).toEqual([]);
    const r = integrateContribution({ base, contributed, benchmark, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash', custom: [{ type: 'member_id', pattern: 'MBR-\\d{6}' }] } });
    expect(r.piiColumns).toEqual(['member']);
    expect(r.report.pii.findings_by_type).toEqual({ member_id: 6 });
  });
});
