/**
 * report.html: one self-contained page (no scripts or files from elsewhere) rendered from
 * report.json alone, so the verifier can re-render it and compare bytes.
 */
interface MetricRow {
  baseline: number | null;
  new: number | null;
  delta_pp: number | null;
  ci: [number, number] | null;
  p_value: number | null;
  test: string;
}

interface ReportLike {
  run_id: string;
  verdict: { accepted: boolean; reasons: { code: string; message: string }[] };
  delta_one: number | null;
  primary_metric: string;
  n: number;
  metrics: Record<string, MetricRow>;
  attestation: { merkle_root: string; body_sha256: string; proof_system: string; verify_command: string };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number | null, d = 4): string => (v === null ? 'n/a' : v.toFixed(d));
const pp = (v: number | null): string => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);

export function renderReportHtml(report: unknown): string {
  const r = report as ReportLike;
  const rows = Object.entries(r.metrics)
    .map(
      ([name, m]) =>
        `<tr><td>${esc(name)}</td><td>${num(m.baseline)}</td><td>${num(m.new)}</td><td>${pp(m.delta_pp)}</td><td>${m.ci === null ? 'n/a' : `[${pp(m.ci[0] * 100)}, ${pp(m.ci[1] * 100)}]`}</td><td>${m.p_value === null ? 'n/a' : m.p_value.toPrecision(3)}</td><td>${esc(m.test)}</td></tr>`,
    )
    .join('\n');
  const reasons = r.verdict.reasons.map((x) => `<li>${esc(x.message)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hokusai report ${esc(r.run_id)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
.verdict{font-size:1.6rem;font-weight:700}.ok{color:#1a7f37}.no{color:#cf222e}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #d0d7de;text-align:right}td:first-child,th:first-child{text-align:left}
code{font-size:.85rem;word-break:break-all}</style></head>
<body>
<h1>Hokusai report</h1>
<p class="verdict ${r.verdict.accepted ? 'ok' : 'no'}" id="verdict">${r.verdict.accepted ? 'Accepted' : 'Rejected'}: DeltaOne ${pp(r.delta_one)} pp of ${esc(r.primary_metric)}</p>
${reasons ? `<ul>${reasons}</ul>` : ''}
<p>Benchmark rows: ${r.n}</p>
<table><thead><tr><th>metric</th><th>baseline</th><th>new</th><th>delta (pp)</th><th>95% CI (pp)</th><th>p</th><th>test</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Attestation</h2>
<p>Merkle root <code>${esc(r.attestation.merkle_root)}</code>, proof: ${esc(r.attestation.proof_system)}.</p>
<p>Check it yourself: <code>${esc(r.attestation.verify_command)}</code></p>
</body></html>
`;
}
