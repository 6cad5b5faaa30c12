// One verification in a fresh process (bench.ts times the whole process, startup included).
import { readFileSync } from 'node:fs';
import { verifyAttestation } from '@hokusai/attestation';

const [dir, predictionsPath] = process.argv.slice(2) as [string, string];
const p = JSON.parse(readFileSync(predictionsPath, 'utf8')) as { labels: number[]; baseline: number[]; new: number[] };
const report = await verifyAttestation(dir, { predictions: { labels: Uint8Array.from(p.labels), baseline: Uint8Array.from(p.baseline), new: Uint8Array.from(p.new) } });
if (!report.ok) {
  console.error(JSON.stringify(report.checks.filter((c) => !c.ok)));
  process.exit(1);
}
// CPU time of the whole process, startup included: wall time on a shared machine varies with load.
const cpu = process.cpuUsage();
console.log(String((cpu.user + cpu.system) / 1000));
