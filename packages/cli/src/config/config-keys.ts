import { z } from 'zod';
import { PipelineConfigSchema } from '@hokusai/orchestrator';

/** One settable key of the pipeline config, as the reference and `hokusai config keys` list it. */
export interface ConfigKey {
  /** Dotted path, e.g. `pii.mode`. */
  key: string;
  /** The accepted values in words: `string`, `integer >= 0`, `hash | redact | drop | fail`. */
  type: string;
  required: boolean;
  /** The default as JSON, or null when the key has none. */
  default: string | null;
  description: string;
  /** The `hokusai run` flag that sets it, when one does. */
  flag: string | null;
}

/** Flags of `hokusai run` and the config keys they set. */
export const FLAG_FOR_KEY: Readonly<Record<string, string>> = {
  base: '--base',
  contributed: '--contributed',
  benchmark: '--benchmark',
  target: '--target',
  out: '--out',
  seed: '--seed',
  'model.family': '--model',
  baselineModel: '--baseline-model',
  exclude: '--exclude',
  'pii.mode': '--pii-mode',
  'proof.enabled': '--no-proof',
  'proof.inference': '--prove-inference, --no-prove-inference',
  overwrite: '--overwrite',
  'contributor.wallet': '--contributor',
  'contributor.id': '--contributor-id',
};

/** Descriptions of keys whose schema carries none (the schema stays the source of the rest). */
const FALLBACK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  seed: 'seed of every random choice (splits, initialisation, bootstrap); same seed, same results',
  task: 'the prediction task',
  model: 'the model family and its parameters',
  'model.family': 'model family: logistic_regression, mlp, gbdt, or one registered with registerModel()',
  'model.params': "the family's parameters (see the training package's README)",
  search: 'hyperparameter search on the base data',
  'search.strategy': 'how candidates are chosen',
  'search.space': 'per parameter: { values: [...] } or { min, max, log?, int? }',
  'search.trials': 'candidates tried (random search)',
  'search.metric': 'what the search optimises on its validation split',
  'search.validationFraction': 'share of the base data held out to score candidates',
  pii: 'how personal data in the inputs is treated',
  'pii.mode': 'hash: keyed HMAC; redact: replace with a marker; drop: remove the column; fail: refuse the file',
  quality: 'the data-quality gate',
  'quality.threshold': 'contributed data scoring below this quality is rejected',
  delta: 'how the two models are compared',
  'delta.primaryMetric': 'the metric DeltaOne is measured on',
  'delta.thresholdPp': 'minimum DeltaOne (percentage points) to accept',
  'delta.alpha': 'significance level; intervals are at 1 - alpha',
  'delta.minSamples': 'fewest benchmark rows a decision is made on',
  'delta.bootstrapResamples': 'bootstrap resamples for confidence intervals (at least 1)',
  acceptance: 'what else a contribution must satisfy',
  resources: 'what the run may use of the machine',
  proof: 'the Groth16 proof of the accuracy counts',
  'proof.enabled': 'prove the counts (false: no proof, as --no-proof)',
  'proof.circuitN': 'benchmark rows per proof chunk',
  tracking: 'MLflow tracking',
  'tracking.experiment': 'MLflow experiment name (or MLFLOW_EXPERIMENT_NAME)',
  contributor: 'who contributed the data',
  'contributor.id': "the contributor's id",
  'contributor.wallet': "the contributor's Ethereum address (EIP-55 checked)",
  overwrite: 'replace an existing Hokusai output folder at `out`',
  concurrency: 'steps run at once',
};

type Schema = z.ZodType;

/** Strips optional/default wrappers, collecting whether the key may be left out and its default. */
function unwrap(schema: Schema): { inner: Schema; optional: boolean; default: unknown; description: string | undefined } {
  let inner = schema;
  let optional = false;
  let fallback: unknown;
  let description = schema.description;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      optional = true;
      if (fallback === undefined) fallback = (inner as z.ZodDefault<Schema>).def.defaultValue;
      inner = (inner as z.ZodDefault<Schema>).unwrap() as Schema;
    } else if (inner instanceof z.ZodOptional) {
      optional = true;
      inner = (inner as z.ZodOptional<Schema>).unwrap() as Schema;
    } else break;
    description ??= inner.description;
  }
  return { inner, optional, default: fallback, description };
}

/** One choice of a union; beside a literal ('auto'), a boolean reads as its two values. */
function choiceOf(schema: Schema, besideLiteral: boolean): string {
  if (schema instanceof z.ZodLiteral) return [...(schema.values as Set<unknown>)].map(String).join(' | ');
  if (schema instanceof z.ZodBoolean && besideLiteral) return 'true | false';
  return typeOf(schema);
}

function typeOf(schema: Schema): string {
  if (schema instanceof z.ZodEnum) return (schema.options as string[]).join(' | ');
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodString) return 'string';
  if (schema instanceof z.ZodNumber) {
    const checks = (schema._zod.def.checks ?? []).map((c) => c._zod.def as { check: string; value?: unknown; inclusive?: boolean });
    const bounds = checks
      .filter((c) => (c.check === 'greater_than' || c.check === 'less_than') && typeof c.value === 'number')
      .map((c) => `${c.check === 'greater_than' ? '>' : '<'}${c.inclusive === true ? '=' : ''} ${String(c.value)}`);
    return [schema.isInt === true ? 'integer' : 'number', ...bounds].join(' ');
  }
  // A choice of literals and types (proof.inference: 'auto' or a boolean) lists each choice.
  if (schema instanceof z.ZodUnion) {
    const options = schema.options as Schema[];
    const literal = options.some((o) => o instanceof z.ZodLiteral);
    return options.map((o) => choiceOf(o, literal)).join(' | ');
  }
  if (schema instanceof z.ZodArray) return `list of ${typeOf(schema.element as Schema)}`;
  if (schema instanceof z.ZodRecord) return 'map';
  if (schema instanceof z.ZodObject) return 'object';
  return 'value';
}

/** Every key of `PipelineConfigSchema`, nested objects flattened into dotted keys, in schema order. */
export function configKeys(): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const walk = (shape: Record<string, Schema>, prefix: string, parentOptional: boolean): void => {
    for (const [name, field] of Object.entries(shape)) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      const { inner, optional, default: fallback, description } = unwrap(field);
      const isObject = inner instanceof z.ZodObject;
      keys.push({
        key,
        type: typeOf(inner),
        required: !optional && !parentOptional,
        default: fallback === undefined || isObject ? null : JSON.stringify(fallback),
        description: description ?? FALLBACK_DESCRIPTIONS[key] ?? '',
        flag: FLAG_FOR_KEY[key] ?? null,
      });
      if (isObject) walk((inner as z.ZodObject).shape as Record<string, Schema>, key, parentOptional || optional);
    }
  };
  walk(PipelineConfigSchema.shape as Record<string, Schema>, '', false);
  return keys;
}

/** The keys directly under `prefix` (top-level keys for ''), for "did you mean" on a typo. */
export function keysUnder(prefix: string): string[] {
  const depth = prefix === '' ? 0 : prefix.split('.').length;
  return configKeys()
    .filter((k) => (prefix === '' || k.key.startsWith(`${prefix}.`)) && k.key.split('.').length === depth + 1)
    .map((k) => k.key.split('.').pop() as string);
}

/** A key's default as shown in help text ("42", "hash"), or undefined. */
export function defaultOf(key: string): string | undefined {
  const found = configKeys().find((k) => k.key === key)?.default;
  if (found === undefined || found === null) return undefined;
  const value: unknown = JSON.parse(found);
  return typeof value === 'string' ? value : found;
}

/** The enum values a key accepts, or undefined when it is not an enum. */
export function choicesOf(key: string): string[] | undefined {
  const type = configKeys().find((k) => k.key === key)?.type;
  return type !== undefined && type.includes(' | ') ? type.split(' | ') : undefined;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated reference, docs/config-keys.md. */
export function configKeysMarkdown(): string {
  const rows = configKeys().map((k) => `| \`${k.key}\` | ${cell(k.type)} | ${k.required ? 'yes' : ''} | ${k.default === null ? '' : `\`${cell(k.default)}\``} | ${k.flag === null ? '' : `\`${k.flag}\``} | ${cell(k.description)} |`);
  return [
    '# Config keys',
    '',
    '<!-- Generated from PipelineConfigSchema by `hokusai config keys --markdown`; a test fails when it is out of date. -->',
    '',
    'Every key a config file (YAML or JSON) may hold. Nested keys are written nested in the file',
    '(`pii: { mode: drop }`). Precedence: defaults < config file < environment < flags.',
    'Environment: `HOKUSAI_PII_KEY` (`pii.key`), `HOKUSAI_SEED` (`seed`), `MLFLOW_TRACKING_URI`',
    '(`tracking.uri`), `MLFLOW_EXPERIMENT_NAME` (`tracking.experiment`).',
    '',
    '| key | type | required | default | flag | what it does |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
