import { esc } from './html-escape.js';
import type { ReportView } from './report-schema.js';

export function attestationSection(r: ReportView): string {
  const a = r.attestation;
  const proof =
    a.proof_system === 'none'
      ? 'No zero-knowledge proof was made for this run; the hashes and the Merkle root still bind every input, the model and every figure.'
      : `A ${esc(a.proof_system === 'groth16' ? 'Groth16' : a.proof_system)} proof that both models' correct counts (hence the accuracies and their delta) follow from the committed benchmark labels and 0/1 predictions is in the folder (<code>verification_key.json</code>, <code>proofs/</code>). It does not prove that those predictions are what the models compute: <code>hokusai verify --benchmark &lt;file&gt;</code> re-runs both ONNX models on the benchmark to check that.`;
  return `<section id="attestation" class="card">
<h2>Attestation</h2>
<dl class="hashes">
<dt>Merkle root</dt><dd><code class="hash" id="merkle-root">${esc(a.merkle_root)}</code></dd>
<dt>Body SHA-256</dt><dd><code class="hash">${esc(a.body_sha256)}</code></dd>
<dt>Proof</dt><dd>${proof}</dd>
</dl>
<h3>Check it yourself</h3>
<p>From the output folder that holds this page, <code>attestation.json</code> and <code>predictions.json</code>, run:</p>
<pre class="command"><code>${esc(a.verify_command)}</code></pre>
<p class="muted">It recomputes every hash and the Merkle root${a.proof_system === 'none' ? '' : ', checks the proof'}, recomputes both models' metrics and the delta from the predictions, rebuilds report.json and re-renders this page, comparing bytes. Exit code 0 means every check passed.</p>
</section>`;
}
