import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkContributorAddress } from '../eth-address.js';
import { CliError } from '../cli-error.js';
import { OrchestratorError, PipelineConfigSchema, parseConfig, type PipelineConfig } from '@hokusai/orchestrator';
import { piiKeyFromEnv } from '@hokusai/core';
import { describeConfigProblems } from './config-problems.js';

type Layer = Record<string, unknown>;

/** Keys of the config that hold file paths: relative paths in a config file are relative to that file. */
const PATH_KEYS = ['base', 'contributed', 'benchmark', 'out', 'baselineModel'] as const;

/** Reads a YAML or JSON config file and checks its keys and types, naming the file on error. */
export function readConfigFile(path: string): Layer {
  if (!existsSync(path)) throw new CliError('HOKUSAI_CONFIG_NOT_FOUND', `Config file ${path} does not exist.`);
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Config file ${path} must hold an object of settings.`);
  }
  const checked = PipelineConfigSchema.partial().safeParse(data);
  if (!checked.success) {
    throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Config file ${path}: ${describeConfigProblems(checked.error.issues, data, 'file')}.`);
  }
  const layer = { ...(data as Layer) };
  for (const key of PATH_KEYS) {
    const value = layer[key];
    if (typeof value === 'string' && !isAbsolute(value)) layer[key] = resolve(dirname(path), value);
  }
  return layer;
}

/** Settings that come from the environment. Secrets are read here and never printed. */
export function environmentLayer(env: NodeJS.ProcessEnv): Layer {
  const layer: Layer = {};
  const key = piiKeyFromEnv(env);
  if (key !== undefined) layer.pii = { key };
  const tracking: Layer = {};
  if (env.MLFLOW_TRACKING_URI) tracking.uri = env.MLFLOW_TRACKING_URI;
  if (env.MLFLOW_EXPERIMENT_NAME) tracking.experiment = env.MLFLOW_EXPERIMENT_NAME;
  if (Object.keys(tracking).length > 0) layer.tracking = tracking;
  if (env.HOKUSAI_SEED) layer.seed = integerSetting('HOKUSAI_SEED', env.HOKUSAI_SEED);
  return layer;
}

/** Later layers win; nested objects merge key by key. */
export function mergeLayers(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const prev = out[key];
      out[key] =
        isPlainObject(prev) && isPlainObject(value) ? mergeLayers(prev, value) : value;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Layer {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A whole non-negative number from a flag or variable, or an error naming it. */
export function integerSetting(name: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new CliError('HOKUSAI_USAGE', `${name} must be an integer (0 or more), not "${text}".`);
  return Number(text);
}

/** The layers of a run's settings merged, before validation: what `config show` shows. */
export function mergedSettings(input: { file?: string; flags: Layer; env?: NodeJS.ProcessEnv }): Layer {
  const fileLayer = input.file === undefined ? {} : readConfigFile(input.file);
  return mergeLayers(fileLayer, environmentLayer(input.env ?? process.env), input.flags);
}

/** Shown in place of a required key no layer sets (`config show` without a file). */
export const NOT_SET = '(not set)';

/**
 * Like resolveConfig, but required keys that no layer sets are filled with NOT_SET and named,
 * so `config show` works without a config file and still checks everything that is set.
 */
export function resolveConfigForDisplay(input: { file?: string; flags: Layer; env?: NodeJS.ProcessEnv }): { config: PipelineConfig; notSet: string[] } {
  const merged = mergedSettings(input);
  const notSet = REQUIRED_KEYS.filter((key) => merged[key] === undefined);
  const config = resolveConfig({ ...input, flags: { ...input.flags, ...Object.fromEntries(notSet.map((key) => [key, NOT_SET])) } });
  return { config, notSet };
}

/** Top-level keys every run must have. */
const REQUIRED_KEYS = ['base', 'contributed', 'benchmark', 'target', 'out'] as const;

/** defaults < config file < environment < flags, validated as one config. */
export function resolveConfig(input: { file?: string; flags: Layer; env?: NodeJS.ProcessEnv }): PipelineConfig {
  const merged = mergedSettings(input);
  const checked = PipelineConfigSchema.safeParse(merged);
  if (!checked.success) {
    const where = input.file === undefined ? '' : ` (settings from ${input.file}, the environment and flags)`;
    throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `${describeConfigProblems(checked.error.issues, merged)}${where}.`);
  }
  const config = parseConfig(merged, input.file === undefined ? 'settings' : `settings (from ${input.file}, the environment and flags)`);
  if (config.contributor.wallet !== undefined) config.contributor.wallet = checkContributorAddress(config.contributor.wallet);
  return config;
}
