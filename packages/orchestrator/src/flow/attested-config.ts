import { basename } from 'node:path';
import { maskUriCredentials } from '@hokusai/tracking';
import type { PipelineConfig } from './config.js';

/**
 * The part of the config that decides the results, as it enters the attestation: no secrets,
 * no output location, no machine-specific paths (inputs are identified by their hashes), so
 * the same inputs and settings give a byte-identical attestation body anywhere.
 */
export function attestedConfig(config: PipelineConfig): Record<string, unknown> {
  return {
    task: config.task,
    target: config.target,
    seed: config.seed,
    model: config.model,
    search: config.search ?? null,
    baseline_feature_columns: config.baselineFeatureColumns ?? null,
    baseline_model: config.baselineModel === undefined ? null : basename(config.baselineModel),
    exclude: [...config.exclude].sort(),
    // Recorded only when chosen, so runs that keep the default order keep their config bytes.
    ...(config.positiveClass === undefined ? {} : { positive_class: config.positiveClass }),
    strata: config.strata === undefined ? null : [...config.strata],
    pii: { mode: config.pii.mode },
    quality: config.quality,
    // Recorded only when an allowance is set, so runs with the default checks keep their bytes.
    ...(config.benchmarkChecks.allowInBase || config.benchmarkChecks.allowSingleClass ? { benchmark_checks: { allow_in_base: config.benchmarkChecks.allowInBase, allow_single_class: config.benchmarkChecks.allowSingleClass } } : {}),
    delta: config.delta,
    acceptance: config.acceptance,
    // The inference setting is recorded only when not the default (auto), so such runs keep their bytes.
    proof: { enabled: config.proof.enabled, circuit_n: config.proof.circuitN ?? null, ...(config.proof.inference === 'auto' ? {} : { inference: config.proof.inference }) },
    benchmark_id: config.benchmarkId ?? null,
    contributor: { id: config.contributor.id ?? null, wallet: config.contributor.wallet ?? null },
    inputs: { base: basename(config.base), contributed: basename(config.contributed), benchmark: basename(config.benchmark) },
  };
}

/**
 * The config as shown to people and MLflow: the secret key replaced by whether one is set, and
 * credentials in the tracking URI masked.
 */
export function displayConfig(config: PipelineConfig): Record<string, unknown> {
  const { pii, tracking, ...rest } = config;
  return {
    ...rest,
    tracking: tracking.uri === undefined ? tracking : { ...tracking, uri: maskUriCredentials(tracking.uri) },
    pii: { mode: pii.mode, key: pii.key === undefined ? '(not set)' : '********' },
  };
}
