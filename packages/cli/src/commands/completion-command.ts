import type { Command } from 'commander';
import { choicesOf } from '../config/config-keys.js';
import { CliError } from '../cli-error.js';
import type { Output } from '../output.js';

interface CommandEntry {
  path: string;
  subcommands: string[];
  /** Every flag, long form where there is one. */
  flags: string[];
  /** Flags that take a value: the word after them is that value, not a command. */
  valueFlags: string[];
}

/** Every command path with its options, read from the program itself so completion never drifts. */
function commandTable(program: Command): CommandEntry[] {
  const table: CommandEntry[] = [];
  const walk = (cmd: Command, path: string): void => {
    const options = [...cmd.options, ...(path === '' ? [] : program.options)];
    table.push({
      path,
      subcommands: cmd.commands.map((c) => c.name()),
      flags: [...new Set([...options.map((o) => o.long ?? o.short ?? '').filter(Boolean), '--help'])],
      valueFlags: options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)),
    });
    for (const sub of cmd.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  return table;
}

/** The values a flag takes, completed after it; other value flags complete file names. */
export function flagValues(families: readonly string[]): Record<string, string[]> {
  return {
    '--model': [...families],
    '--pii-mode': choicesOf('pii.mode') ?? [],
    '--task': ['binary', 'multiclass'],
  };
}

export function bashCompletion(program: Command, families: readonly string[]): string {
  const table = commandTable(program);
  const cases = table.map((e) => `    "${e.path}") words="${[...e.subcommands, ...e.flags].join(' ')}" ;;`).join('\n');
  const valueFlags = [...new Set(table.flatMap((e) => e.valueFlags))];
  const values = Object.entries(flagValues(families))
    .map(([flag, words]) => `    ${flag}) COMPREPLY=($(compgen -W "${words.join(' ')}" -- "$cur")); return ;;`)
    .join('\n');
  return `# hokusai bash completion: source <(hokusai completion bash)
_hokusai() {
  local cur prev path="" i skip=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command path is the words that are neither flags nor a flag's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "\${COMP_WORDS[i]}" in
      ${valueFlags.join('|')}) skip=1 ;;
      -*) ;;
      *) path="\${path:+$path }\${COMP_WORDS[i]}" ;;
    esac
  done
  case "$prev" in
${values}
    ${valueFlags.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local words=""
  case "$path" in
${cases}
  esac
  if [ -z "$words" ]; then COMPREPLY=($(compgen -f -- "$cur")); else COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur")); fi
}
complete -F _hokusai hokusai
`;
}

const fishQuote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function fishCompletion(program: Command, families: readonly string[]): string {
  const values = flagValues(families);
  const lines = ['# hokusai fish completion: hokusai completion fish | source', 'complete -c hokusai -f'];
  for (const entry of commandTable(program)) {
    const words = entry.path === '' ? [] : entry.path.split(' ');
    // Fish knows no command paths: each word of the path must have been typed (`runs show` and
    // `config show` differ by their first word).
    const seen = words.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
    const command = findCommand(program, words);
    if (entry.subcommands.length > 0) {
      const condition = words.length === 0 ? '__fish_use_subcommand' : `${seen}; and not __fish_seen_subcommand_from ${entry.subcommands.join(' ')}`;
      for (const sub of command?.commands ?? []) lines.push(`complete -c hokusai -n ${fishQuote(condition)} -a ${sub.name()} -d ${fishQuote(sub.description())}`);
    }
    if (words.length === 0) continue;
    for (const option of command?.options ?? []) {
      const name = option.long?.replace(/^--/, '');
      if (name === undefined) continue;
      const known = values[option.long as string];
      const what = known !== undefined ? ` -x -a ${fishQuote(known.join(' '))}` : option.required || option.optional ? ' -r -F' : '';
      lines.push(`complete -c hokusai -n ${fishQuote(seen)} -l ${name}${option.short === undefined ? '' : ` -s ${option.short.replace(/^-/, '')}`}${what} -d ${fishQuote(option.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function findCommand(program: Command, words: readonly string[]): Command | undefined {
  let cmd: Command | undefined = program;
  for (const word of words) cmd = cmd?.commands.find((c) => c.name() === word);
  return cmd;
}

export function registerCompletionCommand(program: Command, output: Output): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script: bash, zsh (through bashcompinit) or fish; completes commands, flags and the values of --model and --pii-mode')
    .addHelpText('after', '\nExamples:\n  source <(hokusai completion bash)      # in ~/.bashrc\n  source <(hokusai completion zsh)       # in ~/.zshrc\n  hokusai completion fish > ~/.config/fish/completions/hokusai.fish')
    .action(async (shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') throw new CliError('HOKUSAI_USAGE', `No completion for shell "${shell}": use bash, zsh or fish.`);
      const { registeredModels } = await import('@hokusai/training');
      const families = registeredModels();
      const script =
        shell === 'fish' ? fishCompletion(program, families) : shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bashCompletion(program, families)}` : bashCompletion(program, families);
      output.result({ shell, script }, script);
    });
}
