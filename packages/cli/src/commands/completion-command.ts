import type { Command } from 'commander';
import type { Output } from '../output.js';

/** Every command path with its options, read from the program itself so completion never drifts. */
function commandTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (cmd: Command, path: string): void => {
    const words = [...cmd.commands.map((c) => c.name()), ...cmd.options.map((o) => o.long ?? o.short ?? '').filter(Boolean), '--help'];
    table.set(path, words);
    for (const sub of cmd.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  return table;
}

export function bashCompletion(program: Command): string {
  const cases = [...commandTable(program)]
    .map(([path, words]) => `    "${path}") words="${words.join(' ')}" ;;`)
    .join('\n');
  return `# hokusai bash completion: source <(hokusai completion bash)
_hokusai() {
  local cur path="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  if [ -z "$words" ]; then COMPREPLY=($(compgen -f -- "$cur")); else COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur")); fi
}
complete -F _hokusai hokusai
`;
}

export function registerCompletionCommand(program: Command, output: Output): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash; zsh through bashcompinit)')
    .addHelpText('after', '\nExample:\n  source <(hokusai completion bash)')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw Object.assign(new Error(`No completion for shell "${shell}": use bash or zsh.`), { code: 'HOKUSAI_USAGE' });
      const script = shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bashCompletion(program)}` : bashCompletion(program);
      output.result({ shell, script }, script);
    });
}
