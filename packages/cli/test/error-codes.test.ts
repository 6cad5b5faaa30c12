import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_ERROR_KINDS, CoreError, HokusaiError, type ErrorKind } from '@hokusai/core';
import { ATTESTATION_ERROR_KINDS, AttestationError } from '@hokusai/attestation';
import { DATA_INTEGRATION_ERROR_KINDS, DataIntegrationError } from '@hokusai/data-integration';
import { EVALUATION_ERROR_KINDS, EvaluationError } from '@hokusai/evaluation';
import { ORCHESTRATOR_ERROR_KINDS, OrchestratorError } from '@hokusai/orchestrator';
import { SERVER_ERROR_KINDS, ServerError } from '@hokusai/server';
import { TRACKING_ERROR_KINDS, TrackingError } from '@hokusai/tracking';
import { TRAINING_ERROR_KINDS, TrainingError } from '@hokusai/training';
import { CLI_ERROR_KINDS, CliError } from '../src/cli-error.js';
import { REPORT_ERROR_KINDS, ReportRenderError } from '../src/report/report-error.js';
import { EXIT, exitCodeFor } from '../src/index.js';

/** Each package's table of codes, and how its own error class is made from a code. */
const packages: { name: string; kinds: Record<string, ErrorKind>; make: (code: string) => HokusaiError }[] = [
  { name: '@hokusai/core', kinds: CORE_ERROR_KINDS, make: (c) => new CoreError(c as keyof typeof CORE_ERROR_KINDS, 'm') },
  { name: '@hokusai/data-integration', kinds: DATA_INTEGRATION_ERROR_KINDS, make: (c) => new DataIntegrationError(c as keyof typeof DATA_INTEGRATION_ERROR_KINDS, 'm') },
  { name: '@hokusai/training', kinds: TRAINING_ERROR_KINDS, make: (c) => new TrainingError(c as keyof typeof TRAINING_ERROR_KINDS, 'm') },
  { name: '@hokusai/evaluation', kinds: EVALUATION_ERROR_KINDS, make: (c) => new EvaluationError(c as keyof typeof EVALUATION_ERROR_KINDS, 'm') },
  { name: '@hokusai/attestation', kinds: ATTESTATION_ERROR_KINDS, make: (c) => new AttestationError(c as keyof typeof ATTESTATION_ERROR_KINDS, 'm') },
  { name: '@hokusai/tracking', kinds: TRACKING_ERROR_KINDS, make: (c) => new TrackingError(c as keyof typeof TRACKING_ERROR_KINDS, 'm') },
  { name: '@hokusai/orchestrator', kinds: ORCHESTRATOR_ERROR_KINDS, make: (c) => new OrchestratorError(c as keyof typeof ORCHESTRATOR_ERROR_KINDS, 'm') },
  { name: '@hokusai/server', kinds: SERVER_ERROR_KINDS, make: (c) => new ServerError(c as keyof typeof SERVER_ERROR_KINDS, 'm') },
  { name: '@hokusai/cli', kinds: CLI_ERROR_KINDS, make: (c) => new CliError(c as keyof typeof CLI_ERROR_KINDS, 'm') },
  { name: '@hokusai/cli (report)', kinds: REPORT_ERROR_KINDS, make: (c) => new ReportRenderError(c as keyof typeof REPORT_ERROR_KINDS, 'm') },
];

/** The documented exit code of each kind (README, "Exit codes"). */
const EXIT_OF_KIND: Record<ErrorKind, number> = { input: EXIT.badInput, transient: EXIT.internal, internal: EXIT.internal };
/** Codes whose exit code is not their kind's: a run stopped by Ctrl-C exits as shells expect. */
const EXIT_OF_CODE: Record<string, number> = { HOKUSAI_RUN_CANCELLED: EXIT.interrupted };
const exitOf = (code: string, kind: ErrorKind): number => EXIT_OF_CODE[code] ?? EXIT_OF_KIND[kind];

const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'ERRORS.md');

function errorsDocument(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error a Hokusai package raises has a stable `code`, unique across the packages, and one',
    '`kind`, which decides what happens next: `input` (the data, config or files given are wrong; fix',
    'them), `transient` (a fault that passes, such as a lost worker or Redis away; the engine retries',
    'the step when it has retries left, and running the command again may work), `internal` (a fault',
    'in Hokusai or in its stored state; please report it). The `hokusai` command exits 2 for `input`',
    'and 3 for `transient` and `internal`. Untyped file-system refusals (a path missing, unreadable,',
    'read-only or full) count as `input`; any other untyped error as `internal`. A run stopped by',
    'Ctrl-C (`HOKUSAI_RUN_CANCELLED`) exits 130, as shells report SIGINT.',
    '',
    'The REST server (`hokusai serve`) answers its own codes with the HTTP status its table gives',
    '(`SERVER_ERROR_STATUS`, 4xx for `input`, 429 or 503 for `transient`, 5xx for `internal`) and any',
    'other package\'s code by its kind: 422 for `input`, 503 for `transient`, 500 for `internal`.',
    '',
    'This file is generated from the packages\' tables by `packages/cli/test/error-codes.test.ts`',
    '(run it with `UPDATE_ERRORS_MD=1` after changing a table).',
    '',
    '| code | kind | exit code | package |',
    '|---|---|---|---|',
  ];
  const rows = packages.flatMap((p) => Object.entries(p.kinds).map(([code, kind]) => ({ code, kind, pkg: p.name })));
  rows.sort((a, b) => (a.code < b.code ? -1 : 1));
  for (const r of rows) lines.push(`| \`${r.code}\` | ${r.kind} | ${exitOf(r.code, r.kind)} | ${r.pkg} |`);
  return `${lines.join('\n')}\n`;
}

describe('error codes', () => {
  it('are unique across the packages', () => {
    const owner = new Map<string, string>();
    const repeated: string[] = [];
    for (const p of packages) {
      for (const code of Object.keys(p.kinds)) {
        const first = owner.get(code);
        if (first !== undefined) repeated.push(`${code} (${first} and ${p.name})`);
        else owner.set(code, p.name);
      }
    }
    expect(repeated).toEqual([]);
  });

  it('each give their documented kind and exit code when raised by their own package', () => {
    for (const p of packages) {
      for (const [code, kind] of Object.entries(p.kinds)) {
        const error = p.make(code);
        expect(HokusaiError.isInstance(error), code).toBe(true);
        expect(error.kind, code).toBe(kind);
        expect(exitCodeFor(error), code).toBe(exitOf(code, kind));
        // The kind survives the JSON form the error crosses threads and queues in.
        expect(exitCodeFor(HokusaiError.fromJSON(JSON.stringify(error))), code).toBe(exitOf(code, kind));
      }
    }
  });

  it('are listed in ERRORS.md, code by code, with their kind and exit code', () => {
    const expected = errorsDocument();
    if (process.env.UPDATE_ERRORS_MD === '1') writeFileSync(docPath, expected);
    expect(existsSync(docPath)).toBe(true);
    expect(readFileSync(docPath, 'utf8')).toBe(expected);
  });

  it('the lost-worker, lost-job, closed-executor and unreachable-Redis failures are not bad input; a bad hook name is', () => {
    for (const code of ['HOKUSAI_WORKER_LOST', 'HOKUSAI_JOB_LOST', 'HOKUSAI_EXECUTOR_CLOSED', 'HOKUSAI_REDIS_UNREACHABLE'] as const) {
      expect(exitCodeFor(new OrchestratorError(code, 'm')), code).toBe(EXIT.internal);
    }
    expect(exitCodeFor(new OrchestratorError('HOKUSAI_HOOK_UNKNOWN', 'm'))).toBe(EXIT.badInput);
  });
});
