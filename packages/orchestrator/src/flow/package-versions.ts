import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const HOKUSAI_PACKAGES = ['data-integration', 'training', 'evaluation', 'attestation', 'tracking', 'orchestrator'] as const;

/** Versions of the packages that produced a run, recorded with the run for reproducibility. */
export function packageVersions(): Record<string, string> {
  return Object.fromEntries(
    HOKUSAI_PACKAGES.map((name) => [`@hokusai/${name}`, (require(`@hokusai/${name}/package.json`) as { version: string }).version]),
  );
}

export function pipelineVersion(): string {
  return (require('@hokusai/orchestrator/package.json') as { version: string }).version;
}
