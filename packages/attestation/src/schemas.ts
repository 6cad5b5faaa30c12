import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from './circuit-source.js';

export const ATTESTATION_SCHEMA_FILE = 'attestation-1.0.schema.json';
export const ZK_OUTPUT_V1_SCHEMA_FILE = 'zk-output-v1.schema.json';

/** Absolute path of a JSON Schema shipped in the package's schema/ folder. */
export function schemaPath(file: string): string {
  return join(PACKAGE_ROOT, 'schema', file);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Each schema is compiled on first use only: compiling costs far more than validating. */
function validator(file: string): ValidateFunction {
  const hit = compiled.get(file);
  if (hit !== undefined) return hit;
  if (ajv === undefined) {
    // optimize: false skips Ajv's passes over the generated code: the same checks, compiled in
    // 45 ms instead of 60–70 (and less of V8's optimizing compiler on that code, run once a run).
    ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, code: { optimize: false } });
    // ajv-formats is not a dependency; date-time is the only format the schemas use.
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  }
  const v = ajv.compile(JSON.parse(readFileSync(schemaPath(file), 'utf8')) as object);
  compiled.set(file, v);
  return v;
}

/**
 * Compiles both schemas now (each is otherwise compiled on its first use, about 45 ms together).
 * For a caller with idle time before its first validation: the pipeline calls it while its
 * loader threads parse, so the run's last steps, which validate what they write, do not compile.
 */
export function compileSchemas(): void {
  validator(ATTESTATION_SCHEMA_FILE);
  validator(ZK_OUTPUT_V1_SCHEMA_FILE);
}

function describe(validate: ValidateFunction): string | null {
  if (validate.errors === null || validate.errors === undefined || validate.errors.length === 0) return null;
  return validate.errors
    .slice(0, 5)
    .map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
    .join('; ');
}

/** null when valid, else the first problems with their JSON pointers. */
export function validateAttestationJson(value: unknown): string | null {
  const v = validator(ATTESTATION_SCHEMA_FILE);
  return v(value) ? null : (describe(v) ?? 'invalid');
}

export function validateZkOutputV1(value: unknown): string | null {
  const v = validator(ZK_OUTPUT_V1_SCHEMA_FILE);
  return v(value) ? null : (describe(v) ?? 'invalid');
}
