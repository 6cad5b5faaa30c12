import { sizeText } from '@hokusai/core';
import { esc, escWithCode } from './html-escape.js';
import { integer } from './number-format.js';
import type { ContextView, ReportView } from './report-schema.js';

const ROLE_NAMES: Record<string, string> = { base: 'Base data', contributed: 'Contributed data', benchmark: 'Benchmark' };

/** The development-setup warning, shown under the verdict: a proof under it can be forged. */
export function insecureSetupCallout(c: ContextView | null): string {
  if (c === null || !c.proof.insecure_setup) return '';
  return `<p class="callout callout-warn" id="insecure-setup"><strong>Development proving setup:</strong> the proof was made under a powers of tau that is not from a public ceremony, so whoever made it could forge proofs. Treat the proof as a test, not as evidence. ${c.proof.setup_note === null ? '' : esc(c.proof.setup_note)}</p>`;
}

function list(items: string[], empty: string): string {
  return items.length === 0 ? `<p class="empty">${empty}</p>` : `<ul>${items.map((i) => `<li>${escWithCode(i)}</li>`).join('')}</ul>`;
}

/** In memory or streaming, under the budget the config set (only when it set one). */
function executionFact(c: ContextView): string {
  const e = c.execution;
  if (e === undefined) return '';
  const mode = e.mode === 'in-memory' ? 'in memory' : 'streaming (batches and disk partitions)';
  return `\n<dt>Memory</dt><dd id="context-execution" data-mode="${esc(e.mode)}">${mode}: inputs estimated at ${sizeText(e.estimated_memory_bytes)} in memory, budget ${sizeText(e.memory_budget_bytes)} (<code>resources.memory</code>)</dd>`;
}

/** What was predicted, by which models, from which files, under which rule, and what the proof covers. */
export function contextSection(r: ReportView): string {
  const c = r.context;
  if (c === null) return `<section id="context" class="card"><h2>Run context</h2><p class="empty">report.json holds no run context (written before it was recorded).</p></section>`;
  const family = c.models.baseline.family === c.models.new.family ? esc(c.models.new.family) : `baseline ${esc(c.models.baseline.family)}, new ${esc(c.models.new.family)}`;
  const inputs = c.inputs
    .map((i) => `<tr data-role="${esc(i.role)}"><th scope="row">${Object.hasOwn(ROLE_NAMES, i.role) ? (ROLE_NAMES[i.role] as string) : esc(i.role)}</th><td><code>${esc(i.file_name)}</code></td><td class="num">${integer(i.rows)}</td><td><code class="hash">${esc(i.file_sha256)}</code></td></tr>`)
    .join('');
  const proofName = c.proof.system === 'groth16' ? 'Groth16' : c.proof.system === 'none' ? 'none' : esc(c.proof.system);
  const circuit = c.proof.circuit === null ? '' : ` (circuit <code>${esc(c.proof.circuit.name)}</code>, ${integer(c.proof.circuit.rows_per_chunk)} rows per chunk)`;
  const mlflow = c.mlflow === null ? '<span class="muted">not logged to an MLflow server</span>' : `<a href="${esc(c.mlflow.url)}" id="mlflow-link">${esc(c.mlflow.url)}</a> <span class="muted">(added after the attestation; not attested)</span>`;
  return `<section id="context" class="card">
<h2>Run context</h2>
<dl class="facts">
<dt>Target</dt><dd><code id="context-target">${esc(c.target)}</code> (${esc(c.task)} classification)</dd>
<dt>Model family</dt><dd id="context-family">${family}</dd>
<dt>Seed</dt><dd id="context-seed">${integer(c.seed)}</dd>
<dt>Acceptance rule</dt><dd id="acceptance-rule">${esc(c.acceptance_rule)}${r.verdict.rule === undefined ? '' : `<span class="rule-full">In full: ${esc(r.verdict.rule)}</span>`}</dd>
<dt>MLflow run</dt><dd>${mlflow}</dd>${executionFact(c)}
</dl>
<h3>Input files</h3>
<div class="table-wrap"><table class="inputs" id="context-inputs"><thead><tr><th scope="col">Role</th><th scope="col">File</th><th scope="col" class="num">Rows</th><th scope="col">SHA-256 of the file</th></tr></thead><tbody>${inputs}</tbody></table></div>
<h3>What the proof covers: ${proofName}${circuit}</h3>
<div class="proof-scope" id="proof-scope"><div><h4>Proved</h4>${list(c.proof.covers, 'Nothing is proved in zero knowledge for this run.')}</div><div><h4>Not proved</h4>${list(c.proof.does_not_cover, 'Nothing listed.')}</div></div>
${c.proof.insecure_setup ? '<p class="muted">The proving setup is a development one: see the warning under the verdict.</p>' : ''}
</section>`;
}
