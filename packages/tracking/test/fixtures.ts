import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A pipeline output folder like the orchestrator writes: attestation, report, model, manifests. */
export async function pipelineOutput(): Promise<{ dir: string; model: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-out-'));
  await mkdir(join(dir, 'manifests'), { recursive: true });
  const model = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 131 + 7) % 256));
  await writeFile(join(dir, 'model.onnx'), model);
  await writeFile(join(dir, 'attestation.json'), '{"schema":"hokusai.attestation/v1","root":"ab12"}');
  await writeFile(join(dir, 'report.json'), '{"delta":{"auroc":0.0312}}');
  await writeFile(join(dir, 'manifests', 'baseline.json'), '{"rows":1000}');
  await writeFile(join(dir, 'manifests', 'contributed.json'), '{"rows":250}');
  return { dir, model };
}

export async function tempJournal(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hokusai-journal-'));
  return join(dir, 'tracking', 'journal.jsonl');
}
