import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { sizeText } from '@hokusai/core';
import { defaultStore, pruneFailedRuns, pruneTemporaries, RunStore, runState, type RunRecord, type RunState } from '@hokusai/orchestrator';
import { ReportDocumentSchema } from '@hokusai/orchestrator/report-schema';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';

/** One run of the store as `runs list` and `runs show` give it. */
export interface RunSummary {
  runId: string;
  /** `interrupted`: the run's process ended (killed) without recording an end; `hokusai resume` continues it. */
  status: RunState;
  /** accepted / rejected from the output folder's report.json; null until the run wrote it (or when it was moved). */
  verdict: 'accepted' | 'rejected' | null;
  deltaOne: number | null;
  createdAt: string;
  out: string | null;
  /** report.html of the run, when it exists. */
  report: string | null;
  error: NonNullable<RunRecord['error']> | null;
}

const StoredParams = z.object({ config: z.object({ out: z.string() }).loose() }).loose();
// The verdict's part of report.json's one schema: the rest of the document does not decide a listing.
const ReportVerdict = ReportDocumentSchema.pick({ run_id: true, delta_one: true, verdict: true });

function summarize(record: RunRecord): RunSummary {
  const params = StoredParams.safeParse(record.params);
  const out = params.success ? params.data.config.out : null;
  let verdict: RunSummary['verdict'] = null;
  let deltaOne: number | null = null;
  let report: string | null = null;
  if (out !== null && existsSync(join(out, 'report.json'))) {
    try {
      const doc = ReportVerdict.safeParse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
      // The folder may hold a later run's output since: only this run's report counts.
      if (doc.success && doc.data.run_id === record.runId) {
        verdict = doc.data.verdict.accepted ? 'accepted' : 'rejected';
        deltaOne = doc.data.delta_one;
        if (existsSync(join(out, 'report.html'))) report = join(out, 'report.html');
      }
    } catch {
      // An unreadable report leaves the verdict unknown; the run record still lists.
    }
  }
  const status = runState(record);
  const interrupted = status === 'interrupted' ? { message: `its process (pid ${record.owner?.pid ?? '?'}) ended without recording an end: it was killed or the machine stopped` } : null;
  return { runId: record.runId, status, verdict, deltaOne, createdAt: record.createdAt, out, report, error: record.error ?? interrupted };
}

async function allRuns(storeRoot: string): Promise<RunSummary[]> {
  const store = new RunStore(storeRoot);
  const runs: RunSummary[] = [];
  for (const id of await store.listRuns()) {
    try {
      runs.push(summarize(await store.readRun(id)));
    } catch {
      // A folder without a readable run.json is not a run.
    }
  }
  return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.runId.localeCompare(b.runId));
}

async function oneRun(storeRoot: string, runId: string): Promise<RunSummary> {
  return summarize(await new RunStore(storeRoot).readRun(runId));
}

/** The program that opens a file in the default browser on this platform. */
export function platformOpener(platform: NodeJS.Platform = process.platform): { command: string; args: (file: string) => string[] } {
  if (platform === 'darwin') return { command: 'open', args: (f) => [f] };
  if (platform === 'win32') return { command: 'cmd', args: (f) => ['/c', 'start', '""', f] };
  return { command: 'xdg-open', args: (f) => [f] };
}

/** Starts the opener; false when it is not installed (or $HOKUSAI_OPENER names none). */
function openFile(file: string): Promise<boolean> {
  const custom = process.env.HOKUSAI_OPENER;
  const opener = custom === undefined || custom === '' ? platformOpener() : { command: custom, args: (f: string) => [f] };
  return new Promise((resolve) => {
    const child = spawn(opener.command, opener.args(file), { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

const AGE_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--older-than`: a whole number of minutes, hours, days or weeks (30m, 12h, 7d, 2w), in ms. */
export function parseAge(text: string): number {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (m === null) throw new CliError('HOKUSAI_USAGE', `--older-than takes a whole number and a unit (m, h, d or w: 30m, 12h, 7d, 2w), not ${JSON.stringify(text)}.`);
  return Number(m[1]) * (AGE_UNITS[m[2] as string] as number);
}

const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const signed = (v: number | null): string => (v === null ? '' : `DeltaOne ${v >= 0 ? '+' : ''}${v.toFixed(2)} pp`);

export function registerRunsCommand(program: Command, output: Output): void {
  const runs = program
    .command('runs')
    .description('the runs in the run store: list them, show one, open its report, prune failed ones')
    .addHelpText('after', '\nExamples:\n  hokusai runs list\n  hokusai runs show hk-3f2a9c0d1e4b5a6f7081\n  hokusai runs open hk-3f2a9c0d1e4b5a6f7081\n  hokusai runs prune --failed --older-than 7d\n  hokusai runs list --store /shared/hokusai-store');
  const storeOption = ['--store <folder>', 'run store folder (default: $HOKUSAI_STORE or .hokusai/store)'] as const;

  runs
    .command('list')
    .description('every run in the store, newest first: id, status, verdict, start time, output folder')
    .option(...storeOption)
    .addHelpText('after', '\nExamples:\n  hokusai runs list\n  hokusai --json runs list')
    .action(async (flags: { store?: string }) => {
      const store = flags.store ?? defaultStore();
      const list = await allRuns(store);
      const text =
        list.length === 0
          ? `no runs in ${store}`
          : list.map((r) => [r.runId, r.status.padEnd(11), (r.verdict ?? '-').padEnd(8), when(r.createdAt), r.out ?? ''].join('  ')).join('\n');
      output.result({ store, runs: list }, text);
    });

  runs
    .command('show <run-id>')
    .description('one run: status, verdict, output folder, report, the error of a failed run and how to resume it')
    .option(...storeOption)
    .addHelpText('after', '\nExample:\n  hokusai runs show hk-3f2a9c0d1e4b5a6f7081')
    .action(async (runId: string, flags: { store?: string }) => {
      const store = flags.store ?? defaultStore();
      const run = await oneRun(store, runId);
      const lines = [
        `run ${run.runId}: ${run.status}${run.verdict === null ? '' : `, ${run.verdict.toUpperCase()} ${signed(run.deltaOne)}`}`,
        `  started:  ${when(run.createdAt)}`,
        `  output:   ${run.out ?? 'unknown'}`,
        `  report:   ${run.report ?? 'none yet'}`,
        ...(run.error === null ? [] : [`  error:    ${run.error.step === undefined ? '' : `${run.error.step}: `}${run.error.code === undefined ? '' : `${run.error.code}: `}${run.error.message}`]),
        ...(run.status === 'finished' ? [] : [`  resume:   hokusai resume ${run.runId}${flags.store === undefined ? '' : ` --store ${flags.store}`}`]),
      ];
      output.result(run, lines.join('\n'));
    });

  runs
    .command('open <run-id>')
    .description("open the run's report.html in the browser (xdg-open, open or start; $HOKUSAI_OPENER overrides); prints the path when none can be started")
    .option(...storeOption)
    .addHelpText('after', '\nExample:\n  hokusai runs open hk-3f2a9c0d1e4b5a6f7081')
    .action(async (runId: string, flags: { store?: string }) => {
      const run = await oneRun(flags.store ?? defaultStore(), runId);
      if (run.report === null) {
        throw new CliError('HOKUSAI_REPORT_NOT_FOUND', `Run ${runId} has no report.html${run.out === null ? '' : ` in ${run.out}`} (status ${run.status}${run.status === 'finished' ? '; the folder was moved or replaced' : ''}).`);
      }
      const opened = await openFile(run.report);
      output.result({ runId, report: run.report, opened }, opened ? `opened ${run.report}` : `no browser opener found; the report is ${run.report}`);
    });

  runs
    .command('prune')
    .description("remove the failed runs nobody resumed (and the interrupted ones, whose process was killed): their record, step records and work folder (a streaming run's batch files); never a finished or running run, never an output folder. Also removes the temporary files a killed run left half-written in the store")
    .option('--failed', 'remove failed and interrupted runs (the only runs prune removes; required)')
    .option('--older-than <age>', 'only runs that failed at least this long ago: 30m, 12h, 7d, 2w (default: any age; temporary files of killed writers go at any age)')
    .option('--dry-run', 'list what would be removed and remove nothing')
    .option(...storeOption)
    .addHelpText('after', '\nExamples:\n  hokusai runs prune --failed --older-than 7d --dry-run\n  hokusai runs prune --failed --older-than 7d')
    .action(async (flags: { failed?: boolean; olderThan?: string; dryRun?: boolean; store?: string }) => {
      if (flags.failed !== true) throw new CliError('HOKUSAI_USAGE', 'Say which runs to prune: `hokusai runs prune --failed` removes failed runs (finished and running runs are never removed).');
      const store = flags.store ?? defaultStore();
      const dryRun = flags.dryRun === true;
      const pruned = await pruneFailedRuns(store, { ...(flags.olderThan === undefined ? {} : { olderThanMs: parseAge(flags.olderThan) }), dryRun });
      const temporaries = await pruneTemporaries(store, { dryRun });
      const workBytes = pruned.reduce((n, r) => n + r.workBytes, 0);
      const temporaryBytes = temporaries.reduce((n, t) => n + t.bytes, 0);
      const verb = dryRun ? 'would remove' : 'removed';
      const lines = pruned.map((r) => `${verb} ${r.runId}  ${r.status === 'failed' ? 'failed' : 'interrupted, started'} ${when(r.failedAt)}  work folder ${sizeText(r.workBytes)}`);
      lines.push(pruned.length === 0 ? `no failed runs to prune in ${store}` : `${verb} ${pruned.length} failed run(s), ${sizeText(workBytes)} of work folders`);
      if (temporaries.length > 0) lines.push(`${verb} ${temporaries.length} temporary file(s) killed writers left, ${sizeText(temporaryBytes)}`);
      output.result({ store, dryRun, pruned, temporaries, freedBytes: workBytes + temporaryBytes }, lines.join('\n'));
    });
}
