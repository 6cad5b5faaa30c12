import type { Command } from 'commander';
import { displayConfig } from '@hokusai/orchestrator';
import { resolveConfig } from '../config/load-config.js';
import type { Output } from '../output.js';

export function registerConfigCommand(program: Command, output: Output): void {
  const config = program.command('config').description('show or check the resolved configuration');
  config
    .command('show')
    .description('print the resolved config (defaults < file < environment < flags), secrets masked')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .addHelpText('after', '\nExample:\n  hokusai config show --config hokusai.yaml')
    .action((flags: { config?: string }) => {
      const resolved = displayConfig(resolveConfig({ ...(flags.config === undefined ? {} : { file: flags.config }), flags: {} }));
      output.result(resolved, JSON.stringify(resolved, null, 2));
    });
  config
    .command('validate <file>')
    .description('check a config file: unknown keys and wrong types are named with the file')
    .addHelpText('after', '\nExample:\n  hokusai config validate hokusai.yaml')
    .action((file: string) => {
      const resolved = displayConfig(resolveConfig({ file, flags: {} }));
      output.result({ valid: true, file, config: resolved }, `${file}: valid`);
    });
}
