// One measured stage in its own process, so its peak RSS is its own. Prints one JSON line.
import { join } from 'node:path';
import { loadDataset, integrateContribution } from '@hokusai/data-integration';

const [stage, dir] = process.argv.slice(2);
const parts = ['base', 'contributed', 'benchmark'];
const t0 = performance.now();
let extra = {};
if (stage === 'csv' || stage === 'parquet') {
  const loaded = [];
  for (const p of parts) loaded.push(await loadDataset(join(dir, `${p}.${stage}`)));
  extra = { rows: loaded.reduce((s, d) => s + d.manifest.row_count, 0), content_hashes: loaded.map((d) => d.manifest.content_hash.slice(0, 12)) };
} else if (stage === 'integrate') {
  const [base, contributed, benchmark] = await Promise.all(parts.map((p) => loadDataset(join(dir, `${p}.parquet`))));
  const t1 = performance.now();
  const r = integrateContribution({ base, contributed, benchmark, target: 'label', pii: { key: 'bench-key', mode: 'hash' } });
  const ms = performance.now() - t1;
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ stage, ms, maxRssBytes: rss, load_ms: t1 - t0, report: { pii: r.report.pii.findings_by_type, dedup: r.report.dedup, contamination: r.report.contamination.removed, quality: r.report.quality.score, merged: r.report.rows.merged } }));
  process.exit(0);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ stage, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra }));
