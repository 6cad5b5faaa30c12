import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkTarget, DataIntegrationError, integrateContribution, loadDataset } from '../src/index.js';

const example = (name: string): string => fileURLToPath(new URL(`../../../examples/quickstart/${name}`, import.meta.url));

/** Data rows of a CSV file as raw lines (the quickstart files have no quoting), header dropped. */
function csvLines(name: string): string[] {
  return readFileSync(example(name), 'utf8').trim().split('\n').slice(1);
}

describe('the contract the orchestrator calls', () => {
  it('loads, checks the target and integrates the quickstart data', async () => {
    const [base, contributed, benchmark] = await Promise.all(['base.csv', 'contributed.csv', 'benchmark.csv'].map((f) => loadDataset(example(f))));
    expect(base!.manifest.row_count).toBe(csvLines('base.csv').length);
    expect(() => checkTarget(base!, 'churned', 'binary')).not.toThrow();
    const r = integrateContribution({ base: base!, contributed: contributed!, benchmark: benchmark!, target: 'churned', pii: { key: 'test-key-0123456789', mode: 'hash' } });

    // Independent count of what must be removed, from the raw lines: rows whose features
    // (everything but the trailing label) equal a benchmark row's.
    const strip = (l: string): string => l.slice(0, l.lastIndexOf(','));
    const bench = new Set(csvLines('benchmark.csv').map(strip));
    const contrib = csvLines('contributed.csv');
    const contaminated = contrib.filter((l) => bench.has(strip(l))).length;
    expect(contaminated).toBeGreaterThan(0);
    expect(r.report.contamination.removed).toBe(contaminated);
    const seen = new Set<string>();
    let dups = 0;
    for (const l of contrib) {
      if (bench.has(strip(l))) continue;
      if (seen.has(l)) dups++;
      seen.add(l);
    }
    expect(r.report.dedup.within_contributed).toBe(dups);
    expect(r.report.rows.merged).toBe(r.report.rows.base + r.report.rows.contributed_kept);

    // One schema for all four outputs.
    const sig = (t: typeof r.base): string => t.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
    expect(sig(r.merged)).toBe(sig(r.base));
    expect(sig(r.benchmark)).toBe(sig(r.base));
    expect(sig(r.contributed)).toBe(sig(r.base));
    expect(r.piiColumns).toEqual(['email']);
    // Hashed, never raw: no '@' left in the email column, and the report holds no raw address.
    const emails = r.merged.getChild('email')!.toArray() as string[];
    expect(emails.every((e) => /^[0-9a-f]{64}$/.test(e))).toBe(true);
    expect(JSON.stringify(r.report)).not.toMatch(/@example\.com/);
    expect(JSON.stringify(r.report)).not.toContain('test-key');
  });

  it('names the file and its columns when the target is missing', async () => {
    const base = await loadDataset(example('base.csv'));
    try {
      checkTarget(base, 'label', 'binary');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataIntegrationError);
      const e = err as DataIntegrationError;
      expect(e.code).toBe('HOKUSAI_TARGET_MISSING');
      expect(e.file).toBe(example('base.csv'));
      expect(e.message).toContain("'churned'");
    }
  });
});
