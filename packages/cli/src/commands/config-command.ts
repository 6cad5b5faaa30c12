import type { Command } from 'commander';
import { displayConfig } from '@hokusai/orchestrator';
import { configKeys, configKeysMarkdown } from '../config/config-keys.js';
import { resolveConfig, resolveConfigForDisplay } from '../config/load-config.js';
import type { Output } from '../output.js';

export function registerConfigCommand(program: Command, output: Output): void {
  const config = program
    .command('config')
    .description('show or check the resolved configuration, and list every config key')
    .addHelpText('after', '\nExamples:\n  hokusai config show\n  hokusai config show --config hokusai.yaml\n  hokusai config validate hokusai.yaml\n  hokusai config keys');
  config
    .command('show')
    .description('print the resolved config (defaults < file < environment < flags), secrets masked; works without a file')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .addHelpText('after', '\nExamples:\n  hokusai config show\n  hokusai config show --config hokusai.yaml')
    .action((flags: { config?: string }) => {
      const { config: resolved, notSet } = resolveConfigForDisplay({ ...(flags.config === undefined ? {} : { file: flags.config }), flags: {} });
      const shown = displayConfig(resolved);
      const note = notSet.length === 0 ? '' : `\n\nnot set: ${notSet.join(', ')} (required by \`hokusai run\`: pass them as flags or set them in a --config file)`;
      output.result({ config: shown, notSet }, `${JSON.stringify(shown, null, 2)}${note}`);
    });
  config
    .command('validate <file>')
    .description('check a config file: unknown keys and wrong types are named with the file')
    .addHelpText('after', '\nExample:\n  hokusai config validate hokusai.yaml')
    .action((file: string) => {
      const resolved = displayConfig(resolveConfig({ file, flags: {} }));
      output.result({ valid: true, file, config: resolved }, `${file}: valid`);
    });
  config
    .command('keys')
    .description('every config key: type, default, the flag that sets it, what it does (generated from the schema)')
    .option('--markdown', 'print the reference as Markdown (docs/config-keys.md)')
    .addHelpText('after', '\nExamples:\n  hokusai config keys\n  hokusai config keys --markdown > docs/config-keys.md')
    .action((flags: { markdown?: boolean }) => {
      const keys = configKeys();
      const width = Math.max(...keys.map((k) => k.key.length));
      const text =
        flags.markdown === true
          ? configKeysMarkdown().trimEnd()
          : keys
              .map((k) => `${k.key.padEnd(width)}  ${k.type}${k.required ? ', required' : ''}${k.default === null ? '' : `, default ${k.default}`}${k.flag === null ? '' : `, flag ${k.flag}`}${k.description === '' ? '' : `\n${' '.repeat(width + 2)}${k.description}`}`)
              .join('\n');
      output.result({ keys }, text);
    });
}
