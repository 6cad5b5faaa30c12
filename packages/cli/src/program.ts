import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerRunCommand } from './commands/run-command.js';
import { registerVerifyCommand } from './commands/verify-command.js';
import { registerConfigCommand } from './commands/config-command.js';
import { registerResumeCommand } from './commands/resume-command.js';
import { registerBenchmarkCommand } from './commands/benchmark-command.js';
import { registerZkCommand } from './commands/zk-command.js';
import { registerTrackingCommand } from './commands/tracking-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerCompletionCommand } from './commands/completion-command.js';
import { registerValidateCommand } from './commands/validate-command.js';
import { registerRunsCommand } from './commands/runs-command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { Output } from './output.js';
import { CliError } from './cli-error.js';
import type { KnownFileHash } from '@hokusai/data-integration';

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Builds the `hokusai` program; `main` runs it and maps every outcome to a documented exit code. */
export function buildProgram(options: MainOptions = {}): { program: Command; output: Output } {
  const program = new Command('hokusai');
  const output = new Output(() => {
    const o = program.opts<{ json?: boolean; quiet?: boolean; verbose?: boolean; color?: boolean }>();
    return { json: o.json === true, quiet: o.quiet === true, verbose: o.verbose === true, color: o.color !== false && !process.env.NO_COLOR };
  });
  program
    .description('Does this contributed data make the model better, and by how much? Evidence a stranger can check.')
    .version(version)
    .option('--json', 'print one machine-readable JSON result on stdout (logs go to stderr)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('-v, --verbose', 'print progress details and stack traces')
    .option('--no-color', 'plain text without colors')
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hokusai run --base base.csv --contributed new.csv --benchmark bench.csv --target churned --out results/',
        '  hokusai verify results/',
        '  hokusai runs list',
        '  hokusai <command> --help',
        '',
        'Exit codes: 0 success, 1 contribution rejected (or verification failed), 2 bad input or config, 3 internal error, 130 interrupted (Ctrl-C).',
      ].join('\n'),
    );
  registerRunCommand(program, output, options.inputHashes);
  registerVerifyCommand(program, output);
  registerValidateCommand(program, output);
  registerConfigCommand(program, output);
  registerResumeCommand(program, output);
  registerBenchmarkCommand(program, output);
  registerTrackingCommand(program, output);
  registerZkCommand(program, output);
  registerWorkerCommand(program, output);
  registerServeCommand(program, output);
  registerRunsCommand(program, output);
  registerCompletionCommand(program, output);
  // A mistyped flag or command gets commander's one-line error and its suggestion, then where
  // the full help is, instead of the whole help.
  const walk = (cmd: Command, path: string): void => {
    cmd.showHelpAfterError(`See \`${path} --help\` for the options.`);
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'hokusai');
  program.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c !== null && c !== program; c = c.parent) names.unshift(c.name());
    output.command = names.join(' ');
  });
  return { program, output };
}

/** The command path the arguments name ("run", "runs list"), as far as it is known. */
function typedCommand(program: Command, args: readonly string[]): string {
  const names: string[] = [];
  let cmd: Command = program;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub === undefined) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** What `main` is given besides the command line. */
export interface MainOptions {
  /** SHA-256s of a run's input files being computed already (see hashInputsEarly). */
  inputHashes?: ReadonlyMap<string, Promise<KnownFileHash | null>>;
}

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const { program, output } = buildProgram(options);
  try {
    await program.parseAsync(argv as string[]);
    const code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
    output.flush(code);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return EXIT.ok;
      // The command never started, so name it from the words that were typed.
      if (output.command === '') output.command = typedCommand(program, argv.slice(2));
      output.error(new CliError('HOKUSAI_USAGE', error.message.replace(/^error: /, '')), EXIT.badInput, { printed: true });
      return EXIT.badInput;
    }
    const code = exitCodeFor(error);
    output.error(error, code);
    return code;
  }
}
