import { fromArrowTable } from './arrow-convert.js';
import type { Column } from './column.js';
import { dataError } from './errors.js';
import type { TableBatches } from './partitioned-matches.js';
import { BUILTIN_DETECTORS, compileCustom, piiTypeFromName } from './pii-detectors.js';
import { countDecided, countSpans, decideColumn, newColumnSample, sampleCell, sampleStride, type ColumnSample, type PiiColumnDecision, type PiiFinding, type PiiScanOptions, type PiiScanResult } from './pii-scan.js';

/** One dataset read in batches, with its row count (which sets the sample's stride). */
export interface PiiScanSource {
  label: string;
  read: TableBatches;
  rows: number;
}

function columnOf(batch: { names: string[]; columns: Column[] }, name: string, label: string): Column {
  const k = batch.names.indexOf(name);
  if (k < 0) throw dataError('HOKUSAI_SCHEMA_MISMATCH', `column '${name}' is missing from a batch of the ${label} data`, 'Give the datasets the same columns', { column: name });
  return batch.columns[k] as Column;
}

/**
 * scanPii over datasets read in batches (already on one schema): one pass takes the same stride
 * sample (the same rows, in the same order) and decides each column as scanPii does; a second
 * counts the findings batch by batch. The result is scanPii's on the whole tables.
 */
export async function scanPiiOverBatches(datasets: readonly PiiScanSource[], names: readonly string[], options: PiiScanOptions = {}): Promise<PiiScanResult> {
  const custom = options.custom ?? [];
  const detectors = [...compileCustom(custom), ...BUILTIN_DETECTORS];
  const exclude = new Set(options.exclude ?? []);
  const scanned = names.filter((n) => !exclude.has(n));
  // Types per column and dataset, from each dataset's first batch.
  const types = new Map<string, Column['type'][]>(scanned.map((n) => [n, []]));
  const samples = new Map<string, ColumnSample>();
  for (const [j, d] of datasets.entries()) {
    for await (const batch of d.read()) {
      const ct = fromArrowTable(batch, d.label);
      for (const name of scanned) (types.get(name) as Column['type'][])[j] = columnOf(ct, name, d.label).type;
      break;
    }
  }
  for (const name of scanned) {
    const t = types.get(name) as Column['type'][];
    if (t.every((x) => x === 'string') || t.every((x) => x === 'int' || x === 'float')) samples.set(name, newColumnSample());
  }
  // The stride sample: the same rows as scanPii's, dataset after dataset.
  for (const d of datasets) {
    const step = sampleStride(d.rows);
    let rowBase = 0;
    for await (const batch of d.read()) {
      const ct = fromArrowTable(batch, d.label);
      for (const [name, sample] of samples) {
        const c = columnOf(ct, name, d.label);
        for (let g = Math.ceil(rowBase / step) * step; g < rowBase + ct.rowCount; g += step) sampleCell(sample, c, g - rowBase, detectors);
      }
      rowBase += ct.rowCount;
    }
  }
  const decisions = new Map<string, PiiColumnDecision>();
  for (const name of scanned) {
    const decision = decideColumn(name, samples.get(name) ?? null, piiTypeFromName(name, custom));
    if (decision !== undefined) decisions.set(name, decision);
  }
  const spanScanned = scanned.filter((n) => !decisions.has(n) && (types.get(n) as Column['type'][]).every((t) => t === 'string') && options.noSpans?.includes(n) !== true);
  // Per dataset: decided counts and span counts, summed over its batches.
  const decidedCounts = datasets.map(() => new Map<string, number>());
  const spanCounts = datasets.map(() => new Map<string, Map<string, number>>(spanScanned.map((n) => [n, new Map<string, number>()])));
  for (const [j, d] of datasets.entries()) {
    for await (const batch of d.read()) {
      const ct = fromArrowTable(batch, d.label);
      for (const [name, decision] of decisions) {
        const single = detectors.filter((x) => x.type === decision.type);
        const counts = decidedCounts[j] as Map<string, number>;
        counts.set(name, (counts.get(name) ?? 0) + countDecided(columnOf(ct, name, d.label), decision, single));
      }
      for (const name of spanScanned) countSpans(columnOf(ct, name, d.label), detectors, (spanCounts[j] as Map<string, Map<string, number>>).get(name) as Map<string, number>);
    }
  }
  // Assembled in scanPii's order: columns in order, datasets in order, span types as first found.
  const columns: PiiColumnDecision[] = [];
  const spanColumns: string[] = [];
  const findings: PiiFinding[] = [];
  for (const name of scanned) {
    const decision = decisions.get(name);
    if (decision !== undefined) {
      columns.push(decision);
      datasets.forEach((d, j) => {
        const count = (decidedCounts[j] as Map<string, number>).get(name) ?? 0;
        if (count > 0) findings.push({ dataset: d.label, column: name, type: decision.type, count });
      });
      continue;
    }
    if (!spanScanned.includes(name)) continue;
    let any = false;
    datasets.forEach((d, j) => {
      for (const [type, count] of (spanCounts[j] as Map<string, Map<string, number>>).get(name) as Map<string, number>) {
        findings.push({ dataset: d.label, column: name, type, count });
        any = true;
      }
    });
    if (any) spanColumns.push(name);
  }
  return { columns, spanColumns, findings, detectors };
}
