import { join } from 'node:path';
import type { BuiltAttestation } from './attestation.js';
import { buildZkOutputV1, zkOutputInfoFromFolder, type ZkOutputInfo } from './zk-output-v1.js';
import { proofFileText } from './groth16-prover.js';
import { jsonFileText } from './json-file-text.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface WriteAttestationOptions {
  /**
   * Facts for zk_output_v1.json that the attestation does not hold; false skips that file.
   * By default they are read from the attested manifests/contributed.json in outDir.
   */
  zkOutput?: ZkOutputInfo | false;
}

/**
 * Writes verification_key.json and proofs/chunk-<i>.json with proofs/chunk-<i>.public.json (when proved), zk_output_v1.json and
 * finally attestation.json, each to a temporary name and renamed, so a crash never leaves a
 * half-written file and attestation.json only appears once everything it refers to is there.
 */
export async function writeAttestation(outDir: string, built: BuiltAttestation, options: WriteAttestationOptions = {}): Promise<void> {
  const { attestation, proofFiles } = built;
  if (proofFiles !== undefined) {
    for (const [name, value] of Object.entries(proofFiles)) {
      await writeFileAtomic(join(outDir, name), proofFileText(value));
    }
  }
  if (options.zkOutput !== false) {
    const info = options.zkOutput ?? (await zkOutputInfoFromFolder(outDir, attestation));
    const zk = buildZkOutputV1(attestation, { ...info, ...(proofFiles === undefined ? {} : { proofFiles }) });
    await writeFileAtomic(join(outDir, 'zk_output_v1.json'), jsonFileText(zk));
  }
  await writeFileAtomic(join(outDir, 'attestation.json'), jsonFileText(attestation));
}
