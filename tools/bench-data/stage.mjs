// One measured stage in its own process, so its peak RSS is its own. Prints one JSON line.
import { join } from 'node:path';
import { loadDataset, loadDatasetInWorker, integrateContribution } from '@hokusai/data-integration';
// Internal modules, to time the steps the target names on their own.
import { fromArrowTable } from '../../packages/data-integration/dist/arrow-convert.js';
import { scanPii } from '../../packages/data-integration/dist/pii-scan.js';
import { treatPii } from '../../packages/data-integration/dist/pii-treatment.js';
import { PiiKey } from '../../packages/data-integration/dist/keyed-hash.js';
import { scoreQuality } from '../../packages/data-integration/dist/quality.js';
import { findDuplicates } from '../../packages/data-integration/dist/dedup.js';
import { matchRows } from '../../packages/data-integration/dist/feature-match.js';
import { comparedColumns } from '../../packages/data-integration/dist/compared-columns.js';

const [stage, dir] = process.argv.slice(2);
const parts = ['base', 'contributed', 'benchmark'];
const t0 = performance.now();
let extra = {};
if (stage === 'csv' || stage === 'parquet') {
  const loaded = [];
  for (const p of parts) loaded.push(await loadDataset(join(dir, `${p}.${stage}`)));
  // Loading (parse into Arrow, file SHA-256) and the manifest (content hash, distinct and null
  // counts, built on first access) are timed apart: the peer computes no manifest at all.
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  extra = { rows: loaded.reduce((s, d) => s + d.manifest.row_count, 0), content_hashes: loaded.map((d) => d.manifest.content_hash.slice(0, 12)) };
  const manifestMs = performance.now() - t1;
  console.log(JSON.stringify({ stage, ms: loadMs, manifest_ms: manifestMs, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra }));
  process.exit(0);
} else if (stage === 'csv-threads' || stage === 'parquet-threads') {
  // As the pipeline loads its inputs: the three files on worker threads at once, manifests
  // (content hash, distinct counts) built there and included in the time.
  const ext = stage.split('-')[0];
  const loaded = await Promise.all(parts.map((p) => loadDatasetInWorker(join(dir, `${p}.${ext}`))));
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ stage, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, rows: loaded.reduce((s, d) => s + d.manifest.row_count, 0), content_hashes: loaded.map((d) => d.manifest.content_hash.slice(0, 12)) }));
  process.exit(0);
} else if (stage === 'steps') {
  // PII scan + keyed hash + quality + dedup + contamination, the list, nothing else.
  const [base, contributed, benchmark] = await Promise.all(parts.map((p) => loadDataset(join(dir, `${p}.parquet`))));
  const cts = [base, contributed, benchmark].map((d) => fromArrowTable(d.table, d.path));
  const t1 = performance.now();
  const names = cts[0].names;
  const scan = scanPii(cts.map((ct, i) => ({ label: parts[i], ct })), names, { exclude: ['label'] });
  const t2 = performance.now();
  const key = PiiKey.fromSecret('bench-key');
  for (const ct of cts) treatPii(ct, scan, 'hash', key);
  const t3 = performance.now();
  const [b, c, t] = cts;
  // Copies are matched on the columns the model reads (as integrateContribution does), exactly and after normalization.
  const feat = comparedColumns(b, t, { target: 'label', omitted: new Set(), excluded: new Set(), pii: new Set(scan.columns.map((x) => x.column)) }).compared;
  const withLabel = [...feat, names.indexOf('label')];
  const dup = findDuplicates(c.columns, c.rowCount, 'exact', 'first');
  const inBase = matchRows(withLabel.map((k) => c.columns[k]), c.rowCount, withLabel.map((k) => b.columns[k]), b.rowCount).hit;
  const t4 = performance.now();
  const contaminated = matchRows(feat.map((k) => c.columns[k]), c.rowCount, feat.map((k) => t.columns[k]), t.rowCount).hit;
  const t5 = performance.now();
  let dups = 0;
  for (const x of dup) dups += x;
  const labels = (ct) => {
    const m = new Map();
    const col = ct.columns[ct.names.indexOf('label')];
    for (let i = 0; i < ct.rowCount; i++) m.set(String(col.valid[i] ? col.values[i] : null), (m.get(String(col.valid[i] ? col.values[i] : null)) ?? 0) + 1);
    return m;
  };
  const q = scoreQuality({ contributed: c, reference: b, duplicateRows: dups, validityPassRate: undefined, target: 'label', labels: { reference: labels(b), contributed: labels(c) }, features: feat.map((k) => names[k]) });
  const t6 = performance.now();
  let cont = 0;
  for (const x of contaminated) cont += x === 0 ? 0 : 1;
  let ib = 0;
  for (const x of inBase) ib += x === 0 ? 0 : 1;
  console.log(JSON.stringify({ stage, ms: t6 - t1, maxRssBytes: process.resourceUsage().maxRSS * 1024, steps_ms: { pii_scan: t2 - t1, keyed_hash: t3 - t2, dedup: t4 - t3, contamination: t5 - t4, quality: t6 - t5 }, found: { pii: scan.columns.map((x) => x.column), duplicates: dups, in_base: ib, contaminated: cont, quality: q.score } }));
  process.exit(0);
} else if (stage === 'integrate') {
  const [base, contributed, benchmark] = await Promise.all(parts.map((p) => loadDataset(join(dir, `${p}.parquet`))));
  const t1 = performance.now();
  const r = integrateContribution({ base, contributed, benchmark, target: 'label', pii: { key: 'bench-key-0123456789', mode: 'hash' } });
  const ms = performance.now() - t1;
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ stage, ms, maxRssBytes: rss, load_ms: t1 - t0, report: { pii: r.report.pii.findings_by_type, dedup: r.report.dedup, contamination: r.report.contamination.removed, quality: r.report.quality.score, merged: r.report.rows.merged } }));
  process.exit(0);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ stage, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra }));
